// SPDX-License-Identifier: GPL-2.0
/*
 * The pool's desired table from a configuration: an IPv6 service, a
 * tunnel of each encapsulation across families, the persistence prefix,
 * and a reload changing the tunnel port reconciled as a server edit; a
 * tunnel_source on every server of its virtual, and its removal.
 * Servers are check_type = none (up at once), so no check runs.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "check/check.h"
#include "pool.h"
#include "tap.h"

static const char conf6[] =
	"network = tunnel\n"
	"virtual v6 {\n address = 2001:db8::10\n port = 443\n persistent = 60\n"
	" pmask = 64\n check_type = none\n scheduler = rr\n"
	" tunnel_type = gue\n tunnel_port = %u\n tunnel_checksum = remcsum\n"
	" server a {\n  address = 2001:db8:12::1\n  weight = 3\n }\n"
	" server b {\n  address = 10.11.12.2\n }\n}\n"
	"virtual fw {\n fwmark = 6\n ipv6 = 1\n check_type = none\n"
	" tunnel_type = gre\n tunnel_checksum = csum\n%s"
	" server c {\n  address = 2001:db8:12::3\n }\n"
	" server c2 {\n  address = 2001:db8:12::5\n }\n}\n"
	"virtual v4 {\n address = 192.168.26.10\n check_type = none\n"
	" server d {\n  address = 2001:db8:12::4\n }\n}\n";

static void changed(void *arg)
{
	(void)arg;
}

/* src: fw's tunnel_source line, or "". */
static struct pool *pool_of(unsigned int gue_port, const char *src)
{
	struct vsd_conf *c = NULL;
	struct vsd_diag d;
	char text[2048];

	snprintf(text, sizeof(text), conf6, gue_port, src);
	if (vsd_conf_parse("t.conf", text, &c, &d)) {
		printf("#   %s\n", d.n_errors ? d.errors[0] : "?");
		vsd_diag_free(&d);
		return NULL;
	}
	vsd_diag_free(&d);
	return pool_new(c, NULL, changed, NULL);
}

static bool is6(const union vs_addr *a, const char *s)
{
	union vs_addr b = { 0 };

	inet_pton(AF_INET6, s, b.bytes);
	return !memcmp(a, &b, sizeof(b));
}

static void test_want(void)
{
	struct pool *p = pool_of(6080, "");
	const struct want_service *ws;
	struct want w;

	if (!p || pool_want(p, NULL, 0, &w)) {
		ok(0, "the pool of an IPv6 tunnel configuration");
		pool_free(p);
		return;
	}
	ok(w.n == 3, "three services wanted");
	ws = &w.svcs[0];
	ok(ws->s.af == AF_INET6 && is6(&ws->s.addr, "2001:db8::10") &&
	   ws->s.port == 443 && ws->s.timeout == 60 && ws->s.netmask == 64 &&
	   (ws->s.flags & VS_SVC_F_PERSISTENT),
	   "the IPv6 service: family, VIP, persistence prefix 64");
	ok(ws->n_dests == 2 && ws->dests[0].d.af == AF_INET6 &&
	   is6(&ws->dests[0].d.addr, "2001:db8:12::1") &&
	   ws->dests[0].d.weight == 3 && ws->dests[0].d.port == 443 &&
	   ws->dests[0].d.fwd == VS_FWD_TUNNEL &&
	   ws->dests[0].d.tun_type == VS_TUN_GUE &&
	   ws->dests[0].d.tun_port == 6080 &&
	   ws->dests[0].d.tun_flags == VS_TUN_F_REMCSUM &&
	   (ws->dests[0].d.set & VS_HAS_TUNNEL),
	   "its IPv6 server: tunnel gue, port 6080, remcsum");
	ok(ws->n_dests == 2 && ws->dests[1].d.af == AF_INET &&
	   ws->dests[1].d.addr.ip == htonl(0x0a0b0c02) &&
	   ws->dests[1].d.tun_type == VS_TUN_GUE,
	   "its IPv4 server, tunneled from an IPv6 VIP");
	ws = &w.svcs[1];
	ok(ws->s.af == AF_INET6 && ws->s.fwmark == 6 && ws->s.netmask == 128 &&
	   ws->n_dests == 2 && ws->dests[0].d.tun_type == VS_TUN_GRE &&
	   ws->dests[0].d.tun_flags == VS_TUN_F_CSUM && ws->dests[0].d.port == 0,
	   "ipv6 = 1: an IPv6 fwmark service, gre with checksums, netmask 128");
	ws = &w.svcs[2];
	ok(ws->s.af == AF_INET && ws->s.netmask == 32 && ws->n_dests == 1 &&
	   ws->dests[0].d.af == AF_INET6 && ws->dests[0].d.tun_type == VS_TUN_IPIP &&
	   ws->dests[0].d.tun_port == 0 && ws->dests[0].d.tun_flags == 0,
	   "an IPv4 service with an IPv6 server: ipip");
	want_free(&w);
	pool_free(p);
}

