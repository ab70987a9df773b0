// SPDX-License-Identifier: GPL-2.0
/*
 * vsadm's command line. ipvsadm is parsed by popt, whose habits scripts
 * rely on: clustered short options (-Ln), an optional argument that may be
 * the next word (-p 600), long options with or without '='. getopt_long
 * cannot take "-p 600", hence this small parser of our own.
 *
 * Everything that can be checked without the kernel is checked here, and
 * each failure is one message that names the bad value.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "cli.h"

enum arg_kind { ARG_NONE, ARG_REQ, ARG_OPT };

/* Options that exclude each other or may appear once share a group. */
enum group {
	G_CMD, G_SERVICE, G_SCHED, G_PERSIST, G_NETMASK, G_SERVER, G_FWD,
	G_WEIGHT, G_UTHRESH, G_LTHRESH, G_NUMERIC, G_CONN, G_TIMEOUT,
	G_STATS, G_RATE, G_THRESH, G_PCONN, G_TUN_INFO, G_EXACT, G_SORT,
	G_JSON, G_SCHED_FLAGS, G_IPV6, G_TUN_TYPE, G_TUN_PORT, G_TUN_CSUM,
	G_TUN_SRC, G_NONE, G_MAX
};

#define GB(g) (1UL << (g))
/* The listings, G_CONN to G_TUN_INFO: one at a time (check_display). */
#define G_DISPLAY (GB(G_CONN) | GB(G_TIMEOUT) | GB(G_STATS) | GB(G_RATE) | \
		   GB(G_THRESH) | GB(G_PCONN) | GB(G_TUN_INFO))
/* A tunneled server's encapsulation (-i). */
#define G_TUN (GB(G_TUN_TYPE) | GB(G_TUN_PORT) | GB(G_TUN_CSUM) | GB(G_TUN_SRC))

struct opt {
	const char *sname;	/* "-A" or NULL */
	const char *lname;	/* "--add-service" or NULL */
	enum arg_kind arg;
	enum group group;
	int id;			/* command kind, or option detail */
	const char *refuse;	/* known ipvsadm option vs does not have */
};

enum {
	ID_TCP = 1, ID_UDP, ID_FWMARK, ID_GATE, ID_MASQ, ID_TUNNEL, ID_SORT,
	ID_NOSORT, ID_NOCSUM, ID_CSUM, ID_REMCSUM,
};

static const char no_sync[] = "the connection sync daemon is not supported";

