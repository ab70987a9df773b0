// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration parser: Piranha's lvs.cf, line by line.
 *
 *	key = value
 *	virtual NAME {
 *		key = value
 *		server NAME {
 *			key = value
 *		}
 *	}
 *
 * Every key is in a table with its type, range and default, so that an
 * unknown key, a key given twice or a bad value is an error naming the file,
 * the line, the key and the value: keepalived's habit of warning and going
 * on is the complaint users have most about configuration. Checks that need
 * the whole block (regexes, which depend on use_regex; ports, which depend
 * on the network type) run when the block or the file ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "addr.h"
#include "atomic.h"
#include "check/check_exec.h"
#include "conf.h"
#include "conf_keys.h"
#include "failover/hb.h"

#define MAX_TEXT	4095		/* send, expect, programs, URLs */
#define MAX_NAME	64
#define MAX_DURATION	(30ULL * 24 * 3600 * 1000)
#define UNSET		UINT64_MAX

/* Defaults. Piranha's where it had the key, ours for the extensions. */
#define DEF_PORT		80
#define DEF_SCHED		"wlc"
#define DEF_TIMEOUT		10000
#define DEF_REENTRY		180000
#define DEF_INTERVAL		2000
#define DEF_CONNECT_MAX		5000
#define DEF_HEARTBEAT_PORT	539
#define DEF_KEEPALIVE		2000
#define DEF_DEADTIME		5000
#define DEF_AGENT_PORT		9696
#define DEF_LOAD_INTERVAL	20000
#define DEF_RECONCILE		5000
#define DEF_HTTP_STATUS		200

enum scope { S_GLOBAL, S_VIRTUAL, S_SERVER, S_COUNT };

struct parser {
	const char *path;
	int line;
	struct vsd_diag *diag;
	struct vsd_conf *conf;
	struct vsd_virtual_conf *v;
	struct vsd_server_conf *s;
	/* Per scope: the line each key was given on (0: not given). */
	int *seen[S_COUNT];
	/* Global defaults for the virtuals' timing (UNSET: ours). */
	uint64_t def_interval, def_connect, def_retries;
	/* Per virtual (parallel to conf->virtuals): what it set itself. */
	struct vflags {
		uint64_t interval, connect, retries;
		int check_type, expect_line, send_line, program_line,
		    regex_line, url_line, port_line, proto_line;
		int *port_lines;	/* per server: its `port` line */
	} *vf;
};

static struct vflags *cur_vf(struct parser *p)
{
	return &p->vf[p->v - p->conf->virtuals];
}

/* ------------------------------------------------------------------ */
/* Diagnostics                                                          */

static void diag_add(char ***list, size_t *n, char *msg)
{
	char **l = realloc(*list, (*n + 1) * sizeof(**list));

	if (!l || !msg) {
		free(msg);
		return;
	}
	l[(*n)++] = msg;
	*list = l;
}

static __attribute__((format(printf, 3, 4)))
void at_line(struct parser *p, int line, const char *fmt, ...)
{
	char *msg = NULL, *full = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg && (line ? asprintf(&full, "%s:%d: %s", p->path, line, msg) :
		    asprintf(&full, "%s: %s", p->path, msg)) < 0)
		full = NULL;
	free(msg);
	diag_add(&p->diag->errors, &p->diag->n_errors, full);
}

#define error(p, ...) at_line(p, (p)->line, __VA_ARGS__)

static __attribute__((format(printf, 2, 3)))
void note(struct parser *p, const char *fmt, ...)
{
	char *msg = NULL, *full = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg && asprintf(&full, "%s:%d: %s", p->path, p->line, msg) < 0)
		full = NULL;
	free(msg);
	diag_add(&p->diag->notes, &p->diag->n_notes, full);
}

static int bad_value(struct parser *p, int line, const char *key,
		     const char *val, const char *expect)
{
	at_line(p, line, "key '%s': bad value '%s' (expected %s)", key, val,
		expect);
	return -1;
}

#define bad(p, key, val, expect) bad_value(p, (p)->line, key, val, expect)

void vsd_diag_free(struct vsd_diag *d)
{
	size_t i;

	for (i = 0; i < d->n_errors; i++)
		free(d->errors[i]);
	for (i = 0; i < d->n_notes; i++)
		free(d->notes[i]);
	free(d->errors);
	free(d->notes);
	memset(d, 0, sizeof(*d));
}

/* ------------------------------------------------------------------ */
/* Escapes                                                              */

int vsd_unescape(const char *in, char *out, size_t *len)
{
	char *o = out;

	for (; *in; in++) {
		if (*in != '\\') {
			*o++ = *in;
			continue;
		}
		switch (*++in) {
		case '\0':
			return -1;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		default:	/* \\, \" and Piranha's "escape the next one" */
			*o++ = *in;
		}
	}
	*o = '\0';
	*len = (size_t)(o - out);
	return 0;
}

int vsd_unescape_regex(const char *in, char *out)
{
	char *o = out;

	for (; *in; in++) {
		if (*in != '\\') {
			*o++ = *in;
			continue;
		}
		if (!in[1])
			return -1;
		in++;
		if (*in == 'n' || *in == 'r' || *in == 't') {
			*o++ = *in == 'n' ? '\n' : *in == 'r' ? '\r' : '\t';
		} else if (*in == '"') {
			*o++ = '"';	/* only quoted for the config file */
		} else {
			*o++ = '\\';
			*o++ = *in;
		}
	}
	*o = '\0';
	return 0;
}

/* ------------------------------------------------------------------ */
/* Value parsers                                                        */

static void store_uint(void *obj, const struct keydef *k, uint64_t v)
{
	char *f = (char *)obj + k->off;

	switch (k->size) {
	case 1:
		*(uint8_t *)f = (uint8_t)v;
		break;
	case 2:
		*(uint16_t *)f = (uint16_t)v;
		break;
	case 4:
		*(uint32_t *)f = (uint32_t)v;
		break;
	case 8:
		*(uint64_t *)f = v;
		break;
	}
}

