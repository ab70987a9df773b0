// SPDX-License-Identifier: GPL-2.0
/*
 * vsd's configuration parser: a whole lvs.cf as Piranha writes it is
 * accepted with every value where it belongs; obsolete keys are reported
 * and ignored; each malformed line is refused with exactly the
 * "file:line: ..." message a user would need.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include "conf.h"
#include "tap.h"

static const char piranha[] =
	"# lvs.cf written by the Piranha Configuration Tool\n"
	"serial_no = 41\n"
	"primary = 192.168.26.9\n"
	"primary_private = 10.11.12.9\n"
	"service = lvs\n"
	"backup_active = 1\n"
	"backup = 192.168.26.8\n"
	"backup_private = 10.11.12.8\n"
	"heartbeat = 1\n"
	"heartbeat_port = 1050\n"
	"keepalive = 6\n"
	"deadtime = 18\n"
	"network = nat\n"
	"nat_router = 10.11.12.10 eth1:1\n"
	"nat_nmask = 255.255.255.0\n"
	"debug_level = NONE\n"
	"monitor_links = 1\n"
	"syncdaemon = 1\n"
	"syncd_iface = eth1\n"
	"syncd_id = 7\n"
	"tcp_timeout = 900\n"
	"tcpfin_timeout = 120\n"
	"udp_timeout = 300\n"
	"hard_shutdown = 0\n"
	"rsh_command = ssh\n"
	"active_cmd = /usr/local/sbin/now-active\n"
	"inactive_cmd = /usr/local/sbin/now-inactive\n"
	"virtual HTTP {\n"
	"     active = 1\n"
	"     address = 192.168.26.10 eth0:1\n"
	"     vip_nmask = 255.255.255.0\n"
	"     sorry_server = 10.11.12.100\n"
	"     port = 80\n"
	"     persistent = 300\n"
	"     pmask = 255.255.255.0\n"
	"     send = \"GET / HTTP/1.0\\r\\n\\r\\n\"\n"
	"     expect = \"HTTP\"\n"
	"     use_regex = 0\n"
	"     load_monitor = none\n"
	"     scheduler = wlc\n"
	"     protocol = tcp\n"
	"     timeout = 6\n"
	"     reentry = 15\n"
	"     quiesce_server = 1\n"
	"     server web1 {\n"
	"         address = 10.11.12.1\n"
	"         active = 1\n"
	"         weight = 1\n"
	"     }\n"
	"     server web2 {\n"
	"         address = 10.11.12.2\n"
	"         active = 0\n"
	"         weight = 2\n"
	"     }\n"
	"     server web3 {\n"
	"         address = 10.11.12.3\n"
	"         active = 1\n"
	"         weight = 3\n"
	"         port = 8080\n"
	"     }\n"
	"}\n"
	"virtual FTP {\n"
	"     active = 0\n"
	"     address = 192.168.26.10 eth0:1\n"
	"     port = 21\n"
	"     fwmark = 21\n"
	"     send = \"quit\\n\"\n"
	"     expect = \"^220 \"\n"
	"     use_regex = 1\n"
	"     load_monitor = ruptime\n"
	"     scheduler = rr\n"
	"     protocol = tcp\n"
	"     server ftp1 {\n"
	"         address = 10.11.12.1\n"
	"     }\n"
	"}\n"
	"virtual DNS {\n"
	"     address = 192.168.26.11 eth0:2\n"
	"     port = 53\n"
	"     protocol = udp\n"
	"     send_program = \"/bin/true %h\"\n"
	"     expect = \"OK\"\n"
	"     scheduler = sh\n"
	"     server ns1 {\n"
	"         address = 10.11.12.5\n"
	"     }\n"
	"}\n";

static uint32_t ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static struct vsd_conf *parse(const char *text, struct vsd_diag *d)
{
	struct vsd_conf *c = NULL;

	vsd_conf_parse("t.conf", text, &c, d);
	return c;
}

static void test_globals(const struct vsd_conf *c)
{
	is_int(c->serial_no, 41, "serial_no");
	ok(c->has_primary && c->primary.ip == ip("192.168.26.9"), "primary");
	ok(c->primary_private.ip == ip("10.11.12.9"), "primary_private");
	ok(c->has_backup && c->backup.ip == ip("192.168.26.8"), "backup");
	ok(c->backup_private.ip == ip("10.11.12.8"), "backup_private");
	ok(c->backup_active && c->heartbeat, "backup_active, heartbeat");
	is_int(c->heartbeat_port, 1050, "heartbeat_port");
	is_int((long long)c->keepalive, 6000, "keepalive in ms");
	is_int((long long)c->deadtime, 18000, "deadtime in ms");
	is_int(c->network, VSD_NET_NAT, "network nat");
	ok(c->has_nat_router && c->nat_router.ip == ip("10.11.12.10"),
	   "nat_router address");
	is_str(c->nat_router_dev, "eth1:1", "nat_router device");
	is_int(c->nat_nmask, 24, "nat_nmask as a prefix");
	ok(c->monitor_links && c->syncdaemon, "monitor_links, syncdaemon");
	is_str(c->syncd_iface, "eth1", "syncd_iface");
	is_int(c->syncd_id, 7, "syncd_id");
	ok(c->timeouts.tcp == 900 && c->timeouts.tcp_fin == 120 &&
	   c->timeouts.udp == 300, "tcp/tcpfin/udp timeouts");
	is_str(c->active_cmd, "/usr/local/sbin/now-active", "active_cmd");
	is_str(c->inactive_cmd, "/usr/local/sbin/now-inactive", "inactive_cmd");
	is_int(c->n_virtuals, 3, "three virtual services");
}

static void test_http(const struct vsd_virtual_conf *v)
{
	is_str(v->name, "HTTP", "virtual name");
	ok(v->active && v->addr.ip == ip("192.168.26.10"), "VIP");
	is_str(v->dev, "eth0:1", "VIP device");
	is_int(v->vip_nmask, 24, "vip_nmask");
	ok(v->has_sorry && v->sorry_addr.ip == ip("10.11.12.100") &&
	   v->sorry_port == 80, "sorry_server takes the virtual's port");
	ok(v->port == 80 && v->protocol == IPPROTO_TCP, "port, protocol");
	ok(v->persistent == 300 && v->pmask == 24, "persistent, pmask");
	ok(v->check.send_len == 18 &&
	   !memcmp(v->check.send, "GET / HTTP/1.0\r\n\r\n", 18),
	   "send with \\r\\n escapes resolved");
	is_str(v->check.expect, "HTTP", "expect");
	is_str(v->sched, "wlc", "scheduler");
	ok(v->check.timeout == 6000 && v->check.reentry == 15000,
	   "timeout and reentry in ms");
	ok(v->quiesce, "quiesce_server");
	is_int(v->check.type, VSD_CHECK_CONNECT, "send/expect is a connect check");
	is_int(v->fwd, VS_FWD_NAT, "network nat -> masquerading");
	is_int(v->n_servers, 3, "three servers");
	ok(v->servers[0].addr.ip == ip("10.11.12.1") && v->servers[0].weight == 1 &&
	   v->servers[0].port == 80 && v->servers[0].active,
	   "web1: address, weight, port defaults to the virtual's");
	ok(!v->servers[1].active && v->servers[1].weight == 2, "web2 inactive");
	ok(v->servers[2].port == 8080 && v->servers[2].check_port == 8080,
	   "web3 on port 8080, checked there");
}

static void test_ftp_dns(const struct vsd_virtual_conf *f,
			 const struct vsd_virtual_conf *d)
{
	ok(!f->active && f->fwmark == 21, "FTP: inactive, fwmark 21");
	ok(f->check.use_regex, "FTP: use_regex");
	is_str(f->check.expect, "^220 ", "FTP: regex kept for regcomp");
	is_int(f->load_monitor, VSD_LOAD_NONE, "ruptime: no load monitor");
	ok(f->servers[0].port == 0 && f->servers[0].check_port == 21,
	   "fwmark server: table port 0, checked on the virtual's port");
	is_int(d->protocol, IPPROTO_UDP, "DNS: udp");
	is_int(d->check.type, VSD_CHECK_PROGRAM, "send_program makes a program check");
	is_str(d->check.program, "/bin/true %h", "send_program kept as a template");
	is_str(d->sched, "sh", "DNS: scheduler sh");
	ok(d->active, "active defaults to 1");
}

static void test_defaults(const struct vsd_virtual_conf *d)
{
	ok(d->check.timeout == 10000 && d->check.reentry == 180000,
	   "Piranha's defaults: timeout 10 s, reentry 180 s");
	ok(d->check.interval == 2000 && d->check.connect_timeout == 2000,
	   "check_interval 2 s, connect_timeout = interval");
	ok(!d->persistent && d->pmask == 32 && !d->quiesce && d->slow_start,
	   "persistent 0, pmask /32, quiesce 0, slow_start 1");
	is_int(d->servers[0].weight, 1, "weight defaults to 1");
}

static void test_full(void)
{
	struct vsd_diag d;
	struct vsd_conf *c = parse(piranha, &d);

	if (!ok(c != NULL, "a full Piranha lvs.cf is accepted")) {
		size_t i;

		for (i = 0; i < d.n_errors; i++)
			printf("#   %s\n", d.errors[i]);
		vsd_diag_free(&d);
		return;
	}
	test_globals(c);
	test_http(&c->virtuals[0]);
	test_ftp_dns(&c->virtuals[1], &c->virtuals[2]);
	test_defaults(&c->virtuals[2]);
	is_int(d.n_notes, 4, "four notes");
	if (d.n_notes == 4) {
		is_str(d.notes[0], "t.conf:16: key 'debug_level' is obsolete and ignored",
		       "debug_level reported as ignored");
		is_str(d.notes[1], "t.conf:25: key 'rsh_command' is obsolete and ignored",
		       "rsh_command reported as ignored");
		is_str(d.notes[2], "t.conf:70: load_monitor 'ruptime' is obsolete and ignored (no load monitoring; see load_monitor = agent)",
		       "load_monitor ruptime reported as ignored");
		is_str(d.notes[3], "t.conf:9: heartbeat = 1 without 'heartbeat_key': no failover until a key file is configured (vsd.conf(5)); the primary holds the addresses, the backup never takes over",
		       "a Piranha file without a heartbeat key loads, failover off, said so");
	}
	vsd_conf_free(c);
	vsd_diag_free(&d);
}

/* ------------------------------------------------------------------ */

