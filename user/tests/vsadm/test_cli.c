// SPDX-License-Identifier: GPL-2.0
/*
 * vsadm's command line: every option in its short and long forms, the
 * defaults -E and -e fill in, -p's optional argument, and the exact message
 * and exit status of every kind of bad input.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include "cli.h"
#include "tap.h"

static char err[VSADM_ERR_MAX];

/*
 * Linked with --wrap=getaddrinfo,--wrap=freeaddrinfo (Makefile): the
 * names "dual.test" (192.0.2.1 and 2001:db8::d) and "v6only.test"
 * (2001:db8::6) resolve here, without DNS; other names as usual.
 */
int __real_getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res);
void __real_freeaddrinfo(struct addrinfo *res);
int __wrap_getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res);
void __wrap_freeaddrinfo(struct addrinfo *res);

static struct sockaddr_in fake4 = { .sin_family = AF_INET };
static struct sockaddr_in6 fake6 = { .sin6_family = AF_INET6 };
static struct addrinfo fake_ai4 = {
	.ai_family = AF_INET, .ai_addrlen = sizeof(fake4),
	.ai_addr = (struct sockaddr *)&fake4,
};
static struct addrinfo fake_ai6 = {
	.ai_family = AF_INET6, .ai_addrlen = sizeof(fake6),
	.ai_addr = (struct sockaddr *)&fake6,
};

int __wrap_getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res)
{
	int family = hints ? hints->ai_family : AF_UNSPEC;
	bool dual = node && !strcmp(node, "dual.test");
	bool v6only = node && !strcmp(node, "v6only.test");

	if (!dual && !v6only)
		return __real_getaddrinfo(node, service, hints, res);
	inet_pton(AF_INET, "192.0.2.1", &fake4.sin_addr);
	inet_pton(AF_INET6, dual ? "2001:db8::d" : "2001:db8::6",
		  &fake6.sin6_addr);
	if (family == AF_INET && dual) {
		*res = &fake_ai4;
		return 0;
	}
	if (family == AF_INET6) {
		*res = &fake_ai6;
		return 0;
	}
	return EAI_NONAME;
}

void __wrap_freeaddrinfo(struct addrinfo *res)
{
	if (res != &fake_ai4 && res != &fake_ai6)
		__real_freeaddrinfo(res);
}

/* Parse a command line written as one string (words split on spaces). */
static int parse_in(const char *line, bool restore, struct vsadm_cmd *c)
{
	char buf[512], *argv[64], *tok, *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 64;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	return vsadm_parse(argc, argv, restore, c, err, sizeof(err));
}

static int parse(const char *line, struct vsadm_cmd *c)
{
	return parse_in(line, false, c);
}

static uint32_t ip(const char *s)
{
	return inet_addr(s);
}

/* A line that must fail with exactly this message and status 2. */
static void bad(const char *line, const char *msg)
{
	struct vsadm_cmd c;
	int ret = parse(line, &c);
	char name[600];

	snprintf(name, sizeof(name), "'%s' is refused", line);
	if (!ok(ret == EXIT_USAGE && !strcmp(err, msg), "%s", name))
		printf("#   ret %d, message '%s', want '%s'\n", ret, err, msg);
}

static void test_add_service(void)
{
	struct vsadm_cmd c;

	is_int(parse("-A -t 1.2.3.4:80", &c), 0, "-A -t parses");
	ok(c.kind == CMD_ADD_SVC && c.has_svc, "-A is add-service");
	ok(c.svc.protocol == IPPROTO_TCP && c.svc.addr.ip == ip("1.2.3.4") &&
	   c.svc.port == 80 && !c.svc.fwmark, "-t key");
	is_str(c.svc.sched, "wlc", "default scheduler is wlc");
	ok(!c.svc.flags && !c.svc.timeout && c.svc.netmask == 32,
	   "not persistent by default");
	ok(c.svc.set == (VS_HAS_SCHED | VS_HAS_FLAGS | VS_HAS_TIMEOUT |
			 VS_HAS_NETMASK), "-A sets every parameter");

	parse("-A -u 10.0.0.1:53 -s rr", &c);
	ok(c.svc.protocol == IPPROTO_UDP && c.svc.port == 53 &&
	   !strcmp(c.svc.sched, "rr"), "-u with -s rr");
	parse("-A -f 7 -s wrr -p 60 -M 255.255.255.0", &c);
	ok(c.svc.fwmark == 7 && !c.svc.protocol && c.svc.timeout == 60 &&
	   c.svc.netmask == 24 && c.svc.flags == VS_SVC_F_PERSISTENT,
	   "-f with -p 60 -M 255.255.255.0");
	parse("-A -t 1.2.3.4:80 -p -M 16", &c);
	ok(c.svc.netmask == 16 && c.svc.timeout == 300, "-M as a prefix length");
	parse("-A -t 1.2.3.4:http", &c);
	is_int(c.svc.port, 80, "service name http");
	parse("-A -u 1.2.3.4:domain", &c);
	is_int(c.svc.port, 53, "service name domain (udp)");
	parse("-A -t localhost:80", &c);
	ok(c.svc.addr.ip == ip("127.0.0.1"), "host name localhost");
	is_int(parse("-A -t 1.2.3.4:0 -p", &c), 0, "port 0 with persistence");
	is_int(parse("-A -t 1.2.3.4 -p", &c), 0, "no port with persistence");
	is_int(c.svc.port, 0, "no port means port 0");
	is_int(parse("--add-service --tcp-service 1.2.3.4:80 --scheduler lc "
		     "--persistent 20 --netmask 255.255.0.0", &c), 0,
	       "long forms of -A");
	ok(c.kind == CMD_ADD_SVC && !strcmp(c.svc.sched, "lc") &&
	   c.svc.timeout == 20 && c.svc.netmask == 16, "long forms' values");
	parse("-A --udp-service=1.2.3.4:53 --scheduler=sh", &c);
	ok(c.svc.protocol == IPPROTO_UDP && !strcmp(c.svc.sched, "sh"),
	   "--opt=value forms");
	parse("-A --fwmark-service 9", &c);
	is_int(c.svc.fwmark, 9, "--fwmark-service");
}

static void test_sched_flags(void)
{
	struct vsadm_cmd c;

	is_int(parse("-A -t 1.2.3.4:80 -s sh -b sh-fallback,sh-port", &c), 0,
	       "-b sh-fallback,sh-port with sh");
	is_int(c.svc.flags, VS_SVC_F_SH_FALLBACK | VS_SVC_F_SH_PORT,
	       "sh's flags are SCHED1 and SCHED2");
	parse("-b mh-port -A -s mh -t 1.2.3.4:80 -p 60", &c);
	is_int(c.svc.flags, VS_SVC_F_PERSISTENT | VS_SVC_F_MH_PORT,
	       "-b before -s, with -p: mh-port and persistent");
	parse("-A -t 1.2.3.4:80 --sched-flags=flag-1,,flag-3", &c);
	is_int(c.svc.flags, VS_SVC_F_SCHED1 | VS_SVC_F_SCHED3,
	       "--sched-flags= flag-1 and flag-3 with wlc, empty words skipped");
	parse("-E -t 1.2.3.4:80 -s sh", &c);
	is_int(c.svc.flags, 0, "-E without -b clears the flags (ipvsadm)");
}

