// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration's checks that need more than one key: at the end of a
 * virtual block (regexes, which depend on use_regex; programs; the check
 * type; the servers' ports, which depend on the network type) and at the
 * end of the file (timing inherited from the globals, forwarding,
 * duplicates, failover and the web panel).
 */
#include <errno.h>
#include <netinet/in.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "addr.h"
#include "atomic.h"
#include "conf_argv.h"
#include "conf_int.h"
#include "failover/hb.h"

/* ------------------------------------------------------------------ */
/* Checks at the end of a virtual block                                 */

static int finish_text(struct parser *p, int line, const char *key,
		       char **text, size_t *len, bool regex)
{
	char *raw = *text, *out;

	if (!raw)
		return 0;
	out = malloc(2 * strlen(raw) + 1);
	if (!out)
		return -1;
	if (regex ? vsd_unescape_regex(raw, out) : vsd_unescape(raw, out, len)) {
		free(out);
		return conf_bad_value(p, line, key, raw,
				 "text with \\n \\r \\t \\\\ escapes, not ending in a lone backslash");
	}
	if (regex && len)
		*len = strlen(out);
	*text = out;
	free(raw);
	return 0;
}

/*
 * glibc's regcomp takes time exponential in stacked repetitions ("a++++",
 * 24 of them: 40 s) and in nested repeated groups, and vsd would hang in
 * it (at a reload, or a panel save). Patterns that could cost that much
 * are refused; an expect pattern needs none of it. NULL, or why not.
 */
static const char *regex_too_costly(const char *re)
{
	bool escaped = false, bracket = false, after_rep = false;
	unsigned int depth = 0, max_depth = 0, intervals = 0;
	const char *s;

	if (strlen(re) > 1024)
		return "longer than 1024 characters";
	for (s = re; *s; s++) {
		bool rep = false;

		if (escaped) {
			escaped = false;
		} else if (bracket) {
			bracket = *s != ']' || s[-1] == '[' || (s[-1] == '^' && s[-2] == '[');
		} else if (*s == '\\') {
			escaped = true;
		} else if (*s == '[') {
			bracket = true;
		} else if (*s == '(') {
			if (++depth > max_depth)
				max_depth = depth;
		} else if (*s == ')') {
			depth -= depth > 0;
		} else if (*s == '*' || *s == '+' || *s == '?' || *s == '{') {
			if (after_rep)
				return "a repetition of a repetition (such as '++')";
			if (*s == '{') {
				intervals++;
				s += strcspn(s, "}") - !s[strcspn(s, "}")];
			}
			rep = true;
		}
		after_rep = rep;
	}
	if (max_depth > 8)
		return "groups nested more than 8 deep";
	if (intervals > 4)
		return "more than 4 {m,n} intervals";
	return NULL;
}

static int check_regex(struct parser *p, int line, const char *key,
		       const char *raw, const char *re)
{
	char expect[256], msg[160];
	const char *costly = regex_too_costly(re);
	regex_t r;
	int ret;

	if (costly) {
		snprintf(expect, sizeof(expect),
			 "a POSIX extended regex that compiles in bounded time, not %s",
			 costly);
		return conf_bad_value(p, line, key, raw, expect);
	}
	ret = regcomp(&r, re, REG_EXTENDED | REG_NOSUB);

	if (!ret) {
		regfree(&r);
		return 0;
	}
	regerror(ret, &r, msg, sizeof(msg));
	snprintf(expect, sizeof(expect), "a POSIX extended regex: %s", msg);
	return conf_bad_value(p, line, key, raw, expect);
}

static void finish_regex(struct parser *p, int line, const char *key,
			 char **text, size_t *len)
{
	char *raw = *text ? strdup(*text) : NULL;

	if (raw && !finish_text(p, line, key, text, len, true))
		check_regex(p, line, key, raw, *text);
	free(raw);
}

static int finish_program(struct parser *p, int line, const char *prog)
{
	char **argv = NULL;
	struct stat st;
	int ret;

	ret = vsd_exec_argv(prog, "0.0.0.0", 0, &argv);
	if (ret)
		return conf_bad_value(p, line, "send_program", prog,
				 "a program and its arguments, quotes balanced");
	if (argv[0][0] != '/') {
		vsd_exec_argv_free(argv);
		return conf_bad_value(p, line, "send_program", prog,
				 "an absolute path, e.g. \"/usr/local/bin/check %h\"");
	}
	ret = stat(argv[0], &st) || !S_ISREG(st.st_mode) ||
	      access(argv[0], X_OK);
	vsd_exec_argv_free(argv);
	if (ret)
		return conf_bad_value(p, line, "send_program", prog,
				 "an executable file as the program");
	return 0;
}

static void finish_check_type(struct parser *p, struct vsd_virtual_conf *v,
			      const struct vflags *f)
{
	struct vsd_check_conf *c = &v->check;
	static const enum vsd_check_type types[] = {
		VSD_CHECK_CONNECT, VSD_CHECK_HTTP, VSD_CHECK_PROGRAM,
		VSD_CHECK_NONE,
	};

	if (f->check_type != CHECK_AUTO)
		c->type = types[f->check_type];
	else if (c->program)
		c->type = VSD_CHECK_PROGRAM;	/* Piranha: it wins over send */
	else if (c->http_url)
		c->type = VSD_CHECK_HTTP;
	else
		c->type = VSD_CHECK_CONNECT;
	if (c->type == VSD_CHECK_HTTP && !c->http_url)
		c->http_url = strdup("/");
	if (c->type == VSD_CHECK_PROGRAM && !c->program)
		conf_error_at(p, v->line, "virtual '%s': check_type program needs send_program",
			v->name);
	if (c->type == VSD_CHECK_HTTP && c->protocol == IPPROTO_UDP)
		conf_error_at(p, f->proto_line ? f->proto_line : v->line,
			"virtual '%s': an HTTP check needs protocol tcp",
			v->name);
}

static bool same_addr(uint16_t af, const union vs_addr *a, uint16_t bf,
		      const union vs_addr *b)
{
	return af == bf && !memcmp(a, b, sizeof(*a));
}

static const char *af_name(uint16_t af)
{
	return af == AF_INET6 ? "IPv6" : "IPv4";
}

/* The service's family: its address's, else (a fwmark service) ipv6's.
 * ipv6 given beside an address must agree with it.
 */
static void finish_family(struct parser *p, struct vsd_virtual_conf *v,
			  const struct vflags *f)
{
	char a[INET6_ADDRSTRLEN], exp[128];

	if (!v->has_addr) {
		v->af = v->ipv6 ? AF_INET6 : AF_INET;
		return;
	}
	if (f->ipv6_line && v->ipv6 != (v->af == AF_INET6)) {
		vs_addr_str_af(v->af, &v->addr, a, sizeof(a));
		snprintf(exp, sizeof(exp), "%d: address %s is %s",
			 v->af == AF_INET6, a, af_name(v->af));
		conf_bad_value(p, f->ipv6_line, "ipv6", v->ipv6 ? "1" : "0", exp);
	}
}

/* pmask: a dotted mask or prefix length for IPv4 (ipvsadm's -M), a
 * prefix length for IPv6, whose default is the whole address.
 */
static void finish_pmask(struct parser *p, struct vsd_virtual_conf *v,
			 const struct vflags *f)
{
	if (!f->pmask_line) {
		v->pmask = v->af == AF_INET6 ? 128 : 32;
		return;
	}
	if (v->af != AF_INET6 && vs_parse_netmask(f->pmask, &v->pmask))
		conf_bad_value(p, f->pmask_line, "pmask", f->pmask,
			       "a netmask such as 255.255.255.0 or a prefix length 0..32");
	else if (v->af == AF_INET6 &&
		 vs_parse_netmask_af(f->pmask, AF_INET6, &v->pmask))
		conf_bad_value(p, f->pmask_line, "pmask", f->pmask,
			       "a prefix length 1..128: the virtual is IPv6");
}

static void finish_servers(struct parser *p, struct vsd_virtual_conf *v,
			   const struct vflags *f)
{
	size_t i, j;

	for (i = 0; i < v->n_servers; i++) {
		struct vsd_server_conf *s = &v->servers[i];

		if (!f->port_lines[i])
			s->port = v->fwmark ? 0 : v->port;
		else if (!s->port && !v->fwmark && v->port)
			conf_bad_value(p, f->port_lines[i], "port", "0",
				  "1..65535: a server of a single-port service needs a port");
		s->check_port = v->check.check_port ? v->check.check_port :
				s->port ? s->port : v->port;
		if (!s->af && !f->addr_lines[i] && s->name)
			conf_error_at(p, s->line, "server '%s': key 'address' is missing",
				s->name);
		for (j = 0; j < i; j++) {
			if (!strcmp(v->servers[j].name, s->name))
				conf_error_at(p, s->line, "server '%s' defined twice in virtual '%s' (first on line %d)",
					s->name, v->name, v->servers[j].line);
			else if (s->af && same_addr(v->servers[j].af, &v->servers[j].addr,
						    s->af, &s->addr) &&
				 v->servers[j].port == s->port)
				conf_error_at(p, s->line, "server '%s' has the same address and port as server '%s' (line %d)",
					s->name, v->servers[j].name,
					v->servers[j].line);
		}
	}
}

/* sh's and mh's flags need their scheduler (ipvsadm's -b rule). */
static void finish_sched_flags(struct parser *p, struct vsd_virtual_conf *v,
			       const struct vflags *f)
{
	char exp[160];

	if (!f->sched_flags_line || !*f->flags_sched ||
	    !strcmp(f->flags_sched, v->sched))
		return;
	snprintf(exp, sizeof(exp), "flags of scheduler %s: %s's need scheduler = %s",
		 v->sched, f->flags_sched, f->flags_sched);
	conf_bad_value(p, f->sched_flags_line, "scheduler_flags", f->flags_text, exp);
}

void conf_close_virtual(struct parser *p)
{
	struct vsd_virtual_conf *v = p->v;
	struct vflags *f = cur_vf(p);
	struct vsd_check_conf *c = &v->check;

	v->protocol = v->protocol ? IPPROTO_UDP : IPPROTO_TCP;
	c->protocol = v->protocol;
	finish_family(p, v, f);
	finish_pmask(p, v, f);
	if (!v->has_addr && !v->fwmark &&
	    !conf_key_line(p, S_VIRTUAL, "address"))	/* not a bad one */
		conf_error_at(p, v->line, "virtual '%s': key 'address' is missing",
			v->name);
	if (!v->port && !v->fwmark && !v->persistent)
		conf_bad_value(p, f->port_line ? f->port_line : v->line, "port", "0",
			  "1..65535 (port 0, all ports, needs persistent)");
	finish_text(p, f->send_line, "send", &c->send, &c->send_len, false);
	if (c->use_regex)
		finish_regex(p, f->expect_line, "expect", &c->expect,
			     &c->expect_len);
	else
		finish_text(p, f->expect_line, "expect", &c->expect,
			    &c->expect_len, false);
	finish_regex(p, f->regex_line, "http_regex", &c->http_regex, NULL);
	if (c->program)
		finish_program(p, f->program_line, c->program);
	finish_check_type(p, v, f);
	finish_sched_flags(p, v, f);
	if (v->has_sorry && !v->sorry_port)
		v->sorry_port = v->fwmark ? 0 : v->port;
	finish_servers(p, v, f);
	p->v = NULL;
}

/* ------------------------------------------------------------------ */
/* Checks at the end of the file                                        */

static void inherit_timing(struct parser *p)
{
	size_t i;

	for (i = 0; i < p->conf->n_virtuals; i++) {
		struct vsd_check_conf *c = &p->conf->virtuals[i].check;
		const struct vflags *f = &p->vf[i];

		if (!f->interval)
			c->interval = p->def_interval != UNSET ?
				      p->def_interval : DEF_INTERVAL;
		if (!f->connect)
			c->connect_timeout = p->def_connect != UNSET ?
				p->def_connect : c->interval < DEF_CONNECT_MAX ?
				c->interval : DEF_CONNECT_MAX;
		if (!f->retries && p->def_retries != UNSET)
			c->retries = (unsigned int)p->def_retries;
	}
}

/* Direct routing and tunnels cannot rewrite ports: a server's port must
 * be the virtual's. Only known once the whole file (and `network`) is read.
 */
static void check_ports(struct parser *p, size_t i)
{
	struct vsd_virtual_conf *v = &p->conf->virtuals[i];
	uint16_t want = v->fwmark ? 0 : v->port;
	char val[16], exp[96];
	size_t j;

	if (v->fwd == VS_FWD_NAT)
		return;
	for (j = 0; j < v->n_servers; j++) {
		struct vsd_server_conf *s = &v->servers[j];

		if (s->port == want)
			continue;
		snprintf(val, sizeof(val), "%u", s->port);
		snprintf(exp, sizeof(exp),
			 "%u, the virtual's port: %s cannot change ports", want,
			 v->fwd == VS_FWD_DR ? "direct routing" : "tunneling");
		conf_bad_value(p, p->vf[i].port_lines[j] ?
			       p->vf[i].port_lines[j] : s->line, "port", val,
			       exp);
	}
}

/* Only tunnels cross families (IPv4 in IPv6 and IPv6 in IPv4), as in
 * IPVS: NAT and direct routing forward the client's own packet.
 */
static void check_family(struct parser *p, int line, const char *key,
			 const struct vsd_virtual_conf *v, uint16_t af,
			 const union vs_addr *a)
{
	char val[INET6_ADDRSTRLEN], exp[192];

	if (af == v->af || v->fwd == VS_FWD_TUNNEL)
		return;
	vs_addr_str_af(af, a, val, sizeof(val));
	snprintf(exp, sizeof(exp),
		 "an %s address: virtual '%s' is %s%s, and only network = tunnel mixes IPv4 and IPv6",
		 af_name(v->af), v->name, af_name(v->af),
		 v->has_addr ? "" : v->af == AF_INET6 ? " (ipv6 = 1)" :
		 " (fwmark; ipv6 = 1 makes it IPv6)");
	conf_bad_value(p, line, key, val, exp);
}

/*
 * tunnel_source is the outer header's source, so of the outer family: that
 * of every server of the virtual, the sorry server included (the kernel
 * refuses a source of another family). A virtual whose servers mix the
 * families can have none. The first server that differs is named.
 */
static void check_tun_src(struct parser *p, size_t i)
{
	const struct vsd_virtual_conf *v = &p->conf->virtuals[i];
	char val[INET6_ADDRSTRLEN], a[INET6_ADDRSTRLEN], who[128], exp[320];
	uint16_t other = 0;
	size_t j;

	if (!v->has_tun_src)
		return;
	for (j = 0; j < v->n_servers && !other; j++) {
		const struct vsd_server_conf *s = &v->servers[j];

		if (!s->af || s->af == v->tun_src_af)
			continue;
		other = s->af;
		vs_addr_str_af(s->af, &s->addr, a, sizeof(a));
		snprintf(who, sizeof(who), "server '%.64s' (%s)", s->name, a);
	}
	if (!other && v->has_sorry && v->sorry_af != v->tun_src_af) {
		other = v->sorry_af;
		vs_addr_str_af(v->sorry_af, &v->sorry_addr, a, sizeof(a));
		snprintf(who, sizeof(who), "sorry_server %s", a);
	}
	if (!other)
		return;
	vs_addr_str_af(v->tun_src_af, &v->tun_src, val, sizeof(val));
	snprintf(exp, sizeof(exp),
		 "an %s address: %s is %s, and the outer source is of the real servers' family",
		 af_name(other), who, af_name(other));
	conf_bad_value(p, p->vf[i].tun_src_line, "tunnel_source", val, exp);
}

/* tunnel_*: only with network = tunnel, and each encapsulation takes
 * what ipvsadm's -i takes with it: gue needs a port and is the only one
 * with remote checksum offload, ipip has no checksum.
 */
static void check_tunnel(struct parser *p, size_t i)
{
	const struct vsd_virtual_conf *v = &p->conf->virtuals[i];
	const struct vflags *f = &p->vf[i];
	static const char *const tun[] = { "ipip", "gue", "gre" };
	static const char *const csum[] = { "nocsum", "csum", "remcsum" };
	char val[16], exp[96];

	if (v->fwd != VS_FWD_TUNNEL) {
		int line = f->tun_type_line ? f->tun_type_line :
			   f->tun_port_line ? f->tun_port_line :
			   f->tun_csum_line ? f->tun_csum_line : f->tun_src_line;

		if (line)
			conf_error_at(p, line,
				      "virtual '%s': the tunnel_* keys need network = tunnel (it is %s)",
				      v->name, v->fwd == VS_FWD_DR ? "direct" : "nat");
		return;
	}
	check_tun_src(p, i);
	if (v->tun_type == VS_TUN_GUE && !f->tun_port_line)
		conf_error_at(p, f->tun_type_line,
			      "virtual '%s': tunnel_type gue needs tunnel_port",
			      v->name);
	if (v->tun_type != VS_TUN_GUE && v->tun_port) {
		snprintf(val, sizeof(val), "%u", v->tun_port);
		snprintf(exp, sizeof(exp), "no tunnel_port: only tunnel_type gue has one, not %s",
			 tun[v->tun_type]);
		conf_bad_value(p, f->tun_port_line, "tunnel_port", val, exp);
	}
	if ((v->tun_type == VS_TUN_IPIP && v->tun_csum != VSD_CSUM_NONE) ||
	    (v->tun_type == VS_TUN_GRE && v->tun_csum == VSD_CSUM_REMCSUM)) {
		snprintf(exp, sizeof(exp), "%s with tunnel_type %s",
			 v->tun_type == VS_TUN_IPIP ? "nocsum" : "nocsum or csum",
			 tun[v->tun_type]);
		conf_bad_value(p, f->tun_csum_line, "tunnel_checksum",
			       csum[v->tun_csum], exp);
	}
}

static void check_forwarding(struct parser *p)
{
	struct vsd_conf *c = p->conf;
	size_t i, j;

	for (i = 0; i < c->n_virtuals; i++) {
		struct vsd_virtual_conf *v = &c->virtuals[i];

		v->fwd = c->network == VSD_NET_DIRECT ? VS_FWD_DR :
			 c->network == VSD_NET_TUNNEL ? VS_FWD_TUNNEL : VS_FWD_NAT;
		check_tunnel(p, i);
		check_ports(p, i);
		for (j = 0; j < v->n_servers; j++)
			if (v->servers[j].af)
				check_family(p, p->vf[i].addr_lines[j], "address",
					     v, v->servers[j].af, &v->servers[j].addr);
		if (v->has_sorry)
			check_family(p, p->vf[i].sorry_line, "sorry_server", v,
				     v->sorry_af, &v->sorry_addr);
	}
}

static void check_duplicates(struct parser *p)
{
	struct vsd_conf *c = p->conf;
	size_t i, j;

	for (i = 0; i < c->n_virtuals; i++) {
		struct vsd_virtual_conf *v = &c->virtuals[i];
		struct vs_virtual a, b;

		vsd_virtual_key(v, &a);
		for (j = 0; j < i; j++) {
			struct vsd_virtual_conf *w = &c->virtuals[j];

			vsd_virtual_key(w, &b);
			if (!strcmp(v->name, w->name))
				conf_error_at(p, v->line, "virtual '%s' defined twice (first on line %d)",
					v->name, w->line);
			else if (vs_service_same(&a, &b))
				conf_error_at(p, v->line, "virtual '%s' is the same service as virtual '%s' (line %d)",
					v->name, w->name, w->line);
		}
		for (j = 0; v->has_sorry && j < v->n_servers; j++)
			if (same_addr(v->servers[j].af, &v->servers[j].addr,
				      v->sorry_af, &v->sorry_addr) &&
			    v->servers[j].port == v->sorry_port)
				conf_error_at(p, v->line, "virtual '%s': sorry_server is also server '%s'",
					v->name, v->servers[j].name);
	}
}

/*
 * Failover needs both directors' addresses, a key that is root's alone,
 * and a device for every address that floats. Checked here so that
 * `vsd -t` says so before a director is ever started with it.
 */
static void check_failover(struct parser *p)
{
	struct vsd_conf *c = p->conf;
	int line = conf_key_line(p, S_GLOBAL, "heartbeat");
	struct vsd_hb_key key;
	const char *why;
	size_t i;

	if (!c->heartbeat || c->active_active)	/* a conflict, said there */
		return;
	if (!c->has_primary || !c->has_backup)
		conf_error_at(p, line, "heartbeat = 1 needs both 'primary' and 'backup'");
	if (c->has_primary_private != c->has_backup_private)
		conf_error_at(p, line, "'primary_private' and 'backup_private' go together");
	if (!c->heartbeat_key) {
		/* An lvs.cf from a Piranha router must still load. */
		p->line = line;
		conf_note(p, "heartbeat = 1 without 'heartbeat_key': no failover until a key file is configured (vsd.conf(5)); the primary holds the addresses, the backup never takes over");
		return;
	}
	if (vsd_hb_key_load(c->heartbeat_key, &key, &why))
		conf_error_at(p, conf_key_line(p, S_GLOBAL, "heartbeat_key"),
			"key 'heartbeat_key': bad value '%s' (%s)", c->heartbeat_key, why);
	if (c->deadtime <= c->keepalive)
		conf_error_at(p, conf_key_line(p, S_GLOBAL, "deadtime"),
			"key 'deadtime': bad value '%g' (expected more than keepalive, %g s)",
			c->deadtime / 1000.0, c->keepalive / 1000.0);
	for (i = 0; i < c->n_virtuals; i++) {
		const struct vsd_virtual_conf *v = &c->virtuals[i];

		if (v->active && v->has_addr && (!v->dev || !*v->dev))
			conf_error_at(p, v->line, "virtual '%s': failover moves its address, which needs a device (address = VIP eth0:1)",
				v->name);

	}
	if (c->has_nat_router && (!c->nat_router_dev || !*c->nat_router_dev))
		conf_error_at(p, conf_key_line(p, S_GLOBAL, "nat_router"),
			"key 'nat_router': failover moves it, which needs a device (nat_router = IP eth1:1)");
}

/* The keys of the primary/backup pair: they mean nothing to a mesh. */
static const char *const pair_keys[] = {
	"primary", "primary_private", "backup", "backup_private",
	"backup_active", "heartbeat", "preempt", "nat_router", "nat_nmask",
	"monitor_links", "garp_repeat", "garp_interval", "active_cmd",
	"inactive_cmd", NULL
};

/* The mesh's keys, an error without active_active = 1. */
static const char *const mesh_keys[] = {
	"director", "announce_table", "drain_timeout", NULL
};

static void check_aa_keys(struct parser *p, int aa_line)
{
	const char *const *k;
	int line;

	for (k = pair_keys; *k; k++)
		if ((line = conf_key_line(p, S_GLOBAL, *k)))
			conf_error_at(p, line, "key '%s' conflicts with active_active = 1 (line %d): it belongs to a primary/backup pair, and every director of a mesh is active",
				      *k, aa_line);
}

/* Routes in main, local or default would forward: not vsd's to add. */
static void check_announce_table(struct parser *p)
{
	uint32_t t = p->conf->announce_table;
	char val[16];

	if (t < 253 || t > 255)
		return;
	snprintf(val, sizeof(val), "%u", t);
	conf_bad_value(p, conf_key_line(p, S_GLOBAL, "announce_table"), "announce_table", val,
		       "a routing table 1..4294967295 other than 253, 254 and 255 (default, main, local): routes there would forward");
}

/*
 * Every director schedules a flow ECMP sends it, and only mh picks the
 * same real server on all of them for the same flow: the others pick by
 * their own counters or rotation. A warning, not an error: a site may
 * rely on connection sync alone for some service.
 */
static void warn_schedulers(struct parser *p)
{
	size_t i;

	for (i = 0; i < p->conf->n_virtuals; i++) {
		const struct vsd_virtual_conf *v = &p->conf->virtuals[i];

		if (!strcmp(v->sched, "mh"))
			continue;
		conf_note_at(p, p->vf[i].sched_line ? p->vf[i].sched_line : v->line,
			     "virtual '%s': scheduler %s in active-active mode: use mh, or a flow that ECMP moves to another director may be sent to another real server",
			     v->name, v->sched);
	}
}

/*
 * active_active = 1: the list of directors, the shared key, timing that
 * can tell a dead peer, and none of the pair's keys.
 */
static void check_active_active(struct parser *p)
{
	struct vsd_conf *c = p->conf;
	int line = conf_key_line(p, S_GLOBAL, "active_active");
	const char *const *k;
	struct vsd_hb_key key;
	const char *why;

	if (!c->active_active) {
		for (k = mesh_keys; *k; k++)
			if (conf_key_line(p, S_GLOBAL, *k))
				conf_error_at(p, conf_key_line(p, S_GLOBAL, *k),
					      "key '%s' needs active_active = 1", *k);
		return;
	}
	check_aa_keys(p, line);
	if (c->n_directors < VSD_DIRECTORS_MIN)
		conf_error_at(p, line, "active_active = 1 needs %d to %d 'director' lines, one per director, this one included (got %u)",
			      VSD_DIRECTORS_MIN, VSD_DIRECTORS_MAX, c->n_directors);
	if (!c->heartbeat_key)
		conf_error_at(p, line, "active_active = 1 needs 'heartbeat_key' (the directors' shared secret)");
	else if (vsd_hb_key_load(c->heartbeat_key, &key, &why))
		conf_error_at(p, conf_key_line(p, S_GLOBAL, "heartbeat_key"),
			      "key 'heartbeat_key': bad value '%s' (%s)", c->heartbeat_key, why);
	explicit_bzero(&key, sizeof(key));
	if (c->deadtime <= c->keepalive)
		conf_error_at(p, conf_key_line(p, S_GLOBAL, "deadtime"),
			      "key 'deadtime': bad value '%g' (expected more than keepalive, %g s)",
			      c->deadtime / 1000.0, c->keepalive / 1000.0);
	check_announce_table(p);
	warn_schedulers(p);
}

/* TLS needs both halves; a half-configured panel would fall back to
 * plain HTTP, which is what the certificate was meant to prevent.
 */
static void check_web(struct parser *p)
{
	struct vsd_conf *c = p->conf;

	if (!c->web_cert != !c->web_key)
		conf_error_at(p, conf_key_line(p, S_GLOBAL, c->web_cert ? "web_cert" : "web_key"),
			"'web_cert' and 'web_key' go together (TLS needs both)");
	if (c->web_passwd_file && c->web_passwd_file[0] != '/')
		conf_bad_value(p, conf_key_line(p, S_GLOBAL, "web_passwd_file"), "web_passwd_file",
			  c->web_passwd_file, "an absolute path");
}

void conf_check_file(struct parser *p)
{
	inherit_timing(p);
	check_forwarding(p);
	check_duplicates(p);
	check_failover(p);
	check_active_active(p);
	check_web(p);
}