#define V(body) "virtual w {\n address = 1.2.3.4\n" body "}\n"
#define SRV(body) V(" server s {\n address = 10.0.0.1\n" body " }\n")

static const struct {
	const char *text, *error;
} bad[] = {
	{ "foo = 1\n", "t.conf:1: unknown key 'foo'" },
	{ V(" bar = 2\n"), "t.conf:3: unknown key 'bar'" },
	{ V(" weight = 2\n"),
	  "t.conf:3: key 'weight' does not belong in a virtual block (it belongs in a server block)" },
	{ "scheduler = rr\n",
	  "t.conf:1: key 'scheduler' does not belong in the global section (it belongs in a virtual block)" },
	{ "heartbeat = yes\n",
	  "t.conf:1: key 'heartbeat': bad value 'yes' (expected 0 or 1)" },
	{ "heartbeat_port = 0\n",
	  "t.conf:1: key 'heartbeat_port': bad value '0' (expected a UDP port 1..65535)" },
	{ "keepalive = 2s\n",
	  "t.conf:1: key 'keepalive': bad value '2s' (expected seconds from 0.001 to 2.592e+06, e.g. 10 or 0.5)" },
	{ "primary = 192.168.26\n",
	  "t.conf:1: key 'primary': bad value '192.168.26' (expected an IPv4 address)" },
	{ "nat_nmask = 255.0.255.0\n",
	  "t.conf:1: key 'nat_nmask': bad value '255.0.255.0' (expected a netmask such as 255.255.255.0)" },
	{ "nat_router = 10.11.12.10 eth1:1 extra\n",
	  "t.conf:1: key 'nat_router': bad value '10.11.12.10 eth1:1 extra' (expected an IPv4 address and optionally a device, e.g. 192.168.26.10 eth0:1)" },
	{ "network = ipip\n",
	  "t.conf:1: key 'network': bad value 'ipip' (expected nat, direct or tunnel)" },
	{ "service = fos\n",
	  "t.conf:1: key 'service': bad value 'fos' (expected lvs: failover services (fos) are not supported)" },
	{ "shutdown_action = drop\n",
	  "t.conf:1: key 'shutdown_action': bad value 'drop' (expected keep or flush)" },
	{ "serial_no = 1\nserial_no = 2\n",
	  "t.conf:2: key 'serial_no' given twice (first on line 1)" },
	{ V(" port = 65536\n"),
	  "t.conf:3: key 'port': bad value '65536' (expected a port 0..65535)" },
	{ V(" port = 0\n"),
	  "t.conf:3: key 'port': bad value '0' (expected 1..65535 (port 0, all ports, needs persistent))" },
	{ V(" protocol = sctp\n"),
	  "t.conf:3: key 'protocol': bad value 'sctp' (expected tcp or udp)" },
	{ V(" scheduler = fastest\n"),
	  "t.conf:3: key 'scheduler': bad value 'fastest' (expected rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh)" },
	{ V(" fwmark = 0\n"),
	  "t.conf:3: key 'fwmark': bad value '0' (expected a firewall mark 1..4294967295)" },
	{ V(" timeout = -1\n"),
	  "t.conf:3: key 'timeout': bad value '-1' (expected seconds from 0 to 2.592e+06, e.g. 10 or 0.5)" },
	{ V(" check_interval = 0.0001\n"),
	  "t.conf:3: key 'check_interval': bad value '0.0001' (expected seconds from 0.01 to 2.592e+06, e.g. 10 or 0.5)" },
	{ V(" load_monitor = rstat\n"),
	  "t.conf:3: key 'load_monitor': bad value 'rstat' (expected none|agent (uptime|rup|ruptime are obsolete))" },
	{ V(" sorry_server = 10.0.0.9:nope\n"),
	  "t.conf:3: key 'sorry_server': bad value '10.0.0.9:nope' (expected an IPv4 address, optionally with :port, or an IPv6 one, [in brackets] with :port)" },
	{ V(" use_regex = 1\n expect = \"HTTP/1\\.(0|1\"\n"),
	  "t.conf:4: key 'expect': bad value 'HTTP/1\\.(0|1' (expected a POSIX extended regex: Unmatched ( or \\()" },
	{ V(" use_regex = 1\n expect = \"^HTTP/1\\.+++++++++++++++++++++++ 200\"\n"),
	  "t.conf:4: key 'expect': bad value '^HTTP/1\\.+++++++++++++++++++++++ 200' (expected a POSIX extended regex that compiles in bounded time, not a repetition of a repetition (such as '++'))" },
	{ V(" use_regex = 1\n expect = \"((((((((((a)+)+)+)+)+)+)+)+)+)+\"\n"),
	  "t.conf:4: key 'expect': bad value '((((((((((a)+)+)+)+)+)+)+)+)+)+' (expected a POSIX extended regex that compiles in bounded time, not groups nested more than 8 deep)" },
	{ V(" use_regex = 1\n expect = \"a{1,9}b{2}c{3}d{4}e{5}\"\n"),
	  "t.conf:4: key 'expect': bad value 'a{1,9}b{2}c{3}d{4}e{5}' (expected a POSIX extended regex that compiles in bounded time, not more than 4 {m,n} intervals)" },
	{ V(" send = \"GET /\\\"\n"),
	  "t.conf:3: key 'send': no closing quote in \"GET /\\\"" },
	{ V(" send = GET /\\\n"),
	  "t.conf:3: key 'send': bad value 'GET /\\' (expected text with \\n \\r \\t \\\\ escapes, not ending in a lone backslash)" },
	{ V(" expect = \"ok\" trailing\n"),
	  "t.conf:3: key 'expect': text after the closing quote: 'trailing'" },
	{ V(" send_program = \"check %h\"\n"),
	  "t.conf:3: key 'send_program': bad value 'check %h' (expected an absolute path, e.g. \"/usr/local/bin/check %h\")" },
	{ V(" send_program = \"/bin/true \\\"%h\"\n"),
	  "t.conf:3: key 'send_program': bad value '/bin/true \\\"%h' (expected a program and its arguments, quotes balanced)" },
	{ V(" send_program = /nonexistent/check\n"),
	  "t.conf:3: key 'send_program': bad value '/nonexistent/check' (expected an executable file as the program)" },
	{ V(" http_url = health\n"),
	  "t.conf:3: key 'http_url': bad value 'health' (expected a path starting with /)" },
	{ V(" http_status = 99\n"),
	  "t.conf:3: key 'http_status': bad value '99' (expected an HTTP status 100..599)" },
	{ V(" protocol = udp\n check_type = http\n"),
	  "t.conf:3: virtual 'w': an HTTP check needs protocol tcp" },
	{ V(" check_type = tcp\n"),
	  "t.conf:3: key 'check_type': bad value 'tcp' (expected connect|http|program|none|auto)" },
	{ "virtual w {\n port = 80\n}\n",
	  "t.conf:1: virtual 'w': key 'address' is missing" },
	{ SRV(" weight = -3\n"),
	  "t.conf:5: key 'weight': bad value '-3' (expected a weight 0..2147483647)" },
	{ SRV(" address = 10.0.0.2\n"),
	  "t.conf:5: key 'address' given twice (first on line 4)" },
	{ SRV(" port = 0\n"),
	  "t.conf:5: key 'port': bad value '0' (expected 1..65535: a server of a single-port service needs a port)" },
	{ "network = direct\n" V(" port = 80\n server s {\n address = 10.0.0.1\n port = 8080\n }\n"),
	  "t.conf:7: key 'port': bad value '8080' (expected 80, the virtual's port: direct routing cannot change ports)" },
	{ V(" server s {\n address = 10.0.0.1\n }\n server s {\n address = 10.0.0.2\n }\n"),
	  "t.conf:6: server 's' defined twice in virtual 'w' (first on line 3)" },
	{ V(" server a {\n address = 10.0.0.1\n }\n server b {\n address = 10.0.0.1\n }\n"),
	  "t.conf:6: server 'b' has the same address and port as server 'a' (line 3)" },
	{ V(" server a {\n }\n"), "t.conf:3: server 'a': key 'address' is missing" },
	{ V("") V(""), "t.conf:4: virtual 'w' defined twice (first on line 1)" },
	{ V("") "virtual x {\n address = 1.2.3.4\n}\n",
	  "t.conf:4: virtual 'x' is the same service as virtual 'w' (line 1)" },
	{ V(" sorry_server = 10.0.0.1\n server a {\n address = 10.0.0.1\n }\n"),
	  "t.conf:1: virtual 'w': sorry_server is also server 'a'" },
	{ "}\n", "t.conf:1: '}' without an open block" },
	{ "virtual w {\n address = 1.2.3.4\n",
	  "t.conf:1: virtual 'w' is not closed with '}'" },
	{ "server s {\n}\n", "t.conf:1: 'server s' outside a virtual block" },
	{ "virtual w {\nvirtual x {\n",
	  "t.conf:2: 'virtual x' inside another block (virtual 'w' opened on line 1 is not closed)" },
	{ "virtual w x {\n", "t.conf:1: expected 'virtual NAME {', got 'virtual w x {'" },
	{ "failover f {\n", "t.conf:1: failover services (Piranha's 'failover' blocks) are not supported" },
	{ "just some words\n",
	  "t.conf:1: expected 'key = value', 'virtual NAME {', 'server NAME {' or '}', got 'just some words'" },
	{ "two words = 1\n", "t.conf:1: bad key 'two words' (expected one word before '=')" },
};

