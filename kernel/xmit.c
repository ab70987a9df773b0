// SPDX-License-Identifier: GPL-2.0
/*
 * Forwarding to real servers: NAT rewrites the destination, direct routing
 * leaves the IP header alone and hands the packet to the real server's MAC
 * on the shared segment. The route to each real server is looked up once
 * and cached on it until the routing tables change, or until the device
 * it leaves by goes away: a cached IPv6 route holds its FIB entry, which
 * holds the device, and unregistering the device would wait for it
 * forever (vs_routes_drop).
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/route.h>

#include "compat.h"
#include "pernet.h"
#include "service.h"
#include "tunnel.h"
#include "xmit.h"

struct vs_route {
	struct dst_entry *dst;
	u32 cookie;		/* IPv6's dst_check wants it */
	int ifindex;		/* the device it leaves by, as looked up */
	int idev_ifindex;	/* IPv6: the device its inet6_dev pins */
	bool local;
	bool src_given;		/* saddr is the server's tun_src */
	union vs_addr saddr;	/* ours toward the server: tunnels' source */
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

/* Forget @dest's route if it leaves by device @ifindex (0: any). */
void vs_route_drop(struct vs_dest *dest, int ifindex)
{
	struct vs_route *r;

	rcu_read_lock();
	r = rcu_dereference(dest->route);
	if (r && (!ifindex || r->ifindex == ifindex || r->idev_ifindex == ifindex)) {
		r = unrcu_pointer(xchg(&dest->route, NULL));
		if (r)
			call_rcu(&r->rcu, route_free_rcu);
	}
	rcu_read_unlock();
}

/*
 * FLOWI_FLAG_KNOWN_NH makes the route's next hop the server itself, which
 * direct routing needs: the packet's own destination stays the VIP (for
 * IPv6 the route comes back as a private clone with the server as its
 * destination, which neighbour discovery then resolves).
 */
static struct dst_entry *route_lookup6(struct net *net,
				       const struct vs_dest *dest,
				       const struct vs_tun_src *src,
				       struct vs_route *r)
{
	struct flowi6 fl6 = { .flowi6_flags = FLOWI_FLAG_KNOWN_NH };
	struct in6_addr *saddr = (struct in6_addr *)&r->saddr;
	struct dst_entry *dst;

	memcpy(&fl6.daddr, &dest->key.addr, sizeof(fl6.daddr));
	if (src)
		memcpy(&fl6.saddr, &src->addr, sizeof(fl6.saddr));
	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error)
		goto fail;
	/* Unlike IPv4's lookup, IPv6's does not insist the source is ours. */
	if (src) {
		*saddr = fl6.saddr;
		if (!ipv6_chk_addr(net, saddr, NULL, 0))
			goto fail;
	} else if (ipv6_dev_get_saddr(net, ip6_dst_idev(dst)->dev, &fl6.daddr,
				      0, saddr)) {
		goto fail;
	}
	r->cookie = rt6_get_cookie((struct rt6_info *)dst);
	r->local = ((struct rt6_info *)dst)->rt6i_flags & RTF_LOCAL;
	return dst;

fail:
	dst_release(dst);
	return NULL;
}

/*
 * @src, a tunnel's outer source, if the admin gave one: the lookup fails
 * while it is not one of our addresses.
 */
static struct dst_entry *route_lookup(struct net *net,
				      const struct vs_dest *dest,
				      const struct vs_tun_src *src,
				      struct vs_route *r)
{
	struct flowi4 fl4 = { .flowi4_flags = FLOWI_FLAG_KNOWN_NH };
	struct rtable *rt;

	r->src_given = !!src;
	if (dest->af == AF_INET6)
		return route_lookup6(net, dest, src, r);
	fl4.daddr = dest->key.addr.ip;
	fl4.saddr = src ? src->addr.ip : 0;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	r->saddr.ip = fl4.saddr;
	r->local = rt->rt_flags & RTCF_LOCAL;
	return &rt->dst;
}

/* Was @r looked up from the outer source @src (NULL: none given)? */
static bool same_src(const struct vs_route *r, const struct vs_tun_src *src)
{
	if (!src)
		return !r->src_given;
	return r->src_given && !memcmp(&r->saddr, &src->addr, sizeof(r->saddr));
}

/*
 * The route to a real server, looked up once and kept until it is stale or
 * was looked up for another tunnel source (@src, NULL: none). A deleted
 * server still forwarding its connections keeps none: nothing would find
 * it to drop it when a device goes. Its route is looked up into @once
 * instead, the caller owning the reference.
 */
