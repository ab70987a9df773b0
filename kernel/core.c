// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path. Netfilter hooks, registered per network namespace when
 * its first service appears:
 *
 *   LOCAL_IN  (after the filter table)  client -> VIP: find or make the
 *             connection, schedule a real server, forward (xmit.c).
 *   FORWARD, LOCAL_OUT                  real server -> client: NAT replies
 *             get the VIP back as their source.
 *
 * Everything here runs under RCU with no lock of its own; packets we
 * forwarded carry skb->ipvs_property so that no later hook, ours or the
 * in-tree IPVS's, touches them again.
 */

#include <linux/icmp.h>
#include <linux/inetdevice.h>
#include <linux/netfilter_ipv4.h>
#include <net/icmp.h>
#include <net/ip.h>

#include "conn.h"
#include "core.h"
#include "netlink.h"
#include "proto.h"
#include "sched.h"
#include "xmit.h"

struct vs_l4 {
	unsigned int thoff;
	u8 protocol;
	u8 tcp_flags;
	__be16 sport;
	__be16 dport;
};

/* Ports and TCP flags of an unfragmented TCP or UDP packet. */
static bool parse_l4(const struct sk_buff *skb, struct vs_l4 *l4)
{
	const struct iphdr *iph = ip_hdr(skb);
	__be16 _ports[2];
	const __be16 *ports;

	if (ip_is_fragment(iph))
		return false;
	l4->protocol = iph->protocol;
	l4->thoff = skb_network_offset(skb) + ip_hdrlen(skb);
	l4->tcp_flags = 0;
	/* A header cut short is not ours to forward, nor to open a connection. */
	if (l4->protocol == IPPROTO_TCP) {
		struct tcphdr _th;
		const struct tcphdr *th;

		th = skb_header_pointer(skb, l4->thoff, sizeof(_th), &_th);
		if (!th || th->doff < sizeof(_th) / 4 ||
		    skb->len < l4->thoff + th->doff * 4)
			return false;
		l4->tcp_flags = tcp_flag_byte(th);
	} else if (l4->protocol != IPPROTO_UDP ||
		   skb->len < l4->thoff + sizeof(struct udphdr)) {
		return false;
	}
	ports = skb_header_pointer(skb, l4->thoff, sizeof(_ports), _ports);
	if (!ports)
		return false;
	l4->sport = ports[0];
	l4->dport = ports[1];
	return true;
}

/*
 * A segment that may open a connection: SYN without RST. A SYN-ACK counts
 * too, as in IPVS: in active FTP behind direct routing the client answers
 * the server's data connection with a SYN-ACK to VIP:20.
 */
static bool is_syn(const struct vs_l4 *l4)
{
	return (l4->tcp_flags & (TCPHDR_SYN | TCPHDR_RST)) == TCPHDR_SYN;
}

static void count_packet(const struct vs_conn *cp, bool in, unsigned int len)
{
	vs_stats_packet(&cp->dest->stats, in, len);
	vs_stats_packet(&cp->dest->svc->stats, in, len);
}

static void tcp_transition(struct vs_conn *cp, enum vs_dir_tcp dir, u8 flags)
{
	u8 state = READ_ONCE(cp->state);

	vs_conn_set_state(cp, vs_tcp_next_state(state, dir, flags));
}

/* May a persistent client keep going to the server its entry names? */
static bool tmpl_usable(struct vs_net *vn, const struct vs_conn *tmpl)
{
	const struct vs_dest *dest = tmpl->dest;

	if (test_bit(VS_DEST_F_DEAD, &dest->flags))
		return false;
	return READ_ONCE(dest->weight) ||
	       !READ_ONCE(vn->expire_quiescent_template);
}

static struct vs_dest *pick(struct vs_service *svc, const struct vs_pkt *pkt)
{
	struct vs_sched_state *st = rcu_dereference(svc->sched);

	return st ? st->ops->schedule(svc, st, pkt) : NULL;
}