static void test_persistent_arg(void)
{
	struct vsadm_cmd c;

	parse("-A -t 1.2.3.4:80 -p", &c);
	ok(c.svc.flags == VS_SVC_F_PERSISTENT && c.svc.timeout == 300,
	   "-p alone: 300 s");
	parse("-A -t 1.2.3.4:80 -p 600", &c);
	is_int(c.svc.timeout, 600, "-p 600: the next word is the timeout");
	parse("-A -t 1.2.3.4:80 -p600", &c);
	is_int(c.svc.timeout, 600, "-p600");
	parse("-A -t 1.2.3.4:80 --persistent=900", &c);
	is_int(c.svc.timeout, 900, "--persistent=900");
	parse("-A -t 1.2.3.4:80 --persistent 900", &c);
	is_int(c.svc.timeout, 900, "--persistent 900");
	parse("-A -p -t 1.2.3.4:80 -s rr", &c);
	ok(c.svc.timeout == 300 && c.svc.port == 80,
	   "-p followed by an option takes no argument");
	parse("-A -t 1.2.3.4:80 -p -s rr", &c);
	ok(c.svc.timeout == 300 && !strcmp(c.svc.sched, "rr"),
	   "-p then -s rr");
}

static void test_edit_service(void)
{
	struct vsadm_cmd c;

	parse("-E -t 1.2.3.4:80", &c);
	ok(c.kind == CMD_EDIT_SVC && !strcmp(c.svc.sched, "wlc") &&
	   !c.svc.flags && !c.svc.timeout && c.svc.netmask == 32 &&
	   c.svc.set == (VS_HAS_SCHED | VS_HAS_FLAGS | VS_HAS_TIMEOUT |
			 VS_HAS_NETMASK),
	   "-E without options resets everything (ipvsadm)");
	parse("--edit-service -t 1.2.3.4:80 -s rr -p 30", &c);
	ok(c.kind == CMD_EDIT_SVC && !strcmp(c.svc.sched, "rr") &&
	   c.svc.timeout == 30, "--edit-service with values");
	parse("-D -t 1.2.3.4:80", &c);
	ok(c.kind == CMD_DEL_SVC && c.svc.port == 80, "-D");
	parse("--delete-service -f 3", &c);
	ok(c.kind == CMD_DEL_SVC && c.svc.fwmark == 3, "--delete-service -f");
}

static void test_servers(void)
{
	struct vsadm_cmd c;

	parse("-a -t 1.2.3.4:80 -r 10.0.0.1", &c);
	ok(c.kind == CMD_ADD_DEST && c.has_dest && c.dest.addr.ip == ip("10.0.0.1") &&
	   c.dest.port == 80 && c.dest.fwd == VS_FWD_DR && c.dest.weight == 1 &&
	   !c.dest.u_thresh && !c.dest.l_thresh,
	   "-a defaults: DR, weight 1, the service's port");
	ok(c.dest.set == (VS_HAS_FWD | VS_HAS_WEIGHT | VS_HAS_U_THRESH |
			  VS_HAS_L_THRESH), "-a sets every parameter");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1:8080 -g", &c);
	is_int(c.dest.port, 80, "-g forces the service's port");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1:8080 -m -w 5 -x 100 -y 50", &c);
	ok(c.dest.port == 8080 && c.dest.fwd == VS_FWD_NAT && c.dest.weight == 5 &&
	   c.dest.u_thresh == 100 && c.dest.l_thresh == 50, "-m -w -x -y");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1 -m", &c);
	is_int(c.dest.port, 80, "-m without a port: the service's");
	parse("-a -f 7 -r 10.0.0.1:80 -m", &c);
	is_int(c.dest.port, 80, "fwmark NAT server keeps its port");
	parse("-a -f 7 -r 10.0.0.1:80", &c);
	is_int(c.dest.port, 0, "fwmark DR server: port 0");
	is_int(parse("-a -t 1.2.3.4:0 -r 10.0.0.1:0 -m", &c), 0,
	       "NAT port 0 behind an all-ports service");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1 -w 0", &c);
	is_int(c.dest.weight, 0, "weight 0");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1 -w 2147483647", &c);
	is_int(c.dest.weight, 2147483647, "weight max");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1 -x 0 -y 20", &c);
	ok(c.dest.l_thresh == 20 && !c.dest.u_thresh,
	   "lower threshold without an upper one");
	parse("-e -t 1.2.3.4:80 -r 10.0.0.1", &c);
	ok(c.kind == CMD_EDIT_DEST && c.dest.weight == 1 && c.dest.fwd == VS_FWD_DR,
	   "-e resets to defaults (ipvsadm)");
	parse("-d -t 1.2.3.4:80 -r 10.0.0.1:8080", &c);
	ok(c.kind == CMD_DEL_DEST && c.dest.port == 8080, "-d keeps the port given");
	parse("-d -t 1.2.3.4:80 -r 10.0.0.1", &c);
	is_int(c.dest.port, 80, "-d without a port: the service's");
	parse("--add-server --tcp-service 1.2.3.4:80 --real-server 10.0.0.2:81 "
	      "--masquerading --weight 3 --u-threshold 9 --l-threshold 4", &c);
	ok(c.kind == CMD_ADD_DEST && c.dest.port == 81 && c.dest.weight == 3 &&
	   c.dest.u_thresh == 9 && c.dest.l_thresh == 4, "long forms of -a");
	parse("--edit-server -u 1.2.3.4:53 -r 10.0.0.2 --gatewaying", &c);
	ok(c.kind == CMD_EDIT_DEST && c.dest.port == 53, "--edit-server -g");
	parse("--delete-server -t 1.2.3.4:80 -r 10.0.0.2", &c);
	is_int(c.kind, CMD_DEL_DEST, "--delete-server");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1:http -m", &c);
	is_int(c.dest.port, 80, "server port by name");
}

