// SPDX-License-Identifier: GPL-2.0
/*
 * vsd's reconciler diff: only what differs becomes an operation (an
 * unchanged service is never touched, a changed scheduler is an edit, not a
 * delete and add), hand-made changes to managed services are undone,
 * services vsd does not manage are left alone, servers not checked yet are
 * kept as found, and applying the diff makes the next diff empty.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include "reconcile.h"
#include "tap.h"

static union vs_addr A(const char *s)
{
	union vs_addr a = { 0 };

	inet_pton(AF_INET, s, &a.ip);
	return a;
}

static struct vs_virtual svc(const char *vip, uint16_t port, const char *sched)
{
	struct vs_virtual s = {
		.af = AF_INET, .protocol = IPPROTO_TCP, .addr = A(vip),
		.port = port, .netmask = 32,
		.set = VS_HAS_SCHED | VS_HAS_FLAGS | VS_HAS_TIMEOUT | VS_HAS_NETMASK,
	};

	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	return s;
}

static struct vs_real dest(const char *ip, uint16_t port, uint32_t w)
{
	struct vs_real d = {
		.addr = A(ip), .port = port, .fwd = VS_FWD_NAT, .weight = w,
		.set = VS_HAS_FWD | VS_HAS_WEIGHT | VS_HAS_U_THRESH | VS_HAS_L_THRESH,
	};

	return d;
}

/* The wanted table: web (VIP:80, rs1 w10, rs2 w10, rs3 not checked yet). */
static struct want_dest wd[3];
static struct want_service ws[2];
static struct want W = { .svcs = ws, .n = 1 };

static void reset_want(void)
{
	memset(ws, 0, sizeof(ws));
	ws[0].s = svc("192.168.26.10", 80, "wlc");
	ws[0].name = "web";
	wd[0] = (struct want_dest){ .d = dest("10.11.12.1", 80, 10) };
	wd[1] = (struct want_dest){ .d = dest("10.11.12.2", 80, 10) };
	wd[2] = (struct want_dest){ .d = dest("10.11.12.3", 80, 10), .optional = true };
	ws[0].dests = wd;
	ws[0].n_dests = 3;
	W.n = 1;
}

/* The kernel's table: web as wanted (rs3 absent) plus a foreign service. */
static struct vs_table H;

static void reset_have(void)
{
	static struct vs_real d1[4], d2[1];

	vs_table_free(&H);
	H.svcs = calloc(2, sizeof(*H.svcs));
	H.n = 2;
	d1[0] = dest("10.11.12.1", 80, 10);
	d1[1] = dest("10.11.12.2", 80, 10);
	H.svcs[0] = svc("192.168.26.10", 80, "wlc");
	H.svcs[0].dests = malloc(4 * sizeof(*d1));
	memcpy(H.svcs[0].dests, d1, 2 * sizeof(*d1));
	H.svcs[0].n_dests = 2;
	d2[0] = dest("10.0.0.1", 25, 1);
	H.svcs[1] = svc("192.168.26.20", 25, "rr");
	H.svcs[1].dests = malloc(sizeof(d2));
	memcpy(H.svcs[1].dests, d2, sizeof(d2));
	H.svcs[1].n_dests = 1;
}

static size_t diff(struct vs_op **ops)
{
	size_t n = 0;

	*ops = NULL;
	if (rec_diff(&W, &H, ops, &n))
		return (size_t)-1;
	return n;
}

static void test_unchanged(void)
{
	struct vs_op *ops;

	reset_want();
	reset_have();
	is_int((long long)diff(&ops), 0, "an unchanged service: no operation at all");
	rec_ops_free(ops, 0);
}

