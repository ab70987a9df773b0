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
 * The same three for IPv4 and IPv6, on a header parsed once (vs_iph).
 * Everything here runs under RCU with no lock of its own; packets we
 * forwarded carry skb->ipvs_property so that no later hook, ours or the
 * in-tree IPVS's, touches them again.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/inetdevice.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "conn.h"
#include "core.h"
#include "netlink.h"
#include "proto.h"
#include "sched.h"
#include "tunnel.h"
#include "xmit.h"

/* The network header of a packet of either family. */
struct vs_iph {
	u8 af;
	u8 protocol;		/* the upper layer, past IPv6 extension headers */
	bool fragment;		/* a fragment, first or not */
	unsigned int thoff;	/* the upper layer's header */
	union vs_addr saddr;
	union vs_addr daddr;
};

struct vs_l4 {
	u8 tcp_flags;
	__be16 sport;
	__be16 dport;
};

static bool parse_iph(const struct sk_buff *skb, u8 af, struct vs_iph *h)
{
	memset(h, 0, sizeof(*h));
	h->af = af;
	if (af == AF_INET) {
		const struct iphdr *iph = ip_hdr(skb);

		h->protocol = iph->protocol;
		h->fragment = ip_is_fragment(iph);
		h->thoff = skb_network_offset(skb) + ip_hdrlen(skb);
		h->saddr.ip = iph->saddr;
		h->daddr.ip = iph->daddr;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);
		unsigned int thoff = 0;
		int flags = 0, protocol;

		protocol = ipv6_find_hdr(skb, &thoff, -1, NULL, &flags);
		if (protocol < 0)
			return false;
		h->protocol = protocol;
		h->fragment = flags & IP6_FH_F_FRAG;
		h->thoff = thoff;
		memcpy(&h->saddr, &ip6h->saddr, sizeof(h->saddr));
		memcpy(&h->daddr, &ip6h->daddr, sizeof(h->daddr));
	}
	return true;
}