static const struct opt opts[] = {
	{ "-A", "--add-service", ARG_NONE, G_CMD, CMD_ADD_SVC, NULL },
	{ "-E", "--edit-service", ARG_NONE, G_CMD, CMD_EDIT_SVC, NULL },
	{ "-D", "--delete-service", ARG_NONE, G_CMD, CMD_DEL_SVC, NULL },
	{ "-C", "--clear", ARG_NONE, G_CMD, CMD_FLUSH, NULL },
	{ "-R", "--restore", ARG_NONE, G_CMD, CMD_RESTORE, NULL },
	{ "-S", "--save", ARG_NONE, G_CMD, CMD_SAVE, NULL },
	{ "-a", "--add-server", ARG_NONE, G_CMD, CMD_ADD_DEST, NULL },
	{ "-e", "--edit-server", ARG_NONE, G_CMD, CMD_EDIT_DEST, NULL },
	{ "-d", "--delete-server", ARG_NONE, G_CMD, CMD_DEL_DEST, NULL },
	{ "-L", "--list", ARG_NONE, G_CMD, CMD_LIST, NULL },
	{ "-l", NULL, ARG_NONE, G_CMD, CMD_LIST, NULL },
	{ "-Z", "--zero", ARG_NONE, G_CMD, CMD_ZERO, NULL },
	{ NULL, "--set", ARG_NONE, G_CMD, CMD_SET_TIMEOUTS, NULL },
	{ "-h", "--help", ARG_NONE, G_CMD, CMD_HELP, NULL },
	{ "-v", "--version", ARG_NONE, G_CMD, CMD_VERSION, NULL },
	{ "-t", "--tcp-service", ARG_REQ, G_SERVICE, ID_TCP, NULL },
	{ "-u", "--udp-service", ARG_REQ, G_SERVICE, ID_UDP, NULL },
	{ "-f", "--fwmark-service", ARG_REQ, G_SERVICE, ID_FWMARK, NULL },
	{ "-s", "--scheduler", ARG_REQ, G_SCHED, 0, NULL },
	{ "-p", "--persistent", ARG_OPT, G_PERSIST, 0, NULL },
	{ "-M", "--netmask", ARG_REQ, G_NETMASK, 0, NULL },
	{ "-b", "--sched-flags", ARG_REQ, G_SCHED_FLAGS, 0, NULL },
	{ "-6", "--ipv6", ARG_NONE, G_IPV6, 0, NULL },
	{ "-r", "--real-server", ARG_REQ, G_SERVER, 0, NULL },
	{ "-g", "--gatewaying", ARG_NONE, G_FWD, ID_GATE, NULL },
	{ "-m", "--masquerading", ARG_NONE, G_FWD, ID_MASQ, NULL },
	{ "-i", "--ipip", ARG_NONE, G_FWD, ID_TUNNEL, NULL },
	{ NULL, "--tun-type", ARG_REQ, G_TUN_TYPE, 0, NULL },
	{ NULL, "--tun-port", ARG_REQ, G_TUN_PORT, 0, NULL },
	{ NULL, "--tun-nocsum", ARG_NONE, G_TUN_CSUM, ID_NOCSUM, NULL },
	{ NULL, "--tun-csum", ARG_NONE, G_TUN_CSUM, ID_CSUM, NULL },
	{ NULL, "--tun-remcsum", ARG_NONE, G_TUN_CSUM, ID_REMCSUM, NULL },
	{ NULL, "--tun-src", ARG_REQ, G_TUN_SRC, 0, NULL },
	{ "-w", "--weight", ARG_REQ, G_WEIGHT, 0, NULL },
	{ "-x", "--u-threshold", ARG_REQ, G_UTHRESH, 0, NULL },
	{ "-y", "--l-threshold", ARG_REQ, G_LTHRESH, 0, NULL },
	{ "-n", "--numeric", ARG_NONE, G_NUMERIC, 0, NULL },
	{ "-c", "--connection", ARG_NONE, G_CONN, 0, NULL },
	{ NULL, "--timeout", ARG_NONE, G_TIMEOUT, 0, NULL },
	{ NULL, "--stats", ARG_NONE, G_STATS, 0, NULL },
	{ NULL, "--rate", ARG_NONE, G_RATE, 0, NULL },
	{ NULL, "--thresholds", ARG_NONE, G_THRESH, 0, NULL },
	{ NULL, "--persistent-conn", ARG_NONE, G_PCONN, 0, NULL },
	{ NULL, "--tun-info", ARG_NONE, G_TUN_INFO, 0, NULL },
	{ NULL, "--exact", ARG_NONE, G_EXACT, 0, NULL },
	{ NULL, "--sort", ARG_NONE, G_SORT, ID_SORT, NULL },
	{ NULL, "--nosort", ARG_NONE, G_SORT, ID_NOSORT, NULL },
	{ NULL, "--json", ARG_NONE, G_JSON, 0, NULL },
	/* ipvsadm options for features vs does not have */
	{ NULL, "--sctp-service", ARG_REQ, G_NONE, 0,
	  "SCTP services are not supported" },
	{ "-o", "--ops", ARG_NONE, G_NONE, 0,
	  "one-packet scheduling (--ops) is not supported" },
	{ NULL, "--pe", ARG_REQ, G_NONE, 0,
	  "persistence engines (--pe) are not supported" },
	{ NULL, "--start-daemon", ARG_REQ, G_NONE, 0, no_sync },
	{ NULL, "--stop-daemon", ARG_REQ, G_NONE, 0, no_sync },
	{ NULL, "--daemon", ARG_NONE, G_NONE, 0, no_sync },
	{ NULL, "--syncid", ARG_REQ, G_NONE, 0, no_sync },
	{ NULL, "--sync-maxlen", ARG_REQ, G_NONE, 0, no_sync },
	{ NULL, "--mcast-interface", ARG_REQ, G_NONE, 0, no_sync },
	{ NULL, "--mcast-group", ARG_REQ, G_NONE, 0, no_sync },
	{ NULL, "--mcast-port", ARG_REQ, G_NONE, 0, no_sync },
	{ NULL, "--mcast-ttl", ARG_REQ, G_NONE, 0, no_sync },
};

#define N_OPTS (sizeof(opts) / sizeof(opts[0]))
#define MAX_POS 8

/* What the words said, before the values are checked. */
struct words {
	const struct opt *given[G_MAX];
	const char *typed[G_MAX];
	const char *arg[G_MAX];
	const char *pos[MAX_POS];
	int npos;
};

struct ctx {
	char *err;
	size_t errlen;
};

static int fail(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

static const struct opt *find_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_OPTS; i++)
		if (opts[i].lname && strlen(opts[i].lname) == len &&
		    !strncmp(opts[i].lname, name, len))
			return &opts[i];
	return NULL;
}

static const struct opt *find_short(char ch)
{
	size_t i;

	for (i = 0; i < N_OPTS; i++)
		if (opts[i].sname && opts[i].sname[1] == ch)
			return &opts[i];
	return NULL;
}

static const char *typed_name(const struct opt *o, bool is_long)
{
	return is_long || !o->sname ? o->lname : o->sname;
}

/* Record one option; a group may be given once. */
static int take(struct ctx *c, struct words *w, const struct opt *o,
		bool is_long, const char *arg)
{
	const char *name = typed_name(o, is_long);
	enum group g = o->group;

	if (o->refuse)
		return fail(c, "%s", o->refuse);
	if (w->given[g]) {
		if (g == G_CMD)
			return fail(c, "only one command at a time: '%s' and '%s'",
				    w->typed[g], name);
		if (w->given[g]->id != o->id)
			return fail(c, "options '%s' and '%s' cannot be combined",
				    w->typed[g], name);
		return fail(c, "option '%s' given twice", name);
	}
	w->given[g] = o;
	w->typed[g] = name;
	w->arg[g] = arg;
	return 0;
}

/* An optional argument is the next word unless that looks like an option
 * (popt's rule, which "-p 600" relies on).
 */
static const char *optional_next(int argc, char **argv, int *i)
{
	if (*i + 1 < argc && argv[*i + 1][0] && argv[*i + 1][0] != '-')
		return argv[++*i];
	return NULL;
}

