// SPDX-License-Identifier: GPL-2.0
/*
 * Announcing by health (see announce.h): the decision, then the routes.
 * Routes are added with NLM_F_EXCL and only when the decision changes,
 * so the routing daemon sees one change per announcement or withdrawal
 * and nothing in between (a re-added identical route would still be an
 * update to learn and, for some daemons, to send).
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>

#include "addr.h"
#include "announce.h"
#include "conf.h"
#include "log.h"

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

/* ------------------------------------------------------------------ */
/* The decision                                                         */

enum ann_why ann_service_why(const struct ann_global *g,
			     const struct ann_service *s)
{
	if (!g->kernel_ok)
		return ANN_KERNEL;
	if (g->refused)
		return ANN_REFUSED;
	if (g->draining)
		return ANN_DRAINING;
	if (!s->active)
		return ANN_INACTIVE;
	if (!s->applied)
		return ANN_NOT_APPLIED;
	return s->healthy ? ANN_OK : ANN_NO_SERVER;
}

static bool same_vip(uint16_t af, const union vs_addr *a, uint16_t bf,
		     const union vs_addr *b)
{
	return af == bf && !memcmp(a, b, af == AF_INET6 ? 16 : 4);
}

size_t ann_vips(const struct ann_global *g, const struct ann_service *s,
		size_t n, struct ann_vip *out)
{
	size_t i, j, k = 0;
	enum ann_why why;

	for (i = 0; i < n; i++) {
		if (!s[i].has_addr)
			continue;
		why = ann_service_why(g, &s[i]);
		for (j = 0; j < k; j++)
			if (same_vip(out[j].af, &out[j].addr, s[i].af, &s[i].vip))
				break;
		if (j == k) {
			out[k].af = s[i].af;
			out[k].addr = s[i].vip;
			out[k++].why = why;
		} else if (why < out[j].why) {
			out[j].why = why;
		}
	}
	return k;
}

const char *ann_why_name(enum ann_why why)
{
	static const char *const names[] = {
		[ANN_OK] = "announced",
		[ANN_NO_SERVER] = "no healthy server",
		[ANN_NOT_APPLIED] = "not in the kernel's table (the last pass failed)",
		[ANN_INACTIVE] = "inactive",
		[ANN_DRAINING] = "draining",
		[ANN_REFUSED] = "refused by the mesh",
		[ANN_KERNEL] = "kernel unreachable",
	};

	return why < ANN_WHY_MAX ? names[why] : "?";
}

/* ------------------------------------------------------------------ */
/* Routes                                                               */

static struct rtnl_route *make_route(const struct announcer *a, uint16_t af,
				     const union vs_addr *addr)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nl_addr_build(af, addr, af == AF_INET6 ? 16 : 4);

	if (!r || !nh || !dst) {
		rtnl_route_put(r);
		rtnl_route_nh_free(nh);
		nl_addr_put(dst);
		return NULL;
	}
	nl_addr_set_prefixlen(dst, af == AF_INET6 ? 128 : 32);
	rtnl_route_set_family(r, (uint8_t)af);
	rtnl_route_set_dst(r, dst);
	rtnl_route_set_table(r, a->table);
	rtnl_route_set_protocol(r, VSD_RTPROT);
	rtnl_route_set_type(r, RTN_UNICAST);
	rtnl_route_set_scope(r, RT_SCOPE_LINK);
	rtnl_route_nh_set_ifindex(nh, a->lo);
	rtnl_route_add_nexthop(r, nh);
	nl_addr_put(dst);
	return r;
}

/* 0 made, 1 already so, or a libnl error (-NLE_*). */
static int route(struct announcer *a, const struct ann_vip *v, bool add)
{
	struct rtnl_route *r = make_route(a, v->af, &v->addr);
	int ret;

	if (!r)
		return -ENOMEM;
	ret = add ? rtnl_route_add(a->rt, r, NLM_F_EXCL) : rtnl_route_delete(a->rt, r, 0);
	rtnl_route_put(r);
	if ((add && ret == -NLE_EXIST) ||
	    (!add && (ret == -NLE_OBJ_NOTFOUND || ret == -NLE_NOADDR)))
		return 1;
	return ret < 0 ? ret : 0;
}