static void test_changes(void)
{
	struct vs_op *ops;
	char what[256];
	size_t n;

	reset_want();
	reset_have();
	wd[0].d.weight = 32;
	n = diff(&ops);
	ok(n == 1 && ops[0].kind == VS_OP_EDIT_DEST && ops[0].dest.weight == 32,
	   "a weight change is one server edit");
	rec_describe(&ops[0], &H, what, sizeof(what));
	is_str(what, "TCP 192.168.26.10:80: server 10.11.12.1:80 masq weight 32 (was masq weight 10)",
	       "described with the old value");
	rec_ops_free(ops, n);

	reset_want();
	strcpy(ws[0].s.sched, "rr");
	n = diff(&ops);
	ok(n == 1 && ops[0].kind == VS_OP_EDIT_SERVICE && !strcmp(ops[0].svc.sched, "rr"),
	   "a scheduler change is a service edit (connections and counters stay)");
	rec_ops_free(ops, n);

	reset_want();
	ws[0].s.flags = VS_SVC_F_PERSISTENT;
	ws[0].s.timeout = 300;
	ws[0].s.netmask = 24;
	n = diff(&ops);
	ok(n == 1 && ops[0].kind == VS_OP_EDIT_SERVICE && ops[0].svc.timeout == 300 &&
	   ops[0].svc.netmask == 24, "persistence on is a service edit");
	rec_ops_free(ops, n);
}

static void test_drift(void)
{
	struct vs_op *ops;
	size_t n;

	reset_want();
	reset_have();
	/* By hand: rs2 deleted, rs9 added, rs1 given a threshold. */
	H.svcs[0].dests[1] = dest("10.11.12.9", 80, 5);
	H.svcs[0].dests[0].u_thresh = 100;
	n = diff(&ops);
	ok(n == 3, "three hand-made changes, three corrections");
	ok(n == 3 && ops[0].kind == VS_OP_EDIT_DEST && ops[0].dest.u_thresh == 0,
	   "a threshold set by hand is cleared");
	ok(n == 3 && ops[1].kind == VS_OP_ADD_DEST &&
	   ops[1].dest.addr.ip == A("10.11.12.2").ip,
	   "a server deleted by hand is added back");
	ok(n == 3 && ops[2].kind == VS_OP_DEL_DEST &&
	   ops[2].dest.addr.ip == A("10.11.12.9").ip,
	   "a server added by hand is deleted, after the additions");
	rec_apply_fake(&H, ops, n);
	rec_ops_free(ops, n);
	is_int((long long)diff(&ops), 0, "after applying, the next diff is empty");
	rec_ops_free(ops, 0);
	ok(H.n == 2 && H.svcs[1].port == 25 && H.svcs[1].n_dests == 1,
	   "the service vsd does not manage is untouched");
}

static void test_optional(void)
{
	struct vs_op *ops;

	reset_want();
	reset_have();
	H.svcs[0].dests[2] = dest("10.11.12.3", 80, 77);
	H.svcs[0].n_dests = 3;
	is_int((long long)diff(&ops), 0,
	       "a server not checked yet stays as found (weight 77)");
	rec_ops_free(ops, 0);
	H.svcs[0].n_dests = 2;
	is_int((long long)diff(&ops), 0, "and is not added before its first verdict");
	rec_ops_free(ops, 0);
}

static void test_services(void)
{
	struct vs_op *ops;
	size_t n;

	reset_want();
	vs_table_free(&H);
	n = diff(&ops);
	ok(n == 1 && ops[0].kind == VS_OP_ADD_SERVICE && ops[0].svc.n_dests == 2,
	   "a missing service is added with its checked servers in one step");
	rec_apply_fake(&H, ops, n);
	rec_ops_free(ops, n);
	is_int((long long)diff(&ops), 0, "then nothing more to do");
	rec_ops_free(ops, 0);

	reset_have();
	ws[1].s = svc("192.168.26.20", 25, "rr");
	ws[1].absent = true;
	ws[1].name = "old";
	W.n = 2;
	n = diff(&ops);
	ok(n == 1 && ops[0].kind == VS_OP_DEL_SERVICE && ops[0].svc.port == 25,
	   "a service removed from the configuration (or inactive) is deleted");
	rec_apply_fake(&H, ops, n);
	rec_ops_free(ops, n);
	is_int((long long)diff(&ops), 0, "and once gone, nothing to do");
	rec_ops_free(ops, 0);
	ws[0].s.port = 8080;
	n = diff(&ops);
	ok(n == 1 && ops[0].kind == VS_OP_ADD_SERVICE && ops[0].svc.port == 8080,
	   "a new key is a new service; the old key is only deleted if retired");
	rec_ops_free(ops, n);
	vs_table_free(&H);
}