static struct vs_route *route_get(struct net *net, struct vs_dest *dest,
				  const struct vs_tun_src *src,
				  struct vs_route *once)
{
	struct vs_route *r = rcu_dereference(dest->route), *old;

	if (r && dst_check(r->dst, r->cookie) && same_src(r, src))
		return r;
	if (test_bit(VS_DEST_F_DEAD, &dest->flags)) {
		memset(once, 0, sizeof(*once));
		once->dst = route_lookup(net, dest, src, once);
		return once->dst ? once : NULL;
	}
	r = kzalloc(sizeof(*r), GFP_ATOMIC | __GFP_NOWARN);
	if (!r)
		return NULL;
	r->dst = route_lookup(net, dest, src, r);
	if (!r->dst) {
		kfree(r);
		return NULL;
	}
	r->ifindex = r->dst->dev->ifindex;
	/*
	 * A route to one of our own IPv6 addresses leaves by lo but holds the
	 * address's device through its inet6_dev: that one must drop it too.
	 */
	r->idev_ifindex = dest->af == AF_INET6 ? ip6_dst_idev(r->dst)->dev->ifindex
					       : r->ifindex;
	old = unrcu_pointer(xchg(&dest->route, RCU_INITIALIZER(r)));
	if (old)
		call_rcu(&old->rcu, route_free_rcu);
	/* Deleted meanwhile: unlinking may have dropped the route before us. */
	smp_mb__after_atomic();
	if (test_bit(VS_DEST_F_DEAD, &dest->flags))
		vs_route_drop(dest, 0);
	return r;
}

static void route_put_once(struct vs_route *r, struct vs_route *once)
{
	if (r == once)
		dst_release(once->dst);
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
 * whose checksum the NIC completes later). @thoff is the TCP or UDP
 * header's offset; the packet is one of @cp's.
 */
int vs_mangle(struct sk_buff *skb, const struct vs_conn *cp, unsigned int thoff,
	      bool src, const union vs_addr *addr, __be16 port)
{
	bool udp = cp->in.key.protocol == IPPROTO_UDP, sum;
	u8 af = cp->in.key.af;
	unsigned int hlen;
	__sum16 *check;
	__be16 *ports;

	hlen = udp ? sizeof(struct udphdr) : sizeof(struct tcphdr);
	if (skb_ensure_writable(skb, thoff + hlen))
		return -ENOMEM;
	ports = (__be16 *)(skb->data + thoff);
	check = udp ? &((struct udphdr *)ports)->check
		    : &((struct tcphdr *)ports)->check;
	if (!src)
		ports++;
	/* A UDP checksum of 0 is none, in IPv4 only. */
	sum = !udp || *check || af == AF_INET6 ||
	      skb->ip_summed == CHECKSUM_PARTIAL;
	if (af == AF_INET6) {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);
		__be32 *paddr = (src ? &ip6h->saddr : &ip6h->daddr)->s6_addr32;

		if (sum)
			inet_proto_csum_replace16(check, skb, paddr, addr->ip6, true);
		memcpy(paddr, addr, sizeof(struct in6_addr));
	} else {
		struct iphdr *iph = ip_hdr(skb);
		__be32 *paddr = src ? &iph->saddr : &iph->daddr;

		if (sum)
			inet_proto_csum_replace4(check, skb, *paddr, addr->ip, true);
		csum_replace4(&iph->check, *paddr, addr->ip);
		*paddr = addr->ip;
	}
	if (sum) {
		inet_proto_csum_replace2(check, skb, *ports, port, false);
		if (udp && !*check)
			*check = CSUM_MANGLED_0;
	}
	*ports = port;
	return 0;
}

static bool mtu_ok4(struct sk_buff *skb, unsigned int mtu)
{
	if (skb->len <= mtu || !(ip_hdr(skb)->frag_off & htons(IP_DF)))
		return true;
	return skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu);
}

/*
 * IPv6 routers do not fragment. A packet that nf_defrag_ipv6 put together
 * goes on in its original fragments (frag_max_size is the largest).
 */
static bool mtu_ok6(struct sk_buff *skb, unsigned int mtu)
{
	if (IP6CB(skb)->frag_max_size)
		return IP6CB(skb)->frag_max_size <= mtu;
	if (skb->len <= mtu)
		return true;
	return skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu);
}

/*
 * Is the packet fit to go on? Errors go back about the packet as the
 * client sent it: hop limit exhausted, or too big for the path.
 */