static void test_other_commands(void)
{
	struct vsadm_cmd c;

	ok(!parse("", &c) && c.kind == CMD_LIST && !c.has_svc,
	   "no arguments lists");
	ok(!parse("-n", &c) && c.kind == CMD_LIST && c.fmt == FMT_NUMERIC,
	   "-n alone lists numerically");
	ok(!parse("-Ln", &c) && c.kind == CMD_LIST && (c.fmt & FMT_NUMERIC),
	   "-Ln clustered");
	ok(!parse("-l", &c) && c.kind == CMD_LIST, "-l");
	ok(!parse("--list --numeric --stats --exact --nosort", &c) &&
	   c.fmt == (FMT_NUMERIC | FMT_STATS | FMT_EXACT | FMT_NOSORT),
	   "--list with format options");
	ok(!parse("-L --rate", &c) && c.fmt == FMT_RATE, "--rate");
	ok(!parse("-L --thresholds", &c) && c.fmt == FMT_THRESHOLDS,
	   "--thresholds");
	ok(!parse("-L --persistent-conn", &c) && c.fmt == FMT_PCONN,
	   "--persistent-conn");
	ok(!parse("-L --sort", &c) && !(c.fmt & FMT_NOSORT), "--sort");
	ok(!parse("-L --json", &c) && c.fmt == FMT_JSON, "--json");
	ok(!parse("-L --timeout", &c) && c.fmt == FMT_TIMEOUT, "--timeout");
	ok(!parse("-L --timeout --json", &c) &&
	   c.fmt == (FMT_TIMEOUT | FMT_JSON), "--timeout --json");
	ok(!parse("-lnc", &c) && c.fmt == (FMT_NUMERIC | FMT_CONN), "-lnc");
	ok(!parse("-L --connection", &c) && c.fmt == FMT_CONN, "--connection");
	ok(!parse("-L -c --persistent-conn", &c), "-c with --persistent-conn");
	ok(!parse("-L -n -t 1.2.3.4:80", &c) && c.has_svc && c.svc.port == 80,
	   "-L of one service");
	ok(!parse("-S", &c) && c.kind == CMD_SAVE && c.fmt == FMT_RULE, "-S");
	ok(!parse("--save -n", &c) && c.fmt == (FMT_RULE | FMT_NUMERIC),
	   "--save -n");
	ok(!parse("-C", &c) && c.kind == CMD_FLUSH, "-C");
	ok(!parse("--clear", &c) && c.kind == CMD_FLUSH, "--clear");
	ok(!parse("-R", &c) && c.kind == CMD_RESTORE, "-R");
	ok(!parse("--restore", &c) && c.kind == CMD_RESTORE, "--restore");
	ok(!parse("-Z", &c) && c.kind == CMD_ZERO && !c.has_svc, "-Z");
	ok(!parse("--zero -f 4", &c) && c.has_svc && c.svc.fwmark == 4,
	   "--zero -f 4");
	ok(!parse("--set 900 120 300", &c) && c.kind == CMD_SET_TIMEOUTS &&
	   c.timeouts.tcp == 900 && c.timeouts.tcp_fin == 120 &&
	   c.timeouts.udp == 300, "--set");
	ok(!parse("--set 0 0 0", &c) && !c.timeouts.tcp, "--set 0 0 0");
	ok(!parse("-h", &c) && c.kind == CMD_HELP, "-h");
	ok(!parse("--help", &c) && c.kind == CMD_HELP, "--help");
	ok(!parse("-v", &c) && c.kind == CMD_VERSION, "-v");
	ok(!parse("--version", &c) && c.kind == CMD_VERSION, "--version");
}