static int long_word(struct ctx *c, struct words *w, int argc, char **argv,
		     int *i)
{
	const char *word = argv[*i] + 2, *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	const struct opt *o = find_long(argv[*i], len + 2);
	const char *arg = eq ? eq + 1 : NULL;

	if (!o) {
		if (eq)
			return fail(c, "unknown option '%.*s'", (int)len + 2,
				    argv[*i]);
		return fail(c, "unknown option '%s'", argv[*i]);
	}
	if (o->arg == ARG_NONE && eq)
		return fail(c, "option '%s' takes no argument", o->lname);
	if (o->arg == ARG_REQ && !eq) {
		if (*i + 1 >= argc && !o->refuse)
			return fail(c, "option '%s' needs an argument", o->lname);
		arg = *i + 1 < argc ? argv[++*i] : NULL;
	}
	if (o->arg == ARG_OPT && !eq)
		arg = optional_next(argc, argv, i);
	return take(c, w, o, true, arg);
}

static int short_word(struct ctx *c, struct words *w, int argc, char **argv,
		      int *i)
{
	const char *p = argv[*i] + 1;

	for (; *p; p++) {
		const struct opt *o = find_short(*p);
		const char *arg = NULL;
		int ret;

		if (!o)
			return fail(c, "unknown option '-%c'", *p);
		if (o->arg != ARG_NONE && p[1]) {
			arg = p + 1;
		} else if (o->arg == ARG_REQ) {
			if (*i + 1 >= argc && !o->refuse)
				return fail(c, "option '%s' needs an argument",
					    o->sname);
			arg = *i + 1 < argc ? argv[++*i] : NULL;
		} else if (o->arg == ARG_OPT) {
			arg = optional_next(argc, argv, i);
		}
		ret = take(c, w, o, false, arg);
		if (ret || arg)
			return ret;
	}
	return 0;
}

static int read_words(struct ctx *c, struct words *w, int argc, char **argv)
{
	int i, ret;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] == '-' && a[1] == '-' && a[2]) {
			ret = long_word(c, w, argc, argv, &i);
		} else if (a[0] == '-' && a[1] && a[1] != '-') {
			ret = short_word(c, w, argc, argv, &i);
		} else if (w->npos < MAX_POS) {
			w->pos[w->npos++] = a;	/* --set's values */
			ret = 0;
		} else {
			ret = fail(c, "unexpected argument '%s'", a);
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Which options each command takes                                     */

struct cmd_rule {
	unsigned long allowed, required;
};

/* A service is -t, -u or -f, the last with -6 for an IPv6 one. */
#define G_SVC (GB(G_SERVICE) | GB(G_IPV6))

static const struct cmd_rule rules[] = {
	[CMD_NONE] = { 0, 0 },
	[CMD_ADD_SVC] = { G_SVC | GB(G_SCHED) | GB(G_PERSIST) |
			  GB(G_NETMASK) | GB(G_SCHED_FLAGS), GB(G_SERVICE) },
	[CMD_EDIT_SVC] = { G_SVC | GB(G_SCHED) | GB(G_PERSIST) |
			   GB(G_NETMASK) | GB(G_SCHED_FLAGS), GB(G_SERVICE) },
	[CMD_DEL_SVC] = { G_SVC, GB(G_SERVICE) },
	[CMD_FLUSH] = { 0, 0 },
	[CMD_RESTORE] = { 0, 0 },
	[CMD_SAVE] = { GB(G_NUMERIC) | GB(G_SORT), 0 },
	[CMD_ADD_DEST] = { G_SVC | GB(G_SERVER) | GB(G_FWD) | G_TUN |
			   GB(G_WEIGHT) | GB(G_UTHRESH) | GB(G_LTHRESH),
			   GB(G_SERVICE) | GB(G_SERVER) },
	[CMD_EDIT_DEST] = { G_SVC | GB(G_SERVER) | GB(G_FWD) | G_TUN |
			    GB(G_WEIGHT) | GB(G_UTHRESH) | GB(G_LTHRESH),
			    GB(G_SERVICE) | GB(G_SERVER) },
	[CMD_DEL_DEST] = { G_SVC | GB(G_SERVER),
			   GB(G_SERVICE) | GB(G_SERVER) },
	[CMD_LIST] = { G_SVC | GB(G_NUMERIC) | G_DISPLAY |
		       GB(G_EXACT) | GB(G_SORT) | GB(G_JSON), 0 },
	[CMD_ZERO] = { G_SVC, 0 },
	[CMD_SET_TIMEOUTS] = { 0, 0 },
	[CMD_HELP] = { ~0UL, 0 },
	[CMD_VERSION] = { ~0UL, 0 },
};

static const char *need_text(enum group g)
{
	return g == G_SERVICE ? "a service (-t, -u or -f)" :
	       "a real server (-r)";
}

/* Display options pick one listing; -c may show persistence too. */
static int check_display(struct ctx *c, const struct words *w)
{
	enum group first = G_MAX;
	int g;

	for (g = G_CONN; g <= G_TUN_INFO; g++) {
		if (!w->given[g])
			continue;
		if (first == G_CONN && g == G_PCONN)
			continue;
		if (first != G_MAX)
			return fail(c, "options '%s' and '%s' cannot be combined",
				    w->typed[first], w->typed[g]);
		first = (enum group)g;
	}
	return 0;
}

static int check_rules(struct ctx *c, const struct words *w,
		       enum vsadm_cmd_kind kind, const char *cmdname)
{
	const struct cmd_rule *r = &rules[kind];
	int g;

	for (g = G_SERVICE; g < G_NONE; g++) {
		if (w->given[g] && !(r->allowed & GB(g)))
			return fail(c, "option '%s' cannot be used with %s",
				    w->typed[g], cmdname);
	}
	for (g = G_SERVICE; g < G_NONE; g++) {
		if ((r->required & GB(g)) && !w->given[g])
			return fail(c, "%s needs %s", cmdname, need_text(g));
	}
	return kind == CMD_LIST ? check_display(c, w) : 0;
}

/* ------------------------------------------------------------------ */
/* Values                                                               */

static const char *const schedulers[] = {
	"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq",
	"fo", "ovf", "mh",
};

bool vsadm_known_sched(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(schedulers) / sizeof(schedulers[0]); i++)
		if (!strcmp(name, schedulers[i]))
			return true;
	return false;
}