/* A reload with another GUE port: each tunneled server is edited. */
static void test_reload(void)
{
	struct pool *p = pool_of(6080, ""), *q = NULL;
	struct vs_table t = { 0 };
	struct vs_op *ops = NULL;
	struct want w;
	size_t n = 0, i, edits = 0, srcs = 0;

	if (!p || pool_want(p, NULL, 0, &w) || rec_diff(&w, &t, &ops, &n)) {
		ok(0, "a first table");
		pool_free(p);
		return;
	}
	rec_apply_fake(&t, ops, n);
	rec_ops_free(ops, n);
	want_free(&w);
	q = pool_of(7000, "");
	if (!q || pool_want(q, NULL, 0, &w) || rec_diff(&w, &t, &ops, &n)) {
		ok(0, "the reloaded table");
		pool_free(p);
		pool_free(q);
		vs_table_free(&t);
		return;
	}
	for (i = 0; i < n; i++)
		edits += ops[i].kind == VS_OP_EDIT_DEST && ops[i].dest.tun_port == 7000 &&
			 (ops[i].dest.set & VS_HAS_TUNNEL);
	ok(n == 2 && edits == 2, "tunnel_port 6080 -> 7000: two server edits (%zu ops)", n);
	for (i = 0; i < n; i++)
		srcs += !!(ops[i].dest.set & VS_HAS_TUN_SRC);
	ok(!srcs, "without tunnel_source, no source is sent");
	rec_apply_fake(&t, ops, n);
	rec_ops_free(ops, n);
	ok(!rec_diff(&w, &t, &ops, &n) && n == 0, "then nothing more to do");
	rec_ops_free(ops, n);
	want_free(&w);
	vs_table_free(&t);
	pool_free(q);
	pool_free(p);
}

/* The wanted servers of fw, with src as its tunnel_source line. */
static struct pool *want_fw(const char *src, struct want *w)
{
	struct pool *p = pool_of(6080, src);

	if (p && !pool_want(p, NULL, 0, w))
		return p;
	pool_free(p);
	return NULL;
}

/* tunnel_source reaches every server of its virtual, and only those; a
 * reload without it removes it from the table.
 */
static void test_tun_src(void)
{
	static const char src[] = " tunnel_source = 2001:db8::1\n";
	struct vs_table t = { 0 };
	struct vs_op *ops = NULL;
	struct pool *p, *q;
	struct want w;
	size_t n = 0;

	p = want_fw(src, &w);
	if (!p) {
		ok(0, "a pool with a tunnel_source");
		return;
	}
	ok(w.svcs[1].n_dests == 2 &&
	   (w.svcs[1].dests[0].d.set & VS_HAS_TUN_SRC) &&
	   (w.svcs[1].dests[1].d.set & VS_HAS_TUN_SRC) &&
	   is6(&w.svcs[1].dests[0].d.tun_src, "2001:db8::1") &&
	   is6(&w.svcs[1].dests[1].d.tun_src, "2001:db8::1"),
	   "both servers of fw get its source");
	ok(!(w.svcs[0].dests[0].d.set & VS_HAS_TUN_SRC) &&
	   !(w.svcs[2].dests[0].d.set & VS_HAS_TUN_SRC),
	   "the other virtuals' servers none");
	if (!rec_diff(&w, &t, &ops, &n))
		rec_apply_fake(&t, ops, n);
	rec_ops_free(ops, n);
	want_free(&w);

	q = want_fw("", &w);
	n = 0;
	ops = NULL;
	ok(q && !rec_diff(&w, &t, &ops, &n) && n == 2 &&
	   ops[0].kind == VS_OP_EDIT_DEST && ops[1].kind == VS_OP_EDIT_DEST &&
	   (ops[0].dest.set & ops[1].dest.set & VS_HAS_TUN_SRC) &&
	   is6(&ops[0].dest.tun_src, "::") && is6(&ops[1].dest.tun_src, "::"),
	   "tunnel_source removed: two edits with an all-zero source");
	rec_apply_fake(&t, ops, n);
	rec_ops_free(ops, n);
	ok(q && !rec_diff(&w, &t, &ops, &n) && n == 0, "then nothing more to do");
	rec_ops_free(ops, n);
	if (q)
		want_free(&w);
	vs_table_free(&t);
	pool_free(q);
	pool_free(p);
}

int main(void)
{
	struct loop *l = loop_new();

	check_init(l);
	test_want();
	test_reload();
	test_tun_src();
	check_exit();
	loop_free(l);
	return tap_done();
}