static void test_errors(void)
{
	bad("-A -t 1.2.3.4:80 -s foo", "unknown scheduler 'foo'");
	bad("-A -t 1.2.3.4:80 -s averyveryverylongname",
	    "unknown scheduler 'averyveryverylongname'");
	bad("-A -t 1.2.3.400:80", "bad address '1.2.3.400'");
	bad("-A -t 1.2.3:80", "bad address '1.2.3'");
	bad("-A -t 1.2.3.4:99999", "bad port '99999'");
	bad("-A -t 1.2.3.4:", "bad port ''");
	bad("-A -t 1.2.3.4:nosuchservice", "bad port 'nosuchservice'");
	bad("-A -t 1.2.3.4:0", "port 0 requires persistence (-p)");
	bad("-A -t 1.2.3.4", "port 0 requires persistence (-p)");
	bad("-E -t 1.2.3.4:0", "port 0 requires persistence (-p)");
	bad("-a -t 1.2.3.4:80 -r 1.1.1.1 -w -1",
	    "weight '-1' out of range 0..2147483647");
	bad("-a -t 1.2.3.4:80 -r 1.1.1.1 -w 2147483648",
	    "weight '2147483648' out of range 0..2147483647");
	bad("-a -t 1.2.3.4:80 -r 1.1.1.1 -w abc", "bad weight 'abc'");
	bad("-a -t 1.2.3.4:80 -r 1.1.1.1 -x 10 -y 20",
	    "lower threshold 20 is above upper threshold 10");
	bad("-a -t 1.2.3.4:80 -r 1.1.1.1 -x ten", "bad upper threshold 'ten'");
	bad("-a -t 1.2.3.4:80 -r 1.1.1.1 -y -5",
	    "lower threshold '-5' out of range 0..2147483647");
	bad("-a -t 1.2.3.4:80 -r 1.1.1.1:0 -m",
	    "masquerading server '1.1.1.1:0' needs a port");
	bad("-a -t 1.2.3.4:80 -r 1.1.1.400", "bad address '1.1.1.400'");
	bad("-A -f 0", "bad fwmark '0'");
	bad("-A -f abc", "bad fwmark 'abc'");
	bad("-A -f 0x10", "bad fwmark '0x10'");
	bad("-A -f 4294967296", "bad fwmark '4294967296'");
	bad("--bogus", "unknown option '--bogus'");
	bad("--bogus=3", "unknown option '--bogus'");
	bad("-A -q", "unknown option '-q'");
	bad("-Lq", "unknown option '-q'");
	bad("-A -t 1.2.3.4:80 -p -M 255.0.255.0",
	    "netmask '255.0.255.0' is not contiguous (vs needs a prefix)");
	bad("-A -t 1.2.3.4:80 -p -M 255.255.255.1",
	    "netmask '255.255.255.1' is not contiguous (vs needs a prefix)");
	bad("-A -t 1.2.3.4:80 -p -M 33", "bad netmask '33'");
	bad("-A -t 1.2.3.4:80 -p -M foo", "bad netmask 'foo'");
	bad("-A -t 1.2.3.4:80 -M 255.255.255.0",
	    "netmask '255.255.255.0' needs persistence (-p)");
	bad("-A -t 1.2.3.4:80 -p 0",
	    "persistence timeout '0' out of range 1..2592000");
	bad("-A -t 1.2.3.4:80 -p 2592001",
	    "persistence timeout '2592001' out of range 1..2592000");
	bad("-A -t 1.2.3.4:80 -p foo", "bad persistence timeout 'foo'");
	bad("-A -6 -t [::1]:80",
	    "option '-6' is for fwmark services (-f): -t takes the family of its address");
	bad("-A -t ::1", "port 0 requires persistence (-p)");
	bad("-A -t [::1]", "port 0 requires persistence (-p)");
	bad("-A -t bad:80:1", "bad address 'bad:80:1'");
	bad("-A -t [1.2.3.4]:80", "bad address '[1.2.3.4]:80'");
	bad("--sctp-service 1.2.3.4:80", "SCTP services are not supported");
	bad("-A -t 1.2.3.4:80 --pe sip",
	    "persistence engines (--pe) are not supported");
	bad("-A -t 1.2.3.4:80 -b sh-port",
	    "scheduler flag 'sh-port' needs the sh scheduler, not wlc");
	bad("-A -t 1.2.3.4:80 -s rr -b sh-fallback",
	    "scheduler flag 'sh-fallback' needs the sh scheduler, not rr");
	bad("-A -t 1.2.3.4:80 -s sh -b mh-port",
	    "scheduler flag 'mh-port' needs the mh scheduler, not sh");
	bad("-E -t 1.2.3.4:80 -b mh-fallback",
	    "scheduler flag 'mh-fallback' needs the mh scheduler, not wlc");
	bad("-A -t 1.2.3.4:80 -s sh -b sh-port,flag-4",
	    "unknown scheduler flag 'flag-4'");
	bad("-A -t 1.2.3.4:80 -s sh -b ,,", "no scheduler flag in ',,'");
	bad("-A -t 1.2.3.4:80 -s sh -b sh-port -b sh-fallback",
	    "option '-b' given twice");
	bad("-a -t 1.2.3.4:80 -r 1.1.1.1 -b flag-1",
	    "option '-b' cannot be used with -a");
	bad("-A -t 1.2.3.4:80 -o",
	    "one-packet scheduling (--ops) is not supported");
	bad("--start-daemon master",
	    "the connection sync daemon is not supported");
	bad("-L --daemon", "the connection sync daemon is not supported");
	bad("-A -D", "only one command at a time: '-A' and '-D'");
	bad("-L --list", "only one command at a time: '-L' and '--list'");
	bad("-A -t 1.2.3.4:80 -t 1.2.3.5:80", "option '-t' given twice");
	bad("-A -t 1.2.3.4:80 -u 1.2.3.5:80",
	    "options '-t' and '-u' cannot be combined");
	bad("-A -t 1.2.3.4:80 -f 3", "options '-t' and '-f' cannot be combined");
	bad("-a -t 1.2.3.4:80 -r 1.1.1.1 -g -m",
	    "options '-g' and '-m' cannot be combined");
	bad("-A -t 1.2.3.4:80 -w 3", "option '-w' cannot be used with -A");
	bad("--add-service -t 1.2.3.4:80 -r 1.1.1.1",
	    "option '-r' cannot be used with --add-service");
	bad("-D -t 1.2.3.4:80 -s rr", "option '-s' cannot be used with -D");
	bad("-d -t 1.2.3.4:80 -r 1.1.1.1 -w 2",
	    "option '-w' cannot be used with -d");
	bad("-C -t 1.2.3.4:80", "option '-t' cannot be used with -C");
	bad("-S --stats", "option '--stats' cannot be used with -S");
	bad("-A -t 1.2.3.4:80 --json", "option '--json' cannot be used with -A");
	bad("-A", "-A needs a service (-t, -u or -f)");
	bad("-E -s rr", "-E needs a service (-t, -u or -f)");
	bad("-D", "-D needs a service (-t, -u or -f)");
	bad("-a -t 1.2.3.4:80", "-a needs a real server (-r)");
	bad("--edit-server -t 1.2.3.4:80", "--edit-server needs a real server (-r)");
	bad("-a -r 1.1.1.1", "-a needs a service (-t, -u or -f)");
	bad("-A -t 1.2.3.4:80 -s", "option '-s' needs an argument");
	bad("-A --tcp-service", "option '--tcp-service' needs an argument");
	bad("-L --stats=1", "option '--stats' takes no argument");
	bad("--set 1 2", "--set needs 3 timeouts: tcp tcpfin udp");
	bad("--set 1 2 3 4", "--set needs 3 timeouts: tcp tcpfin udp");
	bad("--set 1 2 x", "bad timeout 'x'");
	bad("--set 1 2592001 3", "timeout '2592001' out of range 0..2592000");
	bad("-L --stats --rate", "options '--stats' and '--rate' cannot be combined");
	bad("-L -c --timeout", "options '-c' and '--timeout' cannot be combined");
	bad("-L --thresholds --persistent-conn",
	    "options '--thresholds' and '--persistent-conn' cannot be combined");
	bad("-L --sort --nosort", "options '--sort' and '--nosort' cannot be combined");
	bad("-C foo", "unexpected argument 'foo'");
	bad("-A -t 1.2.3.4:80 300", "unexpected argument '300'");
}

static bool addr_is(const union vs_addr *a, const char *v6)
{
	union vs_addr want;

	memset(&want, 0, sizeof(want));
	return inet_pton(AF_INET6, v6, want.bytes) == 1 &&
	       !memcmp(a, &want, sizeof(want));
}

/* ipvsadm's parse_service(): "[v6]:port", a bare v6 address (no port). */
static void test_ipv6_services(void)
{
	struct vsadm_cmd c;

	is_int(parse("-A -t [2001:db8::1]:80", &c), 0, "-A -t [v6]:port parses");
	ok(c.svc.af == AF_INET6 && c.svc.protocol == IPPROTO_TCP &&
	   addr_is(&c.svc.addr, "2001:db8::1") && c.svc.port == 80,
	   "-t [2001:db8::1]:80: an IPv6 TCP service key");
	ok(c.svc.netmask == 128 && !c.svc.flags,
	   "an IPv6 service's whole-address mask is /128");
	parse("-A -u [2001:db8::1]:domain -s rr", &c);
	ok(c.svc.af == AF_INET6 && c.svc.protocol == IPPROTO_UDP &&
	   c.svc.port == 53, "-u [v6]:service-name");
	is_int(parse("-A -t 2001:db8::1 -p", &c), 0, "a bare IPv6 address");
	ok(c.svc.af == AF_INET6 && addr_is(&c.svc.addr, "2001:db8::1") &&
	   !c.svc.port, "a bare IPv6 address has no port");
	is_int(parse("-A -t 2001:db8::1:80 -p", &c), 0,
	       "2001:db8::1:80 parses");
	ok(addr_is(&c.svc.addr, "2001:db8::1:80") && !c.svc.port,
	   "2001:db8::1:80 is an address without a port, as in ipvsadm");
	is_int(parse("-A -t [2001:db8::1] -p 60", &c), 0, "[v6] without a port");
	ok(addr_is(&c.svc.addr, "2001:db8::1") && !c.svc.port &&
	   c.svc.timeout == 60, "[v6] without a port: port 0");
	parse("-A -t [::ffff:1.2.3.4]:80", &c);
	ok(c.svc.af == AF_INET6 && addr_is(&c.svc.addr, "::ffff:1.2.3.4"),
	   "a v4-mapped address stays IPv6, as in ipvsadm");
	parse("-A -t 1.2.3.4:80", &c);
	ok(c.svc.af == AF_INET && c.svc.netmask == 32, "IPv4 stays AF_INET, /32");
	parse("-A -t [2001:db8::1]:80 -p 60 -M 64", &c);
	ok(c.svc.netmask == 64 && c.svc.timeout == 60, "-M 64 for IPv6");
	parse("-A -t [2001:db8::1]:80 -M 1 -p", &c);
	is_int(c.svc.netmask, 1, "-M 1, before -p");
	parse("-A -M 128 -t [2001:db8::1]:80 -p", &c);
	is_int(c.svc.netmask, 128,
	       "-M 128 before -t (ipvsadm would read it as IPv4 and then reset it)");
	parse("-E -t [2001:db8::1]:80", &c);
	ok(c.kind == CMD_EDIT_SVC && c.svc.netmask == 128 && !c.svc.timeout,
	   "-E resets an IPv6 service's mask to /128");
	parse("-D -t [::1]:80", &c);
	ok(c.kind == CMD_DEL_SVC && addr_is(&c.svc.addr, "::1"), "-D [::1]:80");
	ok(!parse("-L -n -t [2001:db8::1]:80", &c) && c.has_svc &&
	   c.svc.af == AF_INET6, "-L of one IPv6 service");
	ok(!parse("-Z -u [2001:db8::1]:53", &c) && c.svc.af == AF_INET6,
	   "-Z of an IPv6 service");
}

