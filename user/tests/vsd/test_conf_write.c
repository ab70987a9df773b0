// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration writer round-trips: parse -> write -> parse gives the
 * same model, field by field, for the shipped examples, a Piranha lvs.cf
 * and files with every awkward value (escapes, regexes, quotes, derived
 * defaults); writing twice gives the same text; the document edits the
 * web panel makes come out as the parser reads them; values the file
 * cannot hold are refused, naming the key.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "conf_write.h"
#include "tap.h"

/* The Piranha lvs.cf of test_vsd_conf.c (a file Piranha's tool wrote). */
static const char piranha[] =
	"serial_no = 41\nprimary = 192.168.26.9\nprimary_private = 10.11.12.9\n"
	"service = lvs\nbackup_active = 1\nbackup = 192.168.26.8\n"
	"backup_private = 10.11.12.8\nheartbeat = 1\nheartbeat_port = 1050\n"
	"keepalive = 6\ndeadtime = 18\nnetwork = nat\n"
	"nat_router = 10.11.12.10 eth1:1\nnat_nmask = 255.255.255.0\n"
	"debug_level = NONE\nmonitor_links = 1\nsyncdaemon = 1\n"
	"syncd_iface = eth1\nsyncd_id = 7\ntcp_timeout = 900\n"
	"tcpfin_timeout = 120\nudp_timeout = 300\nhard_shutdown = 0\n"
	"rsh_command = ssh\nactive_cmd = /usr/local/sbin/now-active\n"
	"inactive_cmd = /usr/local/sbin/now-inactive\n"
	"virtual HTTP {\n active = 1\n address = 192.168.26.10 eth0:1\n"
	" vip_nmask = 255.255.255.0\n sorry_server = 10.11.12.100\n port = 80\n"
	" persistent = 300\n pmask = 255.255.255.0\n"
	" send = \"GET / HTTP/1.0\\r\\n\\r\\n\"\n expect = \"HTTP\"\n use_regex = 0\n"
	" load_monitor = none\n scheduler = wlc\n protocol = tcp\n timeout = 6\n"
	" reentry = 15\n quiesce_server = 1\n"
	" server web1 {\n  address = 10.11.12.1\n  active = 1\n  weight = 1\n }\n"
	" server web2 {\n  address = 10.11.12.2\n  active = 0\n  weight = 2\n }\n"
	" server web3 {\n  address = 10.11.12.3\n  active = 1\n  weight = 3\n  port = 8080\n }\n"
	"}\n"
	"virtual FTP {\n active = 0\n address = 192.168.26.10 eth0:1\n port = 21\n"
	" fwmark = 21\n send = \"quit\\n\"\n expect = \"^220 \"\n use_regex = 1\n"
	" load_monitor = ruptime\n scheduler = rr\n protocol = tcp\n"
	" server ftp1 {\n  address = 10.11.12.1\n }\n}\n"
	"virtual DNS {\n address = 192.168.26.11 eth0:2\n port = 53\n protocol = udp\n"
	" send_program = \"/bin/true %h\"\n expect = \"OK\"\n scheduler = sh\n"
	" server ns1 {\n  address = 10.11.12.5\n }\n}\n";

/* Awkward values: escapes of every kind, a regex with backslash pairs and
 * quotes, global timing defaults that each virtual inherits, a sorry
 * server with a port, a fwmark service, the web keys.
 */
static const char awkward[] =
	"serial_no = 7\nnetwork = direct\ncheck_interval = 0.25\nretries = 3\n"
	"reconcile_interval = 0\nshutdown_action = flush\n"
	"web_port = 8443\nweb_allow = 127.0.0.1 10.0.0.0/8, 192.168.1.0/255.255.255.0\n"
	"web_passwd_file = /etc/vs/other passwd\n"
	"virtual a {\n address = 10.1.1.1 eth0:3\n port = 8080\n protocol = tcp\n"
	" send = \"say \\\"hi\\\"\\tand\\\\go\\r\\n\"\n"
	" expect = \"^\\\"ok\\\" \\\\d+\\.[0-9]\\\\\\\\x\"\n use_regex = 1\n"
	" http_regex = \"a\\tb\\.c\"\n sorry_server = 10.9.9.9:8081\n"
	" check_interval = 1.5\n timeout = 0.125\n}\n"
	"virtual b {\n fwmark = 9\n persistent = 60\n check_type = none\n"
	" http_url = /x?y=1\n http_host = example.org\n http_status = 204\n"
	" load_monitor = agent\n agent_port = 1234\n slow_start = 0\n"
	" server s1 {\n  address = 10.2.2.2\n  weight = 0\n }\n}\n"
	"virtual c {\n address = 10.1.1.2\n port = 80\n check_type = http\n"
	" connect_timeout = 9\n server x {\n  address = 10.3.3.3\n  port = 80\n }\n}\n";

