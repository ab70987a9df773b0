// SPDX-License-Identifier: GPL-2.0
/*
 * Announcing by health: the decision over (module answers, service
 * applied, a healthy server, draining, refused) for each service, a VIP
 * shared by two services announced when either may be; then the routes
 * themselves, in a network namespace of the test's own (skipped where it
 * cannot make one): stale routes of an earlier run deleted at start,
 * announced and withdrawn as the decision changes, put back when deleted
 * by hand, moved with the table, and all withdrawn at the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "announce.h"
#include "conf.h"
#include "tap.h"

static union vs_addr A(const char *s)
{
	union vs_addr a = { 0 };

	if (inet_pton(AF_INET, s, &a.ip) != 1)
		inet_pton(AF_INET6, s, a.bytes);
	return a;
}

static struct ann_service svc(const char *vip, bool healthy)
{
	return (struct ann_service){
		.has_addr = true, .af = strchr(vip, ':') ? AF_INET6 : AF_INET,
		.vip = A(vip), .active = true, .applied = true, .healthy = healthy,
	};
}

static const struct ann_global up = { .kernel_ok = true };

static void test_service(void)
{
	struct ann_service s = svc("192.0.2.10", true);
	struct ann_global g = up;

	is_int(ann_service_why(&g, &s), ANN_OK, "applied, a healthy server: announced");
	s.healthy = false;
	is_int(ann_service_why(&g, &s), ANN_NO_SERVER, "no healthy server: withdrawn");
	s.healthy = true;
	s.applied = false;
	is_int(ann_service_why(&g, &s), ANN_NOT_APPLIED, "the last pass did not apply it: withdrawn");
	s.applied = true;
	s.active = false;
	is_int(ann_service_why(&g, &s), ANN_INACTIVE, "active = 0: withdrawn");
	s.active = true;
	g.draining = true;
	is_int(ann_service_why(&g, &s), ANN_DRAINING, "draining: withdrawn");
	g.refused = true;
	is_int(ann_service_why(&g, &s), ANN_REFUSED, "refused by the mesh: withdrawn, said before draining");
	g.kernel_ok = false;
	is_int(ann_service_why(&g, &s), ANN_KERNEL, "the module does not answer: withdrawn, said first");
	is_str(ann_why_name(ANN_NO_SERVER), "no healthy server", "reasons have names");
}

static void test_vips(void)
{
	struct ann_service s[5] = {
		svc("192.0.2.10", false),	/* :80, servers down */
		svc("192.0.2.10", true),	/* :443 */
		svc("2001:db8::10", false),
		svc("192.0.2.11", false),
		{ .has_addr = false, .active = true, .applied = true, .healthy = true },
	};
	struct ann_vip v[5];
	struct ann_global g = up;
	size_t n;

	s[3].active = false;
	n = ann_vips(&g, s, 5, v);
	is_int((long long)n, 3, "three VIPs: a shared one once, a fwmark service none");
	ok(v[0].af == AF_INET && v[0].addr.ip == A("192.0.2.10").ip && v[0].why == ANN_OK,
	   "a VIP shared by two services is announced when either may be");
	ok(v[1].af == AF_INET6 && v[1].why == ANN_NO_SERVER, "the IPv6 VIP, without a server");
	is_int(v[2].why, ANN_INACTIVE, "an inactive virtual's VIP");
	s[1].healthy = false;
	s[1].active = false;
	ann_vips(&g, s, 5, v);
	is_int(v[0].why, ANN_NO_SERVER, "both down: the shared VIP has the least reason of the two");
	g.draining = true;
	s[1].active = true;
	s[1].healthy = true;
	ann_vips(&g, s, 5, v);
	ok(v[0].why == ANN_DRAINING && v[1].why == ANN_DRAINING && v[2].why == ANN_DRAINING,
	   "draining withdraws every VIP");
}

/* ------------------------------------------------------------------ */
/* Routes, in a namespace of our own                                    */