/*
 * Lookups go through sorted arrays: a big table in another order than the
 * configuration's (the kernel lists servers as they were added, and
 * fwmark and address services mix) still pairs every entry with its own.
 */
#define BIG_SERVERS 3000
#define BIG_SERVICES 400

static union vs_addr big_addr(unsigned int i)
{
	union vs_addr a = { 0 };

	a.ip = htonl(0x0a140000 | i);	/* 10.20.x.y */
	return a;
}

static void test_big(void)
{
	static struct want_dest bwd[BIG_SERVERS];
	static struct want_service bws[BIG_SERVICES];
	struct want bw = { .svcs = bws, .n = BIG_SERVICES };
	struct vs_table bh = { 0 };
	size_t n, i, kind[VS_OP_DEL_DEST + 1] = { 0 }, wrong = 0;
	struct vs_op *ops;

	for (i = 0; i < BIG_SERVERS; i++) {
		bwd[i].d = dest("10.11.12.1", (uint16_t)(1000 + i % 7), 5);
		bwd[i].d.addr = big_addr((unsigned int)i);
	}
	for (i = 0; i < BIG_SERVICES; i++) {
		bws[i].s = svc("192.168.26.10", (uint16_t)(80 + i % 3), "wlc");
		bws[i].s.addr = big_addr((unsigned int)i / 3);
		if (i % 5 == 0)		/* fwmark services: address ignored */
			bws[i].s.fwmark = (uint32_t)(i + 1);
	}
	bws[0].dests = bwd;
	bws[0].n_dests = BIG_SERVERS;
	/* The kernel's: every service in reverse order, the big one's
	 * servers too, but server 7 missing, 8 at weight 9, and one extra.
	 */
	bh.n = BIG_SERVICES;
	bh.svcs = calloc(bh.n, sizeof(*bh.svcs));
	for (i = 0; i < BIG_SERVICES; i++)
		bh.svcs[i] = bws[BIG_SERVICES - 1 - i].s;
	bh.svcs[bh.n - 1].dests = calloc(BIG_SERVERS, sizeof(struct vs_real));
	for (i = 0; i < BIG_SERVERS; i++)
		bh.svcs[bh.n - 1].dests[i] = bwd[BIG_SERVERS - 1 - i].d;
	bh.svcs[bh.n - 1].dests[BIG_SERVERS - 1 - 7].addr = big_addr(60000);
	bh.svcs[bh.n - 1].dests[BIG_SERVERS - 1 - 8].weight = 9;
	bh.svcs[bh.n - 1].n_dests = BIG_SERVERS;
	bh.svcs[4].fwmark = 0;	/* want's service 395, fwmark 396: gone */

	if (rec_diff(&bw, &bh, &ops, &n)) {
		ok(0, "a big table in another order: diff failed");
		vs_table_free(&bh);
		return;
	}
	for (i = 0; i < n; i++) {
		kind[ops[i].kind]++;
		if (ops[i].kind == VS_OP_ADD_DEST)
			wrong += ops[i].dest.addr.ip != big_addr(7).ip;
		else if (ops[i].kind == VS_OP_EDIT_DEST)
			wrong += ops[i].dest.addr.ip != big_addr(8).ip ||
				 ops[i].dest.weight != 5;
		else if (ops[i].kind == VS_OP_DEL_DEST)
			wrong += ops[i].dest.addr.ip != big_addr(60000).ip;
		else if (ops[i].kind == VS_OP_ADD_SERVICE)
			wrong += ops[i].svc.fwmark != 396;
	}
	ok(n == 4 && kind[VS_OP_ADD_DEST] == 1 && kind[VS_OP_EDIT_DEST] == 1 &&
	   kind[VS_OP_DEL_DEST] == 1 && kind[VS_OP_ADD_SERVICE] == 1 && !wrong,
	   "a big table in another order: exactly the 4 differences (%zu ops, %zu wrong)",
	   n, wrong);
	rec_apply_fake(&bh, ops, n);
	rec_ops_free(ops, n);
	ops = NULL;
	n = 1;
	ok(!rec_diff(&bw, &bh, &ops, &n) && n == 0,
	   "and applied, nothing more to do");
	rec_ops_free(ops, n);
	vs_table_free(&bh);
}