/* "10", "0.5", "1.250": seconds, at most millisecond precision. */
static int parse_duration(const char *s, uint64_t *ms)
{
	uint64_t whole = 0, frac = 0;
	int digits = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > MAX_DURATION / 1000)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
			if (digits >= 3)
				return -1;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (!digits)
			return -1;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	if (*p)
		return -1;
	*ms = whole * 1000 + frac;
	return 0;
}

static int apply_key(struct parser *p, const struct keydef *k,
		     const char *val, void *obj)
{
	char expect[96];
	uint64_t u;
	uint8_t prefix;
	union vs_addr a;
	size_t i;

	switch (k->kind) {
	case K_BOOL:
		if (strcmp(val, "0") && strcmp(val, "1"))
			return bad(p, k->name, val, "0 or 1");
		store_uint(obj, k, val[0] == '1');
		return 0;
	case K_UINT:
		snprintf(expect, sizeof(expect), "%s %llu..%llu",
			 k->expect ? k->expect : "an integer",
			 (unsigned long long)k->min, (unsigned long long)k->max);
		if (vs_parse_u64(val, &u) || u < k->min || u > k->max)
			return bad(p, k->name, val, expect);
		store_uint(obj, k, u);
		return 0;
	case K_DURATION:
		if (parse_duration(val, &u) || u < k->min || u > k->max) {
			snprintf(expect, sizeof(expect),
				 "seconds from %g to %g, e.g. 10 or 0.5",
				 (double)k->min / 1000, (double)k->max / 1000);
			return bad(p, k->name, val, expect);
		}
		store_uint(obj, k, u);
		return 0;
	case K_IPV4:
		if (vs_parse_ipv4(val, &a))
			return bad(p, k->name, val, "an IPv4 address");
		memcpy((char *)obj + k->off, &a, sizeof(a));
		return 0;
	case K_NETMASK:
		if (vs_parse_netmask(val, &prefix))
			return bad(p, k->name, val,
				   "a netmask such as 255.255.255.0");
		store_uint(obj, k, prefix);
		return 0;
	case K_ENUM:
		for (i = 0; k->names[i]; i++)
			if (!strcmp(val, k->names[i])) {
				store_uint(obj, k, i);
				return 0;
			}
		return bad(p, k->name, val, k->expect);
	case K_TEXT:
		if (strlen(val) > MAX_TEXT)
			return bad(p, k->name, "...", "at most 4095 characters");
		free(*(char **)((char *)obj + k->off));
		*(char **)((char *)obj + k->off) = strdup(val);
		return 0;
	case K_FUNC:
		return k->fn(p, k, val, obj);
	case K_OBSOLETE:
		note(p, "key '%s' is obsolete and ignored", k->name);
		return 0;
	}
	return -1;
}

/* "192.168.26.10 eth0:1": an address and, optionally, its device. */
static int fn_addr_dev(struct parser *p, const struct keydef *k,
		       const char *val, void *obj)
{
	char addr[64], dev[64], extra;
	union vs_addr a;
	int n = sscanf(val, "%63s %63s %c", addr, dev, &extra);

	if (n < 1 || n > 2 || vs_parse_ipv4(addr, &a))
		return bad(p, k->name, val,
			   "an IPv4 address and optionally a device, e.g. 192.168.26.10 eth0:1");
	memcpy((char *)obj + k->off, &a, sizeof(a));
	if (n == 2) {
		char **devp = (char **)((char *)obj + k->aux_off);

		free(*devp);
		*devp = strdup(dev);
	}
	return 0;
}

/* "10.11.12.100" or "10.11.12.100:8080". */
static int fn_sorry(struct parser *p, const struct keydef *k,
		    const char *val, void *obj)
{
	struct vsd_virtual_conf *v = obj;
	char host[64];
	const char *port = NULL;
	uint16_t pn = 0;

	if (vs_split_hostport(val, host, sizeof(host), &port) ||
	    vs_parse_ipv4(host, &v->sorry_addr) ||
	    (port && (vs_parse_port(port, IPPROTO_TCP, &pn) || !pn)))
		return bad(p, k->name, val,
			   "an IPv4 address, optionally with :port");
	v->sorry_port = pn;
	v->has_sorry = true;
	return 0;
}

/* ipvsadm's names, as vsadm takes them; a module without one refuses it
 * when vsd applies the service, and vsd logs that.
 */
static const char *const scheds[] = {
	"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq",
	"fo", "ovf", "mh", NULL
};

static int fn_sched(struct parser *p, const struct keydef *k,
		    const char *val, void *obj)
{
	struct vsd_virtual_conf *v = obj;
	size_t i;

	for (i = 0; scheds[i]; i++)
		if (!strcmp(val, scheds[i])) {
			strcpy(v->sched, val);
			return 0;
		}
	return bad(p, k->name, val,
		   "rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh");
}

static int fn_network(struct parser *p, const struct keydef *k,
		      const char *val, void *obj)
{
	struct vsd_conf *c = obj;

	if (!strcmp(val, "nat"))
		c->network = VSD_NET_NAT;
	else if (!strcmp(val, "direct"))
		c->network = VSD_NET_DIRECT;
	else if (!strcmp(val, "tunnel"))
		return bad(p, k->name, val,
			   "nat or direct: vs has no IP-in-IP forwarding");
	else
		return bad(p, k->name, val, "nat or direct");
	return 0;
}

static int fn_service(struct parser *p, const struct keydef *k,
		      const char *val, void *obj)
{
	(void)obj;
	if (!strcmp(val, "lvs"))
		return 0;
	return bad(p, k->name, val, strcmp(val, "fos") ? "lvs" :
		   "lvs: failover services (fos) are not supported");
}

static int fn_load_monitor(struct parser *p, const struct keydef *k,
			   const char *val, void *obj)
{
	struct vsd_virtual_conf *v = obj;

	if (!strcmp(val, "none")) {
		v->load_monitor = VSD_LOAD_NONE;
	} else if (!strcmp(val, "agent")) {
		v->load_monitor = VSD_LOAD_AGENT;
	} else if (!strcmp(val, "uptime") || !strcmp(val, "rup") ||
		   !strcmp(val, "ruptime")) {
		/* rsh, rstatd and rwhod are gone from today's servers. */
		v->load_monitor = VSD_LOAD_NONE;
		note(p, "load_monitor '%s' is obsolete and ignored (no load monitoring; see load_monitor = agent)",
		     val);
	} else {
		return bad(p, k->name, val, "none|agent (uptime|rup|ruptime are obsolete)");
	}
	return 0;
}