static void test_bad(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vsd_diag d;
		struct vsd_conf *c = parse(bad[i].text, &d);
		char name[128];

		snprintf(name, sizeof(name), "the exact message:%.70s",
			 strchr(bad[i].error, ' '));
		ok(c == NULL, "malformed config %zu is refused", i + 1);
		is_str(d.n_errors ? d.errors[0] : NULL, bad[i].error, name);
		vsd_conf_free(c);
		vsd_diag_free(&d);
	}
}

/* ------------------------------------------------------------------ */
/* IPv6 and tunnels                                                     */

#define V6(body) "virtual w {\n address = 2001:db8::10 eth0\n" body "}\n"
#define TUN(body) "network = tunnel\n" V(body)

/* Each is refused with exactly this one message. */
static const struct {
	const char *text, *error;
} bad6[] = {
	{ V(" server s {\n address = 2001:db8:12::1\n }\n"),
	  "t.conf:4: key 'address': bad value '2001:db8:12::1' (expected an IPv4 address: virtual 'w' is IPv4, and only network = tunnel mixes IPv4 and IPv6)" },
	{ "network = direct\n" V6(" server s {\n address = 10.0.0.1\n }\n"),
	  "t.conf:5: key 'address': bad value '10.0.0.1' (expected an IPv6 address: virtual 'w' is IPv6, and only network = tunnel mixes IPv4 and IPv6)" },
	{ "virtual f {\n fwmark = 3\n server s {\n address = 2001:db8:12::1\n }\n}\n",
	  "t.conf:4: key 'address': bad value '2001:db8:12::1' (expected an IPv4 address: virtual 'f' is IPv4 (fwmark; ipv6 = 1 makes it IPv6), and only network = tunnel mixes IPv4 and IPv6)" },
	{ "virtual f {\n fwmark = 3\n ipv6 = 1\n server s {\n address = 10.0.0.1\n }\n}\n",
	  "t.conf:5: key 'address': bad value '10.0.0.1' (expected an IPv6 address: virtual 'f' is IPv6 (ipv6 = 1), and only network = tunnel mixes IPv4 and IPv6)" },
	{ V6(" sorry_server = 10.0.0.9\n"),
	  "t.conf:3: key 'sorry_server': bad value '10.0.0.9' (expected an IPv6 address: virtual 'w' is IPv6, and only network = tunnel mixes IPv4 and IPv6)" },
	{ V(" server s {\n address = 2001:db8::zz\n }\n"),
	  "t.conf:4: key 'address': bad value '2001:db8::zz' (expected an IPv4 or IPv6 address)" },
	{ V(" server s {\n address = 10.0.0.256\n }\n"),
	  "t.conf:4: key 'address': bad value '10.0.0.256' (expected an IPv4 or IPv6 address)" },
	{ "virtual w {\n address = 2001:db8::10%eth0 eth0\n}\n",
	  "t.conf:2: key 'address': bad value '2001:db8::10%eth0 eth0' (expected an IPv4 or IPv6 address and optionally a device, e.g. 192.168.26.10 eth0:1 or 2001:db8::10 eth0)" },
	{ V6(" persistent = 60\n pmask = 129\n"),
	  "t.conf:4: key 'pmask': bad value '129' (expected a prefix length 1..128: the virtual is IPv6)" },
	{ V6(" persistent = 60\n pmask = 255.255.255.0\n"),
	  "t.conf:4: key 'pmask': bad value '255.255.255.0' (expected a prefix length 1..128: the virtual is IPv6)" },
	{ V(" persistent = 60\n pmask = 33\n"),
	  "t.conf:4: key 'pmask': bad value '33' (expected a netmask such as 255.255.255.0 or a prefix length 0..32)" },
	{ V(" persistent = 60\n pmask = 255.0.255.0\n"),
	  "t.conf:4: key 'pmask': bad value '255.0.255.0' (expected a netmask such as 255.255.255.0 or a prefix length 0..32)" },
	{ V6(" ipv6 = 0\n"),
	  "t.conf:3: key 'ipv6': bad value '0' (expected 1: address 2001:db8::10 is IPv6)" },
	{ V(" ipv6 = 1\n"),
	  "t.conf:3: key 'ipv6': bad value '1' (expected 0: address 1.2.3.4 is IPv4)" },
	{ V(" tunnel_type = gue\n tunnel_port = 6080\n"),
	  "t.conf:3: virtual 'w': the tunnel_* keys need network = tunnel (it is nat)" },
	{ "network = direct\n" V(" tunnel_checksum = csum\n"),
	  "t.conf:4: virtual 'w': the tunnel_* keys need network = tunnel (it is direct)" },
	{ TUN(" tunnel_type = vxlan\n"),
	  "t.conf:4: key 'tunnel_type': bad value 'vxlan' (expected ipip, gue or gre)" },
	{ TUN(" tunnel_type = gue\n"),
	  "t.conf:4: virtual 'w': tunnel_type gue needs tunnel_port" },
	{ TUN(" tunnel_port = 6080\n"),
	  "t.conf:4: key 'tunnel_port': bad value '6080' (expected no tunnel_port: only tunnel_type gue has one, not ipip)" },
	{ TUN(" tunnel_type = gre\n tunnel_port = 6080\n"),
	  "t.conf:5: key 'tunnel_port': bad value '6080' (expected no tunnel_port: only tunnel_type gue has one, not gre)" },
	{ TUN(" tunnel_type = gue\n tunnel_port = 0\n"),
	  "t.conf:5: key 'tunnel_port': bad value '0' (expected a UDP port 1..65535)" },
	{ TUN(" tunnel_checksum = csum\n"),
	  "t.conf:4: key 'tunnel_checksum': bad value 'csum' (expected nocsum with tunnel_type ipip)" },
	{ TUN(" tunnel_type = gre\n tunnel_checksum = remcsum\n"),
	  "t.conf:5: key 'tunnel_checksum': bad value 'remcsum' (expected nocsum or csum with tunnel_type gre)" },
	{ TUN(" tunnel_type = gue\n tunnel_port = 6080\n tunnel_checksum = on\n"),
	  "t.conf:6: key 'tunnel_checksum': bad value 'on' (expected nocsum, csum or remcsum)" },
	{ V(" tunnel_source = 10.0.0.9\n"),
	  "t.conf:3: virtual 'w': the tunnel_* keys need network = tunnel (it is nat)" },
	{ TUN(" tunnel_source = 10.0.0.300\n"),
	  "t.conf:4: key 'tunnel_source': bad value '10.0.0.300' (expected an IPv4 or IPv6 address)" },
	{ TUN(" tunnel_source = 10.0.0.9 eth0\n"),
	  "t.conf:4: key 'tunnel_source': bad value '10.0.0.9 eth0' (expected an IPv4 or IPv6 address)" },
	{ TUN(" tunnel_source = 224.0.0.5\n"),
	  "t.conf:4: key 'tunnel_source': bad value '224.0.0.5' (expected a unicast address of this director (leave tunnel_source out for the route's source))" },
	{ TUN(" tunnel_source = 255.255.255.255\n"),
	  "t.conf:4: key 'tunnel_source': bad value '255.255.255.255' (expected a unicast address of this director (leave tunnel_source out for the route's source))" },
	{ TUN(" tunnel_source = 0.0.0.0\n"),
	  "t.conf:4: key 'tunnel_source': bad value '0.0.0.0' (expected a unicast address of this director (leave tunnel_source out for the route's source))" },
	{ TUN(" tunnel_source = ::\n"),
	  "t.conf:4: key 'tunnel_source': bad value '::' (expected a unicast address of this director (leave tunnel_source out for the route's source))" },
	{ TUN(" tunnel_source = ff02::1\n"),
	  "t.conf:4: key 'tunnel_source': bad value 'ff02::1' (expected a unicast address of this director (leave tunnel_source out for the route's source))" },
	{ TUN(" tunnel_source = 2001:db8::9\n server s {\n address = 10.0.0.1\n }\n"),
	  "t.conf:4: key 'tunnel_source': bad value '2001:db8::9' (expected an IPv4 address: server 's' (10.0.0.1) is IPv4, and the outer source is of the real servers' family)" },
	{ TUN(" server s {\n address = 10.0.0.1\n }\n server t {\n address = 2001:db8::1\n }\n"
	      " tunnel_source = 10.0.0.9\n"),
	  "t.conf:10: key 'tunnel_source': bad value '10.0.0.9' (expected an IPv6 address: server 't' (2001:db8::1) is IPv6, and the outer source is of the real servers' family)" },
	{ TUN(" tunnel_source = 10.0.0.9\n sorry_server = 2001:db8::64\n"
	      " server s {\n address = 10.0.0.1\n }\n"),
	  "t.conf:4: key 'tunnel_source': bad value '10.0.0.9' (expected an IPv6 address: sorry_server 2001:db8::64 is IPv6, and the outer source is of the real servers' family)" },
	{ TUN(" tunnel_source = 10.0.0.9\n tunnel_source = 10.0.0.8\n"),
	  "t.conf:5: key 'tunnel_source' given twice (first on line 4)" },
	{ TUN(" port = 80\n server s {\n address = 2001:db8:12::1\n port = 8080\n }\n"),
	  "t.conf:7: key 'port': bad value '8080' (expected 80, the virtual's port: tunneling cannot change ports)" },
	{ V6(" server a {\n address = 2001:db8::1\n }\n server b {\n address = 2001:db8:0::1\n }\n"),
	  "t.conf:6: server 'b' has the same address and port as server 'a' (line 3)" },
};