static int host_error(struct ctx *c, int ret, const char *host)
{
	if (ret == VS_PARSE_NOHOST)
		return fail(c, "unknown host '%s'", host);
	return fail(c, "bad address '%s'", host);
}

/*
 * "host[:port]", "[v6]:port" or a bare IPv6 address; a name takes an
 * address of the family prefer if it has one. *port_given tells whether a
 * port was written.
 */
static int parse_hostport(struct ctx *c, const char *s, uint8_t proto,
			  uint16_t prefer, uint16_t *af, union vs_addr *addr,
			  uint16_t *port, bool *port_given)
{
	char host[VS_HOSTPORT_MAX];
	const char *pstr;
	int ret;

	ret = vs_split_hostport_af(s, host, sizeof(host), &pstr);
	if (ret)
		return host_error(c, ret, s);
	ret = vs_parse_host_af(host, prefer, af, addr);
	if (ret)
		return host_error(c, ret, host);
	*port = 0;
	*port_given = pstr != NULL;
	if (pstr && vs_parse_port(pstr, proto, port))
		return fail(c, "bad port '%s'", pstr);
	return 0;
}

/*
 * The service's family is its address's; a fwmark service has none, so
 * -6 says it is IPv6 (ipvsadm takes -6 only after -f; here anywhere, but
 * only with -f).
 */
static int parse_service(struct ctx *c, const struct words *w,
			 struct vs_virtual *s, bool *port_given)
{
	const char *arg = w->arg[G_SERVICE];
	int id = w->given[G_SERVICE]->id;

	s->af = AF_INET;
	if (id == ID_FWMARK) {
		if (vs_parse_u32_range(arg, 1, UINT32_MAX, &s->fwmark))
			return fail(c, "bad fwmark '%s'", arg);
		if (w->given[G_IPV6])
			s->af = AF_INET6;
		return 0;
	}
	if (w->given[G_IPV6])
		return fail(c, "option '%s' is for fwmark services (-f): %s takes the family of its address",
			    w->typed[G_IPV6], w->typed[G_SERVICE]);
	s->protocol = id == ID_TCP ? IPPROTO_TCP : IPPROTO_UDP;
	return parse_hostport(c, arg, s->protocol, AF_INET, &s->af, &s->addr,
			      &s->port, port_given);
}

static int parse_sched(struct ctx *c, const struct words *w,
		       struct vs_virtual *s)
{
	const char *name = w->arg[G_SCHED] ? w->arg[G_SCHED] : VSADM_DEF_SCHED;

	if (strlen(name) >= sizeof(s->sched) || !vsadm_known_sched(name))
		return fail(c, "unknown scheduler '%s'", name);
	strcpy(s->sched, name);
	return 0;
}

static int parse_persistence(struct ctx *c, const struct words *w,
			     struct vs_virtual *s)
{
	const char *t = w->arg[G_PERSIST], *m = w->arg[G_NETMASK];
	int ret;

	s->netmask = s->af == AF_INET6 ? 128 : 32;
	if (!w->given[G_PERSIST]) {
		if (m)
			return fail(c, "netmask '%s' needs persistence (-p)", m);
		return 0;
	}
	s->flags |= VS_SVC_F_PERSISTENT;
	s->timeout = VSADM_DEF_PERSIST;
	if (t) {
		ret = vs_parse_u32_range(t, 1, VS_PERSIST_TIMEOUT_MAX,
					 &s->timeout);
		if (ret == VS_PARSE_RANGE)
			return fail(c, "persistence timeout '%s' out of range 1..%u",
				    t, VS_PERSIST_TIMEOUT_MAX);
		if (ret)
			return fail(c, "bad persistence timeout '%s'", t);
	}
	if (!m)
		return 0;
	ret = vs_parse_netmask_af(m, s->af, &s->netmask);
	if (s->af == AF_INET6 && ret == VS_PARSE_RANGE)
		return fail(c, "IPv6 netmask '%s' out of range 1..128", m);
	if (s->af == AF_INET6 && ret)
		return fail(c, "bad IPv6 netmask '%s' (a prefix length 1..128)",
			    m);
	if (ret == VS_PARSE_NONCONTIG)
		return fail(c, "netmask '%s' is not contiguous (vs needs a prefix)",
			    m);
	if (ret)
		return fail(c, "bad netmask '%s'", m);
	return 0;
}