static u8 icmp_protocol(u8 af)
{
	return af == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

/* Ports and TCP flags of an unfragmented TCP or UDP packet. */
static bool parse_l4(const struct sk_buff *skb, const struct vs_iph *h,
		     struct vs_l4 *l4)
{
	__be16 _ports[2];
	const __be16 *ports;

	if (h->fragment)
		return false;
	l4->tcp_flags = 0;
	/* A header cut short is not ours to forward, nor to open a connection. */
	if (h->protocol == IPPROTO_TCP) {
		struct tcphdr _th;
		const struct tcphdr *th;

		th = skb_header_pointer(skb, h->thoff, sizeof(_th), &_th);
		if (!th || th->doff < sizeof(_th) / 4 ||
		    skb->len < h->thoff + th->doff * 4)
			return false;
		l4->tcp_flags = tcp_flag_byte(th);
	} else if (h->protocol != IPPROTO_UDP ||
		   skb->len < h->thoff + sizeof(struct udphdr)) {
		return false;
	}
	ports = skb_header_pointer(skb, h->thoff, sizeof(_ports), _ports);
	if (!ports)
		return false;
	l4->sport = ports[0];
	l4->dport = ports[1];
	return true;
}

/* "Port unreachable" to the sender: no server could take the connection. */
static void send_unreachable(struct sk_buff *skb, u8 af)
{
	if (af == AF_INET6)
		icmpv6_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0);
	else
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
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

	vs_tmpl_key(&key, svc, &pkt->saddr, &pkt->daddr);
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

/*
 * Only a SYN opens a TCP connection; the rest meets the local stack, which
 * resets it. With sloppy_tcp any segment but a reset opens one: among
 * active-active directors a flow that ECMP moves to this one arrives
 * mid-stream, and mh picks the server the flow's first director picked.
 */
static bool may_open(struct vs_net *vn, const struct vs_l4 *l4)
{
	if (is_syn(l4))
		return true;
	return READ_ONCE(vn->sloppy_tcp) && !(l4->tcp_flags & TCPHDR_RST);
}

/* Choose a real server for a new connection and make the connection. */
static struct vs_conn *schedule_conn(struct vs_net *vn, struct vs_service *svc,
				     const struct vs_conn_key *key)
{
	struct vs_pkt pkt = {
		.sport = key->sport,
		.dport = key->dport,
		.protocol = key->protocol,
		.af = key->af,
	};
	struct vs_conn *tmpl = NULL, *cp;
	struct vs_dest *dest;
	u8 state;

	vs_conn_key_addrs(key, &pkt.saddr, &pkt.daddr);
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
			 vs_conn_fwd_flags(READ_ONCE(dest->fwd)),
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
			      const struct vs_iph *h, const struct vs_l4 *l4)
{
	struct vs_service *svc;
	struct vs_conn_key key;
	struct vs_conn *cp;

	vs_conn_key_fill(&key, h->af, &h->saddr, &h->daddr, l4->sport,
			 l4->dport, h->protocol, VS_DIR_IN);
	cp = vs_conn_lookup(vn, &key);
	if (cp && h->protocol == IPPROTO_TCP && is_syn(l4) &&
	    vs_tcp_reusable(READ_ONCE(cp->state))) {
		vs_conn_kill(vn, cp);
		cp = NULL;
	}
	if (cp && nodest_ends(vn, cp)) {
		if (h->protocol == IPPROTO_TCP)
			return NF_ACCEPT;
		cp = NULL;
	}
	if (!cp) {
		/*
		 * A standby that is also a real server: the active director
		 * sent this packet here by direct routing, so it is ours to
		 * serve. Scheduling it again could send it back, and round it
		 * would go. Connections already in the table still go on: a
		 * client whose ARP cache names us after a switch keeps its own.
		 */
		if (READ_ONCE(vn->backup_only))
			return NF_ACCEPT;

		svc = vs_service_lookup_rcu(vn, h->af, h->protocol, &h->daddr,
					    l4->dport, skb->mark);
		if (!svc)
			return NF_ACCEPT;
		if (h->protocol == IPPROTO_TCP && !may_open(vn, l4))
			return NF_ACCEPT;
		cp = schedule_conn(vn, svc, &key);
		if (PTR_ERR(cp) == -EEXIST)	/* another CPU made it */
			cp = vs_conn_lookup(vn, &key);
		else if (IS_ERR(cp))
			cp = NULL;
		if (!cp) {
			send_unreachable(skb, h->af);
			return NF_DROP;
		}
	}
	if (h->protocol == IPPROTO_TCP)
		tcp_transition(cp, READ_ONCE(cp->flags) & VS_CONN_F_OUTPUT ?
			       VS_DIR_TCP_INPUT : VS_DIR_TCP_INPUT_ONLY,
			       l4->tcp_flags);
	vs_conn_touch(vn, cp);
	count_packet(cp, true, skb->len);
	return vs_xmit(vn, skb, cp, h->thoff);
}

/* A NAT reply from a real server: the client must see the VIP. */
static unsigned int out_packet(struct vs_net *vn, struct sk_buff *skb,
			       const struct vs_iph *h, const struct vs_l4 *l4)
{
	union vs_addr client, vip;
	struct vs_conn_key key;
	struct vs_conn *cp;

	vs_conn_key_fill(&key, h->af, &h->saddr, &h->daddr, l4->sport,
			 l4->dport, h->protocol, VS_DIR_OUT);
	cp = vs_conn_lookup(vn, &key);
	if (!cp)
		return NF_ACCEPT;
	vs_conn_key_addrs(&cp->in.key, &client, &vip);
	if (vs_mangle(skb, cp, h->thoff, true, &vip, cp->in.key.dport))
		return NF_DROP;
	vs_conn_set_output(cp);
	if (h->protocol == IPPROTO_TCP)
		tcp_transition(cp, VS_DIR_TCP_OUTPUT, l4->tcp_flags);
	vs_conn_touch(vn, cp);
	count_packet(cp, false, skb->len);
	skb->ipvs_property = 1;
	vs_notrack(skb);
	return NF_ACCEPT;
}

/* An ICMP error and the start of the packet it quotes. */
struct vs_icmp {
	unsigned int icoff;		/* ICMP header */
	unsigned int inoff;		/* quoted IP header */
	unsigned int inthoff;		/* quoted TCP or UDP header */
	u8 protocol;			/* quoted: TCP or UDP */
	union vs_addr saddr, daddr;	/* quoted */
	__be16 ports[2];		/* quoted */
};

static bool icmp4_error(u8 type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED ||
	       type == ICMP_SOURCE_QUENCH || type == ICMP_PARAMETERPROB;
}

/*
 * The quoted header must be a plausible IPv4 one and the start of its
 * packet: behind a later fragment's header come payload bytes, not ports.
 */
static bool parse_quoted4(const struct sk_buff *skb, struct vs_icmp *ic)
{
	struct iphdr _in;
	const struct iphdr *in;

	in = skb_header_pointer(skb, ic->inoff, sizeof(_in), &_in);
	if (!in || in->version != 4 || in->ihl < 5 ||
	    (in->frag_off & htons(IP_OFFSET)))
		return false;
	ic->protocol = in->protocol;
	ic->inthoff = ic->inoff + in->ihl * 4;
	ic->saddr.ip = in->saddr;
	ic->daddr.ip = in->daddr;
	return true;
}

/* The same for IPv6, past the quoted packet's extension headers. */
static bool parse_quoted6(const struct sk_buff *skb, struct vs_icmp *ic)
{
	struct ipv6hdr _in;
	const struct ipv6hdr *in;
	__be16 frag_off = 0;
	u8 nexthdr;
	int off;

	in = skb_header_pointer(skb, ic->inoff, sizeof(_in), &_in);
	if (!in || in->version != 6)
		return false;
	nexthdr = in->nexthdr;
	memcpy(&ic->saddr, &in->saddr, sizeof(ic->saddr));
	memcpy(&ic->daddr, &in->daddr, sizeof(ic->daddr));
	off = ipv6_skip_exthdr(skb, ic->inoff + sizeof(_in), &nexthdr, &frag_off);
	if (off < 0 || (frag_off & htons(~0x7)))
		return false;
	ic->protocol = nexthdr;
	ic->inthoff = off;
	return true;
}

/* An ICMP error, with the header of the packet it quotes. */
static bool parse_icmp_quote(const struct sk_buff *skb, const struct vs_iph *h,
			     struct vs_icmp *ic)
{
	struct icmphdr _ih;	/* type and code sit alike in ICMPv6 */
	const struct icmphdr *ih;

	if (h->fragment)
		return false;
	ic->icoff = h->thoff;
	ih = skb_header_pointer(skb, ic->icoff, sizeof(_ih), &_ih);
	if (!ih)
		return false;
	if (h->af == AF_INET6 ? ih->type >= 128 || !ih->type :
	    !icmp4_error(ih->type))
		return false;
	ic->inoff = ic->icoff + sizeof(*ih);
	return h->af == AF_INET6 ? parse_quoted6(skb, ic) : parse_quoted4(skb, ic);
}

/* The quoted packet is TCP or UDP: its ports. */
static bool quoted_ports(const struct sk_buff *skb, struct vs_icmp *ic)
{
	const void *p;

	if (ic->protocol != IPPROTO_TCP && ic->protocol != IPPROTO_UDP)
		return false;
	p = skb_header_pointer(skb, ic->inthoff, sizeof(ic->ports), ic->ports);
	if (!p)
		return false;
	if (p != ic->ports)
		memcpy(ic->ports, p, sizeof(ic->ports));
	return true;
}

/* An ICMP error about a TCP or UDP packet, with that packet's header. */
static bool parse_icmp(const struct sk_buff *skb, const struct vs_iph *h,
		       struct vs_icmp *ic)
{
	return parse_icmp_quote(skb, h, ic) && quoted_ports(skb, ic);
}

/* The ICMP checksum over [icoff, len), with IPv6's pseudo-header. */
static __sum16 icmp_csum(struct sk_buff *skb, const struct vs_iph *h,
			 unsigned int icoff)
{
	unsigned int len = skb->len - icoff;
	__wsum sum = skb_checksum(skb, icoff, len, 0);

	if (h->af != AF_INET6)
		return csum_fold(sum);
	return csum_ipv6_magic(&ipv6_hdr(skb)->saddr, &ipv6_hdr(skb)->daddr,
			       len, IPPROTO_ICMPV6, sum);
}

/* Is the ICMP message intact? A corrupt one must not leave with a good sum. */
static bool icmp_csum_ok(struct sk_buff *skb, const struct vs_iph *h,
			 const struct vs_icmp *ic)
{
	return skb_csum_unnecessary(skb) || !icmp_csum(skb, h, ic->icoff);
}

static void set_addr4(struct iphdr *iph, bool src, __be32 addr)
{
	__be32 *pa = src ? &iph->saddr : &iph->daddr;

	csum_replace4(&iph->check, *pa, addr);
	*pa = addr;
}

static void set_addr6(struct ipv6hdr *ip6h, bool src, const union vs_addr *addr)
{
	memcpy(src ? &ip6h->saddr : &ip6h->daddr, addr, sizeof(struct in6_addr));
}

/*
 * Translate an ICMP error for NAT: one outer address and one endpoint of
 * the packet it quotes; the ICMP checksum, checked first, is computed anew.
 */
static int icmp_nat(struct sk_buff *skb, const struct vs_iph *h,
		    const struct vs_icmp *ic, bool outer_src,
		    const union vs_addr *outer, bool inner_src,
		    const union vs_addr *addr, __be16 port)
{
	void *inner;
	__be16 *pp;
	__sum16 *sum;

	if (!icmp_csum_ok(skb, h, ic))
		return -EINVAL;
	if (skb_ensure_writable(skb, skb->len))
		return -ENOMEM;
	inner = skb->data + ic->inoff;
	if (h->af == AF_INET6) {
		set_addr6(ipv6_hdr(skb), outer_src, outer);
		set_addr6(inner, inner_src, addr);
		sum = &((struct icmp6hdr *)(skb->data + ic->icoff))->icmp6_cksum;
	} else {
		set_addr4(ip_hdr(skb), outer_src, outer->ip);
		set_addr4(inner, inner_src, addr->ip);
		sum = &((struct icmphdr *)(skb->data + ic->icoff))->checksum;
	}
	pp = (__be16 *)(skb->data + ic->inthoff) + (inner_src ? 0 : 1);
	*pp = port;
	*sum = 0;
	*sum = icmp_csum(skb, h, ic->icoff);
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return 0;
}

/*
 * What of an error about a tunneled packet the client is told: type and
 * code as they came, a "too big" less the tunnel's overhead. Errors that
 * point into the packet (parameter problems) or are obsolete are not.
 */
static bool relayed(const struct sk_buff *skb, u8 af, unsigned int icoff,
		    unsigned int overhead, u8 *type, u8 *code, u32 *info)
{
	struct icmphdr _ih;
	const struct icmphdr *ih;
	u32 mtu;

	ih = skb_header_pointer(skb, icoff, sizeof(_ih), &_ih);
	if (!ih)
		return false;
	*type = ih->type;
	*code = ih->code;
	*info = 0;
	if (af == AF_INET6) {
		if (ih->type == ICMPV6_PKT_TOOBIG) {
			mtu = ntohl(ih->un.gateway);	/* icmp6_mtu */
			*info = max_t(u32, mtu > overhead ? mtu - overhead : 0,
				      IPV6_MIN_MTU);
			return true;
		}
		return ih->type == ICMPV6_DEST_UNREACH ||
		       ih->type == ICMPV6_TIME_EXCEED;
	}
	if (ih->type == ICMP_DEST_UNREACH && ih->code == ICMP_FRAG_NEEDED) {
		mtu = ntohs(ih->un.frag.mtu);
		if (mtu < overhead + 68)
			return false;
		*info = mtu - overhead;
		return true;
	}
	return ih->type == ICMP_DEST_UNREACH || ih->type == ICMP_TIME_EXCEEDED;
}

static bool same_addr(u8 af, const union vs_addr *a, const union vs_addr *b)
{
	return af == AF_INET6 ? !memcmp(a, b, sizeof(struct in6_addr)) :
	       a->ip == b->ip;
}

/*
 * An ICMP error about a packet we tunneled to a real server, from the
 * server or a router on the way: the client hears of it, about its own
 * packet, from the VIP, as IPVS has done since 5.3. Within one family: an
 * error of the outer family would have to be made up anew for the other.
 */
static unsigned int tunnel_icmp(struct vs_net *vn, struct sk_buff *skb,
				const struct vs_iph *h,
				const struct vs_icmp *outer)
{
	struct vs_icmp ic = { .icoff = outer->icoff };
	union vs_tun tun, sent;
	struct vs_conn_key key;
	const struct vs_dest *dest;
	struct vs_conn *cp;
	u8 inner_af, type, code;
	u32 info;
	int off;

	off = vs_tunnel_unwrap(skb, outer->inthoff, outer->protocol, &tun,
			       &inner_af);
	if (off < 0 || inner_af != h->af)
		return NF_ACCEPT;
	ic.inoff = off;
	if (!(h->af == AF_INET6 ? parse_quoted6(skb, &ic) : parse_quoted4(skb, &ic)) ||
	    !quoted_ports(skb, &ic))
		return NF_ACCEPT;
	vs_conn_key_fill(&key, h->af, &ic.saddr, &ic.daddr, ic.ports[0],
			 ic.ports[1], ic.protocol, VS_DIR_IN);
	cp = vs_conn_lookup(vn, &key);
	if (!cp || !(cp->flags & VS_CONN_F_TUNNEL))
		return NF_ACCEPT;
	/* The outer packet must be one we sent this connection's server. */
	dest = cp->dest;
	sent.word = READ_ONCE(dest->tun.word);
	if (dest->af != h->af || !same_addr(h->af, &dest->key.addr, &outer->daddr) ||
	    sent.type != tun.type || (tun.type == VS_TUN_GUE && sent.port != tun.port))
		return NF_ACCEPT;
	if (!icmp_csum_ok(skb, h, outer) ||
	    !relayed(skb, h->af, outer->icoff, vs_tunnel_overhead(dest, sent),
		     &type, &code, &info))
		return NF_ACCEPT;
	/* The client's packet, its header in line, becomes the one in error. */
	if (!pskb_may_pull(skb, ic.inthoff + sizeof(ic.ports)) ||
	    !pskb_pull(skb, ic.inoff))
		return NF_DROP;
	skb_reset_network_header(skb);
	if (h->af == AF_INET6) {
		icmpv6_send(skb, type, code, info);
	} else {
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		icmp_send(skb, type, code, htonl(info));
	}
	consume_skb(skb);
	return NF_STOLEN;
}

/* From a client about a reply we sent: pass it on to the real server. */
static unsigned int in_icmp(struct vs_net *vn, struct sk_buff *skb,
			    const struct vs_iph *h)
{
	struct vs_conn_key key;
	struct vs_conn *cp;
	struct vs_icmp ic;

	if (!parse_icmp_quote(skb, h, &ic))
		return NF_ACCEPT;
	if (!quoted_ports(skb, &ic))
		return tunnel_icmp(vn, skb, h, &ic);
	/* It quotes VIP -> client; the connection is client -> VIP. */
	vs_conn_key_fill(&key, h->af, &ic.daddr, &ic.saddr, ic.ports[1],
			 ic.ports[0], ic.protocol, VS_DIR_IN);
	cp = vs_conn_lookup(vn, &key);
	if (!cp)	/* GUE is UDP too */
		return ic.protocol == IPPROTO_UDP ? tunnel_icmp(vn, skb, h, &ic) :
						    NF_ACCEPT;
	if (cp->flags & VS_CONN_F_NAT) {
		const struct vs_dest *dest = cp->dest;

		if (icmp_nat(skb, h, &ic, false, &dest->key.addr, true,
			     &dest->key.addr,
			     dest->key.port ? dest->key.port : key.dport))
			return NF_DROP;
	}
	count_packet(cp, true, skb->len);
	return vs_xmit(vn, skb, cp, 0);
}

/* From a real server about a packet of a NAT connection: to the client. */
static unsigned int out_icmp(struct vs_net *vn, struct sk_buff *skb,
			     const struct vs_iph *h)
{
	union vs_addr client, vip;
	struct vs_conn_key key;
	struct vs_conn *cp;
	struct vs_icmp ic;

	if (!parse_icmp(skb, h, &ic))
		return NF_ACCEPT;
	/* It quotes client -> server; the reply key is server -> client. */
	vs_conn_key_fill(&key, h->af, &ic.daddr, &ic.saddr, ic.ports[1],
			 ic.ports[0], ic.protocol, VS_DIR_OUT);
	cp = vs_conn_lookup(vn, &key);
	if (!cp)
		return NF_ACCEPT;
	vs_conn_key_addrs(&cp->in.key, &client, &vip);
	if (icmp_nat(skb, h, &ic, true, &vip, false, &vip, cp->in.key.dport))
		return NF_DROP;
	count_packet(cp, false, skb->len);
	skb->ipvs_property = 1;
	vs_notrack(skb);
	return NF_ACCEPT;
}

static u8 hook_af(const struct nf_hook_state *state)
{
	return state->pf == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
}

static unsigned int vs_in_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct vs_net *vn = vs_net(state->net);
	struct vs_iph h;
	struct vs_l4 l4;

	if (skb->ipvs_property || skb->pkt_type != PACKET_HOST)
		return NF_ACCEPT;
	if (!parse_iph(skb, hook_af(state), &h))
		return NF_ACCEPT;
	if (h.protocol == icmp_protocol(h.af))
		return in_icmp(vn, skb, &h);
	if (!parse_l4(skb, &h, &l4))
		return NF_ACCEPT;
	return in_packet(vn, skb, &h, &l4);
}