static void test_bad6(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad6) / sizeof(bad6[0]); i++) {
		struct vsd_diag d;
		struct vsd_conf *c = parse(bad6[i].text, &d);
		char name[128];

		snprintf(name, sizeof(name), "v6/tunnel, the one message:%.70s",
			 strchr(bad6[i].error, ' '));
		ok(c == NULL && d.n_errors == 1,
		   "v6/tunnel config %zu is refused with one error (%zu)", i + 1,
		   d.n_errors);
		is_str(d.n_errors ? d.errors[0] : NULL, bad6[i].error, name);
		vsd_conf_free(c);
		vsd_diag_free(&d);
	}
}

static bool is_addr6(const union vs_addr *a, const char *s)
{
	struct in6_addr in6;

	return inet_pton(AF_INET6, s, &in6) == 1 && !memcmp(a->bytes, &in6, 16);
}

static void test_ipv6(void)
{
	struct vsd_diag d;
	struct vsd_conf *c;
	const struct vsd_virtual_conf *v;
	struct vs_virtual key;

	c = parse(V6(" port = 443\n persistent = 300\n pmask = 64\n"
		     " sorry_server = [2001:db8::64]:8080\n"
		     " server a {\n address = 2001:db8:12::1\n }\n"
		     " server b {\n address = 2001:db8:12::2\n port = 8443\n }\n")
		  "virtual x {\n address = 10.0.0.1\n server c {\n address = 10.0.0.2\n }\n}\n", &d);
	ok(c && !d.n_errors, "an IPv6 virtual with IPv6 servers parses");
	if (!c)
		return;
	v = &c->virtuals[0];
	ok(v->af == AF_INET6 && is_addr6(&v->addr, "2001:db8::10") &&
	   v->dev && !strcmp(v->dev, "eth0"), "IPv6 VIP with its device");
	ok(v->pmask == 64, "pmask 64 for an IPv6 virtual");
	ok(v->servers[0].af == AF_INET6 &&
	   is_addr6(&v->servers[0].addr, "2001:db8:12::1") &&
	   v->servers[0].port == 443, "IPv6 real server, the virtual's port");
	ok(v->servers[1].af == AF_INET6 && v->servers[1].port == 8443,
	   "IPv6 real server with its own port (NAT)");
	ok(v->has_sorry && v->sorry_af == AF_INET6 &&
	   is_addr6(&v->sorry_addr, "2001:db8::64") && v->sorry_port == 8080,
	   "[v6]:port sorry server");
	vsd_virtual_key(v, &key);
	ok(key.af == AF_INET6 && key.port == 443 && key.protocol == IPPROTO_TCP,
	   "the service key is IPv6");
	ok(c->virtuals[1].af == AF_INET && c->virtuals[1].servers[0].af == AF_INET &&
	   c->virtuals[1].pmask == 32, "an IPv4 virtual beside it stays IPv4");
	vsd_conf_free(c);
	vsd_diag_free(&d);

	c = parse(V6(" persistent = 60\n"), &d);
	ok(c && c->virtuals[0].pmask == 128, "an IPv6 pmask defaults to 128");
	vsd_conf_free(c);
	vsd_diag_free(&d);

	c = parse("virtual f {\n fwmark = 7\n ipv6 = 1\n persistent = 60\n pmask = 48\n"
		  " server s {\n address = 2001:db8::7\n }\n}\n", &d);
	ok(c && c->virtuals[0].af == AF_INET6 && c->virtuals[0].pmask == 48 &&
	   c->virtuals[0].servers[0].port == 0,
	   "ipv6 = 1 makes a fwmark virtual IPv6");
	if (c) {
		vsd_virtual_key(&c->virtuals[0], &key);
		ok(key.af == AF_INET6 && key.fwmark == 7, "its key: IPv6 fwmark 7");
	}
	vsd_conf_free(c);
	vsd_diag_free(&d);
}