/* IPv6 virtuals and servers, a fwmark service made IPv6, persistence
 * prefixes of both families, and tunnels of each type across families,
 * with outer sources of the servers' family.
 */
static const char ipv6_tunnel[] =
	"network = tunnel\n"
	"virtual v6 {\n address = 2001:db8::10 eth0\n port = 443\n persistent = 60\n"
	" pmask = 64\n sorry_server = [2001:db8::64]:8443\n"
	" tunnel_type = gue\n tunnel_port = 6080\n tunnel_checksum = remcsum\n"
	" server a {\n  address = 2001:db8:12::1\n }\n"
	" server b {\n  address = 10.11.12.2\n }\n}\n"
	"virtual v4 {\n address = 192.168.26.10\n persistent = 60\n pmask = 255.255.0.0\n"
	" tunnel_type = gre\n tunnel_checksum = csum\n tunnel_source = 2001:db8:0:0::1\n"
	" server c {\n  address = 2001:db8:12::3\n }\n}\n"
	"virtual fw {\n fwmark = 6\n ipv6 = 1\n sorry_server = 2001:db8::99\n"
	" server d {\n  address = 2001:db8:12::4\n }\n}\n"
	"virtual ipip {\n address = 2001:db8::11\n ipv6 = 1\n persistent = 10\n"
	" tunnel_source = 10.0.0.1\n server e {\n  address = 10.0.0.5\n }\n}\n";

#define SAME(f) do { if ((a)->f != (b)->f) return #f; } while (0)
#define SAME_MEM(f) do { if (memcmp(&(a)->f, &(b)->f, sizeof((a)->f))) return #f; } while (0)
#define SAME_STR(f) do { if (!same_str((a)->f, (b)->f)) return #f; } while (0)

static bool same_str(const char *x, const char *y)
{
	return x == y || (x && y && !strcmp(x, y));
}

static const char *diff_check(const struct vsd_check_conf *a,
			      const struct vsd_check_conf *b)
{
	SAME(type); SAME(protocol); SAME(send_len); SAME(expect_len);
	SAME(use_regex); SAME(http_status); SAME(check_port); SAME(interval);
	SAME(connect_timeout); SAME(timeout); SAME(reentry); SAME(retries);
	SAME_STR(program); SAME_STR(http_url); SAME_STR(http_host);
	SAME_STR(http_regex);
	if (!same_str(a->send, b->send) || !same_str(a->expect, b->expect))
		return "send/expect";
	if (a->send && memcmp(a->send, b->send, a->send_len))
		return "send";
	return NULL;
}

static const char *diff_server(const struct vsd_server_conf *a,
			       const struct vsd_server_conf *b)
{
	SAME_STR(name); SAME(active); SAME(af); SAME_MEM(addr); SAME(port);
	SAME(check_port); SAME(weight);
	return NULL;
}

static const char *diff_virtual(const struct vsd_virtual_conf *a,
				const struct vsd_virtual_conf *b)
{
	const char *d;
	size_t i;

	SAME_STR(name); SAME(active); SAME(has_addr); SAME_MEM(addr);
	SAME(af); SAME(ipv6); SAME(sorry_af); SAME(tun_type); SAME(tun_port);
	SAME(tun_csum); SAME(has_tun_src); SAME(tun_src_af); SAME_MEM(tun_src);
	SAME_STR(dev); SAME(vip_nmask); SAME(has_sorry); SAME_MEM(sorry_addr);
	SAME(sorry_port); SAME(fwmark); SAME(protocol); SAME(port);
	SAME(persistent); SAME(pmask); SAME(quiesce); SAME(slow_start);
	SAME(load_monitor); SAME(agent_port); SAME(load_interval); SAME(fwd);
	SAME(n_servers); SAME(sched_flags);
	if (strcmp(a->sched, b->sched))
		return "sched";
	if ((d = diff_check(&a->check, &b->check)))
		return d;
	for (i = 0; i < a->n_servers; i++)
		if ((d = diff_server(&a->servers[i], &b->servers[i])))
			return d;
	return NULL;
}