static union vs_addr A6(const char *s)
{
	union vs_addr a = { 0 };

	inet_pton(AF_INET6, s, a.bytes);
	return a;
}

static struct vs_real tun(uint16_t af, union vs_addr a, uint8_t type,
			  uint16_t port, uint16_t flags)
{
	struct vs_real d = dest("0.0.0.0", 80, 1);

	d.af = af;
	d.addr = a;
	d.fwd = VS_FWD_TUNNEL;
	d.tun_type = type;
	d.tun_port = port;
	d.tun_flags = flags;
	d.set |= VS_HAS_TUNNEL;
	return d;
}

/*
 * An IPv6 service tunneling to an IPv6 and an IPv4 server: the
 * encapsulation is compared (a new type or port is an edit carrying it),
 * and a server's family is part of its key.
 */
static void test_ipv6_tunnel(void)
{
	struct want_dest twd[2];
	struct want_service tws = { .name = "v6" };
	struct want tw = { .svcs = &tws, .n = 1 };
	struct vs_table th = { 0 };
	struct vs_op *ops = NULL;
	char what[256];
	size_t n = 0;

	tws.s = svc("0.0.0.0", 443, "rr");
	tws.s.af = AF_INET6;
	tws.s.addr = A6("2001:db8::10");
	tws.s.netmask = 128;
	twd[0] = (struct want_dest){ .d = tun(AF_INET6, A6("2001:db8:12::1"),
					      VS_TUN_GUE, 6080, VS_TUN_F_REMCSUM) };
	twd[1] = (struct want_dest){ .d = tun(AF_INET, A("10.0.0.1"), VS_TUN_GUE,
					      6080, VS_TUN_F_REMCSUM) };
	twd[0].d.port = twd[1].d.port = 443;
	tws.dests = twd;
	tws.n_dests = 2;

	ok(!rec_diff(&tw, &th, &ops, &n) && n == 1 &&
	   ops[0].kind == VS_OP_ADD_SERVICE && ops[0].svc.af == AF_INET6 &&
	   ops[0].svc.n_dests == 2 && ops[0].svc.dests[1].af == AF_INET &&
	   ops[0].svc.dests[0].tun_type == VS_TUN_GUE &&
	   ops[0].svc.dests[0].tun_port == 6080 &&
	   ops[0].svc.dests[0].tun_flags == VS_TUN_F_REMCSUM &&
	   (ops[0].svc.dests[0].set & VS_HAS_TUNNEL),
	   "an IPv6 tunnel service is added with both families' servers and their encapsulation");
	rec_describe(&ops[0], &th, what, sizeof(what));
	is_str(what, "TCP [2001:db8::10]:443: add service (rr, 2 servers)",
	       "an IPv6 service is described in brackets");
	rec_apply_fake(&th, ops, n);
	rec_ops_free(ops, n);
	ok(!rec_diff(&tw, &th, &ops, &n) && n == 0, "then nothing more to do");
	rec_ops_free(ops, n);

	twd[0].d.tun_port = 6081;
	ok(!rec_diff(&tw, &th, &ops, &n) && n == 1 &&
	   ops[0].kind == VS_OP_EDIT_DEST && ops[0].dest.tun_port == 6081 &&
	   (ops[0].dest.set & VS_HAS_TUNNEL), "a new tunnel port is a server edit");
	if (n == 1) {
		rec_describe(&ops[0], &th, what, sizeof(what));
		is_str(what, "TCP [2001:db8::10]:443: server [2001:db8:12::1]:443 tunnel gue port 6081 remcsum weight 1 (was tunnel gue port 6080 remcsum weight 1)",
		       "described with the encapsulation");
	}
	rec_ops_free(ops, n);
	twd[0].d.tun_port = 6080;

	twd[1].d.tun_type = VS_TUN_GRE;
	twd[1].d.tun_port = 0;
	twd[1].d.tun_flags = VS_TUN_F_CSUM;
	ok(!rec_diff(&tw, &th, &ops, &n) && n == 1 &&
	   ops[0].kind == VS_OP_EDIT_DEST && ops[0].dest.af == AF_INET &&
	   ops[0].dest.tun_type == VS_TUN_GRE && ops[0].dest.tun_flags == VS_TUN_F_CSUM,
	   "a new tunnel type is a server edit");
	rec_apply_fake(&th, ops, n);
	rec_ops_free(ops, n);
	ok(!rec_diff(&tw, &th, &ops, &n) && n == 0, "applied, nothing more to do");
	rec_ops_free(ops, n);

	/* 10.0.0.1 and [a00:1::] have the same 16 bytes. */
	twd[1].d.af = AF_INET6;
	twd[1].d.addr = A("10.0.0.1");
	ok(!rec_diff(&tw, &th, &ops, &n) && n == 2 &&
	   ops[0].kind == VS_OP_ADD_DEST && ops[0].dest.af == AF_INET6 &&
	   ops[1].kind == VS_OP_DEL_DEST && ops[1].dest.af == AF_INET,
	   "the same bytes in the other family are another server");
	rec_ops_free(ops, n);
	vs_table_free(&th);
}

