// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnel forwarding (VS_FWD_TUNNEL). The client's packet goes unchanged
 * inside an outer IPv4 or IPv6 header to the real server, which takes it
 * out with the kernel's own devices (ipip, ip6tnl, fou/GUE, gre), holds
 * the VIP itself and answers the client straight. The families may differ:
 * IPv6 in IPv4 and IPv4 in IPv6. Between the two headers:
 *
 *   IPIP  nothing: protocol 4 (IPv4 inside) or 41 (IPv6 inside);
 *   GUE   UDP to the server's GUE port and a GUE header; the UDP source
 *         port is a hash of the inner flow, so a server's NIC spreads the
 *         flows over its queues as it would plain traffic;
 *   GRE   a GRE header, with a checksum if asked.
 *
 * The outer header's source is the director's address toward the server;
 * its TTL or hop limit the route's, its DSCP and ECN the inner packet's.
 */

#include <linux/if_tunnel.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/dsfield.h>
#include <net/gre.h>
#include <net/gue.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ip_tunnels.h>
#include <net/udp.h>

#include "tunnel.h"

#define REMCSUM_LEN (GUE_PLEN_REMCSUM + GUE_LEN_PRIV)

static bool remcsum(union vs_tun tun, const struct sk_buff *skb)
{
	return tun.type == VS_TUN_GUE && (tun.flags & VS_TUN_F_REMCSUM) &&
	       skb->ip_summed == CHECKSUM_PARTIAL;
}

/* Between the outer and the inner IP header: at most this much. */
static unsigned int encap_len(union vs_tun tun)
{
	switch (tun.type) {
	case VS_TUN_GUE:
		return sizeof(struct udphdr) + sizeof(struct guehdr) +
		       (tun.flags & VS_TUN_F_REMCSUM ? REMCSUM_LEN : 0);
	case VS_TUN_GRE:
		return sizeof(struct gre_base_hdr) +
		       (tun.flags & VS_TUN_F_CSUM ? 4 : 0);
	default:
		return 0;
	}
}

static unsigned int outer_len(u8 af)
{
	return af == AF_INET6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
}

/* What the encapsulation adds: the inner packet's MTU is the path's less it. */
unsigned int vs_tunnel_overhead(const struct vs_dest *dest, union vs_tun tun)
{
	return outer_len(dest->af) + encap_len(tun);
}

static int gso_type(u8 outer_af, union vs_tun tun, bool remcsum)
{
	int t = outer_af == AF_INET6 ? SKB_GSO_IPXIP6 : SKB_GSO_IPXIP4;

	if (tun.type == VS_TUN_GUE) {
		t |= tun.flags ? SKB_GSO_UDP_TUNNEL_CSUM : SKB_GSO_UDP_TUNNEL;
		if (remcsum)
			t |= SKB_GSO_TUNNEL_REMCSUM;
	} else if (tun.type == VS_TUN_GRE) {
		t |= tun.flags & VS_TUN_F_CSUM ? SKB_GSO_GRE_CSUM : SKB_GSO_GRE;
	}
	return t;
}

/*
 * GUE: the GUE header, with remote checksum offload's private option when
 * the inner transport checksum is left to finish (the server completes
 * it), then UDP; its checksum is set once the outer addresses are known.
 */
static void push_gue(struct net *net, struct sk_buff *skb, union vs_tun tun,
		     u8 *proto)
{
	__be16 sport = udp_flow_src_port(net, skb, 0, 0, false);
	bool rc = remcsum(tun, skb);
	unsigned int optlen = rc ? REMCSUM_LEN : 0;
	u16 start = skb_checksum_start_offset(skb);
	struct guehdr *gh;
	struct udphdr *uh;

	gh = skb_push(skb, sizeof(*gh) + optlen);
	gh->control = 0;
	gh->version = 0;
	gh->hlen = optlen >> 2;
	gh->flags = 0;
	gh->proto_ctype = *proto;
	if (rc) {
		__be32 *pflags = (__be32 *)(gh + 1);
		__be16 *pd = (__be16 *)(pflags + 1);

		gh->flags = GUE_FLAG_PRIV;
		*pflags = GUE_PFLAG_REMCSUM;
		pd[0] = htons(start);
		pd[1] = htons(start + skb->csum_offset);
		if (!skb_is_gso(skb)) {
			skb->ip_summed = CHECKSUM_NONE;
			skb->encapsulation = 0;
		}
	}
	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = sport;
	uh->dest = tun.port;
	uh->len = htons(skb->len);
	uh->check = 0;
	*proto = IPPROTO_UDP;
}

