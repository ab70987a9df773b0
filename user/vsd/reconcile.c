// SPDX-License-Identifier: GPL-2.0
/*
 * The reconciler (see reconcile.h). One pass: dump the table (one netlink
 * dump for all services and servers), diff, apply the operations in
 * pipelined batches, log each change. Servers are added before others are
 * removed so a service never drops to no server in between.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "addr.h"
#include "log.h"
#include "loop.h"
#include "reconcile.h"

void want_free(struct want *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->svcs[i].dests);
	free(w->svcs);
	memset(w, 0, sizeof(*w));
}

/* ------------------------------------------------------------------ */
/* Diff                                                                 */

struct opv {
	struct vs_op *ops;
	size_t n, cap;
	int err;
};

static struct vs_op *push(struct opv *v, enum vs_op_kind kind,
			  const struct vs_virtual *key)
{
	struct vs_op *op;

	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 32;
		struct vs_op *n = realloc(v->ops, cap * sizeof(*n));

		if (!n) {
			v->err = -ENOMEM;
			return NULL;
		}
		v->ops = n;
		v->cap = cap;
	}
	op = &v->ops[v->n++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->bad_dest = -1;
	op->svc = *key;
	op->svc.dests = NULL;
	op->svc.n_dests = 0;
	return op;
}

static const struct vs_virtual *find_svc(const struct vs_table *t,
					 const struct vs_virtual *key)
{
	size_t i;

	for (i = 0; t && i < t->n; i++)
		if (vs_service_same(&t->svcs[i], key))
			return &t->svcs[i];
	return NULL;
}

static int dest_order(const void *pa, const void *pb);

/* A server's key is its family too (10.0.0.1 and [a00:1::] have the same
 * bytes), which vs_dest_same() leaves out: vsd's servers always say it.
 */
static const struct vs_real *find_dest(const struct vs_virtual *s,
				       const struct vs_real *key)
{
	size_t i;

	for (i = 0; s && i < s->n_dests; i++) {
		const struct vs_real *d = &s->dests[i];

		if (!dest_order(&d, &key))
			return d;
	}
	return NULL;
}

static bool params_differ(const struct vs_virtual *want,
			  const struct vs_virtual *have)
{
	return strcmp(want->sched, have->sched) || want->flags != have->flags ||
	       want->timeout != have->timeout ||
	       want->netmask != have->netmask;
}

/* A tunnel's outer source, if any: VS_HAS_TUN_SRC and not all zeros (a
 * reply sets the bit only for a source; an edit that removes one sends
 * zeros, and the in-memory table keeps them).
 */
static bool has_tun_src(const struct vs_real *d)
{
	static const union vs_addr none;

	return (d->set & VS_HAS_TUN_SRC) &&
	       memcmp(&d->tun_src, &none, sizeof(none));
}

static bool tun_src_differs(const struct vs_real *a, const struct vs_real *b)
{
	return has_tun_src(a) != has_tun_src(b) ||
	       (has_tun_src(a) && memcmp(&a->tun_src, &b->tun_src, sizeof(a->tun_src)));
}

/* A tunnel's encapsulation counts: a new type, port or source is an edit. */
static bool dest_differs(const struct vs_real *want, const struct vs_real *have)
{
	return want->fwd != have->fwd || want->weight != have->weight ||
	       want->u_thresh != have->u_thresh ||
	       want->l_thresh != have->l_thresh ||
	       (want->fwd == VS_FWD_TUNNEL &&
		(want->tun_type != have->tun_type ||
		 want->tun_port != have->tun_port ||
		 want->tun_flags != have->tun_flags ||
		 tun_src_differs(want, have)));
}

/*
 * The edit of a tunneled server the kernel has a source for, and the
 * configuration none: an all-zero source removes it. Only then, so a
 * configuration without tunnel_source never sends the attribute.
 */
static void drop_tun_src(struct vs_real *d, const struct vs_real *have)
{
	if (d->fwd != VS_FWD_TUNNEL || has_tun_src(d) || !has_tun_src(have))
		return;
	memset(&d->tun_src, 0, sizeof(d->tun_src));
	d->set |= VS_HAS_TUN_SRC;
}