/*
 * tunnel_source: programmed with the server, compared as part of the
 * encapsulation, and removed with an all-zero source when the
 * configuration drops it; a configuration without one sends none. The
 * kernel's table is what a dump gives: VS_HAS_TUN_SRC only for a source.
 */
static void test_tun_src(void)
{
	struct want_dest twd[1];
	struct want_service tws = { .name = "t" };
	struct want tw = { .svcs = &tws, .n = 1 };
	struct vs_table th = { 0 };
	struct vs_real *hd;
	struct vs_op *ops = NULL;
	char what[512];
	size_t n = 0;

	tws.s = svc("192.168.26.10", 80, "rr");
	twd[0] = (struct want_dest){ .d = tun(AF_INET6, A6("2001:db8:12::1"),
					      VS_TUN_GRE, 0, 0) };
	tws.dests = twd;
	tws.n_dests = 1;
	ok(!rec_diff(&tw, &th, &ops, &n) && n == 1 &&
	   !(ops[0].svc.dests[0].set & VS_HAS_TUN_SRC),
	   "without a source, a server is added without one");
	rec_apply_fake(&th, ops, n);
	rec_ops_free(ops, n);

	twd[0].d.tun_src = A6("2001:db8::1");
	twd[0].d.set |= VS_HAS_TUN_SRC;
	ok(!rec_diff(&tw, &th, &ops, &n) && n == 1 &&
	   ops[0].kind == VS_OP_EDIT_DEST && (ops[0].dest.set & VS_HAS_TUN_SRC) &&
	   !memcmp(&ops[0].dest.tun_src, &twd[0].d.tun_src, sizeof(union vs_addr)),
	   "a new source is a server edit carrying it");
	if (n == 1) {
		rec_describe(&ops[0], &th, what, sizeof(what));
		is_str(what, "TCP 192.168.26.10:80: server [2001:db8:12::1]:80 tunnel gre source 2001:db8::1 weight 1 (was tunnel gre weight 1)",
		       "described with the source");
	}
	rec_apply_fake(&th, ops, n);
	rec_ops_free(ops, n);
	ok(!rec_diff(&tw, &th, &ops, &n) && n == 0, "applied, nothing more to do");
	rec_ops_free(ops, n);

	twd[0].d.tun_src = A6("2001:db8::2");
	ok(!rec_diff(&tw, &th, &ops, &n) && n == 1 &&
	   ops[0].kind == VS_OP_EDIT_DEST &&
	   !memcmp(&ops[0].dest.tun_src, &twd[0].d.tun_src, sizeof(union vs_addr)),
	   "another source is an edit");
	rec_ops_free(ops, n);

	twd[0].d.set &= ~VS_HAS_TUN_SRC;
	memset(&twd[0].d.tun_src, 0, sizeof(twd[0].d.tun_src));
	ok(!rec_diff(&tw, &th, &ops, &n) && n == 1 &&
	   ops[0].kind == VS_OP_EDIT_DEST && (ops[0].dest.set & VS_HAS_TUN_SRC) &&
	   !memcmp(&ops[0].dest.tun_src, &(union vs_addr){ 0 }, sizeof(union vs_addr)),
	   "the source removed from the configuration: an edit with an all-zero one");
	if (n == 1) {
		rec_describe(&ops[0], &th, what, sizeof(what));
		is_str(what, "TCP 192.168.26.10:80: server [2001:db8:12::1]:80 tunnel gre weight 1 (was tunnel gre source 2001:db8::1 weight 1)",
		       "described as the source gone");
	}
	rec_apply_fake(&th, ops, n);
	rec_ops_free(ops, n);
	ok(!rec_diff(&tw, &th, &ops, &n) && n == 0,
	   "the all-zero source left in the in-memory table is none: nothing more");
	rec_ops_free(ops, n);

	/* what the kernel's dump then gives: no source, no bit */
	hd = &th.svcs[0].dests[0];
	hd->set &= ~VS_HAS_TUN_SRC;
	ok(!rec_diff(&tw, &th, &ops, &n) && n == 0, "and the kernel's answer without one neither");
	rec_ops_free(ops, n);

	/* a weight change of a server without a source never sends one */
	twd[0].d.weight = 5;
	ok(!rec_diff(&tw, &th, &ops, &n) && n == 1 &&
	   !(ops[0].dest.set & VS_HAS_TUN_SRC), "an edit without a source to remove sends none");
	rec_ops_free(ops, n);

	/* a source set behind vsd's back is removed */
	hd->tun_src = A6("2001:db8::99");
	hd->set |= VS_HAS_TUN_SRC;
	ok(!rec_diff(&tw, &th, &ops, &n) && n == 1 &&
	   (ops[0].dest.set & VS_HAS_TUN_SRC) && ops[0].dest.weight == 5 &&
	   !memcmp(&ops[0].dest.tun_src, &(union vs_addr){ 0 }, sizeof(union vs_addr)),
	   "a source vsd did not set is removed in the same edit");
	rec_ops_free(ops, n);
	vs_table_free(&th);
}

