// SPDX-License-Identifier: GPL-2.0
/*
 * Floating addresses through rtnetlink, gratuitous ARP and unsolicited
 * neighbour advertisements through a packet socket, link state through the
 * device flags.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/if_ether.h>
#include <netinet/ip6.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>

#include "floataddr.h"

static size_t addr_len(uint16_t af)
{
	return af == AF_INET6 ? 16 : 4;
}

int vsd_float_init(struct vsd_float *f, const char *dev, uint16_t af,
		   const union vs_addr *addr, uint8_t plen)
{
	size_t n = strcspn(dev, ":");

	memset(f, 0, sizeof(*f));
	if (!n || n >= sizeof(f->ifname) || strlen(dev) >= sizeof(f->dev))
		return -1;
	memcpy(f->ifname, dev, n);
	strcpy(f->dev, dev);
	f->af = af;
	f->addr = *addr;
	f->plen = plen;
	vs_addr_str_af(af, addr, f->text, sizeof(f->text));
	return 0;
}

/* An rtnl_addr for f on its device; NULL if the device does not exist. */
static struct rtnl_addr *make_addr(const struct vsd_float *f)
{
	unsigned int ifindex = if_nametoindex(f->ifname);
	struct rtnl_addr *a;
	struct nl_addr *local;

	if (!ifindex)
		return NULL;
	a = rtnl_addr_alloc();
	local = nl_addr_build(f->af, &f->addr, addr_len(f->af));
	if (!a || !local) {
		rtnl_addr_put(a);
		nl_addr_put(local);
		return NULL;
	}
	nl_addr_set_prefixlen(local, f->plen);
	rtnl_addr_set_ifindex(a, (int)ifindex);
	rtnl_addr_set_local(a, local);
	rtnl_addr_set_prefixlen(a, f->plen);
	if (f->af == AF_INET6)	/* usable at once: the peer let it go */
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	else			/* IPv6 addresses have no labels */
		rtnl_addr_set_label(a, f->dev);
	nl_addr_put(local);
	return a;
}

static int change(const struct vsd_float *f, bool add)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_addr *a = make_addr(f);
	int ret = -ENODEV;

	if (!sk || !a)
		goto out;
	ret = nl_connect(sk, NETLINK_ROUTE);
	if (ret < 0)
		goto out;
	ret = add ? rtnl_addr_add(sk, a, NLM_F_REPLACE) : rtnl_addr_delete(sk, a, 0);
	/* Already there, or already gone: what we wanted. */
	if (ret == -NLE_EXIST || ret == -NLE_NOADDR || ret == -NLE_OBJ_NOTFOUND)
		ret = 0;
out:
	rtnl_addr_put(a);
	nl_socket_free(sk);
	return ret;
}

int vsd_float_add(const struct vsd_float *f)
{
	return change(f, true);
}

int vsd_float_del(const struct vsd_float *f)
{
	return change(f, false);
}

struct find_ctx {
	const struct vsd_float *f;
	unsigned int ifindex;
	bool found;
};

static void find_cb(struct nl_object *obj, void *arg)
{
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct find_ctx *ctx = arg;
	struct nl_addr *local = rtnl_addr_get_local(a);

	if (rtnl_addr_get_ifindex(a) == (int)ctx->ifindex && local &&
	    nl_addr_get_family(local) == ctx->f->af &&
	    !memcmp(nl_addr_get_binary_addr(local), &ctx->f->addr,
		    addr_len(ctx->f->af)))
		ctx->found = true;
}

bool vsd_float_present(const struct vsd_float *f)
{
	struct find_ctx ctx = { .f = f, .ifindex = if_nametoindex(f->ifname) };
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL;

	if (sk && ctx.ifindex && !nl_connect(sk, NETLINK_ROUTE) &&
	    !rtnl_addr_alloc_cache(sk, &cache))
		nl_cache_foreach(cache, find_cb, &ctx);
	nl_cache_free(cache);
	nl_socket_free(sk);
	return ctx.found;
}

struct garp {
	struct arphdr h;
	uint8_t sha[ETH_ALEN];
	uint8_t spa[4];
	uint8_t tha[ETH_ALEN];
	uint8_t tpa[4];
} __attribute__((packed));

static int hwaddr(int fd, const char *ifname, uint8_t mac[ETH_ALEN])
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

/*
 * Protocol 0: the socket receives nothing. It is kept for the daemon's
 * life because closing a packet socket waits for an RCU grace period,
 * which would hold the loop between the ARPs of a takeover.
 */
