// SPDX-License-Identifier: GPL-2.0
/*
 * vsadm's output. The text layouts are ipvsadm 1.31's, byte for byte
 * (column widths, trailing spaces, name truncation), because scripts and
 * eyes parse them; only the first line of -L names vs instead of IPVS.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cli.h"
#include "list.h"

/* ipvsadm cuts IPv4 names to fit its columns, IPv6 ones not. */
#define SVC_NAME_MAX	33
#define DEST_NAME_MAX	28
/* ipvsadm's addrport_to_anyname() writes into 60 bytes, of either family. */
#define ANYNAME_MAX	59

static bool is_v6(uint16_t af)
{
	return af == AF_INET6;
}

void vsadm_largenum(char *buf, size_t len, uint64_t v, bool exact)
{
	unsigned long long i = v;

	if (exact) {
		int digits = snprintf(NULL, 0, "%llu", i);

		snprintf(buf, len, "%*llu", digits <= 8 ? 9 : digits + 1, i);
	} else if (i < 100000000ULL) {
		snprintf(buf, len, "%9llu", i);
	} else if (i < 1000000000ULL) {
		snprintf(buf, len, "%8lluK", i / 1000);
	} else if (i < 100000000000ULL) {
		snprintf(buf, len, "%8lluM", i / 1000000);
	} else if (i < 100000000000000ULL) {
		snprintf(buf, len, "%8lluG", i / 1000000000ULL);
	} else {
		snprintf(buf, len, "%8lluT", i / 1000000000000ULL);
	}
}

static void put_largenum(FILE *f, uint64_t v, unsigned int fmt)
{
	char buf[32];

	vsadm_largenum(buf, sizeof(buf), v, fmt & FMT_EXACT);
	fputs(buf, f);
}

/* ------------------------------------------------------------------ */
/* Order                                                                */

/*
 * ipvsadm compares with a plain int subtraction of unsigned values, so
 * addresses more than 2^31 apart compare "backwards": 192.168.0.30 sorts
 * before 10.0.0.2. Admins know that order from ipvsadm -L, so keep it.
 */
static int wrap_cmp(uint32_t a, uint32_t b)
{
	int32_t d = (int32_t)(a - b);

	return (d > 0) - (d < 0);
}

/*
 * libipvs compares IPv6 addresses the same way one 32-bit word after the
 * other, and IPv4 ones by their only word: words is 4 or 1. The other
 * three words of an IPv4 address are zero, so all four order addresses of
 * one family as libipvs does.
 */
static int addr_cmp(const union vs_addr *a, const union vs_addr *b,
		    int words)
{
	int i, r = 0;

	for (i = 0; !r && i < words; i++)
		r = wrap_cmp(ntohl(a->ip6[i]), ntohl(b->ip6[i]));
	return r;
}

int vsadm_cmp_services(const void *pa, const void *pb)
{
	const struct vs_virtual *a = pa, *b = pb;
	int r = wrap_cmp(a->fwmark, b->fwmark);

	if (r)
		return r;
	if (is_v6(a->af) != is_v6(b->af))
		return is_v6(a->af) ? 1 : -1;	/* AF_INET < AF_INET6 */
	if (a->protocol != b->protocol)
		return a->protocol < b->protocol ? -1 : 1;
	r = addr_cmp(&a->addr, &b->addr, 4);
	if (r)
		return r;
	return (a->port > b->port) - (a->port < b->port);
}

/*
 * ipvs_cmp_dests() goes by the first server's family alone: an IPv4 one
 * compares the first word of both addresses, an IPv6 one all four. So a
 * tunneled server of the other family compares unlike its neighbours
 * (32.1.13.184 and [2001:db8::1] are equal one way round, not the other),
 * and the order then depends on the sort's steps, which vsadm_msort()
 * takes as glibc's qsort does. A server whose af is 0 (its service's)
 * compares all four words, right for one family.
 */
int vsadm_cmp_dests(const void *pa, const void *pb)
{
	const struct vs_real *a = pa, *b = pb;
	int r = addr_cmp(&a->addr, &b->addr, a->af == AF_INET ? 1 : 4);

	if (r)
		return r;
	return (a->port > b->port) - (a->port < b->port);
}