/* The persistence entry for this client, found or made; a reference held. */
static struct vs_conn *persist(struct vs_net *vn, struct vs_service *svc,
			       const struct vs_pkt *pkt)
{
	struct vs_conn_key key;
	struct vs_conn *tmpl;
	struct vs_dest *dest;

	vs_tmpl_key(&key, svc, pkt->saddr.ip, pkt->daddr.ip);
	tmpl = vs_tmpl_get(vn, &key);
	if (tmpl) {
		if (tmpl_usable(vn, tmpl)) {
			WRITE_ONCE(tmpl->expires,
				   jiffies + READ_ONCE(svc->timeout) * HZ);
			return tmpl;
		}
		vs_conn_kill(vn, tmpl);
		vs_tmpl_put(tmpl);
	}
	dest = pick(svc, pkt);
	if (!dest)
		return NULL;
	/* A new entry comes with our reference, taken before it was seen. */
	tmpl = vs_conn_new(vn, &key, dest, NULL, VS_CONN_F_TMPL, VS_TCP_S_NONE, 0);
	if (IS_ERR(tmpl))
		return vs_tmpl_get(vn, &key);	/* another CPU made it */
	if (tmpl)
		vs_nl_conn_event(vn, tmpl);
	return tmpl;
}

/* Choose a real server for a new connection and make the connection. */
static struct vs_conn *schedule_conn(struct vs_net *vn, struct vs_service *svc,
				const struct vs_conn_key *key)
{
	struct vs_pkt pkt = {
		.saddr.ip = key->v4.saddr,
		.daddr.ip = key->v4.daddr,
		.sport = key->sport,
		.dport = key->dport,
		.protocol = key->protocol,
		.af = AF_INET,
	};
	struct vs_conn *tmpl = NULL, *cp;
	struct vs_dest *dest;
	u8 state;

	if (READ_ONCE(svc->flags) & VS_SVC_F_PERSISTENT) {
		tmpl = persist(vn, svc, &pkt);
		dest = tmpl ? tmpl->dest : NULL;
	} else {
		dest = pick(svc, &pkt);
	}
	if (!dest)
		return NULL;
	state = key->protocol == IPPROTO_TCP ? VS_TCP_S_NONE : VS_UDP_S_NORMAL;
	cp = vs_conn_new(vn, key, dest, tmpl,
			 READ_ONCE(dest->fwd) == VS_FWD_NAT ? VS_CONN_F_NAT : 0,
			 state, 0);
	if (tmpl)
		vs_tmpl_put(tmpl);
	if (!IS_ERR_OR_NULL(cp)) {
		vs_stats_conn(&dest->stats);
		vs_stats_conn(&svc->stats);
		vs_nl_conn_event(vn, cp);
	}
	return cp;
}

/*
 * An existing connection whose real server was deleted. By default
 * (expire_nodest_conn) it ends now: a TCP packet then reaches the local
 * stack, which answers with a reset, and a UDP flow is scheduled afresh.
 * Otherwise it keeps going to the deleted server until it ends.
 */
static bool nodest_ends(struct vs_net *vn, struct vs_conn *cp)
{
	if (!test_bit(VS_DEST_F_DEAD, &cp->dest->flags) ||
	    !READ_ONCE(vn->expire_nodest_conn))
		return false;
	vs_conn_kill(vn, cp);
	return true;
}