static void test_tunnel(void)
{
	static const struct {
		const char *body;
		uint8_t type;
		uint16_t port, flags;
	} tt[] = {
		{ "", VS_TUN_IPIP, 0, 0 },
		{ " tunnel_type = ipip\n tunnel_checksum = nocsum\n", VS_TUN_IPIP, 0, 0 },
		{ " tunnel_type = gue\n tunnel_port = 6080\n", VS_TUN_GUE, 6080, 0 },
		{ " tunnel_type = gue\n tunnel_port = 6080\n tunnel_checksum = remcsum\n",
		  VS_TUN_GUE, 6080, VS_TUN_F_REMCSUM },
		{ " tunnel_type = gue\n tunnel_port = 5555\n tunnel_checksum = csum\n",
		  VS_TUN_GUE, 5555, VS_TUN_F_CSUM },
		{ " tunnel_type = gre\n", VS_TUN_GRE, 0, 0 },
		{ " tunnel_type = gre\n tunnel_checksum = csum\n", VS_TUN_GRE, 0, VS_TUN_F_CSUM },
	};
	struct vsd_diag d;
	struct vsd_conf *c;
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(tt) / sizeof(tt[0]); i++) {
		const struct vsd_virtual_conf *v;

		snprintf(text, sizeof(text), "network = tunnel\n" V("%s"
			 " server s {\n address = 10.0.0.1\n }\n"
			 " server t {\n address = 2001:db8::1\n }\n"), tt[i].body);
		c = parse(text, &d);
		ok(c && !d.n_errors, "network = tunnel, case %zu, parses", i + 1);
		if (!c)
			continue;
		v = &c->virtuals[0];
		ok(v->fwd == VS_FWD_TUNNEL && v->tun_type == tt[i].type &&
		   v->tun_port == tt[i].port && vsd_tun_flags(v) == tt[i].flags,
		   "tunnel case %zu: type %u port %u flags %u", i + 1,
		   v->tun_type, v->tun_port, vsd_tun_flags(v));
		ok(v->servers[1].af == AF_INET6 && v->servers[1].port == 80,
		   "tunnel case %zu: an IPv6 server under an IPv4 virtual", i + 1);
		vsd_conf_free(c);
		vsd_diag_free(&d);
	}
	c = parse("network = tunnel\n" V6(" server s {\n address = 10.0.0.1\n }\n"), &d);
	ok(c && c->virtuals[0].af == AF_INET6 && c->virtuals[0].servers[0].af == AF_INET,
	   "an IPv4 server under an IPv6 tunnel virtual");
	ok(c && !c->virtuals[0].has_tun_src, "no tunnel_source: none");
	vsd_conf_free(c);
	vsd_diag_free(&d);
}