/*
 * A merge sort: stable, and well defined even though the comparisons above
 * are not transitive for addresses spread over the whole space, nor
 * symmetric across families (glibc's qsort has had memory-safety bugs
 * with such comparisons). Its steps are those of glibc's merge sort
 * (msort_with_tmp, which glibc's qsort, ipvsadm's sort, runs on any
 * table that fits in memory): the same halves, and the left element first
 * unless it compares above the right one, so that even such comparisons
 * give ipvsadm's order.
 */
static void msort_rec(char *a, char *tmp, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	msort_rec(a, tmp, mid, size, cmp);
	msort_rec(a + mid * size, tmp, n - mid, size, cmp);
	while (i < mid && j < n) {
		if (cmp(a + i * size, a + j * size) <= 0)
			memcpy(tmp + k++ * size, a + i++ * size, size);
		else
			memcpy(tmp + k++ * size, a + j++ * size, size);
	}
	memcpy(tmp + k * size, a + i * size, (mid - i) * size);
	k += mid - i;
	memcpy(tmp + k * size, a + j * size, (n - j) * size);
	memcpy(a, tmp, n * size);
}

void vsadm_msort(void *base, size_t n, size_t size,
		 int (*cmp)(const void *, const void *))
{
	char *tmp;

	if (n < 2)
		return;
	tmp = malloc(n * size);
	if (!tmp)
		return;		/* unsorted output beats none */
	msort_rec(base, tmp, n, size, cmp);
	free(tmp);
}

void vsadm_sort_dests(struct vs_virtual *s)
{
	vsadm_msort(s->dests, s->n_dests, sizeof(*s->dests), vsadm_cmp_dests);
}

void vsadm_sort_table(struct vs_table *t)
{
	size_t i;

	vsadm_msort(t->svcs, t->n, sizeof(*t->svcs), vsadm_cmp_services);
	for (i = 0; i < t->n; i++)
		vsadm_sort_dests(&t->svcs[i]);
}

/* ------------------------------------------------------------------ */
/* Text                                                                 */

void vsadm_print_version_line(FILE *f, const struct vs_info *info)
{
	fprintf(f, "IP Virtual Server (vs) version %u.%u.%u (size=%u)\n",
		info->version >> 16, (info->version >> 8) & 0xff,
		info->version & 0xff, info->conn_tab_size);
}