/*
 * -b: comma-separated flags, checked against the scheduler of the same
 * command line (wlc if none is given, also with -E, as ipvsadm does).
 */
static int parse_sched_flags(struct ctx *c, const struct words *w,
			     struct vs_virtual *s)
{
	static const struct { const char *name, *sched; uint32_t flag; } map[] = {
		{ "flag-1", NULL, VS_SVC_F_SCHED1 },
		{ "flag-2", NULL, VS_SVC_F_SCHED2 },
		{ "flag-3", NULL, VS_SVC_F_SCHED3 },
		{ "sh-fallback", "sh", VS_SVC_F_SH_FALLBACK },
		{ "sh-port", "sh", VS_SVC_F_SH_PORT },
		{ "mh-fallback", "mh", VS_SVC_F_MH_FALLBACK },
		{ "mh-port", "mh", VS_SVC_F_MH_PORT },
	};
	const char *p = w->arg[G_SCHED_FLAGS];
	bool any = false;

	if (!p)
		return 0;
	while (*p) {
		size_t len = strcspn(p, ","), i;

		for (i = 0; len && i < sizeof(map) / sizeof(map[0]); i++)
			if (strlen(map[i].name) == len &&
			    !strncmp(p, map[i].name, len))
				break;
		if (len && i == sizeof(map) / sizeof(map[0]))
			return fail(c, "unknown scheduler flag '%.*s'", (int)len, p);
		if (len && map[i].sched && strcmp(map[i].sched, s->sched))
			return fail(c, "scheduler flag '%s' needs the %s scheduler, not %s",
				    map[i].name, map[i].sched, s->sched);
		if (len) {
			s->flags |= map[i].flag;
			any = true;
		}
		p += len + (p[len] == ',');
	}
	if (!any)
		return fail(c, "no scheduler flag in '%s'", w->arg[G_SCHED_FLAGS]);
	return 0;
}

/* -A and -E: every parameter is set, defaults for those not given. */
static int service_params(struct ctx *c, const struct words *w,
			  struct vs_virtual *s)
{
	int ret = parse_sched(c, w, s) ?: parse_persistence(c, w, s) ?:
		  parse_sched_flags(c, w, s);

	if (ret)
		return ret;
	if (!s->fwmark && !s->port && !(s->flags & VS_SVC_F_PERSISTENT))
		return fail(c, "port 0 requires persistence (-p)");
	s->set = VS_HAS_SCHED | VS_HAS_FLAGS | VS_HAS_TIMEOUT | VS_HAS_NETMASK;
	return 0;
}

static int parse_count(struct ctx *c, const char *s, uint32_t max,
		       const char *what, uint32_t *out)
{
	int ret = vs_parse_u32_range(s, 0, max, out);

	if (ret == VS_PARSE_RANGE)
		return fail(c, "%s '%s' out of range 0..%u", what, s, max);
	if (ret)
		return fail(c, "bad %s '%s'", what, s);
	return 0;
}

static const char *const tun_names[] = {
	[VS_TUN_IPIP] = "ipip", [VS_TUN_GUE] = "gue", [VS_TUN_GRE] = "gre",
};

static int parse_tun_type(struct ctx *c, const char *name, uint8_t *type)
{
	uint8_t t;

	for (t = 0; t <= VS_TUN_MAX; t++) {
		if (!strcmp(name, tun_names[t])) {
			*type = t;
			return 0;
		}
	}
	return fail(c, "unknown tunnel type '%s'", name);
}

/* ipvsadm reads --tun-port as a number only, 1 to 65535. */
static int parse_tun_port(struct ctx *c, const char *s, uint16_t *port)
{
	uint32_t v;
	int ret = vs_parse_u32_range(s, 1, 65535, &v);

	if (ret == VS_PARSE_RANGE)
		return fail(c, "tunnel port '%s' out of range 1..65535", s);
	if (ret)
		return fail(c, "bad tunnel port '%s'", s);
	*port = (uint16_t)v;
	return 0;
}

static const char *af_name(uint16_t af)
{
	return af == AF_INET6 ? "IPv6" : "IPv4";
}

/*
 * --tun-src (ours; ipvsadm has none): the outer source address, of the
 * server's family; 0.0.0.0 or :: removes it (-e).
 */
static int parse_tun_src(struct ctx *c, const struct words *w,
			 struct vs_real *d)
{
	const char *s = w->arg[G_TUN_SRC];
	uint16_t af;
	int ret;

	ret = vs_parse_host_af(s, d->af, &af, &d->tun_src);
	if (ret)
		return host_error(c, ret, s);
	if (af != d->af)
		return fail(c, "tunnel source '%s' is %s but real server '%s' is %s",
			    s, af_name(af), w->arg[G_SERVER], af_name(d->af));
	d->set |= VS_HAS_TUN_SRC;
	return 0;
}

static int tun_refuses(struct ctx *c, const struct words *w, enum group g,
		       uint8_t type)
{
	return fail(c, "option '%s' cannot be used with tunnel type %s",
		    w->typed[g], tun_names[type]);
}

/*
 * -i's encapsulation, by ipvsadm's table (tunnel_types_v_options): ipip
 * unless --tun-type says otherwise, taking no option; gue needs
 * --tun-port and takes one of --tun-nocsum, --tun-csum, --tun-remcsum;
 * gre takes --tun-nocsum or --tun-csum. No checksum option is no
 * checksum. Without -i the tunnel options are refused.
 */
