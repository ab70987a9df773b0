// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration's keys (conf_keys.h): one table per scope, each key
 * with its field, type, range and default, and the parsers of their
 * values. An unknown key, a key given twice or a bad value is an error
 * naming the file, the line, the key and the value.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "conf_int.h"

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
		conf_note(p, "key '%s' is obsolete and ignored", k->name);
		return 0;
	}
	return -1;
}

/* A numeric address of either family (no names: a configuration that
 * changes with DNS is not one), its family in *af.
 */
static int parse_addr_af(const char *s, uint16_t *af, union vs_addr *a)
{
	struct in6_addr in6;

	if (!vs_parse_ipv4(s, a)) {
		*af = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &in6) != 1)
		return -1;
	memset(a, 0, sizeof(*a));
	memcpy(a->bytes, &in6, sizeof(a->bytes));
	*af = AF_INET6;
	return 0;
}

/* "192.168.26.10 eth0:1": an address and, optionally, its device. The
 * VIP (v6 true) may be of either family, nat_router only IPv4.
 */
static int addr_dev(struct parser *p, const struct keydef *k,
		    const char *val, void *obj, bool v6, uint16_t *af)
{
	char addr[64], dev[64], extra;
	union vs_addr a;
	int n = sscanf(val, "%63s %63s %c", addr, dev, &extra);
	uint16_t fam = AF_INET;

	if (n < 1 || n > 2 ||
	    (v6 ? parse_addr_af(addr, &fam, &a) : vs_parse_ipv4(addr, &a)))
		return bad(p, k->name, val, v6 ?
			   "an IPv4 or IPv6 address and optionally a device, e.g. 192.168.26.10 eth0:1 or 2001:db8::10 eth0" :
			   "an IPv4 address and optionally a device, e.g. 192.168.26.10 eth0:1");
	memcpy((char *)obj + k->off, &a, sizeof(a));
	if (af)
		*af = fam;
	if (n == 2) {
		char **devp = (char **)((char *)obj + k->aux_off);

		free(*devp);
		*devp = strdup(dev);
	}
	return 0;
}

static int fn_addr_dev(struct parser *p, const struct keydef *k,
		       const char *val, void *obj)
{
	return addr_dev(p, k, val, obj, false, NULL);
}

static int fn_vip(struct parser *p, const struct keydef *k, const char *val,
		  void *obj)
{
	struct vsd_virtual_conf *v = obj;

	return addr_dev(p, k, val, obj, true, &v->af);
}

static int fn_server_addr(struct parser *p, const struct keydef *k,
			  const char *val, void *obj)
{
	struct vsd_server_conf *s = obj;

	if (parse_addr_af(val, &s->af, &s->addr))
		return bad(p, k->name, val, "an IPv4 or IPv6 address");
	return 0;
}

/* "10.11.12.100", "10.11.12.100:8080", "2001:db8::64" or
 * "[2001:db8::64]:8080".
 */
static int fn_sorry(struct parser *p, const struct keydef *k,
		    const char *val, void *obj)
{
	struct vsd_virtual_conf *v = obj;
	char host[64];
	const char *port = NULL;
	uint16_t pn = 0;

	if (vs_split_hostport_af(val, host, sizeof(host), &port) ||
	    parse_addr_af(host, &v->sorry_af, &v->sorry_addr) ||
	    (port && (vs_parse_port(port, IPPROTO_TCP, &pn) || !pn)))
		return bad(p, k->name, val,
			   "an IPv4 address, optionally with :port, or an IPv6 one, [in brackets] with :port");
	v->sorry_port = pn;
	v->has_sorry = true;
	return 0;
}

/* Not a source the kernel takes (multicast, 255.255.255.255: EINVAL) or
 * its "none" (all zeros): told by `vsd -t` rather than at every pass of
 * the reconciler.
 */
static bool unicast(uint16_t af, const union vs_addr *a)
{
	static const union vs_addr zero;

	if (!memcmp(a, &zero, sizeof(*a)))
		return false;
	if (af == AF_INET6)
		return a->bytes[0] != 0xff;
	return !IN_MULTICAST(ntohl(a->ip)) && ntohl(a->ip) != INADDR_BROADCAST;
}

/* tunnel_source: one address; its family against the servers' is
 * checked with the whole file (conf_check.c).
 */
static int fn_tun_src(struct parser *p, const struct keydef *k,
		      const char *val, void *obj)
{
	struct vsd_virtual_conf *v = obj;
	uint16_t af;
	union vs_addr a;

	if (parse_addr_af(val, &af, &a))
		return bad(p, k->name, val, "an IPv4 or IPv6 address");
	if (!unicast(af, &a))
		return bad(p, k->name, val,
			   "a unicast address of this director (leave tunnel_source out for the route's source)");
	v->tun_src_af = af;
	v->tun_src = a;
	v->has_tun_src = true;
	return 0;
}

