// SPDX-License-Identifier: GPL-2.0
/*
 * Forwarding to real servers: NAT rewrites the destination, direct routing
 * leaves the IP header alone and hands the packet to the real server's MAC
 * on the shared segment. The route to each real server is looked up once
 * and cached on it until the routing tables change.
 */

#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/route.h>

#include "compat.h"
#include "xmit.h"

struct vs_route {
	struct dst_entry *dst;
	bool local;
	struct rcu_head rcu;
};

static void route_free(struct vs_route *r)
{
	dst_release(r->dst);
	kfree(r);
}

static void route_free_rcu(struct rcu_head *rcu)
{
	route_free(container_of(rcu, struct vs_route, rcu));
}

/* From the server's own RCU callback: no reader is left. */
void vs_route_release(struct vs_dest *dest)
{
	struct vs_route *r = rcu_dereference_protected(dest->route, true);

	if (r)
		route_free(r);
}

/*
 * The route to a real server. FLOWI_FLAG_KNOWN_NH makes the route's next
 * hop the server itself, which direct routing needs: the packet's own
 * destination stays the VIP.
 */
static struct vs_route *route_get(struct net *net, struct vs_dest *dest)
{
	struct vs_route *r = rcu_dereference(dest->route), *old;
	struct flowi4 fl4;
	struct rtable *rt;

	if (r && dst_check(r->dst, 0))
		return r;
	memset(&fl4, 0, sizeof(fl4));
	fl4.daddr = dest->key.addr.ip;
	fl4.flowi4_flags = FLOWI_FLAG_KNOWN_NH;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	r = kmalloc(sizeof(*r), GFP_ATOMIC | __GFP_NOWARN);
	if (!r) {
		ip_rt_put(rt);
		return NULL;
	}
	r->dst = &rt->dst;
	r->local = rt->rt_flags & RTCF_LOCAL;
	old = unrcu_pointer(xchg(&dest->route, RCU_INITIALIZER(r)));
	if (old)
		call_rcu(&old->rcu, route_free_rcu);
	return r;
}

/* Forwarded packets must not be seen, or kept, by conntrack. */
void vs_notrack(struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	if (ct) {
		nf_conntrack_put(&ct->ct_general);
		nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
	}
#endif
}

/*
 * Rewrite the source or destination address and port of a TCP or UDP
 * packet, with incremental checksum updates (which also work for packets
 * whose checksum the NIC completes later).
 */
int vs_mangle(struct sk_buff *skb, unsigned int thoff, bool src,
	      __be32 addr, __be16 port)
{
	struct iphdr *iph = ip_hdr(skb);
	unsigned int hlen;
	__sum16 *check;
	__be16 *ports;
	__be32 *paddr;
	bool udp;

	udp = iph->protocol == IPPROTO_UDP;
	hlen = udp ? sizeof(struct udphdr) : sizeof(struct tcphdr);
	if (skb_ensure_writable(skb, thoff + hlen))
		return -ENOMEM;
	iph = ip_hdr(skb);
	ports = (__be16 *)(skb_network_header(skb) + thoff);
	check = udp ? &((struct udphdr *)ports)->check
		    : &((struct tcphdr *)ports)->check;
	paddr = src ? &iph->saddr : &iph->daddr;
	if (!src)
		ports++;
	if (!udp || *check || skb->ip_summed == CHECKSUM_PARTIAL) {
		inet_proto_csum_replace4(check, skb, *paddr, addr, true);
		inet_proto_csum_replace2(check, skb, *ports, port, false);
		if (udp && !*check)
			*check = CSUM_MANGLED_0;
	}
	csum_replace4(&iph->check, *paddr, addr);
	*paddr = addr;
	*ports = port;
	return 0;
}

static bool mtu_ok(struct sk_buff *skb, unsigned int mtu)
{
	if (skb->len <= mtu || !(ip_hdr(skb)->frag_off & htons(IP_DF)))
		return true;
	return skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu);
}

/*
 * Send a packet of connection @cp on to its real server: rewritten for NAT
 * (a TCP/UDP packet, or an ICMP error already translated by the caller),
 * untouched for direct routing. Consumes the packet unless the server is
 * the director itself, in which case local delivery goes on (NF_ACCEPT).
 */
unsigned int vs_xmit(struct vs_net *vn, struct sk_buff *skb,
		     const struct vs_conn *cp)
{
	bool nat = (cp->flags & VS_CONN_F_NAT) &&
		   ip_hdr(skb)->protocol != IPPROTO_ICMP;
	struct vs_dest *dest = cp->dest;
	__be16 dport = dest->key.port ? dest->key.port : cp->in.key.dport;
	struct vs_route *r;
	unsigned int mtu;

	r = route_get(vn->net, dest);
	if (!r) {
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
		goto drop;
	}
	skb->ipvs_property = 1;
	if (r->local) {
		/* The server is the director itself: deliver here. */
		if (nat && vs_mangle(skb, ip_hdrlen(skb), false,
				     dest->key.addr.ip, dport))
			goto drop;
		return NF_ACCEPT;
	}
	/* Errors go back about the packet as the client sent it. */
	if (ip_hdr(skb)->ttl <= 1) {
		icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
		goto drop;
	}
	mtu = dst_mtu(r->dst);
	if (!mtu_ok(skb, mtu)) {
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
		goto drop;
	}
	if (nat && vs_mangle(skb, ip_hdrlen(skb), false, dest->key.addr.ip, dport))
		goto drop;
	if (skb_ensure_writable(skb, ip_hdrlen(skb)))
		goto drop;
	/*
	 * Receiving filled in any record-route or timestamp option without
	 * fixing the header's checksum (local delivery does not need it):
	 * sum the header anew when it has options.
	 */
	if (ip_hdr(skb)->ihl > 5) {
		ip_hdr(skb)->ttl--;
		ip_send_check(ip_hdr(skb));
	} else {
		ip_decrease_ttl(ip_hdr(skb));
	}

	vs_notrack(skb);
	skb_orphan(skb);
	skb_forward_csum(skb);
	skb_clear_tstamp(skb);
	skb->ignore_df = 1;
	skb_dst_drop(skb);
	skb_dst_set_noref(skb, r->dst);
	NF_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_OUT, vn->net, NULL, skb, NULL,
		r->dst->dev, dst_output);
	return NF_STOLEN;

drop:
	kfree_skb(skb);
	return NF_STOLEN;
}