static int parse_tunnel(struct ctx *c, const struct words *w,
			struct vs_real *d)
{
	static const enum group tun_groups[] = {
		G_TUN_TYPE, G_TUN_PORT, G_TUN_CSUM, G_TUN_SRC,
	};
	const struct opt *csum = w->given[G_TUN_CSUM];
	size_t i;
	int ret;

	if (d->fwd != VS_FWD_TUNNEL) {
		for (i = 0; i < sizeof(tun_groups) / sizeof(tun_groups[0]); i++)
			if (w->given[tun_groups[i]])
				return fail(c, "option '%s' needs tunneling (-i)",
					    w->typed[tun_groups[i]]);
		return 0;
	}
	d->tun_type = VS_TUN_IPIP;
	if (w->given[G_TUN_TYPE]) {
		ret = parse_tun_type(c, w->arg[G_TUN_TYPE], &d->tun_type);
		if (ret)
			return ret;
	}
	if (w->given[G_TUN_PORT] && d->tun_type != VS_TUN_GUE)
		return tun_refuses(c, w, G_TUN_PORT, d->tun_type);
	if (!w->given[G_TUN_PORT] && d->tun_type == VS_TUN_GUE)
		return fail(c, "tunnel type gue needs a port (--tun-port)");
	if (csum && (d->tun_type == VS_TUN_IPIP ||
		     (d->tun_type == VS_TUN_GRE && csum->id == ID_REMCSUM)))
		return tun_refuses(c, w, G_TUN_CSUM, d->tun_type);
	if (w->given[G_TUN_PORT]) {
		ret = parse_tun_port(c, w->arg[G_TUN_PORT], &d->tun_port);
		if (ret)
			return ret;
	}
	if (csum)
		d->tun_flags = csum->id == ID_CSUM ? VS_TUN_F_CSUM :
			       csum->id == ID_REMCSUM ? VS_TUN_F_REMCSUM : 0;
	d->set |= VS_HAS_TUNNEL;
	return w->given[G_TUN_SRC] ? parse_tun_src(c, w, d) : 0;
}

static uint8_t fwd_of(const struct words *w)
{
	if (!w->given[G_FWD])
		return VS_FWD_DR;
	switch (w->given[G_FWD]->id) {
	case ID_MASQ:
		return VS_FWD_NAT;
	case ID_TUNNEL:
		return VS_FWD_TUNNEL;
	default:
		return VS_FWD_DR;
	}
}

/* -a and -e: every parameter is set, defaults for those not given. */
static int dest_params(struct ctx *c, const struct words *w, struct vs_real *d)
{
	int ret = 0;

	d->fwd = fwd_of(w);
	d->weight = 1;
	if (w->arg[G_WEIGHT])
		ret = parse_count(c, w->arg[G_WEIGHT], VS_WEIGHT_MAX, "weight",
				  &d->weight);
	if (!ret && w->arg[G_UTHRESH])
		ret = parse_count(c, w->arg[G_UTHRESH], VSADM_THRESH_MAX,
				  "upper threshold", &d->u_thresh);
	if (!ret && w->arg[G_LTHRESH])
		ret = parse_count(c, w->arg[G_LTHRESH], VSADM_THRESH_MAX,
				  "lower threshold", &d->l_thresh);
	if (ret)
		return ret;
	if (d->u_thresh && d->l_thresh > d->u_thresh)
		return fail(c, "lower threshold %u is above upper threshold %u",
			    d->l_thresh, d->u_thresh);
	d->set = VS_HAS_FWD | VS_HAS_WEIGHT | VS_HAS_U_THRESH | VS_HAS_L_THRESH;
	return 0;
}

/*
 * Only tunneling may forward to a server of the other family (IPVS's and
 * ipvsadm's rule, which ipvsadm checks with -a and -e; -d takes any).
 */
static int check_family(struct ctx *c, const struct vs_virtual *s,
			const struct vs_real *d, const char *server)
{
	if (d->af == s->af || d->fwd == VS_FWD_TUNNEL)
		return 0;
	if (s->fwmark && d->af == AF_INET6)
		return fail(c, "real server '%s' is IPv6 but fwmark service %u is IPv4 (-6 makes it IPv6; only tunneling, -i, mixes them)",
			    server, s->fwmark);
	return fail(c, "real server '%s' is %s but the service is %s (only tunneling, -i, mixes them)",
		    server, af_name(d->af), af_name(s->af));
}

/*
 * The real server: without a port it takes the service's; a
 * direct-routing or tunneled server always has the service's port, since
 * neither can change ports (ipvsadm's rule; a fwmark service has none,
 * so 0).
 */
static int parse_server(struct ctx *c, const struct words *w,
			struct vsadm_cmd *cmd)
{
	const struct vs_virtual *s = &cmd->svc;
	uint8_t proto = s->fwmark ? IPPROTO_TCP : s->protocol;
	struct vs_real *d = &cmd->dest;
	bool port_given;
	int ret;