/* The first field that differs, or NULL. */
static const char *diff_conf(const struct vsd_conf *a, const struct vsd_conf *b)
{
	const char *d;
	size_t i;

	SAME(serial_no); SAME(has_primary); SAME(has_primary_private);
	SAME(has_backup); SAME(has_backup_private); SAME(primary.ip);
	SAME(primary_private.ip); SAME(backup.ip); SAME(backup_private.ip);
	SAME(backup_active); SAME(heartbeat); SAME(heartbeat_port);
	SAME(keepalive); SAME(deadtime); SAME(has_nat_router); SAME(nat_router.ip);
	SAME_STR(nat_router_dev); SAME(nat_nmask); SAME(monitor_links);
	SAME(syncdaemon); SAME_STR(syncd_iface); SAME(syncd_id);
	SAME(hard_shutdown); SAME_STR(active_cmd); SAME_STR(inactive_cmd);
	SAME_STR(heartbeat_key); SAME(garp_repeat); SAME(garp_interval);
	SAME(preempt); SAME(sync_port); SAME(network); SAME(timeouts.tcp);
	SAME(timeouts.tcp_fin); SAME(timeouts.udp); SAME(shutdown);
	SAME(reconcile_interval); SAME(has_web_port); SAME(has_web_listen);
	SAME(web_port); SAME(web_listen.ip); SAME(n_web_allow);
	SAME_STR(web_cert); SAME_STR(web_key); SAME_STR(web_passwd_file);
	SAME(active_active); SAME(n_directors); SAME(announce_table);
	SAME(drain_timeout);
	if (memcmp(a->directors, b->directors, sizeof(a->directors)))
		return "directors";
	if (memcmp(a->web_allow, b->web_allow, a->n_web_allow * sizeof(*a->web_allow)))
		return "web_allow";
	SAME(n_virtuals);
	for (i = 0; i < a->n_virtuals; i++)
		if ((d = diff_virtual(&a->virtuals[i], &b->virtuals[i])))
			return d;
	return NULL;
}

static struct vsd_conf *parse(const char *name, const char *text)
{
	struct vsd_conf *c = NULL;
	struct vsd_diag d;
	size_t i;

	if (vsd_conf_parse(name, text, &c, &d))
		for (i = 0; i < d.n_errors; i++)
			printf("#   %s\n", d.errors[i]);
	vsd_diag_free(&d);
	return c;
}

static char *write_conf(const struct vsd_conf *c)
{
	struct strbuf sb = { 0 };
	char err[256];

	if (vsd_conf_write(c, &sb, err, sizeof(err))) {
		printf("#   write: %s\n", err);
		sb_free(&sb);
		return NULL;
	}
	return sb.s;
}

static void round_trip(const char *name, const char *path, const char *text)
{
	struct vsd_conf *a = parse(path, text), *b = NULL;
	char *t1 = a ? write_conf(a) : NULL, *t2 = NULL;
	const char *d = "parse";

	if (t1 && (b = parse(path, t1)))
		d = diff_conf(a, b);
	ok(t1 && b && !d, "%s: parse -> write -> parse gives the same model", name);
	if (d)
		printf("#   first difference: %s\n%s", d, t1 ? t1 : "");
	t2 = b ? write_conf(b) : NULL;
	ok(t1 && t2 && !strcmp(t1, t2), "%s: writing again gives the same text", name);
	vsd_conf_free(a);
	vsd_conf_free(b);
	free(t1);
	free(t2);
}

static void examples(void)
{
	static const char *const names[] = { "nat.conf", "dr.conf" };
	char exe[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t i;

	/* build/tests/vsd/test_conf_write -> user/vsd/examples */
	exe[n > 0 ? n : 0] = '\0';
	for (i = 0; i < 3 && strrchr(exe, '/'); i++)
		*strrchr(exe, '/') = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/../user/vsd/examples/%s", exe, names[i]);
		round_trip(names[i], path, NULL);
	}
}