/* tunnel_source: of the servers' family, which may not be the VIP's. */
static void test_tun_src(void)
{
	struct vsd_diag d;
	struct vsd_conf *c;
	const struct vsd_virtual_conf *v;

	c = parse("network = tunnel\n"
		  V(" tunnel_type = gre\n tunnel_source = 2001:db8::1\n"
		    " sorry_server = 2001:db8::64\n"
		    " server s {\n address = 2001:db8:12::1\n }\n")
		  "virtual x {\n address = 2001:db8::10\n tunnel_source = 192.168.1.1\n"
		  " server t {\n address = 10.0.0.1\n }\n}\n", &d);
	ok(c && !d.n_errors, "tunnel_source of the servers' family, not the VIP's, parses");
	if (!c)
		return;
	v = &c->virtuals[0];
	ok(v->has_tun_src && v->tun_src_af == AF_INET6 &&
	   is_addr6(&v->tun_src, "2001:db8::1"),
	   "an IPv6 source for IPv6 servers (and sorry server) of an IPv4 VIP");
	v = &c->virtuals[1];
	ok(v->has_tun_src && v->tun_src_af == AF_INET &&
	   v->tun_src.ip == htonl(0xc0a80101) && !v->tun_src.bytes[4],
	   "an IPv4 source for an IPv4 server of an IPv6 VIP");
	vsd_conf_free(c);
	vsd_diag_free(&d);

	c = parse(TUN(" tunnel_source = 10.0.0.9\n"), &d);
	ok(c && c->virtuals[0].has_tun_src, "a virtual without servers yet may have one");
	vsd_conf_free(c);
	vsd_diag_free(&d);
}