/* Our route to vip in table, 1 if there, 0 if not. */
static int routed(uint32_t table, const char *vip)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	union vs_addr a = A(vip);
	uint16_t af = strchr(vip, ':') ? AF_INET6 : AF_INET;
	int found = 0;

	if (!sk || nl_connect(sk, NETLINK_ROUTE) || rtnl_route_alloc_cache(sk, af, 0, &cache))
		found = -1;
	for (o = cache ? nl_cache_get_first(cache) : NULL; o; o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;
		struct nl_addr *d = rtnl_route_get_dst(r);

		if (rtnl_route_get_table(r) == table && rtnl_route_get_protocol(r) == VSD_RTPROT &&
		    d && nl_addr_get_prefixlen(d) == (af == AF_INET6 ? 128 : 32) &&
		    !memcmp(nl_addr_get_binary_addr(d), &a, af == AF_INET6 ? 16 : 4))
			found = 1;
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	return found;
}

static int sh(const char *cmd)
{
	return system(cmd);
}

static bool own_namespace(void)
{
	if (unshare(CLONE_NEWNET)) {
		printf("# skip the route tests: no network namespace of our own (%s)\n",
		       strerror(errno));
		return false;
	}
	return sh("ip link set lo up") == 0;
}

static void test_routes(void)
{
	struct ann_service s[3] = {
		svc("192.0.2.10", true), svc("2001:db8::10", true), svc("192.0.2.11", false),
	};
	struct ann_vip v[3];
	struct announcer a;
	size_t n;

	if (!own_namespace())
		return;
	sh("ip route add 198.51.100.1/32 dev lo table 250 proto 251");
	sh("ip route add 198.51.100.2/32 dev lo table 250 proto static");
	is_int(ann_open(&a, 250), 0, "the announcer opens");
	is_int(routed(250, "198.51.100.1"), 0, "a route of an earlier run is withdrawn at start");
	ok(sh("ip route show table 250 | grep -q '^198.51.100.2 '") == 0,
	   "a route of another protocol in the table is left alone");

	n = ann_vips(&up, s, 3, v);
	ann_apply(&a, v, n);
	ok(routed(250, "192.0.2.10") == 1 && routed(250, "2001:db8::10") == 1,
	   "healthy VIPs are routes in the table, /32 and /128, protocol 251");
	is_int(routed(250, "192.0.2.11"), 0, "a VIP without a healthy server is not");
	is_int((long long)ann_count(&a), 2, "two announced");
	ok(sh("ip route show table 250 | grep -q '^192.0.2.10 dev lo proto 251 scope link'") == 0,
	   "as 'VIP dev lo proto 251 scope link'");

	s[0].healthy = false;
	n = ann_vips(&up, s, 3, v);
	ann_apply(&a, v, n);
	is_int(routed(250, "192.0.2.10"), 0, "its last server down: withdrawn");
	is_int((long long)a.withdrawals, 1, "withdrawals counted (not the stale route's)");

	sh("ip -6 route del 2001:db8::10/128 dev lo table 250");
	ann_reassert(&a);
	is_int(routed(250, "2001:db8::10"), 1, "a route deleted by hand is put back");

	n = ann_vips(&up, s, 1, v);	/* the others left the configuration */
	ann_apply(&a, v, n);
	is_int(routed(250, "2001:db8::10"), 0, "a VIP gone from the configuration is withdrawn");

	s[0].healthy = true;
	n = ann_vips(&up, s, 1, v);
	ann_apply(&a, v, n);
	ann_set_table(&a, 1000);
	is_int(routed(250, "192.0.2.10"), 0, "another table: withdrawn from the old one");
	ann_apply(&a, v, n);
	is_int(routed(1000, "192.0.2.10"), 1, "and announced in the new one");
	ann_close(&a);
	is_int(routed(1000, "192.0.2.10"), 0, "closing withdraws everything");
}

int main(void)
{
	test_service();
	test_vips();
	test_routes();
	return tap_done();
}