static unsigned int in_packet(struct vs_net *vn, struct sk_buff *skb,
			      const struct vs_l4 *l4)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct vs_service *svc;
	struct vs_conn_key key;
	struct vs_conn *cp;

	vs_conn_key_make(&key, iph->saddr, iph->daddr, l4->sport, l4->dport,
		 l4->protocol, VS_DIR_IN);
	cp = vs_conn_lookup(vn, &key);
	if (cp && l4->protocol == IPPROTO_TCP && is_syn(l4) &&
	    vs_tcp_reusable(READ_ONCE(cp->state))) {
		vs_conn_kill(vn, cp);
		cp = NULL;
	}
	if (cp && nodest_ends(vn, cp)) {
		if (l4->protocol == IPPROTO_TCP)
			return NF_ACCEPT;
		cp = NULL;
	}
	if (!cp) {
		union vs_addr vaddr = { .ip = iph->daddr };

		/*
		 * A standby that is also a real server: the active director
		 * sent this packet here by direct routing, so it is ours to
		 * serve. Scheduling it again could send it back, and round it
		 * would go. Connections already in the table still go on: a
		 * client whose ARP cache names us after a switch keeps its own.
		 */
		if (READ_ONCE(vn->backup_only))
			return NF_ACCEPT;

		svc = vs_service_lookup_rcu(vn, AF_INET, l4->protocol, &vaddr,
					    l4->dport, skb->mark);
		if (!svc)
			return NF_ACCEPT;
		/*
		 * Only a SYN opens a TCP connection; the rest meets the
		 * local stack, which resets it.
		 */
		if (l4->protocol == IPPROTO_TCP && !is_syn(l4))
			return NF_ACCEPT;
		cp = schedule_conn(vn, svc, &key);
		if (PTR_ERR(cp) == -EEXIST)	/* another CPU made it */
			cp = vs_conn_lookup(vn, &key);
		else if (IS_ERR(cp))
			cp = NULL;
		if (!cp) {
			icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
			return NF_DROP;
		}
	}
	if (l4->protocol == IPPROTO_TCP)
		tcp_transition(cp, READ_ONCE(cp->flags) & VS_CONN_F_OUTPUT ?
			       VS_DIR_TCP_INPUT : VS_DIR_TCP_INPUT_ONLY,
			       l4->tcp_flags);
	vs_conn_touch(vn, cp);
	count_packet(cp, true, skb->len);
	return vs_xmit(vn, skb, cp);
}

/* A NAT reply from a real server: the client must see the VIP. */
static unsigned int out_packet(struct vs_net *vn, struct sk_buff *skb,
			       const struct vs_l4 *l4)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct vs_conn_key key;
	struct vs_conn *cp;

	vs_conn_key_make(&key, iph->saddr, iph->daddr, l4->sport, l4->dport,
		 l4->protocol, VS_DIR_OUT);
	cp = vs_conn_lookup(vn, &key);
	if (!cp)
		return NF_ACCEPT;
	if (vs_mangle(skb, l4->thoff, true, cp->in.key.v4.daddr, cp->in.key.dport))
		return NF_DROP;
	vs_conn_set_output(cp);
	if (l4->protocol == IPPROTO_TCP)
		tcp_transition(cp, VS_DIR_TCP_OUTPUT, l4->tcp_flags);
	vs_conn_touch(vn, cp);
	count_packet(cp, false, skb->len);
	skb->ipvs_property = 1;
	vs_notrack(skb);
	return NF_ACCEPT;
}

struct vs_icmp {
	unsigned int icoff;		/* ICMP header */
	unsigned int inoff;		/* embedded IP header */
	struct iphdr inner;
	__be16 ports[2];
};

/*
 * An ICMP error about a TCP or UDP packet, with the packet's header. The
 * quoted header must be a plausible IPv4 one and the start of its packet:
 * behind a later fragment's header come payload bytes, not ports.
 */
static bool parse_icmp(const struct sk_buff *skb, struct vs_icmp *ic)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct icmphdr _h;
	const struct icmphdr *h;
	const void *p;

	if (ip_is_fragment(iph))
		return false;
	ic->icoff = skb_network_offset(skb) + ip_hdrlen(skb);
	h = skb_header_pointer(skb, ic->icoff, sizeof(_h), &_h);
	if (!h || (h->type != ICMP_DEST_UNREACH && h->type != ICMP_TIME_EXCEEDED &&
		   h->type != ICMP_SOURCE_QUENCH && h->type != ICMP_PARAMETERPROB))
		return false;
	ic->inoff = ic->icoff + sizeof(*h);
	p = skb_header_pointer(skb, ic->inoff, sizeof(ic->inner), &ic->inner);
	if (!p)
		return false;
	if (p != &ic->inner)
		memcpy(&ic->inner, p, sizeof(ic->inner));
	if (ic->inner.version != 4 || ic->inner.ihl < 5 ||
	    (ic->inner.frag_off & htons(IP_OFFSET)))
		return false;
	if (ic->inner.protocol != IPPROTO_TCP && ic->inner.protocol != IPPROTO_UDP)
		return false;
	p = skb_header_pointer(skb, ic->inoff + ic->inner.ihl * 4,
			       sizeof(ic->ports), ic->ports);
	if (!p)
		return false;
	if (p != ic->ports)
		memcpy(ic->ports, p, sizeof(ic->ports));
	return true;
}