/*
 * Names: ipvsadm resolves them as IPv4 only; vsadm takes the address of
 * the preferred family (a service's: IPv4; a server's: its service's)
 * and else the other one.
 */
static void test_ipv6_names(void)
{
	struct vsadm_cmd c;

	parse("-A -t dual.test:80", &c);
	ok(c.svc.af == AF_INET && c.svc.addr.ip == ip("192.0.2.1"),
	   "a service's name: its IPv4 address, as ipvsadm");
	is_int(parse("-A -t v6only.test:80", &c), 0,
	       "a name with only an IPv6 address");
	ok(c.svc.af == AF_INET6 && addr_is(&c.svc.addr, "2001:db8::6") &&
	   c.svc.netmask == 128, "makes an IPv6 service");
	parse("-a -t [2001:db8::1]:80 -r dual.test", &c);
	ok(addr_is(&c.dest.addr, "2001:db8::d"),
	   "a server's name in an IPv6 service: its IPv6 address");
	parse("-a -t 1.2.3.4:80 -r dual.test", &c);
	ok(c.dest.addr.ip == ip("192.0.2.1"),
	   "a server's name in an IPv4 service: its IPv4 address");
	parse("-a -f 7 -6 -r dual.test:8080 -m", &c);
	ok(addr_is(&c.dest.addr, "2001:db8::d") && c.dest.port == 8080,
	   "a server's name:port in an IPv6 fwmark service");
	bad("-a -t 1.2.3.4:80 -r v6only.test",
	    "real server 'v6only.test' is IPv6 but the service is IPv4 (only tunneling, -i, mixes them)");
	bad("-A -t nosuch.test:80", "unknown host 'nosuch.test'");
}

/* -6: ipvsadm's "fwmark entry uses IPv6". */
static void test_ipv6_fwmark(void)
{
	struct vsadm_cmd c;

	is_int(parse("-A -f 7 -6", &c), 0, "-A -f 7 -6 parses");
	ok(c.svc.fwmark == 7 && c.svc.af == AF_INET6 && c.svc.netmask == 128 &&
	   !c.svc.protocol, "-f 7 -6: an IPv6 fwmark service");
	is_int(parse("-A -6 -f 7", &c), 0,
	       "-6 before -f is fine (ipvsadm: '-6 used before -f')");
	is_int(c.svc.af, AF_INET6, "-6 before -f: IPv6");
	parse("--add-service --fwmark-service 7 --ipv6 -p -M 48", &c);
	ok(c.svc.af == AF_INET6 && c.svc.netmask == 48, "--ipv6 with -M 48");
	parse("-A -f 7 -p -M 24", &c);
	ok(c.svc.af == AF_INET && c.svc.netmask == 24,
	   "without -6 a fwmark service is IPv4");
	ok(!parse("-D -f 7 -6", &c) && c.svc.af == AF_INET6, "-D -f 7 -6");
	ok(!parse("-E -f 7 -6 -s rr", &c) && c.svc.af == AF_INET6, "-E -f 7 -6");
	ok(!parse("-L -f 7 -6", &c) && c.svc.af == AF_INET6, "-L -f 7 -6");
	ok(!parse("-Z -f 7 -6", &c) && c.svc.af == AF_INET6, "-Z -f 7 -6");
	ok(!parse("-L -c -f 7 -6", &c) && c.svc.af == AF_INET6 &&
	   (c.fmt & FMT_CONN), "-L -c -f 7 -6");
	ok(!parse_in("-A -f 7 -6 -s sh -p 360", true, &c) &&
	   c.svc.af == AF_INET6, "restore: ipvsadm -S's '-A -f 7 -6' line");
}

static void test_ipv6_servers(void)
{
	struct vsadm_cmd c;

	is_int(parse("-a -t [2001:db8::1]:80 -r [2001:db8::2]", &c), 0,
	       "-a IPv6 server in brackets without a port");
	ok(addr_is(&c.dest.addr, "2001:db8::2") && c.dest.port == 80 &&
	   c.dest.fwd == VS_FWD_DR, "the service's port, direct routing");
	parse("-a -t [2001:db8::1]:80 -r [2001:db8::2]:8080 -m -w 2", &c);
	ok(c.dest.port == 8080 && c.dest.fwd == VS_FWD_NAT && c.dest.weight == 2,
	   "-r [v6]:8080 -m");
	parse("-a -t [2001:db8::1]:80 -r 2001:db8::2 -m", &c);
	ok(addr_is(&c.dest.addr, "2001:db8::2") && c.dest.port == 80,
	   "-r bare IPv6: the service's port");
	parse("-a -t [2001:db8::1]:80 -r [2001:db8::2]:8080 -g", &c);
	is_int(c.dest.port, 80, "-g forces the service's port on IPv6 too");
	parse("-a -f 7 -6 -r [2001:db8::2]:80 -m", &c);
	ok(c.svc.af == AF_INET6 && c.dest.port == 80 &&
	   addr_is(&c.dest.addr, "2001:db8::2"), "-a -f 7 -6 -r [v6]:80 -m");
	parse("-a -f 7 -6 -r 2001:db8::2", &c);
	is_int(c.dest.port, 0, "IPv6 fwmark DR server: port 0");
	parse("-e -t [2001:db8::1]:80 -r [2001:db8::2]:80 -w 5", &c);
	ok(c.kind == CMD_EDIT_DEST && c.dest.weight == 5, "-e IPv6");
	parse("-d -t [2001:db8::1]:80 -r [2001:db8::2]:8080", &c);
	ok(c.kind == CMD_DEL_DEST && c.dest.port == 8080, "-d IPv6 keeps the port");
	parse("-a -u [2001:db8::1]:53 -r [2001:db8::53]:domain -m", &c);
	is_int(c.dest.port, 53, "IPv6 server port by name");
}