static void push_gre(struct sk_buff *skb, union vs_tun tun, u8 *proto)
{
	bool csum = tun.flags & VS_TUN_F_CSUM;
	__be16 inner = *proto == IPPROTO_IPIP ? htons(ETH_P_IP) : htons(ETH_P_IPV6);
	struct gre_base_hdr *gh;

	gh = skb_push(skb, sizeof(*gh) + (csum ? 4 : 0));
	skb_set_inner_protocol(skb, inner);
	skb_reset_transport_header(skb);
	gh->flags = csum ? GRE_CSUM : 0;
	gh->protocol = inner;
	if (csum) {
		__sum16 *sum = (__sum16 *)(gh + 1);

		*(__be32 *)sum = 0;
		/* A GSO packet gets its sums when it is cut up. */
		if (!(skb_shinfo(skb)->gso_type & (SKB_GSO_GRE | SKB_GSO_GRE_CSUM)))
			*sum = csum_fold(skb->ip_summed == CHECKSUM_PARTIAL ?
					 lco_csum(skb) :
					 skb_checksum(skb, 0, skb->len, 0));
	}
	*proto = IPPROTO_GRE;
}

/* No UDP checksum unless asked for (csum, or remcsum, which needs one). */
static bool udp_nocheck(union vs_tun tun)
{
	return !(tun.flags & (VS_TUN_F_CSUM | VS_TUN_F_REMCSUM));
}

static void push_outer4(struct net *net, struct sk_buff *skb,
			struct dst_entry *dst, __be32 saddr, __be32 daddr,
			u8 proto, u8 ds, __be16 df)
{
	struct iphdr *iph;

	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = ds;
	iph->frag_off = df;
	iph->ttl = ip4_dst_hoplimit(dst);
	iph->protocol = proto;
	iph->saddr = saddr;
	iph->daddr = daddr;
	ip_select_ident(net, skb, NULL);
	skb->protocol = htons(ETH_P_IP);
}

static void push_outer6(struct sk_buff *skb, struct dst_entry *dst,
			const struct in6_addr *saddr,
			const struct in6_addr *daddr, u8 proto, u8 ds)
{
	struct ipv6hdr *ip6h;

	ip6h = skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	ip6_flow_hdr(ip6h, ds, 0);
	ip6h->nexthdr = proto;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = *saddr;
	ip6h->daddr = *daddr;
	skb->protocol = htons(ETH_P_IPV6);
}

/* The inner packet's DSCP with ECN as RFC 6040 encapsulates it, and DF. */
static u8 inner_ds(const struct sk_buff *skb, u8 af, __be16 *df)
{
	u8 ds;

	if (af == AF_INET6) {
		ds = ipv6_get_dsfield(ipv6_hdr(skb));
		*df = 0;
	} else {
		ds = ipv4_get_dsfield(ip_hdr(skb));
		*df = ip_hdr(skb)->frag_off & htons(IP_DF);
	}
	return INET_ECN_encapsulate(ds, ds);
}

/*
 * Encapsulate a packet of @cp (headers checked, TTL spent, MTU fit) for
 * its server and send it by @dst, from @saddr. The skb's dst is set.
 */
int vs_tunnel_xmit(struct net *net, struct sk_buff *skb,
		   const struct vs_conn *cp, union vs_tun tun,
		   struct dst_entry *dst, const union vs_addr *saddr)
{
	const struct vs_dest *dest = cp->dest;
	u8 inner_af = cp->in.key.af, outer_af = dest->af, ds;
	u8 proto = inner_af == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
	bool rc;