/* Is the ICMP message intact? A corrupt one must not leave with a good sum. */
static bool icmp_csum_ok(struct sk_buff *skb, const struct vs_icmp *ic)
{
	if (skb_csum_unnecessary(skb))
		return true;
	return !csum_fold(skb_checksum(skb, ic->icoff, skb->len - ic->icoff, 0));
}

/*
 * Translate an ICMP error for NAT: one outer address and one endpoint of
 * the packet it quotes; the ICMP checksum, checked first, is computed anew.
 */
static int icmp_nat(struct sk_buff *skb, const struct vs_icmp *ic, bool outer_src,
		    __be32 outer, bool inner_src, __be32 addr, __be16 port)
{
	struct iphdr *iph, *inner;
	struct icmphdr *h;
	__be32 *pa;
	__be16 *pp;

	if (!icmp_csum_ok(skb, ic))
		return -EINVAL;
	if (skb_ensure_writable(skb, skb->len))
		return -ENOMEM;
	iph = ip_hdr(skb);
	pa = outer_src ? &iph->saddr : &iph->daddr;
	csum_replace4(&iph->check, *pa, outer);
	*pa = outer;
	inner = (struct iphdr *)(skb_network_header(skb) + ic->inoff -
				 skb_network_offset(skb));
	pa = inner_src ? &inner->saddr : &inner->daddr;
	csum_replace4(&inner->check, *pa, addr);
	*pa = addr;
	pp = (__be16 *)((u8 *)inner + inner->ihl * 4) + (inner_src ? 0 : 1);
	*pp = port;
	h = (struct icmphdr *)(skb_network_header(skb) + ic->icoff -
			       skb_network_offset(skb));
	h->checksum = 0;
	h->checksum = csum_fold(skb_checksum(skb, ic->icoff, skb->len - ic->icoff, 0));
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return 0;
}

/* From a client about a reply we sent: pass it on to the real server. */
static unsigned int in_icmp(struct vs_net *vn, struct sk_buff *skb)
{
	struct vs_conn_key key;
	struct vs_conn *cp;
	struct vs_icmp ic;

	if (!parse_icmp(skb, &ic))
		return NF_ACCEPT;
	/* It quotes VIP -> client; the connection is client -> VIP. */
	vs_conn_key_make(&key, ic.inner.daddr, ic.inner.saddr, ic.ports[1], ic.ports[0],
		 ic.inner.protocol, VS_DIR_IN);
	cp = vs_conn_lookup(vn, &key);
	if (!cp)
		return NF_ACCEPT;
	if (cp->flags & VS_CONN_F_NAT) {
		const struct vs_dest *dest = cp->dest;

		if (icmp_nat(skb, &ic, false, dest->key.addr.ip, true,
			     dest->key.addr.ip,
			     dest->key.port ? dest->key.port : key.dport))
			return NF_DROP;
	}
	count_packet(cp, true, skb->len);
	return vs_xmit(vn, skb, cp);
}

/* From a real server about a packet of a NAT connection: to the client. */
static unsigned int out_icmp(struct vs_net *vn, struct sk_buff *skb)
{
	struct vs_conn_key key;
	struct vs_conn *cp;
	struct vs_icmp ic;

	if (!parse_icmp(skb, &ic))
		return NF_ACCEPT;
	/* It quotes client -> server; the reply key is server -> client. */
	vs_conn_key_make(&key, ic.inner.daddr, ic.inner.saddr, ic.ports[1], ic.ports[0],
		 ic.inner.protocol, VS_DIR_OUT);
	cp = vs_conn_lookup(vn, &key);
	if (!cp)
		return NF_ACCEPT;
	if (icmp_nat(skb, &ic, true, cp->in.key.v4.daddr, false, cp->in.key.v4.daddr,
		     cp->in.key.dport))
		return NF_DROP;
	count_packet(cp, false, skb->len);
	skb->ipvs_property = 1;
	vs_notrack(skb);
	return NF_ACCEPT;
}