/* What the writer writes of IPv6 and tunnel keys, exactly. */
static void ipv6_tunnel_text(void)
{
	struct vsd_conf *c = parse("t.conf", ipv6_tunnel);
	char *t = c ? write_conf(c) : NULL;

	is_str(t ? strstr(t, "network") : NULL,
	       "network = tunnel\n\n"
	       "virtual v6 {\n\tactive = 1\n\taddress = 2001:db8::10 eth0\n"
	       "\tsorry_server = [2001:db8::64]:8443\n\tprotocol = tcp\n\tport = 443\n"
	       "\tscheduler = wlc\n\tpersistent = 60\n\tpmask = 64\n"
	       "\ttunnel_type = gue\n\ttunnel_port = 6080\n\ttunnel_checksum = remcsum\n"
	       "\tserver a {\n\t\taddress = 2001:db8:12::1\n\t\tactive = 1\n\t\tweight = 1\n\t}\n"
	       "\tserver b {\n\t\taddress = 10.11.12.2\n\t\tactive = 1\n\t\tweight = 1\n\t}\n}\n\n"
	       "virtual v4 {\n\tactive = 1\n\taddress = 192.168.26.10\n\tprotocol = tcp\n"
	       "\tport = 80\n\tscheduler = wlc\n\tpersistent = 60\n\tpmask = 255.255.0.0\n"
	       "\ttunnel_type = gre\n\ttunnel_checksum = csum\n\ttunnel_source = 2001:db8::1\n"
	       "\tserver c {\n\t\taddress = 2001:db8:12::3\n\t\tactive = 1\n\t\tweight = 1\n\t}\n}\n\n"
	       "virtual fw {\n\tactive = 1\n\tsorry_server = 2001:db8::99\n\tfwmark = 6\n"
	       "\tprotocol = tcp\n\tport = 80\n\tscheduler = wlc\n\tipv6 = 1\n"
	       "\tserver d {\n\t\taddress = 2001:db8:12::4\n\t\tactive = 1\n\t\tweight = 1\n\t}\n}\n\n"
	       "virtual ipip {\n\tactive = 1\n\taddress = 2001:db8::11\n\tprotocol = tcp\n"
	       "\tport = 80\n\tscheduler = wlc\n\tpersistent = 10\n\tipv6 = 1\n"
	       "\ttunnel_source = 10.0.0.1\n"
	       "\tserver e {\n\t\taddress = 10.0.0.5\n\t\tactive = 1\n\t\tweight = 1\n\t}\n}\n",
	       "IPv6 addresses, prefix pmask, ipv6 and the tunnel keys (a source in its shortest form) are written back");
	free(t);
	vsd_conf_free(c);
}

/* The panel's edits of tunnel_source: removed (null), changed, refused. */
static void tun_src_edits(void)
{
	struct vsd_conf *c = parse("t.conf", ipv6_tunnel), *d = NULL;
	struct conf_block root;
	struct strbuf sb = { 0 };
	struct vsd_diag diag;
	char err[256] = "";

	if (!c || conf_doc_from_model(c, &root)) {
		ok(0, "document of the tunnels");
		vsd_conf_free(c);
		return;
	}
	conf_kv_set(conf_block_find(&root, "v4"), "tunnel_source", NULL);
	conf_kv_set(conf_block_find(&root, "ipip"), "tunnel_source", "10.0.0.2");
	ok(!conf_doc_render(&root, &sb, err, sizeof(err)) && sb.s &&
	   (d = parse("t.conf", sb.s)) && !d->virtuals[1].has_tun_src &&
	   d->virtuals[3].has_tun_src &&
	   d->virtuals[3].tun_src.ip == htonl(0x0a000002),
	   "tunnel_source removed from one virtual, changed in another");
	vsd_conf_free(d);
	sb_free(&sb);

	conf_kv_set(conf_block_find(&root, "ipip"), "tunnel_source", "2001:db8::2");
	d = NULL;
	if (!conf_doc_render(&root, &sb, err, sizeof(err)) && sb.s)
		vsd_conf_parse("t.conf", sb.s, &d, &diag);
	else
		memset(&diag, 0, sizeof(diag));
	ok(diag.n_errors == 1 &&
	   strstr(diag.errors[0], "key 'tunnel_source': bad value '2001:db8::2' (expected an IPv4 address: server 'e' (10.0.0.5) is IPv4"),
	   "a source of the other family is the parser's one error: %s",
	   diag.n_errors ? diag.errors[0] : "none");
	vsd_diag_free(&diag);
	vsd_conf_free(d);
	sb_free(&sb);
	conf_block_free(&root);
	vsd_conf_free(c);
}