/* scheduler_flags: a change is a service edit, said with both values. */
static void test_sched_flags(void)
{
	struct vs_op *ops;
	char what[256];
	size_t n;

	reset_want();
	reset_have();
	strcpy(ws[0].s.sched, "mh");
	strcpy(H.svcs[0].sched, "mh");
	ws[0].s.flags = VS_SVC_F_MH_PORT;
	n = diff(&ops);
	ok(n == 1 && ops[0].kind == VS_OP_EDIT_SERVICE && ops[0].svc.flags == VS_SVC_F_MH_PORT,
	   "scheduler flags are a service edit");
	if (n == 1) {
		rec_describe(&ops[0], &H, what, sizeof(what));
		is_str(what, "TCP 192.168.26.10:80: set scheduler mh, persistence 0/32 (was mh, 0/32), scheduler flags 0x4 (was 0x0)",
		       "described with the flags");
	}
	rec_ops_free(ops, n);
}

/* What the announcer asks: did the last pass apply this service? */
static void test_service_ok(void)
{
	struct reconciler r;
	struct vs_virtual other = svc("192.168.26.99", 80, "wlc");

	reset_want();
	rec_open(&r, true);
	ok(!rec_service_ok(&r, &ws[0].s), "no service is applied before the first pass");
	ok(rec_kernel_ok(&r), "without a kernel the in-memory table always answers");
	is_int(rec_run(&r, &W), 0, "a pass");
	ok(rec_service_ok(&r, &ws[0].s), "then its services are");
	ok(rec_service_ok(&r, &other), "and a service no operation failed on");
	is_int(rec_sloppy_tcp(&r, true), 0, "sloppy_tcp set (in memory)");
	is_int(r.sloppy_tcp, 1, "and known");
	r.sloppy_err = -EOPNOTSUPP;
	ok(!rec_service_ok(&r, &ws[0].s), "sloppy_tcp that cannot be set fails every service");
	r.sloppy_err = 0;
	r.last_ret = -VS_ENOMODULE;
	ok(!rec_service_ok(&r, &ws[0].s), "so does a table that cannot be read");
	rec_close(&r);
}

int main(void)
{
	test_unchanged();
	test_changes();
	test_drift();
	test_optional();
	test_services();
	test_big();
	test_ipv6_tunnel();
	test_tun_src();
	test_sched_flags();
	test_service_ok();
	return tap_done();
}