	ret = parse_hostport(c, w->arg[G_SERVER], proto, s->af, &d->af,
			     &d->addr, &d->port, &port_given);
	if (ret)
		return ret;
	if (!port_given)
		d->port = s->port;
	if (cmd->kind == CMD_DEL_DEST)
		return 0;
	/* ipvsadm's order: the family, then the tunnel options */
	ret = dest_params(c, w, d) ?:
	      check_family(c, s, d, w->arg[G_SERVER]) ?:
	      parse_tunnel(c, w, d);
	if (ret)
		return ret;
	if (d->fwd != VS_FWD_NAT)
		d->port = s->port;
	/* NAT to port 0 only makes sense behind an all-ports service. */
	if (d->fwd == VS_FWD_NAT && !d->port && s->port)
		return fail(c, "masquerading server '%s' needs a port",
			    w->arg[G_SERVER]);
	return 0;
}

static int parse_timeouts(struct ctx *c, const struct words *w,
			  struct vs_timeouts *t)
{
	uint32_t *v[3] = { &t->tcp, &t->tcp_fin, &t->udp };
	int i, ret;

	if (w->npos != 3)
		return fail(c, "--set needs 3 timeouts: tcp tcpfin udp");
	for (i = 0; i < 3; i++) {
		ret = vs_parse_u32_range(w->pos[i], 0, VS_TIMEOUT_MAX, v[i]);
		if (ret == VS_PARSE_RANGE)
			return fail(c, "timeout '%s' out of range 0..%u",
				    w->pos[i], VS_TIMEOUT_MAX);
		if (ret)
			return fail(c, "bad timeout '%s'", w->pos[i]);
	}
	return 0;
}

static unsigned int display_format(const struct words *w)
{
	static const struct { enum group g; unsigned int fmt; } map[] = {
		{ G_NUMERIC, FMT_NUMERIC }, { G_STATS, FMT_STATS },
		{ G_RATE, FMT_RATE }, { G_THRESH, FMT_THRESHOLDS },
		{ G_PCONN, FMT_PCONN }, { G_EXACT, FMT_EXACT },
		{ G_JSON, FMT_JSON }, { G_CONN, FMT_CONN },
		{ G_TIMEOUT, FMT_TIMEOUT }, { G_TUN_INFO, FMT_TUN_INFO },
	};
	unsigned int fmt = 0;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (w->given[map[i].g])
			fmt |= map[i].fmt;
	if (w->given[G_SORT] && w->given[G_SORT]->id == ID_NOSORT)
		fmt |= FMT_NOSORT;
	return fmt;
}

static int parse_values(struct ctx *c, const struct words *w,
			struct vsadm_cmd *cmd)
{
	bool port_given = false;
	int ret = 0;

	if (w->npos && cmd->kind != CMD_SET_TIMEOUTS)
		return fail(c, "unexpected argument '%s'", w->pos[0]);
	cmd->fmt = display_format(w);
	if (cmd->kind == CMD_SAVE)
		cmd->fmt |= FMT_RULE;
	if (w->given[G_SERVICE]) {
		cmd->has_svc = true;
		ret = parse_service(c, w, &cmd->svc, &port_given);
	} else if (w->given[G_IPV6]) {
		ret = fail(c, "option '%s' needs a fwmark service (-f)",
			   w->typed[G_IPV6]);
	}
	if (ret)
		return ret;
	switch (cmd->kind) {
	case CMD_ADD_SVC:
	case CMD_EDIT_SVC:
		return service_params(c, w, &cmd->svc);
	case CMD_ADD_DEST:
	case CMD_EDIT_DEST:
	case CMD_DEL_DEST:
		cmd->has_dest = true;
		return parse_server(c, w, cmd);
	case CMD_SET_TIMEOUTS:
		return parse_timeouts(c, w, &cmd->timeouts);
	default:
		return 0;
	}
}

static bool restore_allows(enum vsadm_cmd_kind k)
{
	switch (k) {
	case CMD_ADD_SVC: case CMD_EDIT_SVC: case CMD_DEL_SVC: case CMD_FLUSH:
	case CMD_ADD_DEST: case CMD_EDIT_DEST: case CMD_DEL_DEST:
	case CMD_ZERO: case CMD_SET_TIMEOUTS:
		return true;
	default:
		return false;
	}
}

int vsadm_parse(int argc, char **argv, bool in_restore,
		struct vsadm_cmd *cmd, char *err, size_t errlen)
{
	struct ctx c = { .err = err, .errlen = errlen };
	struct words w;
	const char *cmdname;
	int ret;

	memset(cmd, 0, sizeof(*cmd));
	memset(&w, 0, sizeof(w));
	err[0] = '\0';
	ret = read_words(&c, &w, argc, argv);
	if (ret)
		return ret;
	cmd->kind = w.given[G_CMD] ? (enum vsadm_cmd_kind)w.given[G_CMD]->id :
		    CMD_NONE;
	cmdname = w.typed[G_CMD];
	if (in_restore && !restore_allows(cmd->kind)) {
		if (cmd->kind == CMD_NONE)
			return fail(&c, "no command");
		return fail(&c, "%s cannot be used in restore input", cmdname);
	}
	/* No command lists, as ipvsadm does. */
	if (cmd->kind == CMD_NONE) {
		cmd->kind = CMD_LIST;
		cmdname = "-L";
	}
	if (cmd->kind == CMD_HELP || cmd->kind == CMD_VERSION)
		return 0;
	ret = check_rules(&c, &w, cmd->kind, cmdname);
	return ret ? ret : parse_values(&c, &w, cmd);
}