static void add_service(struct opv *v, const struct want_service *ws)
{
	struct vs_op *op = push(v, VS_OP_ADD_SERVICE, &ws->s);
	size_t i, n = 0;

	if (!op)
		return;
	op->svc.dests = calloc(ws->n_dests ? ws->n_dests : 1,
			       sizeof(*op->svc.dests));
	if (!op->svc.dests) {
		v->err = -ENOMEM;
		return;
	}
	for (i = 0; i < ws->n_dests; i++)
		if (!ws->dests[i].optional)
			op->svc.dests[n++] = ws->dests[i].d;
	op->svc.n_dests = n;
}

/*
 * A pass looks every wanted service and server up in the kernel's table
 * and every kernel server up in the wanted ones: through sorted pointer
 * arrays, so a pass is n log n. A linear find per entry made it quadratic,
 * seconds per pass for a virtual of thousands of servers or a
 * configuration of thousands of virtuals. The order is any total order
 * whose equality is vs_service_same() and vs_dest_same().
 */
static int cmp_num(unsigned long a, unsigned long b)
{
	return a < b ? -1 : a > b;
}

static int svc_order(const void *pa, const void *pb)
{
	const struct vs_virtual *a = *(const struct vs_virtual * const *)pa;
	const struct vs_virtual *b = *(const struct vs_virtual * const *)pb;
	int c = cmp_num(a->af ? a->af : AF_INET, b->af ? b->af : AF_INET);

	if (c || (c = cmp_num(a->fwmark, b->fwmark)) || a->fwmark)
		return c;
	if ((c = cmp_num(a->protocol, b->protocol)) ||
	    (c = cmp_num(a->port, b->port)))
		return c;
	return memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

static int dest_order(const void *pa, const void *pb)
{
	const struct vs_real *a = *(const struct vs_real * const *)pa;
	const struct vs_real *b = *(const struct vs_real * const *)pb;
	int c = cmp_num(a->port, b->port);

	if (c || (c = cmp_num(a->af ? a->af : AF_INET, b->af ? b->af : AF_INET)))
		return c;
	return memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

/* n entries of size stride from first, as sorted pointers; NULL: no memory. */
static const void **sorted(const void *first, size_t n, size_t stride,
			   int (*order)(const void *, const void *))
{
	const void **v = malloc((n ? n : 1) * sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < n; i++)
		v[i] = (const char *)first + i * stride;
	qsort(v, n, sizeof(*v), order);
	return v;
}

static const void *lookup(const void **v, size_t n, const void *key,
			  int (*order)(const void *, const void *))
{
	const void **hit = n ? bsearch(&key, v, n, sizeof(*v), order) : NULL;

	return hit ? *hit : NULL;
}

static void sync_dests(struct opv *v, const struct want_service *ws,
		       const struct vs_virtual *have)
{
	const void **hv = sorted(have->dests, have->n_dests,
				 sizeof(*have->dests), dest_order);
	const void **wv = sorted(ws->n_dests ? &ws->dests[0].d : NULL,
				 ws->n_dests, sizeof(*ws->dests), dest_order);
	struct vs_op *op;
	size_t i;

	if (!hv || !wv) {
		v->err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ws->n_dests; i++) {
		const struct want_dest *wd = &ws->dests[i];
		const struct vs_real *hd = lookup(hv, have->n_dests, &wd->d,
						  dest_order);

		if (wd->optional || (hd && !dest_differs(&wd->d, hd)))
			continue;
		op = push(v, hd ? VS_OP_EDIT_DEST : VS_OP_ADD_DEST, &ws->s);
		if (!op)
			continue;
		op->dest = wd->d;
		if (hd)
			drop_tun_src(&op->dest, hd);
	}
	for (i = 0; i < have->n_dests; i++) {
		if (lookup(wv, ws->n_dests, &have->dests[i], dest_order))
			continue;
		op = push(v, VS_OP_DEL_DEST, &ws->s);
		if (op)
			op->dest = have->dests[i];
	}
out:
	free(hv);
	free(wv);
}

int rec_diff(const struct want *w, const struct vs_table *have,
	     struct vs_op **ops, size_t *n)
{
	size_t n_have = have ? have->n : 0;
	const void **hv = sorted(n_have ? have->svcs : NULL, n_have,
				 sizeof(*have->svcs), svc_order);
	struct opv v = { 0 };
	struct vs_op *op;
	size_t i;

	if (!hv)
		return -ENOMEM;
	for (i = 0; i < w->n && !v.err; i++) {
		const struct want_service *ws = &w->svcs[i];
		const struct vs_virtual *hs = lookup(hv, n_have, &ws->s,
						     svc_order);

		if (ws->absent)
			continue;
		if (!hs) {
			add_service(&v, ws);
			continue;
		}
		if (params_differ(&ws->s, hs) && (op = push(&v, VS_OP_EDIT_SERVICE,
							       &ws->s)))
			op->svc.set = ws->s.set;
		sync_dests(&v, ws, hs);
	}
	for (i = 0; i < w->n; i++)
		if (w->svcs[i].absent && lookup(hv, n_have, &w->svcs[i].s,
						svc_order))
			push(&v, VS_OP_DEL_SERVICE, &w->svcs[i].s);
	free(hv);
	if (v.err) {
		rec_ops_free(v.ops, v.n);
		return v.err;
	}
	*ops = v.ops;
	*n = v.n;
	return 0;
}

void rec_ops_free(struct vs_op *ops, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(ops[i].svc.dests);
		vs_op_clear(&ops[i]);
	}
	free(ops);
}

/* ------------------------------------------------------------------ */
/* Messages                                                             */

static void svc_str(const struct vs_virtual *s, char *buf, size_t len)
{
	char hp[VS_HOSTPORT_MAX];

	if (s->fwmark) {
		snprintf(buf, len, "FWM %u", s->fwmark);
		return;
	}
	vs_hostport_str_af(hp, sizeof(hp), s->af, &s->addr, s->port,
			   s->protocol, true);
	snprintf(buf, len, "%s %s", vs_proto_name(s->protocol), hp);
}

static void dest_str(const struct vs_virtual *s, const struct vs_real *d,
		     char *buf, size_t len)
{
	vs_hostport_str_af(buf, len, vs_real_af(s, d), &d->addr, d->port,
			   IPPROTO_TCP, true);
}

/* ipvsadm's names; a tunnel with its encapsulation, as -L --tun-info,
 * and its outer source (of af, the server's family).
 */
static const char *fwd_name(const struct vs_real *d, uint16_t af, char *buf,
			    size_t len)
{
	static const char *const tun[] = { "ipip", "gue", "gre" };
	char src[INET6_ADDRSTRLEN];

	if (d->fwd != VS_FWD_TUNNEL)
		return d->fwd == VS_FWD_NAT ? "masq" : "route";
	snprintf(buf, len, "tunnel %s", d->tun_type <= VS_TUN_MAX ?
		 tun[d->tun_type] : "?");
	if (d->tun_port)
		snprintf(buf + strlen(buf), len - strlen(buf), " port %u",
			 d->tun_port);
	if (d->tun_flags & VS_TUN_F_CSUM)
		snprintf(buf + strlen(buf), len - strlen(buf), " csum");
	if (d->tun_flags & VS_TUN_F_REMCSUM)
		snprintf(buf + strlen(buf), len - strlen(buf), " remcsum");
	if (has_tun_src(d)) {
		vs_addr_str_af(af, &d->tun_src, src, sizeof(src));
		snprintf(buf + strlen(buf), len - strlen(buf), " source %s", src);
	}
	return buf;
}

void rec_describe(const struct vs_op *op, const struct vs_table *have,
		  char *buf, size_t len)
{
	char s[VS_HOSTPORT_MAX + 8], d[VS_HOSTPORT_MAX], f[112], hf[112];
	const struct vs_real *hd = find_dest(find_svc(have, &op->svc), &op->dest);
	const struct vs_virtual *hs = find_svc(have, &op->svc);
	uint16_t af = vs_real_af(&op->svc, &op->dest);

	svc_str(&op->svc, s, sizeof(s));
	dest_str(&op->svc, &op->dest, d, sizeof(d));
	switch (op->kind) {
	case VS_OP_ADD_SERVICE:
		snprintf(buf, len, "%s: add service (%s, %zu servers)", s,
			 op->svc.sched, op->svc.n_dests);
		break;
	case VS_OP_EDIT_SERVICE:
		snprintf(buf, len, "%s: set scheduler %s, persistence %u/%u (was %s, %u/%u)",
			 s, op->svc.sched, op->svc.timeout, op->svc.netmask,
			 hs ? hs->sched : "?", hs ? hs->timeout : 0,
			 hs ? hs->netmask : 0);
		if (hs && ((op->svc.flags ^ hs->flags) & __VS_SVC_F_SCHED_ALL))
			snprintf(buf + strlen(buf), len - strlen(buf),
				 ", scheduler flags 0x%x (was 0x%x)",
				 op->svc.flags & __VS_SVC_F_SCHED_ALL,
				 hs->flags & __VS_SVC_F_SCHED_ALL);
		break;
	case VS_OP_DEL_SERVICE:
		snprintf(buf, len, "%s: delete service", s);
		break;
	case VS_OP_ADD_DEST:
		snprintf(buf, len, "%s: add server %s %s weight %u", s, d,
			 fwd_name(&op->dest, af, f, sizeof(f)), op->dest.weight);
		break;
	case VS_OP_EDIT_DEST:
		snprintf(buf, len, "%s: server %s %s weight %u (was %s weight %u%s)",
			 s, d, fwd_name(&op->dest, af, f, sizeof(f)), op->dest.weight,
			 hd ? fwd_name(hd, af, hf, sizeof(hf)) : "?", hd ? hd->weight : 0,
			 hd && (hd->u_thresh || hd->l_thresh) ? ", thresholds" : "");
		break;
	case VS_OP_DEL_DEST:
		snprintf(buf, len, "%s: delete server %s", s, d);
		break;
	default:
		snprintf(buf, len, "%s: operation %d", s, op->kind);
	}
}

/* ------------------------------------------------------------------ */
/* The in-memory table (--no-kernel)                                    */

static struct vs_virtual *fake_svc(struct vs_table *t,
				   const struct vs_virtual *key)
{
	return (struct vs_virtual *)find_svc(t, key);
}

static void fake_add_dest(struct vs_virtual *s, const struct vs_real *d)
{
	struct vs_real *n = realloc(s->dests, (s->n_dests + 1) * sizeof(*n));

	if (!n)
		return;
	s->dests = n;
	s->dests[s->n_dests++] = *d;
	s->num_dests = (uint32_t)s->n_dests;
}

static void fake_one(struct vs_table *t, const struct vs_op *op)
{
	struct vs_virtual *s = fake_svc(t, &op->svc), *n;
	struct vs_real *d = s ? (struct vs_real *)find_dest(s, &op->dest) : NULL;

	switch (op->kind) {
	case VS_OP_ADD_SERVICE:
		n = realloc(t->svcs, (t->n + 1) * sizeof(*n));
		if (!n || vs_service_copy(&n[t->n], &op->svc)) {
			if (n)
				t->svcs = n;
			return;
		}
		t->svcs = n;
		t->svcs[t->n].num_dests = (uint32_t)op->svc.n_dests;
		t->n++;
		break;
	case VS_OP_EDIT_SERVICE:
		if (s) {
			strcpy(s->sched, op->svc.sched);
			s->flags = op->svc.flags;
			s->timeout = op->svc.timeout;
			s->netmask = op->svc.netmask;
		}
		break;
	case VS_OP_DEL_SERVICE:
		if (s) {
			vs_service_free(s);
			*s = t->svcs[--t->n];
		}
		break;
	case VS_OP_ADD_DEST:
		if (s && !d)
			fake_add_dest(s, &op->dest);
		break;
	case VS_OP_EDIT_DEST:
		if (d)
			*d = op->dest;
		break;
	case VS_OP_DEL_DEST:
		if (d) {
			*d = s->dests[--s->n_dests];
			s->num_dests = (uint32_t)s->n_dests;
		}
		break;
	default:
		break;
	}
}

void rec_apply_fake(struct vs_table *t, const struct vs_op *ops, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fake_one(t, &ops[i]);
}

static int copy_table(struct vs_table *dst, const struct vs_table *src)
{
	size_t i;

	dst->svcs = calloc(src->n ? src->n : 1, sizeof(*dst->svcs));
	dst->n = 0;
	if (!dst->svcs)
		return -ENOMEM;
	for (i = 0; i < src->n; i++) {
		if (vs_service_copy(&dst->svcs[i], &src->svcs[i]))
			return -ENOMEM;
		dst->n++;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Passes                                                               */

int rec_open(struct reconciler *r, bool no_kernel)
{
	memset(r, 0, sizeof(*r));
	r->no_kernel = no_kernel;
	r->backup_only = no_kernel ? 0 : -1;
	r->want_sloppy_tcp = r->sloppy_tcp = -1;
	r->last_ret = -ENODATA;
	return no_kernel ? 0 : vs_open(&r->h);
}

void rec_close(struct reconciler *r)
{
	vs_close(r->h);
	vs_table_free(&r->fake);
	vs_table_free(&r->last);
	free(r->failed_svcs);
	r->failed_svcs = NULL;
	r->n_failed_svcs = 0;
	sb_free(&r->failed);
	sb_free(&r->failed_prev);
	r->h = NULL;
}

static int dump(struct reconciler *r, struct vs_table *t)
{
	struct vs_handle *h;
	int ret;

	memset(t, 0, sizeof(*t));
	if (r->no_kernel)
		return copy_table(t, &r->fake);
	ret = r->h ? vs_dump_table(r->h, t) : -VS_ENOMODULE;
	if (!ret)
		return 0;
	/* vs.ko unloaded and loaded again has a new family id: talk to it
	 * through a new handle.
	 */
	vs_table_free(t);
	if (vs_open(&h))
		return ret;
	vs_close(r->h);
	r->h = h;
	return vs_dump_table(r->h, t);
}

static int apply(struct reconciler *r, struct vs_op *ops, size_t n)
{
	if (r->no_kernel) {
		rec_apply_fake(&r->fake, ops, n);
		return 0;
	}
	return vs_apply(r->h, ops, n, false);
}

/* Was the difference op repairs made by someone else? It was if the table
 * no longer holds what vsd left there after its previous pass.
 */
static bool by_hand(const struct vs_op *op, const struct vs_table *have,
		    const struct vs_table *last)
{
	const struct vs_virtual *hs = find_svc(have, &op->svc);
	const struct vs_virtual *ls = find_svc(last, &op->svc);
	const struct vs_real *hd = find_dest(hs, &op->dest);
	const struct vs_real *ld = find_dest(ls, &op->dest);

	switch (op->kind) {
	case VS_OP_ADD_SERVICE:
		return ls != NULL;
	case VS_OP_EDIT_SERVICE:
		return ls && params_differ(ls, hs);
	case VS_OP_ADD_DEST:
		return ld != NULL;
	case VS_OP_EDIT_DEST:
		return ld && dest_differs(ld, hd);
	case VS_OP_DEL_DEST:
		return ls && !ld;
	default:
		return false;
	}
}

static void log_failure(struct reconciler *r, const char *what,
			const struct vs_op *op)
{
	char line[1024];
	size_t len;

	snprintf(line, sizeof(line), "%s: failed: %s%s%s\n", what,
		 vs_strerror(op->err), op->msg ? ": " : "",
		 op->msg ? op->msg : "");
	len = strlen(line);
	sb_printf(&r->failed, "%s", line);
	line[len - 1] = '\0';
	if (r->failed_prev.s && strstr(r->failed_prev.s, line))
		log_debug("%s (again)", line);
	else
		log_err("%s", line);
}

/* The failures of this pass become the ones not to repeat next time. */
static void rotate_failures(struct reconciler *r)
{
	struct strbuf t = r->failed_prev;

	r->failed_prev = r->failed;
	r->failed = t;
	r->failed.len = 0;
	if (r->failed.s)
		r->failed.s[0] = '\0';
}

static void log_ops(struct reconciler *r, const struct vs_op *ops, size_t n,
		    const struct vs_table *have)
{
	char what[512];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct vs_op *op = &ops[i];

		rec_describe(op, have, what, sizeof(what));
		if (op->err) {
			r->errors++;
			log_failure(r, what, op);
		} else if (r->passes && by_hand(op, have, &r->last)) {
			r->corrections++;
			log_warn("correcting a change made behind vsd's back: %s",
				 what);
		} else if (op->kind == VS_OP_EDIT_DEST) {
			log_debug("%s", what);	/* ramps and load: frequent */
		} else {
			log_info("%s", what);
		}
	}
}

static int sync_timeouts(struct reconciler *r, const struct vs_timeouts *w)
{
	struct vs_timeouts have, set = { 0 };
	int ret;

	if (r->no_kernel || !(w->tcp || w->tcp_fin || w->udp))
		return 0;
	ret = vs_get_timeouts(r->h, &have);
	if (ret)
		return ret;
	if (w->tcp && w->tcp != have.tcp)
		set.tcp = w->tcp;
	if (w->tcp_fin && w->tcp_fin != have.tcp_fin)
		set.tcp_fin = w->tcp_fin;
	if (w->udp && w->udp != have.udp)
		set.udp = w->udp;
	if (!set.tcp && !set.tcp_fin && !set.udp)
		return 0;
	log_info("connection timeouts: tcp %u tcpfin %u udp %u", w->tcp,
		 w->tcp_fin, w->udp);
	return vs_set_timeouts(r->h, &set);
}

int rec_backup_only(struct reconciler *r, bool on)
{
	int ret;

	r->want_backup_only = on;
	if (r->no_kernel) {
		r->backup_only = on;
		return 0;
	}
	ret = r->h ? vs_set_backup_only(r->h, on) : -VS_ENOMODULE;
	if (ret) {
		log_err("cannot set backup_only %d: %s", on, vs_strerror(ret));
		r->backup_only = -1;
		return ret;
	}
	if (r->backup_only != on)
		log_info("backup_only %s: %s", on ? "on" : "off",
			 on ? "a standby schedules nothing, packets to a VIP are served here"
			    : "directing");
	r->backup_only = on;
	return 0;
}

/* A standby must never schedule, even after vs.ko was loaded again (which
 * starts with backup_only off) or somebody set the sysctl.
 */
static void sync_backup_only(struct reconciler *r, const struct vs_info *info)
{
	r->backup_only = info->backup_only;
	if (info->backup_only == r->want_backup_only)
		return;
	log_warn("backup_only was %s behind vsd's back: setting it %s again",
		 info->backup_only ? "set" : "cleared",
		 r->want_backup_only ? "on" : "off");
	r->corrections++;
	rec_backup_only(r, r->want_backup_only);
}

int rec_sloppy_tcp(struct reconciler *r, bool on)
{
	int ret = 0;

	r->want_sloppy_tcp = on;
	if (!r->no_kernel)
		ret = r->h ? vs_set_sloppy_tcp(r->h, on) : -VS_ENOMODULE;
	if (ret && ret != r->sloppy_err)	/* said once, not at every pass */
		log_err("cannot set sloppy_tcp %d: %s", on, vs_strerror(ret));
	if (!ret && r->sloppy_tcp != on)
		log_info("sloppy_tcp %s", on ? "on: a TCP segment without a connection is scheduled (active-active)"
					     : "off");
	r->sloppy_err = ret;
	r->sloppy_tcp = ret ? -1 : on;
	return ret;
}

/* The same for sloppy_tcp, in active-active mode only. */
static void sync_sloppy_tcp(struct reconciler *r, const struct vs_info *info)
{
	if (r->want_sloppy_tcp < 0)
		return;
	if (!r->sloppy_err && info->sloppy_tcp == r->want_sloppy_tcp) {
		r->sloppy_tcp = info->sloppy_tcp;
		return;
	}
	if (!r->sloppy_err) {
		log_warn("sloppy_tcp was %s behind vsd's back: setting it %s again",
			 info->sloppy_tcp ? "set" : "cleared",
			 r->want_sloppy_tcp ? "on" : "off");
		r->corrections++;
	}
	rec_sloppy_tcp(r, r->want_sloppy_tcp);
}

static void sync_kernel_flags(struct reconciler *r)
{
	struct vs_info info;

	if (r->no_kernel || vs_get_info(r->h, &info))
		return;
	sync_backup_only(r, &info);
	sync_sloppy_tcp(r, &info);
}

bool rec_kernel_ok(struct reconciler *r)
{
	struct vs_handle *h;
	struct vs_info info;

	if (r->no_kernel || (r->h && !vs_get_info(r->h, &info)))
		return true;
	r->last_ret = -VS_ENOMODULE;	/* the table must be made again */
	if (vs_open(&h))
		return false;
	vs_close(r->h);
	r->h = h;
	return !vs_get_info(r->h, &info);
}

static bool in_failed(const struct reconciler *r, const struct vs_virtual *key)
{
	size_t i;

	for (i = 0; i < r->n_failed_svcs; i++)
		if (vs_service_same(&r->failed_svcs[i], key))
			return true;
	return false;
}

bool rec_service_ok(const struct reconciler *r, const struct vs_virtual *key)
{
	if (r->last_ret < 0 || (r->want_sloppy_tcp >= 0 && r->sloppy_err))
		return false;
	return !in_failed(r, key);
}

/* The services an operation of this pass failed on. */
static void note_failed(struct reconciler *r, const struct vs_op *ops,
			size_t n)
{
	struct vs_virtual *k;
	size_t i;

	r->n_failed_svcs = 0;
	for (i = 0; i < n; i++) {
		if (!ops[i].err || in_failed(r, &ops[i].svc))
			continue;
		k = realloc(r->failed_svcs, (r->n_failed_svcs + 1) * sizeof(*k));
		if (!k) {
			r->last_ret = -ENOMEM;	/* unknown: count it all failed */
			return;
		}
		r->failed_svcs = k;
		k[r->n_failed_svcs] = ops[i].svc;
		k[r->n_failed_svcs].dests = NULL;
		k[r->n_failed_svcs++].n_dests = 0;
	}
}

int rec_run(struct reconciler *r, const struct want *w)
{
	struct vs_table have;
	struct vs_op *ops = NULL;
	size_t n = 0, i;
	int terr, ret = dump(r, &have);

	if (ret) {
		if (ret != r->last_err)
			log_err("cannot read the table: %s", vs_strerror(ret));
		r->last_err = ret;
		r->last_ret = ret;
		return ret;
	}
	if (r->last_err)
		log_notice("the table can be read again");
	r->last_err = 0;
	sync_kernel_flags(r);
	ret = rec_diff(w, &have, &ops, &n);
	if (!ret && n) {
		ret = apply(r, ops, n);
		if (ret >= 0)
			log_ops(r, ops, n, &have);
		r->changes += n;
	}
	if (ret < 0)
		log_err("cannot change the table: %s", vs_strerror(ret));
	else if ((terr = sync_timeouts(r, &w->timeouts)))
		log_err("connection timeouts: %s", vs_strerror(terr));
	/* What status shows: the table as it is now, without a second dump. */
	if (!r->no_kernel)
		for (i = 0; i < n; i++)
			if (ops[i].done && !ops[i].err)
				fake_one(&have, &ops[i]);
	r->last_ret = ret;
	note_failed(r, ops, n);
	rec_ops_free(ops, n);
	rotate_failures(r);
	vs_table_free(&r->last);
	if (!r->no_kernel) {
		r->last = have;
	} else {
		vs_table_free(&have);
		copy_table(&r->last, &r->fake);
	}
	r->passes++;
	r->last_pass_wall = loop_wall();
	return ret;
}

int rec_remove_all(struct reconciler *r, const struct want *w)
{
	struct want gone = *w;
	size_t i;
	int ret;

	gone.svcs = calloc(w->n ? w->n : 1, sizeof(*gone.svcs));
	if (!gone.svcs)
		return -ENOMEM;
	for (i = 0; i < w->n; i++) {
		gone.svcs[i] = w->svcs[i];
		gone.svcs[i].absent = true;
		gone.svcs[i].dests = NULL;
		gone.svcs[i].n_dests = 0;
	}
	memset(&gone.timeouts, 0, sizeof(gone.timeouts));
	ret = rec_run(r, &gone);
	free(gone.svcs);
	return ret;
}