static void vip_str(const struct ann_vip *v, char *buf, size_t len)
{
	vs_addr_str_af(v->af, &v->addr, buf, len);
}

/* Routes of ours in the table, collected by a dump. */
struct stale {
	uint32_t table;
	struct rtnl_route **r;
	size_t n;
};

static int stale_cb(struct nl_msg *msg, void *arg)
{
	struct stale *st = arg;
	struct rtnl_route *r, **more;

	if (rtnl_route_parse(nlmsg_hdr(msg), &r) < 0)
		return NL_OK;
	if (rtnl_route_get_table(r) != st->table ||
	    rtnl_route_get_protocol(r) != VSD_RTPROT ||
	    !(more = realloc(st->r, (st->n + 1) * sizeof(*more)))) {
		rtnl_route_put(r);
		return NL_OK;
	}
	st->r = more;
	st->r[st->n++] = r;
	return NL_OK;
}

/*
 * One family's routes in the table: the kernel filters by table and
 * protocol when the socket asks for strict checks (Linux 4.20 on), else
 * the callback does.
 */
static void dump_stale(struct announcer *a, uint8_t family, struct stale *st)
{
	struct rtmsg rtm = {
		.rtm_family = family,
		.rtm_table = a->table < 256 ? (uint8_t)a->table : RT_TABLE_UNSPEC,
		.rtm_protocol = VSD_RTPROT,
	};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_DUMP);

	if (!msg || nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) ||
	    nla_put_u32(msg, RTA_TABLE, a->table) || nl_send_auto(a->rt, msg) < 0) {
		nlmsg_free(msg);
		return;
	}
	nlmsg_free(msg);
	nl_socket_modify_cb(a->rt, NL_CB_VALID, NL_CB_CUSTOM, stale_cb, st);
	nl_recvmsgs_default(a->rt);
	nl_socket_modify_cb(a->rt, NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
}

/* What a vsd killed before it could withdraw left announced. */
static void flush_stale(struct announcer *a)
{
	struct stale st = { .table = a->table };
	char dst[INET6_ADDRSTRLEN + 8];
	size_t i;

	dump_stale(a, AF_INET, &st);
	dump_stale(a, AF_INET6, &st);
	for (i = 0; i < st.n; i++) {
		nl_addr2str(rtnl_route_get_dst(st.r[i]), dst, sizeof(dst));
		if (rtnl_route_delete(a->rt, st.r[i], 0) < 0)
			log_err("announce: cannot delete the route to %s an earlier vsd left in table %u",
				dst, a->table);
		else
			log_warn("announce: route to %s left in table %u by an earlier vsd: withdrawn",
				 dst, a->table);
		rtnl_route_put(st.r[i]);
	}
	free(st.r);
}

int ann_open(struct announcer *a, uint32_t table)
{
	int one = 1;

	memset(a, 0, sizeof(*a));
	a->table = table;
	a->lo = (int)if_nametoindex("lo");
	a->rt = nl_socket_alloc();
	if (!a->rt || !a->lo || nl_connect(a->rt, NETLINK_ROUTE) < 0) {
		nl_socket_free(a->rt);
		a->rt = NULL;
		return -EIO;
	}
	setsockopt(nl_socket_get_fd(a->rt), SOL_NETLINK, NETLINK_GET_STRICT_CHK,
		   &one, sizeof(one));
	flush_stale(a);
	return 0;
}