static void test_ipv6_errors(void)
{
	bad("-A -t [2001:db8::1]:80 -p -M 129",
	    "IPv6 netmask '129' out of range 1..128");
	bad("-A -t [2001:db8::1]:80 -p -M 0",
	    "IPv6 netmask '0' out of range 1..128");
	bad("-A -t [2001:db8::1]:80 -p -M 255.255.255.0",
	    "bad IPv6 netmask '255.255.255.0' (a prefix length 1..128)");
	bad("-A -f 7 -6 -p -M 64x",
	    "bad IPv6 netmask '64x' (a prefix length 1..128)");
	bad("-A -f 7 -6 -p -M ffff:ffff::",
	    "bad IPv6 netmask 'ffff:ffff::' (a prefix length 1..128)");
	bad("-A -t [2001:db8::1]:80 -M 64",
	    "netmask '64' needs persistence (-p)");
	bad("-A -t 1.2.3.4:80 -p -M 64", "bad netmask '64'");
	bad("-A -f 7 -p -M 64", "bad netmask '64'");
	bad("-A -t [2001:db8::1]", "port 0 requires persistence (-p)");
	bad("-A -t 2001:db8::1:80", "port 0 requires persistence (-p)");
	bad("-A -t [2001:db8::1]:", "bad port ''");
	bad("-A -t [2001:db8::1]:99999", "bad port '99999'");
	bad("-A -t [2001:db8::1]:nosuchservice", "bad port 'nosuchservice'");
	bad("-A -t [2001:db8::1", "bad address '[2001:db8::1'");
	bad("-A -t [2001:db8::1]80", "bad address '[2001:db8::1]80'");
	bad("-A -t [2001:db8::g]:80", "bad address '[2001:db8::g]:80'");
	bad("-A -t [localhost]:80", "bad address '[localhost]:80'");
	bad("-A -t 2001:db8::1::2", "bad address '2001:db8::1::2'");
	bad("-A -t fe80::1%eth0", "bad address 'fe80::1%eth0'");
	bad("-A -t [fe80::1%eth0]:80", "bad address '[fe80::1%eth0]:80'");
	bad("-A -t [2001:db8::1]:80 -6",
	    "option '-6' is for fwmark services (-f): -t takes the family of its address");
	bad("-A -u 1.2.3.4:53 --ipv6",
	    "option '--ipv6' is for fwmark services (-f): -u takes the family of its address");
	bad("-L -6", "option '-6' needs a fwmark service (-f)");
	bad("-Z --ipv6", "option '--ipv6' needs a fwmark service (-f)");
	bad("-S -6", "option '-6' cannot be used with -S");
	bad("-C -6", "option '-6' cannot be used with -C");
	bad("-A -f 7 -6 -6", "option '-6' given twice");
	bad("-A -f 7 -6 --ipv6", "option '--ipv6' given twice");
	bad("-A -f 7 --ipv6=yes", "option '--ipv6' takes no argument");
	bad("-a -t [2001:db8::1]:80 -r 10.0.0.1",
	    "real server '10.0.0.1' is IPv4 but the service is IPv6 (only tunneling, -i, mixes them)");
	bad("-a -t 1.2.3.4:80 -r [2001:db8::2]:80 -m",
	    "real server '[2001:db8::2]:80' is IPv6 but the service is IPv4 (only tunneling, -i, mixes them)");
	bad("-e -u 1.2.3.4:53 -r 2001:db8::2",
	    "real server '2001:db8::2' is IPv6 but the service is IPv4 (only tunneling, -i, mixes them)");
	bad("-a -f 7 -r 2001:db8::2",
	    "real server '2001:db8::2' is IPv6 but fwmark service 7 is IPv4 (-6 makes it IPv6; only tunneling, -i, mixes them)");
	bad("-a -f 7 -6 -r 10.0.0.1",
	    "real server '10.0.0.1' is IPv4 but the service is IPv6 (only tunneling, -i, mixes them)");
	bad("-a -t [2001:db8::1]:80 -r [2001:db8::2]:0 -m",
	    "masquerading server '[2001:db8::2]:0' needs a port");
	bad("-a -t [2001:db8::1]:80 -r [2001:db8::2]:x -m", "bad port 'x'");
	bad("-a -t [2001:db8::1]:80 -r [10.0.0.1]:80",
	    "bad address '[10.0.0.1]:80'");
}

/*
 * -i and the --tun-* options as ipvsadm 1.31 takes them (parse_options,
 * process_options): -i makes a tunneled server of type ipip, port 0, no
 * checksum unless --tun-type and the others say more; the server keeps
 * the service's port, as with -g.
 */