static bool forwardable(struct sk_buff *skb, u8 af, unsigned int mtu)
{
	if (af == AF_INET6) {
		if (ipv6_hdr(skb)->hop_limit <= 1) {
			icmpv6_send(skb, ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT, 0);
			return false;
		}
		if (!mtu_ok6(skb, mtu)) {
			icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
			return false;
		}
		return true;
	}
	if (ip_hdr(skb)->ttl <= 1) {
		icmp_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
		return false;
	}
	if (!mtu_ok4(skb, mtu)) {
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
		return false;
	}
	return true;
}

static void send_host_unreachable(struct sk_buff *skb, u8 af)
{
	if (af == AF_INET6)
		icmpv6_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0);
	else
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
}

static int decrease_ttl(struct sk_buff *skb, u8 af)
{
	if (skb_ensure_writable(skb, skb_network_offset(skb) +
				(af == AF_INET6 ? sizeof(struct ipv6hdr) :
						  ip_hdrlen(skb))))
		return -ENOMEM;
	if (af == AF_INET6) {
		ipv6_hdr(skb)->hop_limit--;
		return 0;
	}
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
	return 0;
}

/*
 * Send a packet of connection @cp on to its real server: rewritten for NAT
 * (a TCP/UDP packet whose header is at @thoff; @thoff 0 for an ICMP error
 * the caller translated), untouched for direct routing, encapsulated for a
 * tunnel (tunnel.c), its MTU then the path's less the tunnel's. Consumes the
 * packet unless the server is the director itself, in which case local
 * delivery goes on (NF_ACCEPT).
 */
unsigned int vs_xmit(struct vs_net *vn, struct sk_buff *skb,
		     const struct vs_conn *cp, unsigned int thoff)
{
	bool nat = (cp->flags & VS_CONN_F_NAT) && thoff;
	struct vs_dest *dest = cp->dest;
	__be16 dport = dest->key.port ? dest->key.port : cp->in.key.dport;
	u8 af = cp->in.key.af;
	union vs_tun tun = { .word = READ_ONCE(dest->tun.word) };
	bool tunnel = cp->flags & VS_CONN_F_TUNNEL;
	struct vs_route *r, once;
	unsigned int mtu;

	r = route_get(vn->net, dest, tunnel ? rcu_dereference(dest->tun_src) : NULL,
		      &once);
	if (!r) {
		send_host_unreachable(skb, af);
		goto drop;
	}
	skb->ipvs_property = 1;
	if (r->local) {
		/* The server is the director itself: deliver here. */
		if (nat && vs_mangle(skb, cp, thoff, false, &dest->key.addr, dport))
			goto drop;
		route_put_once(r, &once);
		return NF_ACCEPT;
	}
	mtu = dst_mtu(r->dst);
	if (tunnel)
		mtu -= min(mtu, vs_tunnel_overhead(dest, tun));
	if (!forwardable(skb, af, mtu))
		goto drop;
	if (nat && vs_mangle(skb, cp, thoff, false, &dest->key.addr, dport))
		goto drop;
	if (decrease_ttl(skb, af))
		goto drop;

	vs_notrack(skb);
	skb_orphan(skb);
	skb_forward_csum(skb);
	skb_clear_tstamp(skb);
	skb->ignore_df = 1;
	skb_dst_drop(skb);
	if (r == &once)
		skb_dst_set(skb, once.dst);	/* the packet takes the reference */
	else
		skb_dst_set_noref(skb, r->dst);
	if (tunnel) {
		vs_tunnel_xmit(vn->net, skb, cp, tun, r->dst, &r->saddr);
		return NF_STOLEN;
	}
	NF_HOOK(af == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4, NF_INET_LOCAL_OUT,
		vn->net, NULL, skb, NULL, r->dst->dev, dst_output);
	return NF_STOLEN;

drop:
	if (r)
		route_put_once(r, &once);
	kfree_skb(skb);
	return NF_STOLEN;
}

static int netdev_event(struct notifier_block *nb, unsigned long event,
			void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	/* Sent again every second while the device waits for references. */
	if (event == NETDEV_UNREGISTER)
		vs_service_drop_routes(vs_net(dev_net(dev)), dev->ifindex);
	return NOTIFY_DONE;
}

static struct notifier_block netdev_notifier = {
	.notifier_call = netdev_event,
};

int vs_xmit_init(void)
{
	return register_netdevice_notifier(&netdev_notifier);
}

void vs_xmit_uninit(void)
{
	unregister_netdevice_notifier(&netdev_notifier);
}