/* Carry what the table holds over to the new decision. */
static bool *carry_routed(const struct announcer *a, const struct ann_vip *v,
			  size_t n, bool **kept)
{
	bool *routed = calloc(n ? n : 1, sizeof(*routed));
	size_t i, j;

	*kept = calloc(a->n_vips ? a->n_vips : 1, sizeof(**kept));
	if (!routed || !*kept) {
		free(routed);
		free(*kept);
		return NULL;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < a->n_vips; j++)
			if (same_vip(v[i].af, &v[i].addr, a->vips[j].af, &a->vips[j].addr)) {
				routed[i] = a->routed[j];
				(*kept)[j] = true;
			}
	return routed;
}

static void withdraw(struct announcer *a, const struct ann_vip *v,
		     bool *routed, const char *why)
{
	char s[INET6_ADDRSTRLEN];
	int ret = route(a, v, false);

	vip_str(v, s, sizeof(s));
	if (ret < 0) {
		a->errors++;
		log_err("announce: cannot withdraw %s from table %u: %s", s, a->table,
			nl_geterror(ret));
		return;
	}
	*routed = false;
	a->withdrawals++;
	log_notice("announce: %s withdrawn: %s", s, why);
}

static void announce(struct announcer *a, const struct ann_vip *v, bool *routed)
{
	char s[INET6_ADDRSTRLEN];
	int ret = route(a, v, true);

	vip_str(v, s, sizeof(s));
	if (ret < 0) {
		/* Tried again at each decision: said at the first failure
		 * and every hundredth.
		 */
		if (!a->errors++ || a->errors % 100 == 0)
			log_err("announce: cannot add the route to %s in table %u: %s (%llu failures)",
				s, a->table, nl_geterror(ret),
				(unsigned long long)a->errors);
		return;
	}
	*routed = true;
	a->announcements++;
	log_notice("announce: %s announced (table %u)", s, a->table);
}

void ann_apply(struct announcer *a, const struct ann_vip *v, size_t n)
{
	struct ann_vip *copy = malloc((n ? n : 1) * sizeof(*copy));
	bool *kept = NULL, *routed = copy ? carry_routed(a, v, n, &kept) : NULL;
	size_t i;

	if (!routed) {
		free(copy);
		log_err("announce: out of memory");
		return;
	}
	for (i = 0; i < a->n_vips; i++)
		if (a->routed[i] && !kept[i])
			withdraw(a, &a->vips[i], &a->routed[i], "no longer in the configuration");
	for (i = 0; i < n; i++) {
		if (v[i].why == ANN_OK && !routed[i])
			announce(a, &v[i], &routed[i]);
		else if (v[i].why != ANN_OK && routed[i])
			withdraw(a, &v[i], &routed[i], ann_why_name(v[i].why));
	}
	memcpy(copy, v, n * sizeof(*copy));
	free(kept);
	free(a->vips);
	free(a->routed);
	a->vips = copy;
	a->routed = routed;
	a->n_vips = n;
}

void ann_reassert(struct announcer *a)
{
	char s[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < a->n_vips; i++) {
		if (!a->routed[i] || route(a, &a->vips[i], true) != 0)
			continue;
		vip_str(&a->vips[i], s, sizeof(s));
		log_warn("announce: the route to %s was deleted from table %u behind vsd's back: added again",
			 s, a->table);
	}
}

static void withdraw_all(struct announcer *a, const char *why)
{
	size_t i;

	for (i = 0; i < a->n_vips; i++)
		if (a->routed[i])
			withdraw(a, &a->vips[i], &a->routed[i], why);
}

void ann_set_table(struct announcer *a, uint32_t table)
{
	if (table == a->table)
		return;
	withdraw_all(a, "announce_table changed");
	a->table = table;
	flush_stale(a);
	/* the next decision announces them in the new table */
}

void ann_close(struct announcer *a)
{
	if (!a->rt)
		return;
	withdraw_all(a, "vsd stops");
	nl_socket_free(a->rt);
	free(a->vips);
	free(a->routed);
	memset(a, 0, sizeof(*a));
}

size_t ann_count(const struct announcer *a)
{
	size_t i, n = 0;

	for (i = 0; i < a->n_vips; i++)
		n += a->routed[i];
	return n;
}