	/*
	 * IPv6 UDP has no "no checksum" (RFC 8200): a zero one is dropped
	 * unless the receiver was told to take it. GUE over IPv6 is summed.
	 */
	if (outer_af == AF_INET6 && tun.type == VS_TUN_GUE &&
	    !(tun.flags & VS_TUN_F_REMCSUM))
		tun.flags |= VS_TUN_F_CSUM;
	rc = remcsum(tun, skb);
	__be16 df;
	int ret;

	ret = skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) +
			   vs_tunnel_overhead(dest, tun));
	if (ret)
		goto drop;
	ds = inner_ds(skb, inner_af, &df);
	ret = iptunnel_handle_offloads(skb, gso_type(outer_af, tun, rc));
	if (ret)
		goto drop;
	skb->transport_header = skb->network_header;
	skb_set_inner_ipproto(skb, proto);
	skb_set_inner_mac_header(skb, skb_inner_network_offset(skb));
	if (tun.type == VS_TUN_GUE)
		push_gue(net, skb, tun, &proto);
	else if (tun.type == VS_TUN_GRE)
		push_gre(skb, tun, &proto);
	/* Fragments of the outer packet, if the inner one allowed them. */
	skb->ignore_df = 1;
	if (outer_af == AF_INET6) {
		const struct in6_addr *s = (const struct in6_addr *)saddr;
		const struct in6_addr *d = (const struct in6_addr *)&dest->key.addr;

		if (proto == IPPROTO_UDP)
			udp6_set_csum(udp_nocheck(tun), skb, s, d, skb->len);
		push_outer6(skb, dst, s, d, proto, ds);
		return ip6_local_out(net, NULL, skb);
	}
	if (proto == IPPROTO_UDP)
		udp_set_csum(udp_nocheck(tun), skb, saddr->ip, dest->key.addr.ip,
			     skb->len);
	push_outer4(net, skb, dst, saddr->ip, dest->key.addr.ip, proto, ds, df);
	return ip_local_out(net, NULL, skb);

drop:
	kfree_skb(skb);
	return ret;
}

static u8 inner_af_of(__be16 ethertype)
{
	return ethertype == htons(ETH_P_IP) ? AF_INET :
	       ethertype == htons(ETH_P_IPV6) ? AF_INET6 : 0;
}

/*
 * An ICMP error quotes a packet we may have tunneled: its outer header's
 * payload, protocol @proto, is at @off. If it is an encapsulation we
 * send, say which (@tun: type, and port for GUE) and return the offset of
 * the packet it carries, whose family goes in @inner_af; else -1.
 */
int vs_tunnel_unwrap(const struct sk_buff *skb, unsigned int off, u8 proto,
		     union vs_tun *tun, u8 *inner_af)
{
	tun->word = 0;
	switch (proto) {
	case IPPROTO_IPIP:
	case IPPROTO_IPV6:
		tun->type = VS_TUN_IPIP;
		*inner_af = proto == IPPROTO_IPIP ? AF_INET : AF_INET6;
		return off;
	case IPPROTO_GRE: {
		struct gre_base_hdr _gh;
		const struct gre_base_hdr *gh;

		gh = skb_header_pointer(skb, off, sizeof(_gh), &_gh);
		if (!gh || (gh->flags & ~GRE_CSUM))
			return -1;
		tun->type = VS_TUN_GRE;
		*inner_af = inner_af_of(gh->protocol);
		return off + sizeof(*gh) + (gh->flags & GRE_CSUM ? 4 : 0);
	}
	case IPPROTO_UDP: {
		struct { struct udphdr uh; struct guehdr gh; } _h;
		const typeof(_h) *h;

		h = skb_header_pointer(skb, off, sizeof(_h), &_h);
		if (!h || h->gh.version || h->gh.control)
			return -1;
		tun->type = VS_TUN_GUE;
		tun->port = h->uh.dest;
		*inner_af = h->gh.proto_ctype == IPPROTO_IPIP ? AF_INET :
			    h->gh.proto_ctype == IPPROTO_IPV6 ? AF_INET6 : 0;
		return off + sizeof(_h) + h->gh.hlen * 4;
	}
	}
	return -1;
}