static void test_tunnels(void)
{
	struct vsadm_cmd c;

	is_int(parse("-a -t 1.2.3.4:80 -r 10.0.0.1:8080 -i", &c), 0,
	       "-a -i parses");
	ok(c.dest.fwd == VS_FWD_TUNNEL && c.dest.tun_type == VS_TUN_IPIP &&
	   !c.dest.tun_port && !c.dest.tun_flags && c.dest.af == AF_INET,
	   "-i: ipip, no port, no checksum (ipvsadm's defaults)");
	is_int(c.dest.port, 80, "-i forces the service's port, as -g does");
	is_int(c.dest.set, VS_HAS_FWD | VS_HAS_WEIGHT | VS_HAS_U_THRESH |
	       VS_HAS_L_THRESH | VS_HAS_TUNNEL, "-i sets the tunnel too");
	parse("--add-server --tcp-service 1.2.3.4:80 --real-server 10.0.0.1 "
	      "--ipip --weight 3 --u-threshold 10 --l-threshold 5", &c);
	ok(c.dest.fwd == VS_FWD_TUNNEL && c.dest.weight == 3 &&
	   c.dest.u_thresh == 10 && c.dest.l_thresh == 5, "--ipip, long forms");
	parse("-i -a -r 10.0.0.1 -t 1.2.3.4:80 --tun-type ipip", &c);
	ok(c.dest.fwd == VS_FWD_TUNNEL && c.dest.tun_type == VS_TUN_IPIP,
	   "-i first, --tun-type ipip spelled out");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gue --tun-port 6080", &c);
	ok(c.dest.tun_type == VS_TUN_GUE && c.dest.tun_port == 6080 &&
	   !c.dest.tun_flags, "gue with its port, no checksum by default");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type=gue --tun-port=6081 "
	      "--tun-csum", &c);
	ok(c.dest.tun_type == VS_TUN_GUE && c.dest.tun_port == 6081 &&
	   c.dest.tun_flags == VS_TUN_F_CSUM, "--opt=value forms, gue --tun-csum");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gue --tun-port 65535 "
	      "--tun-remcsum", &c);
	ok(c.dest.tun_port == 65535 && c.dest.tun_flags == VS_TUN_F_REMCSUM,
	   "gue --tun-remcsum, port 65535");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gue --tun-port 1 "
	      "--tun-nocsum", &c);
	ok(c.dest.tun_port == 1 && !c.dest.tun_flags, "gue --tun-nocsum, port 1");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gre", &c);
	ok(c.dest.tun_type == VS_TUN_GRE && !c.dest.tun_port &&
	   !c.dest.tun_flags, "gre, no checksum by default");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gre --tun-csum", &c);
	is_int(c.dest.tun_flags, VS_TUN_F_CSUM, "gre --tun-csum");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gre --tun-nocsum", &c);
	ok(c.dest.tun_type == VS_TUN_GRE && !c.dest.tun_flags, "gre --tun-nocsum");
	parse("-a -f 7 -r 10.0.0.1:80 -i", &c);
	is_int(c.dest.port, 0, "a fwmark service's tunneled server: port 0");
	parse("-e -t 1.2.3.4:80 -r 10.0.0.1 -i", &c);
	ok(c.kind == CMD_EDIT_DEST && c.dest.fwd == VS_FWD_TUNNEL &&
	   c.dest.tun_type == VS_TUN_IPIP && !c.dest.tun_port &&
	   (c.dest.set & VS_HAS_TUNNEL),
	   "-e -i sets the whole encapsulation, ipip by default (ipvsadm)");
	parse("-e -t 1.2.3.4:80 -r 10.0.0.1 -w 2", &c);
	ok(c.dest.fwd == VS_FWD_DR && !(c.dest.set & VS_HAS_TUNNEL),
	   "-e without -i: direct routing, no tunnel sent");
	ok(!parse_in("-a -t 192.168.0.30:80 -r 10.0.0.1:80 -i -w 1 --tun-type gue "
		     "--tun-port 6080 --tun-nocsum", true, &c) &&
	   c.dest.tun_type == VS_TUN_GUE && c.dest.tun_port == 6080,
	   "restore: ipvsadm -S's gue line");
	ok(!parse_in("-a -t 192.168.0.30:80 -r 10.0.0.2:80 -i -w 1 --tun-type ipip",
		     true, &c) && c.dest.fwd == VS_FWD_TUNNEL,
	   "restore: ipvsadm -S's ipip line");
	ok(!parse("-L --tun-info", &c) && c.fmt == FMT_TUN_INFO, "-L --tun-info");
	ok(!parse("-L -n --tun-info -t 1.2.3.4:80", &c) && c.has_svc &&
	   c.fmt == (FMT_NUMERIC | FMT_TUN_INFO), "-L -n --tun-info of one service");
	ok(!parse("-L --tun-info --json", &c) &&
	   c.fmt == (FMT_TUN_INFO | FMT_JSON),
	   "--tun-info with --json (which has the tunnels anyway)");
}

/*
 * ipvsadm: "Different address family is allowed only for tunneling
 * servers", checked for -a and -e only; -r takes the family of its
 * address.
 */
static void test_tunnel_families(void)
{
	struct vsadm_cmd c;

	is_int(parse("-a -t [2001:db8::1]:80 -r 10.0.0.1 -i", &c), 0,
	       "an IPv4 server behind an IPv6 service with -i");
	ok(c.svc.af == AF_INET6 && c.dest.af == AF_INET &&
	   c.dest.addr.ip == ip("10.0.0.1") && c.dest.port == 80,
	   "it is IPv4, with the service's port");
	parse("-a -t 1.2.3.4:80 -r [2001:db8::2]:80 -i --tun-type gre --tun-csum", &c);
	ok(c.svc.af == AF_INET && c.dest.af == AF_INET6 &&
	   addr_is(&c.dest.addr, "2001:db8::2") && c.dest.tun_type == VS_TUN_GRE,
	   "an IPv6 gre server behind an IPv4 service");
	parse("-a -f 7 -r 2001:db8::2 -i", &c);
	ok(c.svc.af == AF_INET && c.dest.af == AF_INET6 && !c.dest.port,
	   "an IPv6 server behind an IPv4 fwmark service");
	parse("-a -f 7 -6 -r 10.0.0.1:80 -i --tun-type gue --tun-port 6080", &c);
	ok(c.svc.af == AF_INET6 && c.dest.af == AF_INET &&
	   c.dest.tun_type == VS_TUN_GUE, "an IPv4 gue server behind fwmark 7 -6");
	parse("-a -t [2001:db8::1]:80 -r dual.test -i", &c);
	ok(c.dest.af == AF_INET6 && addr_is(&c.dest.addr, "2001:db8::d"),
	   "a name with both families: the service's first, -i or not");
	parse("-a -t 1.2.3.4:80 -r v6only.test -i", &c);
	ok(c.dest.af == AF_INET6 && addr_is(&c.dest.addr, "2001:db8::6"),
	   "a name with only an IPv6 address behind an IPv4 service, with -i");
	is_int(parse("-e -t [2001:db8::1]:80 -r 10.0.0.1 -i -w 0", &c), 0,
	       "-e of an IPv4 tunnel of an IPv6 service");
	is_int(parse("-d -t [2001:db8::1]:80 -r 10.0.0.1:80", &c), 0,
	       "-d takes a server of the other family (ipvsadm checks -a, -e)");
	ok(c.dest.af == AF_INET && c.dest.port == 80, "as IPv4");
	parse("-a -t 1.2.3.4:80 -r 10.0.0.1 -i", &c);
	is_int(c.dest.af, AF_INET, "a server of the service's family says so");
	bad("-e -t [2001:db8::1]:80 -r 10.0.0.1 -w 5",
	    "real server '10.0.0.1' is IPv4 but the service is IPv6 (only tunneling, -i, mixes them)");
	bad("-a -t [2001:db8::1]:80 -r 10.0.0.1 --tun-type gue",
	    "real server '10.0.0.1' is IPv4 but the service is IPv6 (only tunneling, -i, mixes them)");
	bad("-a -t [2001:db8::1]:80 -r 10.0.0.1 -i --tun-type gue",
	    "tunnel type gue needs a port (--tun-port)");
	bad("-a -f 7 -r 2001:db8::2 -g",
	    "real server '2001:db8::2' is IPv6 but fwmark service 7 is IPv4 (-6 makes it IPv6; only tunneling, -i, mixes them)");
}