static void defaults_left_out(void)
{
	struct vsd_conf *c = parse("t.conf", "virtual v {\n address = 10.0.0.1\n"
				   " server s {\n  address = 10.0.0.2\n }\n}\n");
	char *t = c ? write_conf(c) : NULL;

	is_str(t ? strstr(t, "serial_no") : NULL,
	       "serial_no = 0\nservice = lvs\nnetwork = nat\n\n"
	       "virtual v {\n\tactive = 1\n\taddress = 10.0.0.1\n\tprotocol = tcp\n"
	       "\tport = 80\n\tscheduler = wlc\n"
	       "\tserver s {\n\t\taddress = 10.0.0.2\n\t\tactive = 1\n\t\tweight = 1\n\t}\n}\n",
	       "defaults are left out, the keys a reader needs are written");
	free(t);
	vsd_conf_free(c);
}

/* The panel's edits: set, remove, add and delete blocks, then render. */
static void doc_edits(void)
{
	struct vsd_conf *c = parse("t.conf", awkward), *d;
	struct conf_block root, *v, *s;
	struct strbuf sb = { 0 };
	char err[256] = "";

	if (!c || conf_doc_from_model(c, &root)) {
		ok(0, "document from the model");
		vsd_conf_free(c);
		return;
	}
	conf_kv_set(&root, "serial_no", "8");
	conf_block_del(&root, "b");
	v = conf_block_add(&root, "new");
	conf_kv_set(v, "address", "10.5.5.5");
	conf_kv_set(v, "send", "GET / HTTP/1.0\\r\\n\\r\\n");
	s = conf_block_add(v, "r1");
	conf_kv_set(s, "address", "10.6.6.6");
	conf_kv_set(s, "weight", "5");
	conf_kv_set(conf_block_find(&root, "a"), "sorry_server", NULL);
	ok(!conf_doc_render(&root, &sb, err, sizeof(err)), "edited document renders");
	d = sb.s ? parse("t.conf", sb.s) : NULL;
	ok(d && d->serial_no == 8 && d->n_virtuals == 3 &&
	   !strcmp(d->virtuals[1].name, "c") && !d->virtuals[0].has_sorry &&
	   d->virtuals[2].servers[0].weight == 5 &&
	   !strcmp(d->virtuals[2].check.send, "GET / HTTP/1.0\r\n\r\n"),
	   "and the parser reads the edits: serial, deleted, added, removed key, escapes");
	vsd_conf_free(d);
	sb_free(&sb);

	conf_kv_set(&root, "active_cmd", "/bin/x\nvirtual evil {");
	is_int(conf_doc_render(&root, &sb, err, sizeof(err)), -1,
	       "a value with a newline is refused");
	is_str(err, "the global section: key 'active_cmd': bad value (control characters cannot be written; use \\n, \\r or \\t in send and expect)",
	       "naming the key");
	sb_free(&sb);
	conf_kv_set(&root, "active_cmd", "\"/bin/x\" a \"b");
	ok(conf_doc_render(&root, &sb, err, sizeof(err)) == -1 && strstr(err, "key 'active_cmd'"),
	   "quotes no quoting can keep are refused");
	sb_free(&sb);
	conf_kv_set(&root, "active_cmd", NULL);
	conf_block_add(&root, "bad name");
	ok(conf_doc_render(&root, &sb, err, sizeof(err)) == -1 &&
	   !strcmp(err, "bad virtual name 'bad name' (expected 1 to 64 characters, no spaces, quotes, braces, '=' or '#')"),
	   "a block name with a space is refused");
	sb_free(&sb);
	conf_block_free(&root);
	vsd_conf_free(c);
}