static void test_misc(void)
{
	struct vsd_diag d;
	struct vsd_conf *c;

	c = parse("# comment only\n\n   \n", &d);
	ok(c && c->n_virtuals == 0 && !d.n_errors, "an empty file is a valid (empty) configuration");
	vsd_conf_free(c);
	vsd_diag_free(&d);

	c = parse("check_interval = 0.25\nretries = 2\nnetwork = direct\n"
		  V(" expect = ok # the banner\n server s { \n address = 10.0.0.1\n }\n")
		  "virtual x {\n address = 1.2.3.5\n check_interval = 3\n}\n", &d);
	ok(c && c->virtuals[0].check.interval == 250 &&
	   c->virtuals[0].check.connect_timeout == 250 &&
	   c->virtuals[0].check.retries == 2, "global timing defaults reach virtuals");
	ok(c && c->virtuals[1].check.interval == 3000 &&
	   c->virtuals[1].check.connect_timeout == 3000,
	   "a virtual's own check_interval wins");
	is_str(c ? c->virtuals[0].check.expect : NULL, "ok", "trailing ' # comment' is not part of a bare value");
	ok(c && c->virtuals[0].fwd == VS_FWD_DR, "network direct -> route");
	vsd_conf_free(c);
	vsd_diag_free(&d);

	vsd_conf_parse("/nonexistent/vsd.conf", NULL, &c, &d);
	is_str(d.n_errors ? d.errors[0] : NULL,
	       "/nonexistent/vsd.conf: cannot read: No such file or directory",
	       "a missing file is one clear error");
	vsd_diag_free(&d);

	c = parse("foo = 1\nbar = 2\n}\n", &d);
	is_int(d.n_errors, 3, "every error is reported, not just the first");
	vsd_conf_free(c);
	vsd_diag_free(&d);
}

/* ------------------------------------------------------------------ */
/* Active-active                                                        */

static char key_path[] = "/tmp/test_conf_key.XXXXXX";

/* A heartbeat key file as vsd wants it: ours, 0600, 32 bytes. */
static void make_key(void)
{
	int fd = mkstemp(key_path);

	if (fd < 0 || write(fd, "0123456789abcdef0123456789abcdef", 32) != 32)
		printf("# cannot write %s\n", key_path);
	if (fd >= 0)
		close(fd);
}

/* An active-active file: its global head, then body (more keys or
 * virtuals), the key file's path filled in.
 */
static struct vsd_conf *parse_aa(const char *body, struct vsd_diag *d)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "active_active = 1\n"
		 "director = 10.0.5.1\n"
		 "director = 10.0.5.2\n"
		 "director = 10.0.5.3\n"
		 "heartbeat_key = %s\n"
		 "%s", key_path, body);
	return parse(text, d);
}

#define MH(body) V(" scheduler = mh\n" body)

static void test_aa_good(void)
{
	struct vsd_diag d;
	struct vsd_conf *c;

	c = parse_aa("keepalive = 0.2\ndeadtime = 0.6\nannounce_table = 100\n"
		     "drain_timeout = 30\n"
		     MH(" scheduler_flags = mh-port,mh-fallback\n"), &d);
	ok(c && c->active_active, "active_active = 1 parses");
	is_int(c ? c->n_directors : 0, 3, "every director line is kept");
	ok(c && c->directors[0] == ip("10.0.5.1") && c->directors[2] == ip("10.0.5.3"),
	   "in the file's order");
	is_int(c ? c->announce_table : 0, 100, "announce_table");
	is_int(c ? (long long)c->drain_timeout : 0, 30000, "drain_timeout in ms");
	is_int(c ? c->virtuals[0].sched_flags : 0,
	       VS_SVC_F_MH_PORT | VS_SVC_F_MH_FALLBACK, "scheduler_flags as the kernel's bits");
	is_int(d.n_notes, 0, "mh everywhere: no warning");
	ok(c && c->syncdaemon, "connection sync is on by default");
	vsd_conf_free(c);
	vsd_diag_free(&d);

	c = parse_aa(V(" scheduler = wlc\n"), &d);
	ok(c != NULL, "another scheduler is not an error");
	is_str(d.n_notes ? d.notes[0] : NULL,
	       "t.conf:8: virtual 'w': scheduler wlc in active-active mode: use mh, or a flow that ECMP moves to another director may be sent to another real server",
	       "but a warning naming the virtual and the line, and why");
	is_int(c ? c->announce_table : 0, VSD_ANNOUNCE_TABLE, "announce_table defaults to 250");
	is_int(c ? (long long)c->drain_timeout : 0, 300000, "drain_timeout defaults to 300 s");
	vsd_conf_free(c);
	vsd_diag_free(&d);

	c = parse(V(" scheduler = sh\n scheduler_flags = sh-port\n"), &d);
	is_int(c ? c->virtuals[0].sched_flags : 0, VS_SVC_F_SH_PORT,
	       "scheduler_flags without active_active too");
	vsd_conf_free(c);
	vsd_diag_free(&d);
	c = parse(V(" scheduler_flags = flag-3\n scheduler = rr\n"), &d);
	is_int(c ? c->virtuals[0].sched_flags : 0, VS_SVC_F_SCHED3,
	       "flag-1..3 go with any scheduler, before or after it");
	vsd_conf_free(c);
	vsd_diag_free(&d);
}