/* The persistence mask waits for the block's end, where the family is
 * known (an address may follow it): conf_check.c reads it.
 */
static int fn_pmask(struct parser *p, const struct keydef *k,
		    const char *val, void *obj)
{
	struct vflags *f = cur_vf(p);

	(void)obj;
	if (strlen(val) >= sizeof(f->pmask))
		return bad(p, k->name, val, "a netmask or a prefix length");
	strcpy(f->pmask, val);
	f->pmask_line = p->line;
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

/*
 * scheduler_flags: ipvsadm's -b names, comma-separated. sh's and mh's
 * names need that scheduler, checked when the block ends (the scheduler
 * may come later in it); flag-1..3 go with any.
 */
static const struct {
	const char *name, *sched;
	uint32_t flag;
} sched_flags[] = {
	{ "flag-1", "", VS_SVC_F_SCHED1 },
	{ "flag-2", "", VS_SVC_F_SCHED2 },
	{ "flag-3", "", VS_SVC_F_SCHED3 },
	{ "sh-fallback", "sh", VS_SVC_F_SH_FALLBACK },
	{ "sh-port", "sh", VS_SVC_F_SH_PORT },
	{ "mh-fallback", "mh", VS_SVC_F_MH_FALLBACK },
	{ "mh-port", "mh", VS_SVC_F_MH_PORT },
};

#define N_SCHED_FLAGS (sizeof(sched_flags) / sizeof(sched_flags[0]))

static int sched_flag(const char *s, size_t len)
{
	size_t i;

	for (i = 0; len && i < N_SCHED_FLAGS; i++)
		if (strlen(sched_flags[i].name) == len &&
		    !strncmp(s, sched_flags[i].name, len))
			return (int)i;
	return -1;
}

static int fn_sched_flags(struct parser *p, const struct keydef *k,
			  const char *val, void *obj)
{
	struct vsd_virtual_conf *v = obj;
	struct vflags *f = cur_vf(p);
	const char *s = val;
	uint32_t bits = 0;
	int i;

	f->flags_sched[0] = '\0';
	while (*s) {
		size_t len = strcspn(s, ",");

		if (!len) {	/* "a,,b": as vsadm, an empty one is none */
			s++;
			continue;
		}
		i = sched_flag(s, len);
		if (i < 0 || (*sched_flags[i].sched && *f->flags_sched &&
			      strcmp(f->flags_sched, sched_flags[i].sched)))
			return bad(p, k->name, val,
				   i < 0 ? "flags of sh-fallback,sh-port (sh), mh-fallback,mh-port (mh), flag-1,flag-2,flag-3" :
				   "the flags of one scheduler, sh's or mh's");
		if (*sched_flags[i].sched)
			strcpy(f->flags_sched, sched_flags[i].sched);
		bits |= sched_flags[i].flag;
		s += len + (s[len] == ',');
	}
	if (!bits)
		return bad(p, k->name, val, "at least one flag, e.g. mh-port");
	snprintf(f->flags_text, sizeof(f->flags_text), "%s", val);
	v->sched_flags = bits;
	return 0;
}

const char *vsd_sched_flag_name(const char *sched, uint32_t flag)
{
	size_t i;

	for (i = 3; i < N_SCHED_FLAGS; i++)
		if (sched_flags[i].flag == flag && !strcmp(sched, sched_flags[i].sched))
			return sched_flags[i].name;
	for (i = 0; i < 3; i++)
		if (sched_flags[i].flag == flag)
			return sched_flags[i].name;
	return NULL;
}

void vsd_sched_flags_str(const char *sched, uint32_t flags, char *buf,
			 size_t len)
{
	uint32_t bit;
	size_t n = 0;

	buf[0] = '\0';
	for (bit = VS_SVC_F_SCHED1; bit <= VS_SVC_F_SCHED3; bit <<= 1)
		if ((flags & bit) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "",
					      vsd_sched_flag_name(sched, bit));
}

/*
 * director: one line per director of an active-active mesh, this one
 * included. Each must be an address a director can hold, and listed once.
 */
static int fn_director(struct parser *p, const struct keydef *k,
		       const char *val, void *obj)
{
	struct vsd_conf *c = obj;
	char exp[96];
	union vs_addr a;
	unsigned int i;

	if (vs_parse_ipv4(val, &a) || !unicast(AF_INET, &a) ||
	    (ntohl(a.ip) >> 24) == 127)
		return bad(p, k->name, val, "a unicast IPv4 address of a director, not a loopback one");
	for (i = 0; i < c->n_directors; i++)
		if (c->directors[i] == a.ip) {
			snprintf(exp, sizeof(exp), "each director once (it is on line %d too)",
				 p->director_lines[i]);
			return bad(p, k->name, val, exp);
		}
	if (c->n_directors == VSD_DIRECTORS_MAX) {
		snprintf(exp, sizeof(exp), "at most %d directors", VSD_DIRECTORS_MAX);
		return bad(p, k->name, val, exp);
	}
	p->director_lines[c->n_directors] = p->line;
	c->directors[c->n_directors++] = a.ip;
	return 0;
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
		c->network = VSD_NET_TUNNEL;
	else
		return bad(p, k->name, val, "nat, direct or tunnel");
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
		conf_note(p, "load_monitor '%s' is obsolete and ignored (no load monitoring; see load_monitor = agent)",
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
/* Their index is the value: VS_TUN_*, enum vsd_tun_csum. */
static const char *const tun_names[] = { "ipip", "gue", "gre", NULL };
static const char *const csum_names[] = { "nocsum", "csum", "remcsum", NULL };
static const char *const check_names[] = {
	"connect", "http", "program", "none", "auto", NULL
};


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
	/* active-active (vsd) */
	{ .name = "active_active", .kind = K_BOOL, G(active_active) },
	{ .name = "director", .kind = K_FUNC, .fn = fn_director, .repeat = true },
	{ .name = "announce_table", .kind = K_UINT, G(announce_table), .min = 1,
	  .max = UINT32_MAX, .expect = "a routing table" },
	{ .name = "drain_timeout", .kind = K_DURATION, G(drain_timeout),
	  SECS(1000, MAX_DURATION) },
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
	  HAS(struct vsd_virtual_conf, has_addr), .fn = fn_vip },
	{ .name = "vip_nmask", .kind = K_NETMASK, V(vip_nmask) },
	{ .name = "sorry_server", .kind = K_FUNC, .fn = fn_sorry },
	{ .name = "fwmark", .kind = K_UINT, V(fwmark), .min = 1, .max = UINT32_MAX,
	  .expect = "a firewall mark" },
	{ .name = "protocol", .kind = K_ENUM, V(protocol), .names = proto_names,
	  .expect = "tcp or udp" },
	{ .name = "port", .kind = K_UINT, V(port), .max = 65535, .expect = "a port" },
	{ .name = "scheduler", .kind = K_FUNC, .fn = fn_sched },
	{ .name = "scheduler_flags", .kind = K_FUNC, .fn = fn_sched_flags },
	{ .name = "persistent", .kind = K_UINT, V(persistent), .max = VS_PERSIST_TIMEOUT_MAX,
	  .expect = "seconds (0: off)" },
	{ .name = "pmask", .kind = K_FUNC, .fn = fn_pmask },
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
	{ .name = "ipv6", .kind = K_BOOL, V(ipv6) },
	{ .name = "tunnel_type", .kind = K_ENUM, V(tun_type), .names = tun_names,
	  .expect = "ipip, gue or gre" },
	{ .name = "tunnel_port", .kind = K_UINT, V(tun_port), .min = 1, .max = 65535,
	  .expect = "a UDP port" },
	{ .name = "tunnel_checksum", .kind = K_ENUM, V(tun_csum), .names = csum_names,
	  .expect = "nocsum, csum or remcsum" },
	{ .name = "tunnel_source", .kind = K_FUNC, .fn = fn_tun_src },
	{ .name = NULL }
};

static const struct keydef server_keys[] = {
	{ .name = "address", .kind = K_FUNC, .fn = fn_server_addr },
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

size_t conf_keys_count(enum scope sc)
{
	return table_len(tables[sc]);
}

int conf_key_line(const struct parser *p, enum scope sc, const char *key)
{
	size_t i;

	for (i = 0; tables[sc][i].name; i++)
		if (!strcmp(tables[sc][i].name, key))
			return p->seen[sc][i];
	return 0;
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
	else if (!strcmp(name, "ipv6"))
		f->ipv6_line = p->line;
	else if (!strcmp(name, "sorry_server"))
		f->sorry_line = p->line;
	else if (!strcmp(name, "tunnel_type"))
		f->tun_type_line = p->line;
	else if (!strcmp(name, "tunnel_port"))
		f->tun_port_line = p->line;
	else if (!strcmp(name, "tunnel_checksum"))
		f->tun_csum_line = p->line;
	else if (!strcmp(name, "tunnel_source"))
		f->tun_src_line = p->line;
	else if (!strcmp(name, "scheduler"))
		f->sched_line = p->line;
	else if (!strcmp(name, "scheduler_flags"))
		f->sched_flags_line = p->line;
}

void conf_key_value(struct parser *p, const char *key, const char *val)
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
	if (p->seen[sc][idx] && !k->repeat) {
		error(p, "key '%s' given twice (first on line %d)", key,
		      p->seen[sc][idx]);
		return;
	}
	if (!p->seen[sc][idx])
		p->seen[sc][idx] = p->line;
	if (sc == S_SERVER && !strcmp(key, "port"))
		cur_vf(p)->port_lines[p->s - p->v->servers] = p->line;
	if (sc == S_SERVER && !strcmp(key, "address"))
		cur_vf(p)->addr_lines[p->s - p->v->servers] = p->line;
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