/*
 * The parser takes nothing the writer refuses: a control character is an
 * error, a tab inside a plain value a blank (the writer wrote neither, and
 * a file with them made every panel save fail).
 */
static void controls(void)
{
	static const char tabbed[] =
		"active_cmd = /bin/x\ty\nvirtual web {\n\taddress = 10.1.1.1\teth0:1\n"
		"\tcheck_type = none\n\tserver a {\n\t\taddress = 10.2.2.2\n\t}\n}\n";
	static const char *const bad[] = {
		"active_cmd = /bin/x\001y\n",
		"send_program = \"/bin/x\ty\"\n",
		"virtual web {\n\taddress = 10.1.1.1\n\tsend = \"GET\r\"\n}\n",
		"inactive_cmd = /bin/x\177\n",
	};
	struct vsd_conf *c = NULL;
	struct vsd_diag d;
	size_t i;

	round_trip("a tab inside plain values", "tab.conf", tabbed);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = vsd_conf_parse("cc.conf", bad[i], &c, &d);

		ok(ret && d.n_errors == 1 && strstr(d.errors[0], "a control character"),
		   "a control character is refused (case %zu): %s", i,
		   d.n_errors ? d.errors[0] : "accepted");
		vsd_diag_free(&d);
		vsd_conf_free(c);
		c = NULL;
	}
}

/* An active-active mesh: every director line written back, in order, and
 * the scheduler's flags by the scheduler's own names.
 */
static void active_active(void)
{
	char key[] = "/tmp/test_conf_write_key.XXXXXX", text[1024];
	int fd = mkstemp(key);
	struct vsd_conf *c;
	char *out;

	if (fd < 0 || write(fd, "0123456789abcdef0123456789abcdef", 32) != 32)
		printf("# cannot write %s\n", key);
	if (fd >= 0)
		close(fd);
	snprintf(text, sizeof(text),
		 "active_active = 1\ndirector = 10.0.5.3\ndirector = 10.0.5.1\n"
		 "director = 10.0.5.2\nheartbeat_key = %s\nannounce_table = 100\n"
		 "drain_timeout = 45.5\nkeepalive = 0.2\ndeadtime = 1\nnetwork = direct\n"
		 "virtual a {\n address = 10.1.1.1\n scheduler = mh\n"
		 " scheduler_flags = flag-2,flag-1\n server s {\n  address = 10.2.2.2\n }\n}\n"
		 "virtual b {\n address = 10.1.1.1\n port = 443\n scheduler = sh\n"
		 " scheduler_flags = flag-3,sh-port\n}\n", key);
	round_trip("active-active", "aa.conf", text);
	c = parse("aa.conf", text);
	out = c ? write_conf(c) : NULL;
	ok(out && strstr(out, "active_active = 1\ndirector = 10.0.5.3\ndirector = 10.0.5.1\ndirector = 10.0.5.2\n"),
	   "the directors are written one per line, in the file's order");
	ok(out && strstr(out, "announce_table = 100\ndrain_timeout = 45.5\n"),
	   "announce_table and drain_timeout are written when not the default");
	ok(out && strstr(out, "\tscheduler_flags = mh-fallback,mh-port\n"),
	   "mh's flags by mh's names");
	ok(out && strstr(out, "\tscheduler_flags = sh-port,flag-3\n"),
	   "sh's by sh's, flag-3 as itself");
	free(out);
	vsd_conf_free(c);
	c = parse("aa.conf", "virtual a {\n address = 10.1.1.1\n}\n");
	out = c ? write_conf(c) : NULL;
	ok(out && !strstr(out, "active_active") && !strstr(out, "announce_table") &&
	   !strstr(out, "drain_timeout") && !strstr(out, "scheduler_flags"),
	   "none of them in a file that does not set them");
	free(out);
	vsd_conf_free(c);
	unlink(key);
}

int main(void)
{
	examples();
	round_trip("Piranha lvs.cf", "piranha.cf", piranha);
	round_trip("awkward values", "awkward.conf", awkward);
	round_trip("IPv6 and tunnels", "v6.conf", ipv6_tunnel);
	ipv6_tunnel_text();
	tun_src_edits();
	controls();
	defaults_left_out();
	doc_edits();
	active_active();
	return tap_done();
}