void vsadm_print_title(FILE *f, unsigned int fmt)
{
	const char *local = "Prot LocalAddress:Port";

	if (fmt & FMT_STATS)
		fprintf(f, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
			local, "Conns", "InPkts", "OutPkts", "InBytes",
			"OutBytes");
	else if (fmt & FMT_RATE)
		fprintf(f, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
			local, "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
	else if (fmt & FMT_THRESHOLDS)
		fprintf(f, "%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n",
			local, "Uthreshold", "Lthreshold", "ActiveConn",
			"InActConn");
	else if (fmt & FMT_PCONN)
		fprintf(f, "%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n",
			local, "Weight", "PersistConn", "ActiveConn",
			"InActConn");
	else if (fmt & FMT_TUN_INFO)
		fputs("Prot LocalAddress:Port Scheduler Flags\n"
		      "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n",
		      f);
	else
		fputs("Prot LocalAddress:Port Scheduler Flags\n"
		      "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n",
		      f);
}

/* Port names of a fwmark service's servers are looked up as TCP, as
 * ipvsadm does (it sets TCP on every fwmark service).
 */
static uint8_t name_proto(const struct vs_virtual *s)
{
	return s->fwmark ? IPPROTO_TCP : s->protocol;
}

/*
 * "addr:port" or "[v6]:port", as addrport_to_anyname() makes it: cut to
 * 59 characters in listings; not in -S, whose lines must restore.
 */
static void anyname(char *buf, size_t len, uint16_t af,
		    const union vs_addr *a, uint16_t port, uint8_t proto,
		    unsigned int fmt)
{
	vs_hostport_str_af(buf, len, af, a, port, proto, fmt & FMT_NUMERIC);
	if (!(fmt & FMT_RULE) && len > ANYNAME_MAX)
		buf[ANYNAME_MAX] = '\0';
}

static void fwm_label(char *buf, size_t len, const struct vs_virtual *s,
		      unsigned int fmt)
{
	if (fmt & FMT_RULE)
		snprintf(buf, len, "-f %u%s", s->fwmark,
			 is_v6(s->af) ? " -6" : "");
	else
		snprintf(buf, len, "FWM  %u%s", s->fwmark,
			 is_v6(s->af) ? " IPv6" : "");
}

static void svc_label(char *buf, size_t len, const struct vs_virtual *s,
		      unsigned int fmt)
{
	char hp[VS_HOSTPORT_MAX];

	if (s->fwmark) {
		fwm_label(buf, len, s, fmt);
		return;
	}
	anyname(hp, sizeof(hp), s->af, &s->addr, s->port, s->protocol, fmt);
	if (fmt & FMT_RULE) {
		snprintf(buf, len, "%s %s",
			 s->protocol == IPPROTO_UDP ? "-u" : "-t", hp);
		return;
	}
	snprintf(buf, len, "%s  %s", vs_proto_name(s->protocol), hp);
	if (!is_v6(s->af) && len > SVC_NAME_MAX)
		buf[SVC_NAME_MAX] = '\0';
}

/* In the server's own family, which a tunnel may have of its own. */
static void dest_label(char *buf, size_t len, const struct vs_virtual *s,
		       const struct vs_real *d, unsigned int fmt)
{
	uint16_t af = vs_real_af(s, d);

	anyname(buf, len, af, &d->addr, d->port, name_proto(s), fmt);
	if (!(fmt & FMT_RULE) && !is_v6(af) && len > DEST_NAME_MAX)
		buf[DEST_NAME_MAX] = '\0';
}

/* ipvsadm's fwd_name() and fwd_switch(). */
static const char *fwd_name(uint8_t fwd)
{
	return fwd == VS_FWD_NAT ? "Masq" : fwd == VS_FWD_TUNNEL ? "Tunnel" :
	       "Route";
}

static const char *fwd_switch(uint8_t fwd)
{
	return fwd == VS_FWD_NAT ? "-m" : fwd == VS_FWD_TUNNEL ? "-i" : "-g";
}

/* ipvsadm's tunnames[], and NULL for a type it does not know. */
static const char *tun_name(uint8_t type)
{
	static const char *const names[] = {
		[VS_TUN_IPIP] = "ipip", [VS_TUN_GUE] = "gue",
		[VS_TUN_GRE] = "gre",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}

/*
 * Which of ipvsadm's three checksum settings (its tunflags[] and
 * tun_flags_opts[] index the flags as 0, 1, 2); both bits, which ipvsadm
 * cannot set, count as remote checksum offload, which implies a checksum.
 */
static int csum_index(uint16_t flags)
{
	if (flags & VS_TUN_F_REMCSUM)
		return 2;
	return flags & VS_TUN_F_CSUM ? 1 : 0;
}

/*
 * --tun-info's column, as ipvsadm's fwd_tun_info() writes it: "ipip",
 * "gue:6080:+c", "gre:-c"; "n/a" for a server that is not tunneled or a
 * type ipvsadm does not know.
 */
static void tun_info(char *buf, size_t len, const struct vs_real *d)
{
	static const char *const flags[] = { "-c", "+c", "r+c" };
	const char *name = tun_name(d->tun_type);
	char src[INET6_ADDRSTRLEN];
	int n;

	if (d->fwd != VS_FWD_TUNNEL || !name)
		n = snprintf(buf, len, "n/a");
	else if (d->tun_type == VS_TUN_GUE)
		n = snprintf(buf, len, "%s:%u:%s", name, d->tun_port,
			     flags[csum_index(d->tun_flags)]);
	else if (d->tun_type == VS_TUN_GRE)
		n = snprintf(buf, len, "%s:%s", name,
			     flags[csum_index(d->tun_flags)]);
	else
		n = snprintf(buf, len, "%s", name);
	/* ours: the outer source, which ipvsadm has not */
	if (name && (d->set & VS_HAS_TUN_SRC) && n > 0 && (size_t)n < len) {
		vs_addr_str_af(d->af, &d->tun_src, src, sizeof(src));
		snprintf(buf + n, len - n, "@%s", src);
	}
}

/*
 * ipvsadm's print_tunnel_rule(): the type always, gue's port, and for
 * gue and gre the checksum option, --tun-nocsum included.
 */
static void print_tunnel_rule(FILE *f, const struct vs_real *d)
{
	static const char *const opts[] = {
		"--tun-nocsum", "--tun-csum", "--tun-remcsum",
	};
	const char *name = tun_name(d->tun_type);

	if (!name)
		return;
	fprintf(f, " --tun-type %s", name);
	if (d->tun_type == VS_TUN_GUE)
		fprintf(f, " --tun-port %u", d->tun_port);
	if (d->tun_type != VS_TUN_IPIP)
		fprintf(f, " %s", opts[csum_index(d->tun_flags)]);
	if (d->set & VS_HAS_TUN_SRC) {
		char src[INET6_ADDRSTRLEN];

		vs_addr_str_af(d->af, &d->tun_src, src, sizeof(src));
		fprintf(f, " --tun-src %s", src);
	}
}

/*
 * A persistence mask other than the whole address: ipvsadm writes an IPv4
 * one dotted, an IPv6 one as its prefix length.
 */
static bool mask_str(const struct vs_virtual *s, char *buf, size_t len)
{
	if (is_v6(s->af)) {
		snprintf(buf, len, "%u", s->netmask);
		return s->netmask != 128;
	}
	vs_mask_str(s->netmask, buf, len);
	return s->netmask != 32;
}

static bool persistent(const struct vs_virtual *s)
{
	return s->flags & VS_SVC_F_PERSISTENT;
}

/*
 * The scheduler flags as ipvsadm names them: sh and mh name their own two,
 * another scheduler its flag-N; comma-separated, "" if none.
 */
void vsadm_sched_flags_str(const struct vs_virtual *s, char *buf, size_t len)
{
	static const char *const names[3][3] = {
		{ "sh-fallback", "sh-port", NULL },
		{ "mh-fallback", "mh-port", NULL },
		{ "flag-1", "flag-2", "flag-3" },
	};
	int row = !strcmp(s->sched, "sh") ? 0 : !strcmp(s->sched, "mh") ? 1 : 2;
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < 3; i++) {
		if (!(s->flags & (VS_SVC_F_SCHED1 << i)) || !names[row][i])
			continue;
		used += snprintf(buf + used, len > used ? len - used : 0, "%s%s",
				 used ? "," : "", names[row][i]);
	}
}

static bool has_sched_flags(const struct vs_virtual *s)
{
	return s->flags & __VS_SVC_F_SCHED_ALL;
}

static void print_rule(FILE *f, const struct vs_virtual *s, const char *name,
		       unsigned int fmt)
{
	char mask[INET_ADDRSTRLEN], dname[VS_HOSTPORT_MAX], flags[64];
	size_t i;

	fprintf(f, "-A %s -s %s", name, s->sched);
	if (persistent(s)) {
		fprintf(f, " -p %u", s->timeout);
		if (mask_str(s, mask, sizeof(mask)))
			fprintf(f, " -M %s", mask);
	}
	if (has_sched_flags(s)) {
		vsadm_sched_flags_str(s, flags, sizeof(flags));
		fprintf(f, " -b %s", flags);
	}
	fputc('\n', f);
	for (i = 0; i < s->n_dests; i++) {
		const struct vs_real *d = &s->dests[i];

		dest_label(dname, sizeof(dname), s, d, fmt);
		fprintf(f, "-a %s -r %s %s -w %u", name, dname,
			fwd_switch(d->fwd), d->weight);
		if (d->fwd == VS_FWD_TUNNEL)
			print_tunnel_rule(f, d);
		/* ipvsadm -S drops thresholds; restoring must not. */
		if (d->u_thresh || d->l_thresh)
			fprintf(f, " -x %u -y %u", d->u_thresh, d->l_thresh);
		fputc('\n', f);
	}
}

static void print_stats_line(FILE *f, const char *prefix, const char *name,
			     const struct vs_traffic *st, unsigned int fmt)
{
	fprintf(f, "%s%-*s", prefix, *prefix ? DEST_NAME_MAX : SVC_NAME_MAX,
		name);
	put_largenum(f, st->conns, fmt);
	put_largenum(f, st->inpkts, fmt);
	put_largenum(f, st->outpkts, fmt);
	put_largenum(f, st->inbytes, fmt);
	put_largenum(f, st->outbytes, fmt);
	fputc('\n', f);
}

static void print_svc_rate(FILE *f, const char *name,
			   const struct vs_traffic *st, unsigned int fmt)
{
	fprintf(f, "%-33s", name);
	put_largenum(f, st->cps, fmt);
	put_largenum(f, st->inpps, fmt);
	put_largenum(f, st->outpps, fmt);
	put_largenum(f, st->inbps, fmt);
	put_largenum(f, st->outbps, fmt);
	fputc('\n', f);
}

/* ipvsadm prints a server's packet rates plainly, only its byte rates
 * abbreviated.
 */
static void print_dest_rate(FILE *f, const char *name,
			    const struct vs_traffic *st, unsigned int fmt)
{
	fprintf(f, "  -> %-28s %8llu %8llu %8llu", name,
		(unsigned long long)st->cps, (unsigned long long)st->inpps,
		(unsigned long long)st->outpps);
	put_largenum(f, st->inbps, fmt);
	put_largenum(f, st->outbps, fmt);
	fputc('\n', f);
}

static void print_svc_line(FILE *f, const struct vs_virtual *s,
			   const char *name)
{
	char mask[INET_ADDRSTRLEN], flags[64];

	fprintf(f, "%s %s", name, s->sched);
	if (has_sched_flags(s)) {
		vsadm_sched_flags_str(s, flags, sizeof(flags));
		fprintf(f, " (%s)", flags);
	}
	if (persistent(s)) {
		fprintf(f, " persistent %u", s->timeout);
		if (mask_str(s, mask, sizeof(mask)))
			fprintf(f, " mask %s", mask);
	}
	fputc('\n', f);
}

static void print_dest(FILE *f, const struct vs_virtual *s,
		       const struct vs_real *d, unsigned int fmt)
{
	char name[VS_HOSTPORT_MAX], info[16 + INET6_ADDRSTRLEN];

	dest_label(name, sizeof(name), s, d, fmt);
	if (fmt & FMT_STATS)
		print_stats_line(f, "  -> ", name, &d->stats, fmt);
	else if (fmt & FMT_RATE)
		print_dest_rate(f, name, &d->stats, fmt);
	else if (fmt & FMT_THRESHOLDS)
		fprintf(f, "  -> %-28s %-10u %-10u %-10u %-10u\n", name,
			d->u_thresh, d->l_thresh, d->active_conns,
			d->inact_conns);
	else if (fmt & FMT_PCONN)
		fprintf(f, "  -> %-28s %-9u %-11u %-10u %-10u\n", name,
			d->weight, d->persist_conns, d->active_conns,
			d->inact_conns);
	else if (fmt & FMT_TUN_INFO) {
		tun_info(info, sizeof(info), d);
		fprintf(f, "  -> %-28s %-7s %-13s %-6u %-10u %-10u\n", name,
			fwd_name(d->fwd), info, d->weight, d->active_conns,
			d->inact_conns);
	} else {
		fprintf(f, "  -> %-28s %-7s %-6u %-10u %-10u\n", name,
			fwd_name(d->fwd), d->weight, d->active_conns,
			d->inact_conns);
	}
}

void vsadm_print_service(FILE *f, const struct vs_virtual *s,
			 unsigned int fmt)
{
	char name[VS_HOSTPORT_MAX + 8];
	size_t i;

	svc_label(name, sizeof(name), s, fmt);
	if (fmt & FMT_RULE) {
		print_rule(f, s, name, fmt);
		return;
	}
	if (fmt & FMT_STATS)
		print_stats_line(f, "", name, &s->stats, fmt);
	else if (fmt & FMT_RATE)
		print_svc_rate(f, name, &s->stats, fmt);
	else
		print_svc_line(f, s, name);
	for (i = 0; i < s->n_dests; i++)
		print_dest(f, s, &s->dests[i], fmt);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void json_addr(FILE *f, uint16_t af, const union vs_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	vs_addr_str_af(af, a, buf, sizeof(buf));
	json_str(f, buf);
}

static const char *json_af(uint16_t af)
{
	return is_v6(af) ? "inet6" : "inet";
}

static void json_stats(FILE *f, const struct vs_traffic *s)
{
	fprintf(f, "{\"conns\": %llu, \"inpkts\": %llu, \"outpkts\": %llu, "
		"\"inbytes\": %llu, \"outbytes\": %llu, \"cps\": %llu, "
		"\"inpps\": %llu, \"outpps\": %llu, \"inbps\": %llu, "
		"\"outbps\": %llu}",
		(unsigned long long)s->conns, (unsigned long long)s->inpkts,
		(unsigned long long)s->outpkts, (unsigned long long)s->inbytes,
		(unsigned long long)s->outbytes, (unsigned long long)s->cps,
		(unsigned long long)s->inpps, (unsigned long long)s->outpps,
		(unsigned long long)s->inbps, (unsigned long long)s->outbps);
}

static const char *json_fwd(uint8_t fwd)
{
	return fwd == VS_FWD_NAT ? "masq" : fwd == VS_FWD_TUNNEL ? "tunnel" :
	       "route";
}

/*
 * A tunneled server's encapsulation, null for the others: its type, gue's
 * port (null for the others) and the checksum option without "--tun-"
 * ("nocsum", "csum", "remcsum"; null for ipip, which has none).
 */
static void json_tunnel(FILE *f, const struct vs_real *d)
{
	static const char *const csum[] = { "nocsum", "csum", "remcsum" };
	const char *name = tun_name(d->tun_type);

	if (d->fwd != VS_FWD_TUNNEL) {
		fputs("null", f);
		return;
	}
	fputs("{\"type\": ", f);
	if (name)
		json_str(f, name);
	else
		fprintf(f, "%u", d->tun_type);
	if (d->tun_type == VS_TUN_GUE)
		fprintf(f, ", \"port\": %u", d->tun_port);
	else
		fputs(", \"port\": null", f);
	if (d->tun_type == VS_TUN_IPIP)
		fputs(", \"csum\": null", f);
	else
		fprintf(f, ", \"csum\": \"%s\"", csum[csum_index(d->tun_flags)]);
	fputs(", \"src\": ", f);
	if (d->set & VS_HAS_TUN_SRC) {
		char src[INET6_ADDRSTRLEN];

		vs_addr_str_af(d->af, &d->tun_src, src, sizeof(src));
		json_str(f, src);
	} else {
		fputs("null", f);
	}
	fputc('}', f);
}

static void json_dest(FILE *f, const struct vs_virtual *s,
		      const struct vs_real *d)
{
	uint16_t af = vs_real_af(s, d);

	fputs("{\"address\": ", f);
	json_addr(f, af, &d->addr);
	fprintf(f, ", \"port\": %u, \"forward\": \"%s\", \"weight\": %u, "
		"\"upper_threshold\": %u, \"lower_threshold\": %u, "
		"\"active_conns\": %u, \"inactive_conns\": %u, "
		"\"persistent_conns\": %u, \"af\": \"%s\", \"tunnel\": ",
		d->port, json_fwd(d->fwd), d->weight, d->u_thresh, d->l_thresh,
		d->active_conns, d->inact_conns, d->persist_conns,
		json_af(af));
	json_tunnel(f, d);
	fputs(", \"stats\": ", f);
	json_stats(f, &d->stats);
	fputc('}', f);
}

static void json_service(FILE *f, const struct vs_virtual *s)
{
	char mask[INET6_ADDRSTRLEN], flags[64], *flag, *save = NULL;
	uint8_t all = is_v6(s->af) ? 128 : 32;
	size_t i;

	if (s->fwmark) {
		fprintf(f, "    {\"protocol\": \"fwmark\", \"address\": null, "
			"\"port\": null, \"fwmark\": %u", s->fwmark);
	} else {
		fprintf(f, "    {\"protocol\": \"%s\", \"address\": ",
			s->protocol == IPPROTO_UDP ? "udp" : "tcp");
		json_addr(f, s->af, &s->addr);
		fprintf(f, ", \"port\": %u, \"fwmark\": null", s->port);
	}
	fputs(", \"scheduler\": ", f);
	json_str(f, s->sched);
	fputs(", \"scheduler_flags\": [", f);
	vsadm_sched_flags_str(s, flags, sizeof(flags));
	for (flag = strtok_r(flags, ",", &save), i = 0; flag;
	     flag = strtok_r(NULL, ",", &save), i++) {
		fputs(i ? ", " : "", f);
		json_str(f, flag);
	}
	fputc(']', f);
	vs_mask_str_af(s->af, persistent(s) ? s->netmask : all, mask,
		       sizeof(mask));
	fprintf(f, ", \"persistent\": %s, \"timeout\": %u, \"netmask\": \"%s\", "
		"\"prefix_length\": %u, \"af\": \"%s\",\n     \"stats\": ",
		persistent(s) ? "true" : "false",
		persistent(s) ? s->timeout : 0, mask,
		persistent(s) ? s->netmask : all, json_af(s->af));
	json_stats(f, &s->stats);
	fputs(",\n     \"servers\": [", f);
	for (i = 0; i < s->n_dests; i++) {
		fputs(i ? ",\n       " : "\n       ", f);
		json_dest(f, s, &s->dests[i]);
	}
	fputs(s->n_dests ? "\n     ]}" : "]}", f);
}

static void json_table(FILE *f, const struct vs_info *info,
		       const struct vs_table *t)
{
	size_t i;

	fputs("{\n", f);
	if (info)
		fprintf(f, "  \"version\": \"%u.%u.%u\",\n  \"conn_tab_size\": %u,\n"
			"  \"connections\": %u,\n",
			info->version >> 16, (info->version >> 8) & 0xff,
			info->version & 0xff, info->conn_tab_size,
			info->conn_count);
	fputs("  \"services\": [", f);
	for (i = 0; i < t->n; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_service(f, &t->svcs[i]);
	}
	fputs(t->n ? "\n  ]\n}\n" : "]\n}\n", f);
}

/* info NULL: one service listed by -L -t, which has no version line. */
void vsadm_print_table(FILE *f, const struct vs_info *info,
		       const struct vs_table *t, unsigned int fmt)
{
	size_t i;

	if (fmt & FMT_JSON) {
		json_table(f, info, t);
		return;
	}
	if (!(fmt & FMT_RULE)) {
		if (info)
			vsadm_print_version_line(f, info);
		vsadm_print_title(f, fmt);
	}
	for (i = 0; i < t->n; i++)
		vsadm_print_service(f, &t->svcs[i], fmt);
}

void vsadm_print_timeouts(FILE *f, const struct vs_timeouts *t,
			  unsigned int fmt)
{
	if (fmt & FMT_JSON)
		fprintf(f, "{\"tcp\": %u, \"tcpfin\": %u, \"udp\": %u}\n",
			t->tcp, t->tcp_fin, t->udp);
	else
		fprintf(f, "Timeout (tcp tcpfin udp): %u %u %u\n", t->tcp,
			t->tcp_fin, t->udp);
}

/* ------------------------------------------------------------------ */
/* Connections                                                          */

static const char *const tcp_states[] = {
	[VS_TCP_S_NONE] = "NONE",
	[VS_TCP_S_ESTABLISHED] = "ESTABLISHED",
	[VS_TCP_S_SYN_SENT] = "SYN_SENT",
	[VS_TCP_S_SYN_RECV] = "SYN_RECV",
	[VS_TCP_S_FIN_WAIT] = "FIN_WAIT",
	[VS_TCP_S_TIME_WAIT] = "TIME_WAIT",
	[VS_TCP_S_CLOSE] = "CLOSE",
	[VS_TCP_S_CLOSE_WAIT] = "CLOSE_WAIT",
	[VS_TCP_S_LAST_ACK] = "LAST_ACK",
	[VS_TCP_S_LISTEN] = "LISTEN",
	[VS_TCP_S_SYNACK] = "SYNACK",
	[VS_UDP_S_NORMAL] = "UDP",	/* IPVS names its one UDP state so */
};

static const char *state_name(uint8_t state)
{
	if (state < sizeof(tcp_states) / sizeof(tcp_states[0]) &&
	    tcp_states[state])
		return tcp_states[state];
	return "UNKNOWN";
}

/* The real server's family: daf, or af when daf is 0 (not decoded). */
static uint16_t conn_daf(const struct vs_connection *c)
{
	return c->daf ? c->daf : c->af;
}

static void json_conn(FILE *f, const struct vs_connection *c)
{
	fprintf(f, "    {\"protocol\": \"%s\", \"af\": \"%s\", \"client\": ",
		c->protocol == IPPROTO_UDP ? "udp" :
		c->protocol == IPPROTO_TCP ? "tcp" : "ip", json_af(c->af));
	json_addr(f, c->af, &c->caddr);
	fprintf(f, ", \"client_port\": %u, \"virtual\": ", c->cport);
	json_addr(f, c->af, &c->vaddr);
	fprintf(f, ", \"virtual_port\": %u, \"server\": ", c->vport);
	json_addr(f, conn_daf(c), &c->daddr);
	fprintf(f, ", \"server_port\": %u, \"fwmark\": %u, \"state\": \"%s\", "
		"\"expires_ms\": %u, \"template\": %s, \"forward\": \"%s\", "
		"\"server_af\": \"%s\"}",
		c->dport, c->fwmark, state_name(c->state), c->expires_ms,
		(c->flags & VS_CONN_F_TEMPLATE) ? "true" : "false",
		json_fwd(c->fwd), json_af(conn_daf(c)));
}

static void print_conn(FILE *f, const struct vs_connection *c, unsigned int fmt)
{
	char cn[VS_HOSTPORT_MAX], vn[VS_HOSTPORT_MAX], dn[VS_HOSTPORT_MAX];
	char expire[16];
	unsigned int secs = c->expires_ms / 1000;

	/* IPv6 names overflow ipvsadm's columns, as they do there. */
	anyname(cn, sizeof(cn), c->af, &c->caddr, c->cport, c->protocol, fmt);
	anyname(vn, sizeof(vn), c->af, &c->vaddr, c->vport, c->protocol, fmt);
	anyname(dn, sizeof(dn), conn_daf(c), &c->daddr, c->dport, c->protocol,
		fmt);
	snprintf(expire, sizeof(expire), "%02u:%02u", secs / 60, secs % 60);
	fprintf(f, "%-3s %-6s %-11s %-18s %-18s %s\n",
		vs_proto_name(c->protocol), expire, state_name(c->state), cn,
		vn, dn);
}

void vsadm_print_conns(FILE *f, const struct vs_connection *c, size_t n,
		       unsigned int fmt)
{
	size_t i;

	if (fmt & FMT_JSON) {
		fputs("{\n  \"connections\": [", f);
		for (i = 0; i < n; i++) {
			fputs(i ? ",\n" : "\n", f);
			json_conn(f, &c[i]);
		}
		fputs(n ? "\n  ]\n}\n" : "]\n}\n", f);
		return;
	}
	fputs("IPVS connection entries\n", f);
	fprintf(f, "pro expire %-11s %-18s %-18s %s\n", "state", "source",
		"virtual", "destination");
	for (i = 0; i < n; i++)
		print_conn(f, &c[i], fmt);
}