static int fn_url(struct parser *p, const struct keydef *k,
		  const char *val, void *obj)
{
	struct vsd_virtual_conf *v = obj;
	const char *c;

	if (val[0] != '/')
		return bad(p, k->name, val, "a path starting with /");
	for (c = val; *c; c++)
		if (*c <= ' ' || *c == 0x7f)
			return bad(p, k->name, val,
				   "a path without spaces or control characters");
	free(v->check.http_url);
	v->check.http_url = strdup(val);
	return 0;
}

static int fn_host(struct parser *p, const struct keydef *k,
		   const char *val, void *obj)
{
	struct vsd_virtual_conf *v = obj;
	const char *c;

	for (c = val; *c; c++)
		if (*c <= ' ' || *c == 0x7f)
			return bad(p, k->name, val, "a host name without spaces");
	if (!*val)
		return bad(p, k->name, val, "a host name");
	free(v->check.http_host);
	v->check.http_host = strdup(val);
	return 0;
}

/* "127.0.0.1 10.0.0.0/8": the networks the web panel answers. */
static int fn_web_allow(struct parser *p, const struct keydef *k,
			const char *val, void *obj)
{
	struct vsd_conf *c = obj;
	char *copy = strdup(val), *tok, *save = NULL, *slash;
	unsigned int n = 0;
	union vs_addr a;
	uint8_t plen;
	int ret = 0;

	for (tok = copy ? strtok_r(copy, " \t,", &save) : NULL; tok && !ret;
	     tok = strtok_r(NULL, " \t,", &save)) {
		slash = strchr(tok, '/');
		if (slash)
			*slash++ = '\0';
		plen = 32;
		if (n == VSD_WEB_ALLOW_MAX || vs_parse_ipv4(tok, &a) ||
		    (slash && vs_parse_netmask(slash, &plen)))
			ret = -1;
		else
			c->web_allow[n++] = (struct vsd_cidr){ .ip = a.ip, .plen = plen };
	}
	free(copy);
	if (ret || !n)
		return bad(p, k->name, val,
			   "up to 16 IPv4 addresses or networks, e.g. 127.0.0.1 192.168.1.0/24");
	c->n_web_allow = n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Key tables                                                           */

#define FLD(type, f)	.off = offsetof(type, f), .size = sizeof(((type *)0)->f)
#define HAS(type, f)	.has_off = offsetof(type, f) + 1
#define G(f)		FLD(struct vsd_conf, f)
#define V(f)		FLD(struct vsd_virtual_conf, f)
#define S(f)		FLD(struct vsd_server_conf, f)
#define SECS(lo, hi)	.min = (lo), .max = (hi)

static const char *const shutdown_names[] = { "keep", "flush", NULL };
static const char *const proto_names[] = { "tcp", "udp", NULL };
static const char *const check_names[] = {
	"connect", "http", "program", "none", "auto", NULL
};
#define CHECK_AUTO 4


static const struct keydef global_keys[] = {
	{ .name = "serial_no", .kind = K_UINT, G(serial_no), .max = UINT64_MAX },
	{ .name = "service", .kind = K_FUNC, .fn = fn_service },
	{ .name = "primary", .kind = K_IPV4, G(primary), HAS(struct vsd_conf, has_primary) },
	{ .name = "primary_private", .kind = K_IPV4, G(primary_private),
	  HAS(struct vsd_conf, has_primary_private) },
	{ .name = "backup", .kind = K_IPV4, G(backup), HAS(struct vsd_conf, has_backup) },
	{ .name = "backup_private", .kind = K_IPV4, G(backup_private),
	  HAS(struct vsd_conf, has_backup_private) },
	{ .name = "backup_active", .kind = K_BOOL, G(backup_active) },
	{ .name = "heartbeat", .kind = K_BOOL, G(heartbeat) },
	{ .name = "heartbeat_port", .kind = K_UINT, G(heartbeat_port), .min = 1, .max = 65535,
	  .expect = "a UDP port" },
	{ .name = "keepalive", .kind = K_DURATION, G(keepalive), SECS(1, MAX_DURATION) },
	{ .name = "deadtime", .kind = K_DURATION, G(deadtime), SECS(1, MAX_DURATION) },
	{ .name = "network", .kind = K_FUNC, .fn = fn_network },
	{ .name = "nat_router", .kind = K_FUNC, .off = offsetof(struct vsd_conf, nat_router),
	  .aux_off = offsetof(struct vsd_conf, nat_router_dev),
	  HAS(struct vsd_conf, has_nat_router), .fn = fn_addr_dev },
	{ .name = "nat_nmask", .kind = K_NETMASK, G(nat_nmask) },
	{ .name = "debug_level", .kind = K_OBSOLETE },
	{ .name = "monitor_links", .kind = K_BOOL, G(monitor_links) },
	{ .name = "syncdaemon", .kind = K_BOOL, G(syncdaemon) },
	{ .name = "syncd_iface", .kind = K_TEXT, G(syncd_iface) },
	{ .name = "syncd_id", .kind = K_UINT, G(syncd_id), .max = 255 },
	{ .name = "tcp_timeout", .kind = K_UINT, G(timeouts.tcp), .max = VS_TIMEOUT_MAX,
	  .expect = "seconds (0: leave the kernel's)" },
	{ .name = "tcpfin_timeout", .kind = K_UINT, G(timeouts.tcp_fin), .max = VS_TIMEOUT_MAX,
	  .expect = "seconds (0: leave the kernel's)" },
	{ .name = "udp_timeout", .kind = K_UINT, G(timeouts.udp), .max = VS_TIMEOUT_MAX,
	  .expect = "seconds (0: leave the kernel's)" },
	{ .name = "hard_shutdown", .kind = K_BOOL, G(hard_shutdown) },
	{ .name = "rsh_command", .kind = K_OBSOLETE },
	{ .name = "active_cmd", .kind = K_TEXT, G(active_cmd) },
	{ .name = "inactive_cmd", .kind = K_TEXT, G(inactive_cmd) },
	{ .name = "heartbeat_key", .kind = K_TEXT, G(heartbeat_key) },
	{ .name = "garp_repeat", .kind = K_UINT, G(garp_repeat), .min = 1, .max = 100,
	  .expect = "a count of gratuitous ARPs" },
	{ .name = "garp_interval", .kind = K_DURATION, G(garp_interval),
	  SECS(10, MAX_DURATION) },
	{ .name = "preempt", .kind = K_BOOL, G(preempt) },
	{ .name = "sync_port", .kind = K_UINT, G(sync_port), .min = 1, .max = 65535,
	  .expect = "a UDP port" },
	/* vsd's own */
	{ .name = "shutdown_action", .kind = K_ENUM, G(shutdown), .names = shutdown_names,
	  .expect = "keep or flush" },
	{ .name = "reconcile_interval", .kind = K_DURATION, G(reconcile_interval),
	  SECS(0, MAX_DURATION) },
	{ .name = "check_interval", .kind = K_DURATION, .off = PARSER_KEY,
	  SECS(10, MAX_DURATION) },
	{ .name = "connect_timeout", .kind = K_DURATION, .off = PARSER_KEY,
	  SECS(10, MAX_DURATION) },
	{ .name = "retries", .kind = K_UINT, .off = PARSER_KEY, .max = 100 },
	/* the web panel (web.c) */
	{ .name = "web_port", .kind = K_UINT, G(web_port), .min = 1, .max = 65535,
	  .expect = "a TCP port", HAS(struct vsd_conf, has_web_port) },
	{ .name = "web_listen", .kind = K_IPV4, G(web_listen),
	  HAS(struct vsd_conf, has_web_listen) },
	{ .name = "web_allow", .kind = K_FUNC, .fn = fn_web_allow },
	{ .name = "web_cert", .kind = K_TEXT, G(web_cert) },
	{ .name = "web_key", .kind = K_TEXT, G(web_key) },
	{ .name = "web_passwd_file", .kind = K_TEXT, G(web_passwd_file) },
	{ .name = NULL }
};

static const struct keydef virtual_keys[] = {
	{ .name = "active", .kind = K_BOOL, V(active) },
	{ .name = "address", .kind = K_FUNC, .off = offsetof(struct vsd_virtual_conf, addr),
	  .aux_off = offsetof(struct vsd_virtual_conf, dev),
	  HAS(struct vsd_virtual_conf, has_addr), .fn = fn_addr_dev },
	{ .name = "vip_nmask", .kind = K_NETMASK, V(vip_nmask) },
	{ .name = "sorry_server", .kind = K_FUNC, .fn = fn_sorry },
	{ .name = "fwmark", .kind = K_UINT, V(fwmark), .min = 1, .max = UINT32_MAX,
	  .expect = "a firewall mark" },
	{ .name = "protocol", .kind = K_ENUM, V(protocol), .names = proto_names,
	  .expect = "tcp or udp" },
	{ .name = "port", .kind = K_UINT, V(port), .max = 65535, .expect = "a port" },
	{ .name = "scheduler", .kind = K_FUNC, .fn = fn_sched },
	{ .name = "persistent", .kind = K_UINT, V(persistent), .max = VS_PERSIST_TIMEOUT_MAX,
	  .expect = "seconds (0: off)" },
	{ .name = "pmask", .kind = K_NETMASK, V(pmask) },
	{ .name = "send", .kind = K_TEXT, V(check.send) },
	{ .name = "expect", .kind = K_TEXT, V(check.expect) },
	{ .name = "use_regex", .kind = K_BOOL, V(check.use_regex) },
	{ .name = "send_program", .kind = K_TEXT, V(check.program) },
	{ .name = "load_monitor", .kind = K_FUNC, .fn = fn_load_monitor },
	{ .name = "timeout", .kind = K_DURATION, V(check.timeout), SECS(0, MAX_DURATION) },
	{ .name = "reentry", .kind = K_DURATION, V(check.reentry), SECS(0, MAX_DURATION) },
	{ .name = "quiesce_server", .kind = K_BOOL, V(quiesce) },
	/* vsd's own */
	{ .name = "check_type", .kind = K_ENUM, .off = PARSER_KEY, .names = check_names,
	  .expect = "connect|http|program|none|auto" },
	{ .name = "check_interval", .kind = K_DURATION, V(check.interval),
	  SECS(10, MAX_DURATION) },
	{ .name = "connect_timeout", .kind = K_DURATION, V(check.connect_timeout),
	  SECS(10, MAX_DURATION) },
	{ .name = "retries", .kind = K_UINT, V(check.retries), .max = 100 },
	{ .name = "check_port", .kind = K_UINT, V(check.check_port), .min = 1, .max = 65535,
	  .expect = "a port" },
	{ .name = "http_url", .kind = K_FUNC, .fn = fn_url },
	{ .name = "http_host", .kind = K_FUNC, .fn = fn_host },
	{ .name = "http_status", .kind = K_UINT, V(check.http_status), .min = 100, .max = 599,
	  .expect = "an HTTP status" },
	{ .name = "http_regex", .kind = K_TEXT, V(check.http_regex) },
	{ .name = "agent_port", .kind = K_UINT, V(agent_port), .min = 1, .max = 65535,
	  .expect = "a port" },
	{ .name = "load_interval", .kind = K_DURATION, V(load_interval),
	  SECS(100, MAX_DURATION) },
	{ .name = "slow_start", .kind = K_BOOL, V(slow_start) },
	{ .name = NULL }
};

static const struct keydef server_keys[] = {
	{ .name = "address", .kind = K_IPV4, S(addr) },
	{ .name = "active", .kind = K_BOOL, S(active) },
	{ .name = "weight", .kind = K_UINT, S(weight), .max = VS_WEIGHT_MAX,
	  .expect = "a weight" },
	{ .name = "port", .kind = K_UINT, S(port), .max = 65535, .expect = "a port" },
	{ .name = NULL }
};

static const struct keydef *const tables[S_COUNT] = {
	global_keys, virtual_keys, server_keys
};
static const char *const scope_names[S_COUNT] = {
	"the global section", "a virtual block", "a server block"
};

const struct keydef *vsd_conf_keys(enum vsd_key_scope scope)
{
	return tables[scope];
}

static size_t table_len(const struct keydef *t)
{
	size_t n = 0;

	while (t[n].name)
		n++;
	return n;
}

static const struct keydef *find_key(enum scope sc, const char *name)
{
	const struct keydef *k;

	for (k = tables[sc]; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

static enum scope cur_scope(const struct parser *p)
{
	return p->s ? S_SERVER : p->v ? S_VIRTUAL : S_GLOBAL;
}

static void *cur_obj(struct parser *p)
{
	return p->s ? (void *)p->s : p->v ? (void *)p->v : (void *)p->conf;
}

/* ------------------------------------------------------------------ */
/* Keys the parser keeps for itself (defaults resolved at the end)      */

static int parser_key(struct parser *p, const struct keydef *k,
		      const char *val)
{
	uint64_t u = 0;
	struct keydef tmp = *k;

	tmp.off = 0;
	tmp.size = sizeof(u);
	if (apply_key(p, &tmp, val, &u))
		return -1;
	if (k->kind == K_ENUM) {
		p->vf[p->v - p->conf->virtuals].check_type = (int)u;
		return 0;
	}
	if (!strcmp(k->name, "check_interval"))
		p->def_interval = u;
	else if (!strcmp(k->name, "connect_timeout"))
		p->def_connect = u;
	else
		p->def_retries = u;
	return 0;
}

/* Remember where the virtual's keys that are checked later were given. */
static void mark_virtual_key(struct parser *p, const char *name)
{
	struct vflags *f = cur_vf(p);

	if (!strcmp(name, "check_interval"))
		f->interval = 1;
	else if (!strcmp(name, "connect_timeout"))
		f->connect = 1;
	else if (!strcmp(name, "retries"))
		f->retries = 1;
	else if (!strcmp(name, "expect"))
		f->expect_line = p->line;
	else if (!strcmp(name, "send"))
		f->send_line = p->line;
	else if (!strcmp(name, "send_program"))
		f->program_line = p->line;
	else if (!strcmp(name, "http_regex"))
		f->regex_line = p->line;
	else if (!strcmp(name, "http_url"))
		f->url_line = p->line;
	else if (!strcmp(name, "port"))
		f->port_line = p->line;
	else if (!strcmp(name, "protocol"))
		f->proto_line = p->line;
}

static void key_value(struct parser *p, const char *key, const char *val)
{
	enum scope sc = cur_scope(p), other;
	const struct keydef *k = find_key(sc, key);
	size_t idx;

	if (!k) {
		for (other = 0; other < S_COUNT; other++)
			if (other != sc && find_key(other, key))
				break;
		if (other < S_COUNT)
			error(p, "key '%s' does not belong in %s (it belongs in %s)",
			      key, scope_names[sc], scope_names[other]);
		else
			error(p, "unknown key '%s'", key);
		return;
	}
	idx = (size_t)(k - tables[sc]);
	if (p->seen[sc][idx]) {
		error(p, "key '%s' given twice (first on line %d)", key,
		      p->seen[sc][idx]);
		return;
	}
	p->seen[sc][idx] = p->line;
	if (sc == S_SERVER && !strcmp(key, "port"))
		cur_vf(p)->port_lines[p->s - p->v->servers] = p->line;
	if (sc == S_VIRTUAL)
		mark_virtual_key(p, key);
	if (k->off == PARSER_KEY && k->kind != K_FUNC) {
		if (sc == S_GLOBAL || k->kind == K_ENUM)
			parser_key(p, k, val);
		return;
	}
	if (apply_key(p, k, val, cur_obj(p)) == 0 && k->has_off)
		*((char *)cur_obj(p) + k->has_off - 1) = true;
}

/* ------------------------------------------------------------------ */
/* Blocks                                                               */

static void reset_seen(struct parser *p, enum scope sc)
{
	memset(p->seen[sc], 0, table_len(tables[sc]) * sizeof(int));
}

static bool valid_name(const char *n)
{
	if (!*n || strlen(n) > MAX_NAME)
		return false;
	for (; *n; n++)
		if (*n <= ' ' || *n == '{' || *n == '}' || *n == '"' ||
		    *n == '=' || *n == '#')
			return false;
	return true;
}

static void *grow(void *arr, size_t n, size_t size)
{
	void *p = realloc(arr, (n + 1) * size);

	if (p)
		memset((char *)p + n * size, 0, size);
	return p;
}

static void open_virtual(struct parser *p, const char *name)
{
	struct vsd_conf *c = p->conf;
	struct vsd_virtual_conf *vs = grow(c->virtuals, c->n_virtuals,
					   sizeof(*vs));
	struct vflags *vf = vs ? grow(p->vf, c->n_virtuals, sizeof(*vf)) : NULL;
	struct vsd_virtual_conf *v;

	if (vs)
		c->virtuals = vs;
	if (!vs || !vf) {
		error(p, "out of memory");
		return;
	}
	p->vf = vf;
	vf[c->n_virtuals].check_type = CHECK_AUTO;
	v = &c->virtuals[c->n_virtuals++];
	v->name = strdup(name);
	v->line = p->line;
	v->active = true;
	v->protocol = 0;	/* index into proto_names: tcp */
	v->port = DEF_PORT;
	strcpy(v->sched, DEF_SCHED);
	v->pmask = 32;
	v->vip_nmask = 32;
	v->slow_start = true;
	v->agent_port = DEF_AGENT_PORT;
	v->load_interval = DEF_LOAD_INTERVAL;
	v->check.timeout = DEF_TIMEOUT;
	v->check.reentry = DEF_REENTRY;
	v->check.interval = UNSET;
	v->check.connect_timeout = UNSET;
	v->check.http_status = DEF_HTTP_STATUS;
	p->v = v;
	reset_seen(p, S_VIRTUAL);
}

static void open_server(struct parser *p, const char *name)
{
	struct vsd_virtual_conf *v = p->v;
	struct vsd_server_conf *ss = grow(v->servers, v->n_servers, sizeof(*ss));
	int *pl = ss ? grow(cur_vf(p)->port_lines, v->n_servers, sizeof(int))
		     : NULL;
	struct vsd_server_conf *s;

	if (ss)
		v->servers = ss;
	if (!ss || !pl) {
		error(p, "out of memory");
		return;
	}
	cur_vf(p)->port_lines = pl;
	s = &v->servers[v->n_servers++];
	s->name = strdup(name);
	s->line = p->line;
	s->active = true;
	s->weight = 1;
	p->s = s;
	reset_seen(p, S_SERVER);
}

static void open_block(struct parser *p, const char *word, const char *name)
{
	if (!strcmp(word, "failover")) {
		error(p, "failover services (Piranha's 'failover' blocks) are not supported");
		return;
	}
	if (!valid_name(name)) {
		error(p, "bad %s name '%s' (expected 1 to 64 characters, no spaces, quotes, braces, '=' or '#')",
		      word, name);
		return;
	}
	if (!strcmp(word, "virtual")) {
		if (p->v)
			error(p, "'virtual %s' inside another block (virtual '%s' opened on line %d is not closed)",
			      name, p->v->name, p->v->line);
		else
			open_virtual(p, name);
	} else {
		if (!p->v || p->s)
			error(p, "'server %s' outside a virtual block", name);
		else
			open_server(p, name);
	}
}

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
		return bad_value(p, line, key, raw,
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
		return bad_value(p, line, key, raw, expect);
	}
	ret = regcomp(&r, re, REG_EXTENDED | REG_NOSUB);

	if (!ret) {
		regfree(&r);
		return 0;
	}
	regerror(ret, &r, msg, sizeof(msg));
	snprintf(expect, sizeof(expect), "a POSIX extended regex: %s", msg);
	return bad_value(p, line, key, raw, expect);
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
		return bad_value(p, line, "send_program", prog,
				 "a program and its arguments, quotes balanced");
	if (argv[0][0] != '/') {
		vsd_exec_argv_free(argv);
		return bad_value(p, line, "send_program", prog,
				 "an absolute path, e.g. \"/usr/local/bin/check %h\"");
	}
	ret = stat(argv[0], &st) || !S_ISREG(st.st_mode) ||
	      access(argv[0], X_OK);
	vsd_exec_argv_free(argv);
	if (ret)
		return bad_value(p, line, "send_program", prog,
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
		at_line(p, v->line, "virtual '%s': check_type program needs send_program",
			v->name);
	if (c->type == VSD_CHECK_HTTP && c->protocol == IPPROTO_UDP)
		at_line(p, f->proto_line ? f->proto_line : v->line,
			"virtual '%s': an HTTP check needs protocol tcp",
			v->name);
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
			bad_value(p, f->port_lines[i], "port", "0",
				  "1..65535: a server of a single-port service needs a port");
		s->check_port = v->check.check_port ? v->check.check_port :
				s->port ? s->port : v->port;
		if (!s->addr.ip && s->name)
			at_line(p, s->line, "server '%s': key 'address' is missing",
				s->name);
		for (j = 0; j < i; j++) {
			if (!strcmp(v->servers[j].name, s->name))
				at_line(p, s->line, "server '%s' defined twice in virtual '%s' (first on line %d)",
					s->name, v->name, v->servers[j].line);
			else if (s->addr.ip && v->servers[j].addr.ip == s->addr.ip &&
				 v->servers[j].port == s->port)
				at_line(p, s->line, "server '%s' has the same address and port as server '%s' (line %d)",
					s->name, v->servers[j].name,
					v->servers[j].line);
		}
	}
}

static void close_virtual(struct parser *p)
{
	struct vsd_virtual_conf *v = p->v;
	struct vflags *f = cur_vf(p);
	struct vsd_check_conf *c = &v->check;

	v->protocol = v->protocol ? IPPROTO_UDP : IPPROTO_TCP;
	c->protocol = v->protocol;
	if (!v->has_addr && !v->fwmark)
		at_line(p, v->line, "virtual '%s': key 'address' is missing",
			v->name);
	if (!v->port && !v->fwmark && !v->persistent)
		bad_value(p, f->port_line ? f->port_line : v->line, "port", "0",
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

/* Direct routing cannot rewrite ports: a server's port must be the
 * virtual's. Only known once the whole file (and `network`) is read.
 */
static void check_forwarding(struct parser *p)
{
	struct vsd_conf *c = p->conf;
	size_t i, j;

	for (i = 0; i < c->n_virtuals; i++) {
		struct vsd_virtual_conf *v = &c->virtuals[i];

		v->fwd = c->network == VSD_NET_DIRECT ? VS_FWD_DR : VS_FWD_NAT;
		if (v->fwd != VS_FWD_DR)
			continue;
		for (j = 0; j < v->n_servers; j++) {
			struct vsd_server_conf *s = &v->servers[j];
			char val[16], exp[96];
			uint16_t want = v->fwmark ? 0 : v->port;

			if (s->port == want)
				continue;
			snprintf(val, sizeof(val), "%u", s->port);
			snprintf(exp, sizeof(exp),
				 "%u, the virtual's port: direct routing cannot change ports",
				 want);
			bad_value(p, p->vf[i].port_lines[j] ?
				  p->vf[i].port_lines[j] : s->line, "port", val,
				  exp);
		}
	}
}

static void check_duplicates(struct parser *p)
{
	struct vsd_conf *c = p->conf;
	size_t i, j;

	for (i = 0; i < c->n_virtuals; i++) {
		struct vsd_virtual_conf *v = &c->virtuals[i];
		struct vs_service a, b;

		vsd_virtual_key(v, &a);
		for (j = 0; j < i; j++) {
			struct vsd_virtual_conf *w = &c->virtuals[j];

			vsd_virtual_key(w, &b);
			if (!strcmp(v->name, w->name))
				at_line(p, v->line, "virtual '%s' defined twice (first on line %d)",
					v->name, w->line);
			else if (vs_service_same(&a, &b))
				at_line(p, v->line, "virtual '%s' is the same service as virtual '%s' (line %d)",
					v->name, w->name, w->line);
		}
		for (j = 0; v->has_sorry && j < v->n_servers; j++)
			if (v->servers[j].addr.ip == v->sorry_addr.ip &&
			    v->servers[j].port == v->sorry_port)
				at_line(p, v->line, "virtual '%s': sorry_server is also server '%s'",
					v->name, v->servers[j].name);
	}
}

/* The line a global key was given on, 0 if it was not. */
static int global_line(const struct parser *p, const char *key)
{
	size_t i;

	for (i = 0; global_keys[i].name; i++)
		if (!strcmp(global_keys[i].name, key))
			return p->seen[S_GLOBAL][i];
	return 0;
}

/*
 * Failover needs both directors' addresses, a key that is root's alone,
 * and a device for every address that floats. Checked here so that
 * `vsd -t` says so before a director is ever started with it.
 */
static void check_failover(struct parser *p)
{
	struct vsd_conf *c = p->conf;
	int line = global_line(p, "heartbeat");
	struct vsd_hb_key key;
	const char *why;
	size_t i;

	if (!c->heartbeat)
		return;
	if (!c->has_primary || !c->has_backup)
		at_line(p, line, "heartbeat = 1 needs both 'primary' and 'backup'");
	if (c->has_primary_private != c->has_backup_private)
		at_line(p, line, "'primary_private' and 'backup_private' go together");
	if (!c->heartbeat_key) {
		/* An lvs.cf from a Piranha router must still load. */
		p->line = line;
		note(p, "heartbeat = 1 without 'heartbeat_key': no failover until a key file is configured (vsd.conf(5)); the primary holds the addresses, the backup never takes over");
		return;
	}
	if (vsd_hb_key_load(c->heartbeat_key, &key, &why))
		at_line(p, global_line(p, "heartbeat_key"),
			"key 'heartbeat_key': bad value '%s' (%s)", c->heartbeat_key, why);
	if (c->deadtime <= c->keepalive)
		at_line(p, global_line(p, "deadtime"),
			"key 'deadtime': bad value '%g' (expected more than keepalive, %g s)",
			c->deadtime / 1000.0, c->keepalive / 1000.0);
	for (i = 0; i < c->n_virtuals; i++) {
		const struct vsd_virtual_conf *v = &c->virtuals[i];

		if (v->active && v->has_addr && (!v->dev || !*v->dev))
			at_line(p, v->line, "virtual '%s': failover moves its address, which needs a device (address = VIP eth0:1)",
				v->name);
	}
	if (c->has_nat_router && (!c->nat_router_dev || !*c->nat_router_dev))
		at_line(p, global_line(p, "nat_router"),
			"key 'nat_router': failover moves it, which needs a device (nat_router = IP eth1:1)");
}

/* TLS needs both halves; a half-configured panel would fall back to
 * plain HTTP, which is what the certificate was meant to prevent.
 */
static void check_web(struct parser *p)
{
	struct vsd_conf *c = p->conf;

	if (!c->web_cert != !c->web_key)
		at_line(p, global_line(p, c->web_cert ? "web_cert" : "web_key"),
			"'web_cert' and 'web_key' go together (TLS needs both)");
	if (c->web_passwd_file && c->web_passwd_file[0] != '/')
		bad_value(p, global_line(p, "web_passwd_file"), "web_passwd_file",
			  c->web_passwd_file, "an absolute path");
}

/* ------------------------------------------------------------------ */
/* Lines                                                                */

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			 e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* The value after '=': "quoted" (backslash keeps a quote inside; escapes
 * stay for the key to resolve) or bare up to a " #" comment.
 */
/*
 * What the writer cannot write back, the parser does not take either (a
 * panel save would fail on it forever): no control characters in a
 * value. A tab between words of a plain value is a blank; in a quoted
 * one it is written \t.
 */
static int check_controls(struct parser *p, const char *key, char *v,
			  bool quoted)
{
	for (; *v; v++) {
		unsigned char ch = (unsigned char)*v;

		if (ch == '\t' && !quoted) {
			*v = ' ';
		} else if (ch < 0x20 || ch == 0x7f) {
			error(p, "key '%s': a control character (0x%02x) in the value; write \\t, \\n or \\r inside quotes",
			      key, ch);
			return -1;
		}
	}
	return 0;
}

static int split_value(struct parser *p, const char *key, char *s,
		       char **val)
{
	char *e, *hash;

	s = trim(s);
	if (*s == '"') {
		for (e = s + 1; *e && *e != '"'; e++)
			if (*e == '\\' && e[1])
				e++;
		if (*e != '"') {
			error(p, "key '%s': no closing quote in %s", key, s);
			return -1;
		}
		*e = '\0';
		if (*trim(e + 1) && *trim(e + 1) != '#') {
			error(p, "key '%s': text after the closing quote: '%s'",
			      key, trim(e + 1));
			return -1;
		}
		*val = s + 1;
		return check_controls(p, key, *val, true);
	}
	for (hash = s; (hash = strchr(hash, '#')); hash++)
		if (hash > s && (hash[-1] == ' ' || hash[-1] == '\t')) {
			*hash = '\0';
			break;
		}
	*val = trim(s);
	return check_controls(p, key, *val, false);
}

static void parse_block_open(struct parser *p, char *s)
{
	char word[16], name[256], brace[4], extra;
	int n = sscanf(s, "%15s %255s %3s %c", word, name, brace, &extra);

	if (n == 3 && !strcmp(brace, "{")) {
		open_block(p, word, name);
		return;
	}
	/* "virtual NAME{" */
	if (n == 2 && name[strlen(name) - 1] == '{' && strlen(name) > 1) {
		name[strlen(name) - 1] = '\0';
		open_block(p, word, name);
		return;
	}
	error(p, "expected '%s NAME {', got '%s'", word, s);
}

static void parse_close(struct parser *p)
{
	if (p->s) {
		p->s = NULL;
	} else if (p->v) {
		close_virtual(p);
	} else {
		error(p, "'}' without an open block");
	}
}

static bool is_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	return !strncmp(s, w, n) && (s[n] == ' ' || s[n] == '\t' ||
				     s[n] == '{' || !s[n]);
}

static void parse_line(struct parser *p, char *line)
{
	char *s = trim(line), *eq, *key, *val;

	if (!*s || *s == '#')
		return;
	if (!strcmp(s, "}")) {
		parse_close(p);
		return;
	}
	if (is_word(s, "virtual") || is_word(s, "server") ||
	    is_word(s, "failover")) {
		parse_block_open(p, s);
		return;
	}
	eq = strchr(s, '=');
	if (!eq) {
		error(p, "expected 'key = value', 'virtual NAME {', 'server NAME {' or '}', got '%s'",
		      s);
		return;
	}
	*eq = '\0';
	key = trim(s);
	if (!*key || strpbrk(key, " \t")) {
		error(p, "bad key '%s' (expected one word before '=')", key);
		return;
	}
	if (split_value(p, key, eq + 1, &val) == 0)
		key_value(p, key, val);
}

/* ------------------------------------------------------------------ */

static char *read_file(const char *path, int *err)
{
	FILE *f = fopen_regular(path);
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		*err = errno;
		return NULL;
	}
	do {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = 2 * cap + 8192);

			if (!nb) {
				free(buf);
				fclose(f);
				*err = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n == 4096);
	*err = ferror(f) ? EIO : 0;
	fclose(f);
	if (*err) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		free(buf);
		*err = EILSEQ;
		return NULL;
	}
	return buf;
}

static int parser_init(struct parser *p, const char *path,
		       struct vsd_diag *diag)
{
	enum scope sc;

	memset(p, 0, sizeof(*p));
	p->path = path;
	p->diag = diag;
	p->def_interval = p->def_connect = p->def_retries = UNSET;
	p->conf = calloc(1, sizeof(*p->conf));
	if (!p->conf)
		return -1;
	for (sc = 0; sc < S_COUNT; sc++) {
		p->seen[sc] = calloc(table_len(tables[sc]) + 1, sizeof(int));
		if (!p->seen[sc])
			return -1;
	}
	p->conf->path = strdup(path);
	p->conf->heartbeat_port = DEF_HEARTBEAT_PORT;
	p->conf->keepalive = DEF_KEEPALIVE;
	p->conf->deadtime = DEF_DEADTIME;
	p->conf->garp_repeat = 5;
	p->conf->garp_interval = 1000;
	p->conf->preempt = true;
	p->conf->syncdaemon = true;
	p->conf->network = VSD_NET_NAT;
	p->conf->nat_nmask = 24;
	p->conf->reconcile_interval = DEF_RECONCILE;
	p->conf->shutdown = VSD_SHUTDOWN_KEEP;
	p->conf->web_port = VSD_WEB_PORT;
	p->conf->web_listen.ip = htonl(INADDR_LOOPBACK);
	p->conf->web_allow[0] = (struct vsd_cidr){ .ip = htonl(0x7f000001), .plen = 32 };
	p->conf->n_web_allow = 1;
	p->conf->web_passwd_file = strdup(VSD_WEB_PASSWD_DEFAULT);
	return 0;
}

static void parser_done(struct parser *p)
{
	enum scope sc;

	size_t i;

	for (sc = 0; sc < S_COUNT; sc++)
		free(p->seen[sc]);
	for (i = 0; p->conf && i < p->conf->n_virtuals; i++)
		free(p->vf[i].port_lines);
	free(p->vf);
}

static void parse_text(struct parser *p, char *text)
{
	char *line = text, *nl;

	for (p->line = 1; line; p->line++, line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		parse_line(p, line);
		if (!nl)
			break;
	}
	if (p->s)
		at_line(p, p->s->line, "server '%s' is not closed with '}'",
			p->s->name);
	if (p->v) {
		if (!p->s)
			at_line(p, p->v->line, "virtual '%s' is not closed with '}'",
				p->v->name);
		p->s = NULL;
		close_virtual(p);
	}
	inherit_timing(p);
	check_forwarding(p);
	check_duplicates(p);
	check_failover(p);
	check_web(p);
}

int vsd_conf_parse(const char *path, const char *text, struct vsd_conf **out,
		   struct vsd_diag *diag)
{
	struct parser p;
	char *buf;
	int err = 0;

	*out = NULL;
	memset(diag, 0, sizeof(*diag));
	buf = text ? strdup(text) : read_file(path, &err);
	if (!buf) {
		struct parser q = { .path = path, .diag = diag };

		at_line(&q, 0, "cannot read: %s", err == EILSEQ ?
			"it holds a NUL byte" : err == EINVAL ?
			"not a regular file" : strerror(err ? err : ENOMEM));
		return -1;
	}
	if (parser_init(&p, path, diag)) {
		error(&p, "out of memory");
		free(buf);
		parser_done(&p);
		vsd_conf_free(p.conf);
		return -1;
	}
	parse_text(&p, buf);
	free(buf);
	parser_done(&p);
	if (diag->n_errors) {
		vsd_conf_free(p.conf);
		return -1;
	}
	*out = p.conf;
	return 0;
}

/* ------------------------------------------------------------------ */

void vsd_virtual_key(const struct vsd_virtual_conf *v, struct vs_service *s)
{
	memset(s, 0, sizeof(*s));
	s->af = AF_INET;
	if (v->fwmark) {
		s->fwmark = v->fwmark;
		return;
	}
	s->protocol = v->protocol;
	s->addr = v->addr;
	s->port = v->port;
}

const char *vsd_check_type_name(enum vsd_check_type t)
{
	static const char *const names[] = {
		[VSD_CHECK_CONNECT] = "connect", [VSD_CHECK_HTTP] = "http",
		[VSD_CHECK_PROGRAM] = "program", [VSD_CHECK_NONE] = "none",
		[VSD_CHECK_AGENT] = "agent",
	};

	return names[t];
}

static void free_check(struct vsd_check_conf *c)
{
	free(c->send);
	free(c->expect);
	free(c->program);
	free(c->http_url);
	free(c->http_host);
	free(c->http_regex);
}

void vsd_conf_free(struct vsd_conf *c)
{
	size_t i, j;

	if (!c)
		return;
	for (i = 0; i < c->n_virtuals; i++) {
		struct vsd_virtual_conf *v = &c->virtuals[i];

		for (j = 0; j < v->n_servers; j++)
			free(v->servers[j].name);
		free(v->servers);
		free(v->name);
		free(v->dev);
		free_check(&v->check);
	}
	free(c->virtuals);
	free(c->path);
	free(c->nat_router_dev);
	free(c->syncd_iface);
	free(c->active_cmd);
	free(c->inactive_cmd);
	free(c->heartbeat_key);
	free(c->web_cert);
	free(c->web_key);
	free(c->web_passwd_file);
	free(c);
}