static unsigned int vs_in_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct vs_net *vn = vs_net(state->net);
	struct vs_l4 l4;

	if (skb->ipvs_property || skb->pkt_type != PACKET_HOST)
		return NF_ACCEPT;
	if (ip_hdr(skb)->protocol == IPPROTO_ICMP)
		return in_icmp(vn, skb);
	if (!parse_l4(skb, &l4))
		return NF_ACCEPT;
	return in_packet(vn, skb, &l4);
}

static unsigned int out_hook(struct vs_net *vn, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct vs_l4 l4;

	/* Replies are matched by ports: put fragments together first. */
	if (ip_is_fragment(ip_hdr(skb))) {
		if (state->hook != NF_INET_FORWARD)
			return NF_ACCEPT;
		if (ip_defrag(state->net, skb, IP_DEFRAG_VS_FWD))
			return NF_STOLEN;
		ip_send_check(ip_hdr(skb));
	}
	if (ip_hdr(skb)->protocol == IPPROTO_ICMP)
		return out_icmp(vn, skb);
	if (!parse_l4(skb, &l4))
		return NF_ACCEPT;
	return out_packet(vn, skb, &l4);
}

static unsigned int vs_out_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct vs_net *vn = vs_net(state->net);
	unsigned int verdict;

	if (skb->ipvs_property)
		return NF_ACCEPT;
	if (state->hook != NF_INET_LOCAL_OUT)
		return out_hook(vn, skb, state);
	/*
	 * A reply of a real server on the director itself comes in process
	 * context; the per-CPU counters and expiry slots want to stay on
	 * one CPU with softirqs off, as they are everywhere else.
	 */
	local_bh_disable();
	verdict = out_hook(vn, skb, state);
	local_bh_enable();
	return verdict;
}

static const struct nf_hook_ops vs_hook_ops[] = {
	{
		.hook = vs_in_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_NAT_SRC - 1,
	}, {
		.hook = vs_out_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP_PRI_NAT_SRC,
	}, {
		.hook = vs_out_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_NAT_DST + 1,
	},
};

/* With the namespace's first service: hooks, collector, estimator. */
int vs_core_enable(struct vs_net *vn)
{
	int ret;

	lockdep_assert_held(&vn->lock);
	if (vn->enabled)
		return 0;
	ret = nf_register_net_hooks(vn->net, vs_hook_ops, ARRAY_SIZE(vs_hook_ops));
	if (ret)
		return ret;
	WRITE_ONCE(vn->enabled, true);
	vs_conn_start(vn);
	vs_service_start_estimator(vn);
	return 0;
}

static void disable(struct vs_net *vn)
{
	if (vn->enabled)
		nf_unregister_net_hooks(vn->net, vs_hook_ops, ARRAY_SIZE(vs_hook_ops));
	WRITE_ONCE(vn->enabled, false);
}

/*
 * From the collector: a namespace with no service and no connection left
 * drops its hooks, so that forwarded traffic stops paying for them. A
 * packet still inside a hook is harmless: everything it uses stays.
 * Returns whether it did.
 */
bool vs_core_disable_idle(struct vs_net *vn)
{
	bool idle;

	mutex_lock(&vn->lock);
	idle = !vn->num_services && vs_conn_none(vn);
	if (idle)
		disable(vn);
	mutex_unlock(&vn->lock);
	return idle;
}

/*
 * The namespace (or the module) is going. The netns core waits an RCU
 * grace period after every pre_exit and before any exit, so no packet is
 * inside a hook when the tables it reads are freed.
 */
void vs_core_net_pre_exit(struct vs_net *vn)
{
	mutex_lock(&vn->lock);
	disable(vn);
	mutex_unlock(&vn->lock);
}