/* Each refused with exactly this first message (line 6 is the body's
 * first; the head is lines 1-5).
 */
static const struct {
	const char *body, *error;
} bad_aa[] = {
	{ "primary = 10.0.5.1\n",
	  "t.conf:6: key 'primary' conflicts with active_active = 1 (line 1): it belongs to a primary/backup pair, and every director of a mesh is active" },
	{ "preempt = 0\n",
	  "t.conf:6: key 'preempt' conflicts with active_active = 1 (line 1): it belongs to a primary/backup pair, and every director of a mesh is active" },
	{ "heartbeat = 1\n",
	  "t.conf:6: key 'heartbeat' conflicts with active_active = 1 (line 1): it belongs to a primary/backup pair, and every director of a mesh is active" },
	{ "director = 10.0.5.256\n",
	  "t.conf:6: key 'director': bad value '10.0.5.256' (expected a unicast IPv4 address of a director, not a loopback one)" },
	{ "director = 224.0.0.1\n",
	  "t.conf:6: key 'director': bad value '224.0.0.1' (expected a unicast IPv4 address of a director, not a loopback one)" },
	{ "director = 10.0.5.2\n",
	  "t.conf:6: key 'director': bad value '10.0.5.2' (expected each director once (it is on line 3 too))" },
	{ "director = 10.0.5.4\ndirector = 10.0.5.5\ndirector = 10.0.5.6\n"
	  "director = 10.0.5.7\ndirector = 10.0.5.8\ndirector = 10.0.5.9\n"
	  "director = 10.0.5.10\ndirector = 10.0.5.11\ndirector = 10.0.5.12\n"
	  "director = 10.0.5.13\ndirector = 10.0.5.14\ndirector = 10.0.5.15\n"
	  "director = 10.0.5.16\ndirector = 10.0.5.17\n",
	  "t.conf:19: key 'director': bad value '10.0.5.17' (expected at most 16 directors)" },
	{ "announce_table = 254\n",
	  "t.conf:6: key 'announce_table': bad value '254' (expected a routing table 1..4294967295 other than 253, 254 and 255 (default, main, local): routes there would forward)" },
	{ "announce_table = 0\n",
	  "t.conf:6: key 'announce_table': bad value '0' (expected a routing table 1..4294967295)" },
	{ "deadtime = 2\n",
	  "t.conf:6: key 'deadtime': bad value '2' (expected more than keepalive, 2 s)" },
	{ MH(" scheduler_flags = mh-port,sh-port\n"),
	  "t.conf:9: key 'scheduler_flags': bad value 'mh-port,sh-port' (expected the flags of one scheduler, sh's or mh's)" },
	{ MH(" scheduler_flags = mh-quick\n"),
	  "t.conf:9: key 'scheduler_flags': bad value 'mh-quick' (expected flags of sh-fallback,sh-port (sh), mh-fallback,mh-port (mh), flag-1,flag-2,flag-3)" },
	{ MH(" scheduler_flags = ,\n"),
	  "t.conf:9: key 'scheduler_flags': bad value ',' (expected at least one flag, e.g. mh-port)" },
	{ MH(" scheduler_flags = sh-port\n"),
	  "t.conf:9: key 'scheduler_flags': bad value 'sh-port' (expected flags of scheduler mh: sh's need scheduler = sh)" },
};

static void test_aa_bad(void)
{
	struct vsd_diag d;
	struct vsd_conf *c;
	size_t i;

	for (i = 0; i < sizeof(bad_aa) / sizeof(bad_aa[0]); i++) {
		char name[128];

		c = parse_aa(bad_aa[i].body, &d);
		snprintf(name, sizeof(name), "active-active:%.70s",
			 strchr(bad_aa[i].error, ' '));
		ok(c == NULL, "bad active-active config %zu is refused", i + 1);
		is_str(d.n_errors ? d.errors[0] : NULL, bad_aa[i].error, name);
		vsd_conf_free(c);
		vsd_diag_free(&d);
	}
	c = parse("active_active = 1\ndirector = 10.0.5.1\n", &d);
	is_int(d.n_errors, 2, "one director and no key: two errors");
	is_str(d.n_errors ? d.errors[0] : NULL,
	       "t.conf:1: active_active = 1 needs 2 to 16 'director' lines, one per director, this one included (got 1)",
	       "too few directors, said at active_active");
	is_str(d.n_errors > 1 ? d.errors[1] : NULL,
	       "t.conf:1: active_active = 1 needs 'heartbeat_key' (the directors' shared secret)",
	       "the key is required");
	vsd_conf_free(c);
	vsd_diag_free(&d);
	c = parse("announce_table = 100\ndirector = 10.0.5.1\n", &d);
	is_str(d.n_errors ? d.errors[0] : NULL, "t.conf:2: key 'director' needs active_active = 1",
	       "the mesh's keys need the mode");
	vsd_conf_free(c);
	vsd_diag_free(&d);
	c = parse(V(" scheduler_flags = mh-port\n"), &d);
	is_str(d.n_errors ? d.errors[0] : NULL,
	       "t.conf:3: key 'scheduler_flags': bad value 'mh-port' (expected flags of scheduler wlc: mh's need scheduler = mh)",
	       "mh's flags on the default scheduler (wlc)");
	vsd_conf_free(c);
	vsd_diag_free(&d);
}

int main(void)
{
	test_full();
	test_bad();
	test_bad6();
	test_ipv6();
	test_tunnel();
	test_tun_src();
	test_misc();
	make_key();
	test_aa_good();
	test_aa_bad();
	unlink(key_path);
	return tap_done();
}