/* ipvsadm's tunnel_types_v_options table, one refusal per 'x' and '+'. */
static void test_tunnel_errors(void)
{
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 --tun-type gue",
	    "option '--tun-type' needs tunneling (-i)");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1:8080 -m --tun-port 6080",
	    "option '--tun-port' needs tunneling (-i)");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -g --tun-csum",
	    "option '--tun-csum' needs tunneling (-i)");
	bad("-e -t 1.2.3.4:80 -r 10.0.0.1 --tun-nocsum",
	    "option '--tun-nocsum' needs tunneling (-i)");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type foo",
	    "unknown tunnel type 'foo'");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type GUE",
	    "unknown tunnel type 'GUE'");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gue",
	    "tunnel type gue needs a port (--tun-port)");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gue --tun-csum",
	    "tunnel type gue needs a port (--tun-port)");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-port 6080",
	    "option '--tun-port' cannot be used with tunnel type ipip");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type ipip --tun-port 6080",
	    "option '--tun-port' cannot be used with tunnel type ipip");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gre --tun-port 6080",
	    "option '--tun-port' cannot be used with tunnel type gre");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-csum",
	    "option '--tun-csum' cannot be used with tunnel type ipip");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type ipip --tun-nocsum",
	    "option '--tun-nocsum' cannot be used with tunnel type ipip");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-remcsum",
	    "option '--tun-remcsum' cannot be used with tunnel type ipip");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gre --tun-remcsum",
	    "option '--tun-remcsum' cannot be used with tunnel type gre");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gue --tun-port 0",
	    "tunnel port '0' out of range 1..65535");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gue --tun-port 65536",
	    "tunnel port '65536' out of range 1..65535");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gue --tun-port -1",
	    "tunnel port '-1' out of range 1..65535");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gue --tun-port http",
	    "bad tunnel port 'http'");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gue --tun-port 6080 "
	    "--tun-csum --tun-remcsum",
	    "options '--tun-csum' and '--tun-remcsum' cannot be combined");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gre --tun-nocsum --tun-csum",
	    "options '--tun-nocsum' and '--tun-csum' cannot be combined");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gre --tun-csum --tun-csum",
	    "option '--tun-csum' given twice");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gue --tun-type gre",
	    "option '--tun-type' given twice");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gue --tun-port 1 --tun-port 2",
	    "option '--tun-port' given twice");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i -m",
	    "options '-i' and '-m' cannot be combined");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -g --ipip",
	    "options '-g' and '--ipip' cannot be combined");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i -i", "option '-i' given twice");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type",
	    "option '--tun-type' needs an argument");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-csum=1",
	    "option '--tun-csum' takes no argument");
	bad("-d -t 1.2.3.4:80 -r 10.0.0.1 -i", "option '-i' cannot be used with -d");
	bad("-d -t 1.2.3.4:80 -r 10.0.0.1 --tun-type gre",
	    "option '--tun-type' cannot be used with -d");
	bad("-A -t 1.2.3.4:80 --tun-port 6080",
	    "option '--tun-port' cannot be used with -A");
	bad("-L --tun-type gue", "option '--tun-type' cannot be used with -L");
	bad("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-info",
	    "option '--tun-info' cannot be used with -a");
	bad("-S --tun-info", "option '--tun-info' cannot be used with -S");
	bad("-L --stats --tun-info",
	    "options '--stats' and '--tun-info' cannot be combined");
	bad("-L --tun-info --persistent-conn",
	    "options '--persistent-conn' and '--tun-info' cannot be combined");
	bad("-L -c --tun-info", "options '-c' and '--tun-info' cannot be combined");
	bad("-L --tun-info --timeout",
	    "options '--timeout' and '--tun-info' cannot be combined");
	bad("-L --tun-info=yes", "option '--tun-info' takes no argument");
}

static void test_restore_lines(void)
{
	struct vsadm_cmd c;
	int ret;

	ret = parse_in("-A -t 1.2.3.4:80", true, &c);
	is_int(ret, 0, "restore: -A allowed");
	ret = parse_in("-L -n", true, &c);
	ok(ret == EXIT_USAGE && !strcmp(err, "-L cannot be used in restore input"),
	   "restore: -L refused");
	ret = parse_in("-R", true, &c);
	ok(ret == EXIT_USAGE && !strcmp(err, "-R cannot be used in restore input"),
	   "restore: -R refused");
	ret = parse_in("-t 1.2.3.4:80", true, &c);
	ok(ret == EXIT_USAGE && !strcmp(err, "no command"),
	   "restore: a line without a command");
	ret = parse_in("--set 10 0 0", true, &c);
	is_int(ret, 0, "restore: --set allowed");
}

static void test_names(void)
{
	struct vs_virtual s = { .protocol = IPPROTO_UDP, .port = 53 };
	struct vs_real d = { .port = 8080 };
	char buf[64];

	s.addr.ip = ip("10.0.0.1");
	vsadm_svc_name(buf, sizeof(buf), &s);
	is_str(buf, "UDP 10.0.0.1:53", "service name in messages");
	s.fwmark = 7;
	vsadm_svc_name(buf, sizeof(buf), &s);
	is_str(buf, "FWM 7", "fwmark service name in messages");
	d.addr.ip = ip("192.168.1.2");
	vsadm_dest_name(buf, sizeof(buf), AF_INET, &d);
	is_str(buf, "192.168.1.2:8080", "server name in messages");
	s.fwmark = 0;
	s.af = AF_INET6;
	s.protocol = IPPROTO_TCP;
	inet_pton(AF_INET6, "2001:db8::1", s.addr.bytes);
	vsadm_svc_name(buf, sizeof(buf), &s);
	is_str(buf, "TCP [2001:db8::1]:53", "IPv6 service name in messages");
	s.fwmark = 7;
	vsadm_svc_name(buf, sizeof(buf), &s);
	is_str(buf, "FWM 7 IPv6", "IPv6 fwmark service name in messages");
	inet_pton(AF_INET6, "2001:db8::2", d.addr.bytes);
	vsadm_dest_name(buf, sizeof(buf), AF_INET6, &d);
	is_str(buf, "[2001:db8::2]:8080", "IPv6 server name in messages");
	d.addr.ip = ip("10.0.0.1");
	memset(d.addr.bytes + 4, 0, 12);
	vsadm_dest_name(buf, sizeof(buf), AF_INET, &d);
	is_str(buf, "10.0.0.1:8080",
	       "an IPv4 server of an IPv6 service is named in its own family");
	inet_pton(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
		  s.addr.bytes);
	s.fwmark = 0;
	s.port = 65535;
	vsadm_svc_name(buf, sizeof(buf), &s);
	is_str(buf, "TCP [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535",
	       "the longest IPv6 service name fits");
	ok(vsadm_known_sched("wlc") && vsadm_known_sched("mh") &&
	   !vsadm_known_sched("WLC") && !vsadm_known_sched(""),
	   "known schedulers");
}

int main(void)
{
	test_add_service();
	test_sched_flags();
	test_persistent_arg();
	test_edit_service();
	test_servers();
	test_other_commands();
	test_errors();
	test_ipv6_services();
	test_ipv6_fwmark();
	test_ipv6_servers();
	test_ipv6_names();
	test_ipv6_errors();
	test_tunnels();
	test_tunnel_families();
	test_tunnel_errors();
	test_restore_lines();
	test_names();
	return tap_done();
}