static unsigned int out_hook(struct vs_net *vn, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct vs_iph h;
	struct vs_l4 l4;

	/*
	 * Replies are matched by ports: put IPv4 fragments together first.
	 * IPv6 ones were, before routing (nf_defrag_ipv6, enabled with the
	 * hooks).
	 */
	if (state->pf == NFPROTO_IPV4 && ip_is_fragment(ip_hdr(skb))) {
		if (state->hook != NF_INET_FORWARD)
			return NF_ACCEPT;
		if (ip_defrag(state->net, skb, IP_DEFRAG_VS_FWD))
			return NF_STOLEN;
		ip_send_check(ip_hdr(skb));
	}
	if (!parse_iph(skb, hook_af(state), &h))
		return NF_ACCEPT;
	if (h.protocol == icmp_protocol(h.af))
		return out_icmp(vn, skb, &h);
	if (!parse_l4(skb, &h, &l4))
		return NF_ACCEPT;
	return out_packet(vn, skb, &h, &l4);
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
	}, {
		.hook = vs_in_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_NAT_SRC - 1,
	}, {
		.hook = vs_out_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP6_PRI_NAT_SRC,
	}, {
		.hook = vs_out_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_NAT_DST + 1,
	},
};

/* With the namespace's first service: hooks, collector, estimator. */
int vs_core_enable(struct vs_net *vn)
{
	int ret;

	lockdep_assert_held(&vn->lock);
	if (vn->enabled)
		return 0;
	/*
	 * IPv6 fragments reach LOCAL_IN unassembled: have the namespace put
	 * them together before routing, as conntrack and IPVS do.
	 */
	ret = nf_defrag_ipv6_enable(vn->net);
	if (ret)
		return ret;
	ret = nf_register_net_hooks(vn->net, vs_hook_ops, ARRAY_SIZE(vs_hook_ops));
	if (ret) {
		nf_defrag_ipv6_disable(vn->net);
		return ret;
	}
	WRITE_ONCE(vn->enabled, true);
	vs_conn_start(vn);
	vs_service_start_estimator(vn);
	return 0;
}

static void disable(struct vs_net *vn)
{
	if (vn->enabled) {
		nf_unregister_net_hooks(vn->net, vs_hook_ops, ARRAY_SIZE(vs_hook_ops));
		nf_defrag_ipv6_disable(vn->net);
	}
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