int vsd_garp_open(void)
{
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

/*
 * The Internet checksum of the ICMPv6 message of an IPv6 packet without
 * extension headers, with its pseudo-header: the addresses at bytes 8-39.
 */
static uint16_t icmp6_sum(const uint8_t *pkt, size_t icmp_len)
{
	const uint8_t *msg = pkt + sizeof(struct ip6_hdr);
	uint32_t sum = 0;
	size_t i;

	for (i = 8; i < 40; i += 2)
		sum += (uint32_t)(pkt[i] << 8 | pkt[i + 1]);
	sum += (uint32_t)icmp_len + IPPROTO_ICMPV6;
	for (i = 0; i + 1 < icmp_len; i += 2)
		sum += (uint32_t)(msg[i] << 8 | msg[i + 1]);
	if (icmp_len & 1)
		sum += (uint32_t)(msg[icmp_len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/*
 * From the address itself to all nodes, hop limit 255 (receivers check
 * it), Override set so that caches take the new MAC, Solicited not, and
 * the target's link-layer address as its option.
 */
size_t vsd_na_build(uint8_t *buf, size_t room, const struct in6_addr *target,
		    const uint8_t mac[6])
{
	struct na {
		struct ip6_hdr ip6;
		struct nd_neighbor_advert na;
		struct nd_opt_hdr opt;
		uint8_t lladdr[6];
	} __attribute__((packed)) p;
	const size_t icmp_len = sizeof(p) - sizeof(p.ip6);
	uint16_t sum;

	if (room < sizeof(p))
		return 0;
	memset(&p, 0, sizeof(p));
	p.ip6.ip6_flow = htonl(6u << 28);
	p.ip6.ip6_plen = htons((uint16_t)icmp_len);
	p.ip6.ip6_nxt = IPPROTO_ICMPV6;
	p.ip6.ip6_hlim = 255;
	p.ip6.ip6_src = *target;
	inet_pton(AF_INET6, "ff02::1", &p.ip6.ip6_dst);
	p.na.nd_na_type = ND_NEIGHBOR_ADVERT;
	p.na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
	p.na.nd_na_target = *target;
	p.opt.nd_opt_type = ND_OPT_TARGET_LINKADDR;
	p.opt.nd_opt_len = 1;	/* in units of 8 bytes */
	memcpy(p.lladdr, mac, 6);
	memcpy(buf, &p, sizeof(p));
	sum = icmp6_sum(buf, icmp_len);
	memcpy(buf + sizeof(p.ip6) + 2, &sum, 2);	/* nd_na_cksum */
	return sizeof(p);
}

static int send_na(int fd, const struct vsd_float *f, struct sockaddr_ll *to)
{
	static const uint8_t all_nodes[ETH_ALEN] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t mac[ETH_ALEN], buf[128];
	size_t len;
	int ret;

	ret = hwaddr(fd, f->ifname, mac);
	if (ret)
		return ret;
	len = vsd_na_build(buf, sizeof(buf), (const struct in6_addr *)&f->addr, mac);
	to->sll_protocol = htons(ETH_P_IPV6);
	memcpy(to->sll_addr, all_nodes, ETH_ALEN);
	if (sendto(fd, buf, len, 0, (struct sockaddr *)to, sizeof(*to)) < 0)
		return -errno;
	return 0;
}

int vsd_float_garp(int fd, const struct vsd_float *f)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_halen = ETH_ALEN,
	};
	struct garp p = {
		.h.ar_hrd = htons(ARPHRD_ETHER),
		.h.ar_pro = htons(ETH_P_IP),
		.h.ar_hln = ETH_ALEN,
		.h.ar_pln = 4,
		.h.ar_op = htons(ARPOP_REQUEST),
	};
	int ret;

	to.sll_ifindex = (int)if_nametoindex(f->ifname);
	if (!to.sll_ifindex)
		return -ENODEV;
	if (f->af == AF_INET6)
		return send_na(fd, f, &to);
	ret = hwaddr(fd, f->ifname, p.sha);
	if (!ret) {
		memset(to.sll_addr, 0xff, ETH_ALEN);
		memcpy(p.spa, &f->addr, 4);
		memcpy(p.tpa, &f->addr, 4);
		if (sendto(fd, &p, sizeof(p), 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0)
			ret = -errno;
	}
	return ret;
}

bool vsd_link_up(const char *ifname)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool up = false;

	if (fd < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr))
		up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	close(fd);
	return up;
}