void vsadm_svc_name(char *buf, size_t len, const struct vs_virtual *s)
{
	char a[VS_HOSTPORT_MAX];

	if (s->fwmark) {
		snprintf(buf, len, "FWM %u%s", s->fwmark,
			 s->af == AF_INET6 ? " IPv6" : "");
		return;
	}
	vs_hostport_str_af(a, sizeof(a), s->af, &s->addr, s->port,
			   s->protocol, true);
	snprintf(buf, len, "%s %s", vs_proto_name(s->protocol), a);
}

void vsadm_dest_name(char *buf, size_t len, uint16_t af,
		     const struct vs_real *d)
{
	vs_hostport_str_af(buf, len, af, &d->addr, d->port, IPPROTO_TCP, true);
}

void vsadm_usage(FILE *f)
{
	fputs(
"Usage:\n"
"  vsadm -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask]\n"
"                             [-b sched-flags]\n"
"  vsadm -D virtual-service\n"
"  vsadm -C\n"
"  vsadm -R\n"
"  vsadm -S [-n]\n"
"  vsadm -a|e virtual-service -r server-address [-g|m|i] [-w weight]\n"
"                                 [-x upper-threshold] [-y lower-threshold]\n"
"                                 [--tun-type type] [--tun-port port]\n"
"                                 [--tun-nocsum|--tun-csum|--tun-remcsum]\n"
"                                 [--tun-src address]\n"
"  vsadm -d virtual-service -r server-address\n"
"  vsadm -L|l [virtual-service] [options]\n"
"  vsadm -Z [virtual-service]\n"
"  vsadm --set tcp tcpfin udp\n"
"  vsadm -h|-v\n"
"\n"
"Commands (long or short):\n"
"  --add-service     -A        add virtual service with options\n"
"  --edit-service    -E        set every option of a virtual service\n"
"  --delete-service  -D        delete virtual service\n"
"  --clear           -C        clear the whole table\n"
"  --restore         -R        restore rules from stdin (all or nothing)\n"
"  --save            -S        save rules to stdout\n"
"  --add-server      -a        add real server with options\n"
"  --edit-server     -e        set every option of a real server\n"
"  --delete-server   -d        delete real server\n"
"  --list            -L|-l     list the table\n"
"  --zero            -Z        zero counters in a service or all services\n"
"  --set tcp tcpfin udp        set connection timeouts (0: unchanged)\n"
"  --help            -h        display this help message\n"
"  --version         -v        display the version\n"
"\n"
"virtual-service:\n"
"  --tcp-service|-t  service-address   service-address is host[:port]\n"
"  --udp-service|-u  service-address   service-address is host[:port]\n"
"  --fwmark-service|-f fwmark          fwmark is an integer greater than zero\n"
"  host is an IPv4 address, a name, an IPv6 address, or [IPv6 address]\n"
"  when a port follows: [2001:db8::1]:80\n"
"\n"
"Options:\n"
"  --ipv6         -6                   fwmark entry uses IPv6\n"
"  --scheduler    -s scheduler         one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh|\n"
"                                      sed|nq|fo|ovf|mh (default wlc)\n"
"  --persistent   -p [timeout]         persistent service (default 300 s)\n"
"  --netmask      -M netmask           persistence granularity mask\n"
"                                      (IPv6: a prefix length 1..128)\n"
"  --sched-flags  -b flags             scheduler flags, comma-separated:\n"
"                                      sh-fallback,sh-port (sh),\n"
"                                      mh-fallback,mh-port (mh), flag-1..3\n"
"  --real-server  -r server-address    server-address is host[:port], of\n"
"                                      the service's address family unless -i\n"
"  --gatewaying   -g                   gatewaying (direct routing) (default)\n"
"  --ipip         -i                   ipip encapsulation (tunneling)\n"
"  --masquerading -m                   masquerading (NAT)\n"
"  --tun-type      type                one of ipip|gue|gre (default ipip)\n"
"  --tun-port      port                tunnel destination port (gue only)\n"
"  --tun-nocsum                        tunnel encapsulation without checksum\n"
"  --tun-csum                          tunnel encapsulation with checksum\n"
"  --tun-remcsum                       tunnel encapsulation with remote\n"
"                                      checksum (gue only)\n"
"  --tun-src       address             tunnel's outer source address\n"
"  --weight       -w weight            capacity of real server (default 1)\n"
"  --u-threshold  -x uthreshold        upper threshold of connections\n"
"  --l-threshold  -y lthreshold        lower threshold of connections\n"
"  --connection   -c                   output of current connections\n"
"  --timeout                           output of timeouts (tcp tcpfin udp)\n"
"  --stats                             output of statistics\n"
"  --rate                              output of rates\n"
"  --exact                             expand numbers (display exact values)\n"
"  --thresholds                        output of thresholds\n"
"  --persistent-conn                   output of persistent connections\n"
"  --tun-info                          output of tunnel information\n"
"  --nosort                            keep the kernel's order\n"
"  --sort                              sort the output (default)\n"
"  --numeric      -n                   numeric output of addresses and ports\n"
"  --json                              JSON output for -L and --timeout\n"
"\n"
"Exit status: 0 success, 1 refused by the kernel or the system,\n"
"2 bad command line or input. See vsadm(8).\n", f);
}
