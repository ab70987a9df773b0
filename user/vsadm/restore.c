// SPDX-License-Identifier: GPL-2.0
/*
 * vsadm -R. ipvsadm -R applies lines one by one and stops half way on the
 * first error; here bad input changes nothing:
 *
 * 1. every line is parsed (all syntax errors reported, with line numbers);
 * 2. the lines are replayed on a model of the kernel's current table, which
 *    catches "already exists" and "no such ..." before anything is sent,
 *    and yields the list of changes (a service and the servers right after
 *    it become one NEW_SERVICE message) with, for each, its inverse;
 * 3. the changes are sent pipelined; if the kernel refuses one anyway (a
 *    scheduler it lacks, memory), the applied ones are undone in reverse.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "kmap.h"
#include "restore.h"

#define MAX_WORDS	64
#define MAX_REPORTED	20

int vsadm_restore_read(FILE *in, struct rinput *r)
{
	char *line = NULL, **lines;
	size_t cap = 0, lcap = 0;
	ssize_t len;

	memset(r, 0, sizeof(*r));
	while ((len = getline(&line, &cap, in)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (r->n == lcap) {
			bool *nul;

			lcap = lcap ? lcap * 2 : 1024;
			lines = realloc(r->lines, lcap * sizeof(*lines));
			if (!lines)
				goto nomem;
			r->lines = lines;
			nul = realloc(r->nul, lcap * sizeof(*nul));
			if (!nul)
				goto nomem;
			r->nul = nul;
		}
		/* strdup would keep what comes before a NUL and drop the rest. */
		r->nul[r->n] = memchr(line, '\0', (size_t)len) != NULL;
		r->lines[r->n] = strdup(line);
		if (!r->lines[r->n])
			goto nomem;
		r->n++;
	}
	free(line);
	return ferror(in) ? -EIO : 0;
nomem:
	free(line);
	return -ENOMEM;
}

void vsadm_restore_free(struct rinput *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->lines[i]);
	free(r->lines);
	free(r->nul);
	memset(r, 0, sizeof(*r));
}

/*
 * Parse one line: 0 and cmd filled, 1 for a blank or comment line, or
 * EXIT_USAGE with err filled.
 */
static int parse_line(const char *text, struct vsadm_cmd *cmd, char *err,
		      size_t errlen)
{
	char *copy, *argv[MAX_WORDS], *save = NULL, *tok;
	int argc = 0, ret;

	text += strspn(text, " \t");
	if (!*text || *text == '#')
		return 1;
	copy = strdup(text);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return EXIT_USAGE;
	}
	for (tok = strtok_r(copy, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (argc == MAX_WORDS) {
			free(copy);
			snprintf(err, errlen, "too many words");
			return EXIT_USAGE;
		}
		argv[argc++] = tok;
	}
	ret = vsadm_parse(argc, argv, true, cmd, err, errlen);
	free(copy);
	return ret;
}

size_t vsadm_restore_check(const struct rinput *r, FILE *errf)
{
	char err[VSADM_ERR_MAX];
	struct vsadm_cmd cmd;
	size_t i, bad = 0;

	for (i = 0; i < r->n; i++) {
		if (r->nul[i])
			snprintf(err, sizeof(err), "a NUL byte in the line");
		else if (parse_line(r->lines[i], &cmd, err, sizeof(err)) != EXIT_USAGE)
			continue;
		if (bad++ < MAX_REPORTED)
			fprintf(errf, "vsadm: line %zu: %s\n", i + 1, err);
	}
	if (bad > MAX_REPORTED)
		fprintf(errf, "vsadm: %zu more bad lines\n", bad - MAX_REPORTED);
	return bad;
}

/* ------------------------------------------------------------------ */
/* The model: the table as it will be after each line                   */

struct msvc {
	struct vs_virtual s;	/* s.dests: its servers now */
	size_t cap;
	bool live;
};

struct model {
	struct msvc *v;
	size_t n, cap, live;
	struct kmap svcs;	/* key -> index in v */
	struct kmap dests;	/* (index, server) -> index in v[].s.dests */
	struct vs_timeouts to;
};

/*
 * The family is part of the key: fwmark 7 may be an IPv4 and an IPv6
 * service, and TCP 1.2.3.4:80 is not TCP [102:304::]:80, whose 16 bytes
 * are those of 1.2.3.4 with its 12 zeros.
 */
static void svc_key(struct kmap_key *k, const struct vs_virtual *s)
{
	memset(k, 0, sizeof(*k));
	k->b[0] = s->af == AF_INET6 ? 2 : 0;
	if (s->fwmark) {
		k->b[0] |= 1;
		memcpy(k->b + 4, &s->fwmark, sizeof(s->fwmark));
		return;
	}
	k->b[1] = s->protocol;
	memcpy(k->b + 2, &s->port, sizeof(s->port));
	memcpy(k->b + 8, &s->addr, sizeof(s->addr));
}

/*
 * A server's family is part of its key too: a tunnel's IPv4 10.0.0.1 and
 * a direct-routing [a00:1::] of the same IPv6 service differ.
 */
static void dest_key(struct kmap_key *k, const struct model *m, size_t svc,
		     const struct vs_real *d)
{
	uint32_t idx = (uint32_t)svc;

	memset(k, 0, sizeof(*k));
	memcpy(k->b, &idx, sizeof(idx));
	memcpy(k->b + 4, &d->port, sizeof(d->port));
	k->b[6] = vs_real_af(&m->v[svc].s, d) == AF_INET6 ? 6 : 4;
	memcpy(k->b + 8, &d->addr, sizeof(d->addr));
}

/* Every parameter of a server, its encapsulation if it is tunneled. */
static unsigned int dest_set(const struct vs_real *d)
{
	unsigned int set = VS_HAS_FWD | VS_HAS_WEIGHT | VS_HAS_U_THRESH |
			   VS_HAS_L_THRESH;

	return d->fwd == VS_FWD_TUNNEL ? set | VS_HAS_TUNNEL : set;
}

static bool find_svc(const struct model *m, const struct vs_virtual *s,
		     size_t *idx)
{
	struct kmap_key k;

	svc_key(&k, s);
	return kmap_get(&m->svcs, &k, idx);
}

static bool find_dest(const struct model *m, size_t svc,
		      const struct vs_real *d, size_t *idx)
{
	struct kmap_key k;

	dest_key(&k, m, svc, d);
	return kmap_get(&m->dests, &k, idx);
}

static int model_add_svc(struct model *m, const struct vs_virtual *s,
			 size_t *idx)
{
	struct kmap_key k;
	struct msvc *v;

	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		v = realloc(m->v, m->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		m->v = v;
	}
	v = &m->v[m->n];
	memset(v, 0, sizeof(*v));
	v->s = *s;
	v->s.dests = NULL;
	v->s.n_dests = 0;
	v->s.set = VS_HAS_SCHED | VS_HAS_FLAGS | VS_HAS_TIMEOUT | VS_HAS_NETMASK;
	v->live = true;
	svc_key(&k, s);
	if (kmap_put(&m->svcs, &k, m->n))
		return -ENOMEM;
	*idx = m->n++;
	m->live++;
	return 0;
}

static int model_add_dest(struct model *m, size_t svc, const struct vs_real *d)
{
	struct msvc *v = &m->v[svc];
	struct kmap_key k;

	if (v->s.n_dests == v->cap) {
		struct vs_real *p;

		v->cap = v->cap ? v->cap * 2 : 8;
		p = realloc(v->s.dests, v->cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		v->s.dests = p;
	}
	v->s.dests[v->s.n_dests] = *d;
	v->s.dests[v->s.n_dests].set = dest_set(d);
	dest_key(&k, m, svc, d);
	if (kmap_put(&m->dests, &k, v->s.n_dests))
		return -ENOMEM;
	v->s.n_dests++;
	return 0;
}

/* Swap-remove, so the last server moves and its index is updated. */
static void model_del_dest(struct model *m, size_t svc, size_t di)
{
	struct vs_virtual *s = &m->v[svc].s;
	struct kmap_key k;

	dest_key(&k, m, svc, &s->dests[di]);
	kmap_del(&m->dests, &k);
	if (di != s->n_dests - 1) {
		s->dests[di] = s->dests[s->n_dests - 1];
		dest_key(&k, m, svc, &s->dests[di]);
		kmap_put(&m->dests, &k, di);	/* the key exists: no allocation */
	}
	s->n_dests--;
}

static void model_del_svc(struct model *m, size_t svc)
{
	struct msvc *v = &m->v[svc];
	struct kmap_key k;

	while (v->s.n_dests)
		model_del_dest(m, svc, v->s.n_dests - 1);
	svc_key(&k, &v->s);
	kmap_del(&m->svcs, &k);
	vs_service_free(&v->s);
	v->live = false;
	m->live--;
}

static int model_load(struct model *m, const struct vs_table *t,
		      const struct vs_timeouts *to)
{
	size_t i, j, idx;

	memset(m, 0, sizeof(*m));
	m->to = *to;
	for (i = 0; i < t->n; i++) {
		if (model_add_svc(m, &t->svcs[i], &idx))
			return -ENOMEM;
		for (j = 0; j < t->svcs[i].n_dests; j++)
			if (model_add_dest(m, idx, &t->svcs[i].dests[j]))
				return -ENOMEM;
	}
	return 0;
}

static void model_free(struct model *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		vs_service_free(&m->v[i].s);
	free(m->v);
	kmap_free(&m->svcs);
	kmap_free(&m->dests);
}

/* ------------------------------------------------------------------ */
/* The plan                                                             */

static struct vs_op *plan_push(struct plan *p, enum vs_op_kind kind,
			       unsigned int line)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		struct vs_op *ops = realloc(p->ops, cap * sizeof(*ops));
		unsigned int *lines = realloc(p->op_line, cap * sizeof(*lines));
		unsigned int **dl = realloc(p->dest_lines, cap * sizeof(*dl));

		if (ops)
			p->ops = ops;
		if (lines)
			p->op_line = lines;
		if (dl)
			p->dest_lines = dl;
		if (!ops || !lines || !dl)
			return NULL;
		p->cap = cap;
	}
	memset(&p->ops[p->n], 0, sizeof(p->ops[p->n]));
	p->ops[p->n].kind = kind;
	p->ops[p->n].bad_dest = -1;
	p->op_line[p->n] = line;
	p->dest_lines[p->n] = NULL;
	return &p->ops[p->n++];
}

/* The inverse of the op just pushed; u's dests become the plan's. */
static int undo_push(struct plan *p, const struct vs_op *u)
{
	if (p->n_undo == p->cap_undo) {
		size_t cap = p->cap_undo ? p->cap_undo * 2 : 256;
		struct undo *v = realloc(p->undo, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->undo = v;
		p->cap_undo = cap;
	}
	p->undo[p->n_undo].op = p->n - 1;
	p->undo[p->n_undo].u = *u;
	p->undo[p->n_undo].u.bad_dest = -1;
	p->n_undo++;
	return 0;
}

void vsadm_plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->ops[i].msg);
		if (p->ops[i].kind == VS_OP_ADD_SERVICE)
			free(p->ops[i].svc.dests);
		free(p->dest_lines[i]);
	}
	for (i = 0; i < p->n_undo; i++)
		if (p->undo[i].u.kind == VS_OP_ADD_SERVICE)
			free(p->undo[i].u.svc.dests);
	free(p->ops);
	free(p->op_line);
	free(p->dest_lines);
	free(p->undo);
	memset(p, 0, sizeof(*p));
}

/* ------------------------------------------------------------------ */
/* Replaying the lines                                                  */

struct sim {
	struct model m;
	struct plan *p;
	unsigned int line;
	bool can_merge;		/* the last op is merge_svc's ADD_SERVICE */
	size_t merge_svc;
	char *err;
	size_t errlen;
};

static int sim_fail(struct sim *s, enum vs_op_kind kind,
		    const struct vsadm_cmd *c, int err)
{
	struct vs_op op = { .kind = kind, .svc = c->svc, .dest = c->dest };
	char msg[VSADM_ERR_MAX];

	vsadm_op_errmsg(msg, sizeof(msg), &op, err, NULL, -1);
	snprintf(s->err, s->errlen, "line %u: %s", s->line, msg);
	return EXIT_RUNTIME;
}

static int sim_nomem(struct sim *s)
{
	snprintf(s->err, s->errlen, "out of memory");
	return EXIT_RUNTIME;
}

/* An op on svc's key (and d's), without the service's servers. */
static int key_op(struct sim *s, enum vs_op_kind kind,
		  const struct vs_virtual *svc, const struct vs_real *d)
{
	struct vs_op *op = plan_push(s->p, kind, s->line);

	if (!op)
		return -ENOMEM;
	op->svc = *svc;
	op->svc.dests = NULL;
	op->svc.n_dests = 0;
	if (d)
		op->dest = *d;
	return 0;
}

static int sim_add_svc(struct sim *s, const struct vsadm_cmd *c)
{
	struct vs_op u = { .kind = VS_OP_DEL_SERVICE, .svc = c->svc };
	size_t idx;

	if (find_svc(&s->m, &c->svc, &idx))
		return sim_fail(s, VS_OP_ADD_SERVICE, c, -EEXIST);
	if (s->m.live >= VS_MAX_SERVICES)
		return sim_fail(s, VS_OP_ADD_SERVICE, c, -ENOSPC);
	if (model_add_svc(&s->m, &c->svc, &idx) ||
	    key_op(s, VS_OP_ADD_SERVICE, &c->svc, NULL) ||
	    undo_push(s->p, &u))
		return sim_nomem(s);
	s->can_merge = true;
	s->merge_svc = idx;
	return 0;
}

static void copy_params(struct vs_virtual *dst, const struct vs_virtual *src)
{
	memcpy(dst->sched, src->sched, sizeof(dst->sched));
	dst->flags = src->flags;
	dst->timeout = src->timeout;
	dst->netmask = src->netmask;
}

static int sim_edit_svc(struct sim *s, const struct vsadm_cmd *c)
{
	struct vs_op u = { .kind = VS_OP_EDIT_SERVICE };
	size_t idx;

	if (!find_svc(&s->m, &c->svc, &idx))
		return sim_fail(s, VS_OP_EDIT_SERVICE, c, -ESRCH);
	u.svc = s->m.v[idx].s;
	u.svc.dests = NULL;
	u.svc.n_dests = 0;
	u.svc.set = VS_HAS_SCHED | VS_HAS_FLAGS | VS_HAS_TIMEOUT | VS_HAS_NETMASK;
	if (!(u.svc.flags & VS_SVC_F_PERSISTENT)) {
		u.svc.timeout = 0;	/* what the protocol wants then */
		u.svc.netmask = u.svc.af == AF_INET6 ? 128 : 32;
	}
	copy_params(&s->m.v[idx].s, &c->svc);
	if (key_op(s, VS_OP_EDIT_SERVICE, &c->svc, NULL) ||
	    undo_push(s->p, &u))
		return sim_nomem(s);
	return 0;
}

/* Undoing a deletion recreates the service with its servers. */
static int undo_recreate(struct sim *s, size_t idx)
{
	struct vs_op u = { .kind = VS_OP_ADD_SERVICE };
	size_t i;

	if (vs_service_copy(&u.svc, &s->m.v[idx].s))
		return -ENOMEM;
	u.svc.set = VS_HAS_SCHED | VS_HAS_FLAGS;
	if (u.svc.flags & VS_SVC_F_PERSISTENT)
		u.svc.set |= VS_HAS_TIMEOUT | VS_HAS_NETMASK;
	for (i = 0; i < u.svc.n_dests; i++)
		u.svc.dests[i].set = dest_set(&u.svc.dests[i]);
	if (undo_push(s->p, &u)) {
		free(u.svc.dests);
		return -ENOMEM;
	}
	return 0;
}

static int sim_del_svc(struct sim *s, const struct vsadm_cmd *c)
{
	size_t idx;

	if (!find_svc(&s->m, &c->svc, &idx))
		return sim_fail(s, VS_OP_DEL_SERVICE, c, -ESRCH);
	if (key_op(s, VS_OP_DEL_SERVICE, &c->svc, NULL) ||
	    undo_recreate(s, idx))
		return sim_nomem(s);
	model_del_svc(&s->m, idx);
	return 0;
}

static int sim_flush(struct sim *s)
{
	size_t i;

	if (!plan_push(s->p, VS_OP_FLUSH, s->line))
		return sim_nomem(s);
	/* Undone in reverse: recreated in their original order. */
	for (i = s->m.n; i-- > 0;) {
		if (!s->m.v[i].live)
			continue;
		if (undo_recreate(s, i))
			return sim_nomem(s);
		model_del_svc(&s->m, i);
	}
	return 0;
}

/* Append d to the ADD_SERVICE op that created its service just before. */
static int merge_dest(struct sim *s, const struct vs_real *d)
{
	size_t k = s->p->n - 1;
	struct vs_virtual *svc = &s->p->ops[k].svc;
	size_t n = svc->n_dests;

	if (!(n & (n - 1))) {	/* 0, 1, 2, 4...: grow to the next power */
		size_t cap = n ? n * 2 : 1;
		struct vs_real *v = realloc(svc->dests, cap * sizeof(*v));
		unsigned int *l = realloc(s->p->dest_lines[k], cap * sizeof(*l));

		if (v)
			svc->dests = v;
		if (l)
			s->p->dest_lines[k] = l;
		if (!v || !l)
			return -ENOMEM;
	}
	svc->dests[n] = *d;
	s->p->dest_lines[k][n] = s->line;
	svc->n_dests++;
	return 0;
}

static int sim_add_dest(struct sim *s, const struct vsadm_cmd *c)
{
	struct vs_op u = { .kind = VS_OP_DEL_DEST, .svc = c->svc,
			   .dest = c->dest };
	size_t idx, di;
	int ret;

	if (!find_svc(&s->m, &c->svc, &idx))
		return sim_fail(s, VS_OP_ADD_DEST, c, -ESRCH);
	if (find_dest(&s->m, idx, &c->dest, &di))
		return sim_fail(s, VS_OP_ADD_DEST, c, -EEXIST);
	if (s->m.v[idx].s.n_dests >= VS_MAX_DESTS)
		return sim_fail(s, VS_OP_ADD_DEST, c, -ENOSPC);
	if (model_add_dest(&s->m, idx, &c->dest))
		return sim_nomem(s);
	if (s->can_merge && s->merge_svc == idx &&
	    s->p->ops[s->p->n - 1].svc.n_dests < RESTORE_MERGE_MAX) {
		ret = merge_dest(s, &c->dest);
	} else {
		s->can_merge = false;	/* the last op is no NEW_SERVICE now */
		ret = key_op(s, VS_OP_ADD_DEST, &c->svc, &c->dest) ?:
		      undo_push(s->p, &u);
	}
	if (ret)
		return sim_nomem(s);
	return 0;
}

static int sim_edit_dest(struct sim *s, const struct vsadm_cmd *c)
{
	struct vs_op u = { .kind = VS_OP_EDIT_DEST, .svc = c->svc };
	size_t idx, di;

	if (!find_svc(&s->m, &c->svc, &idx))
		return sim_fail(s, VS_OP_EDIT_DEST, c, -ESRCH);
	if (!find_dest(&s->m, idx, &c->dest, &di))
		return sim_fail(s, VS_OP_EDIT_DEST, c, -ENOENT);
	u.dest = s->m.v[idx].s.dests[di];
	s->m.v[idx].s.dests[di] = c->dest;
	if (key_op(s, VS_OP_EDIT_DEST, &c->svc, &c->dest) ||
	    undo_push(s->p, &u))
		return sim_nomem(s);
	return 0;
}

static int sim_del_dest(struct sim *s, const struct vsadm_cmd *c)
{
	struct vs_op u = { .kind = VS_OP_ADD_DEST, .svc = c->svc };
	size_t idx, di;

	if (!find_svc(&s->m, &c->svc, &idx))
		return sim_fail(s, VS_OP_DEL_DEST, c, -ESRCH);
	if (!find_dest(&s->m, idx, &c->dest, &di))
		return sim_fail(s, VS_OP_DEL_DEST, c, -ENOENT);
	u.dest = s->m.v[idx].s.dests[di];
	model_del_dest(&s->m, idx, di);
	if (key_op(s, VS_OP_DEL_DEST, &c->svc, &c->dest) ||
	    undo_push(s->p, &u))
		return sim_nomem(s);
	return 0;
}

static int sim_zero(struct sim *s, const struct vsadm_cmd *c)
{
	size_t idx;

	if (!c->has_svc)
		return plan_push(s->p, VS_OP_ZERO_ALL, s->line) ? 0 :
		       sim_nomem(s);
	if (!find_svc(&s->m, &c->svc, &idx))
		return sim_fail(s, VS_OP_ZERO, c, -ESRCH);
	return key_op(s, VS_OP_ZERO, &c->svc, NULL) ? sim_nomem(s) : 0;
}

static int sim_timeouts(struct sim *s, const struct vsadm_cmd *c)
{
	const struct vs_timeouts *t = &c->timeouts;
	struct vs_op u = { .kind = VS_OP_SET_TIMEOUTS };
	struct vs_op *op;

	if (!t->tcp && !t->tcp_fin && !t->udp)
		return 0;	/* 0 means unchanged: nothing to send */
	u.timeouts.tcp = t->tcp ? s->m.to.tcp : 0;
	u.timeouts.tcp_fin = t->tcp_fin ? s->m.to.tcp_fin : 0;
	u.timeouts.udp = t->udp ? s->m.to.udp : 0;
	if (t->tcp)
		s->m.to.tcp = t->tcp;
	if (t->tcp_fin)
		s->m.to.tcp_fin = t->tcp_fin;
	if (t->udp)
		s->m.to.udp = t->udp;
	op = plan_push(s->p, VS_OP_SET_TIMEOUTS, s->line);
	if (!op)
		return sim_nomem(s);
	op->timeouts = *t;
	return undo_push(s->p, &u) ? sim_nomem(s) : 0;
}

static int sim_line(struct sim *s, const struct vsadm_cmd *c)
{
	bool merging = s->can_merge;

	s->can_merge = false;
	switch (c->kind) {
	case CMD_ADD_SVC:
		return sim_add_svc(s, c);
	case CMD_EDIT_SVC:
		return sim_edit_svc(s, c);
	case CMD_DEL_SVC:
		return sim_del_svc(s, c);
	case CMD_FLUSH:
		return sim_flush(s);
	case CMD_ADD_DEST:
		s->can_merge = merging;
		return sim_add_dest(s, c);
	case CMD_EDIT_DEST:
		return sim_edit_dest(s, c);
	case CMD_DEL_DEST:
		return sim_del_dest(s, c);
	case CMD_ZERO:
		return sim_zero(s, c);
	case CMD_SET_TIMEOUTS:
		return sim_timeouts(s, c);
	default:
		return 0;
	}
}

int vsadm_restore_plan(const struct rinput *r, const struct vs_table *cur,
		       const struct vs_timeouts *timeouts, struct plan *p,
		       char *err, size_t errlen)
{
	struct sim s = { .p = p, .err = err, .errlen = errlen };
	struct vsadm_cmd cmd;
	size_t i;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	if (model_load(&s.m, cur, timeouts)) {
		model_free(&s.m);
		return sim_nomem(&s);
	}
	for (i = 0; i < r->n && !ret; i++) {
		s.line = (unsigned int)(i + 1);
		ret = parse_line(r->lines[i], &cmd, err, errlen);
		if (ret == 1) {
			ret = 0;
			continue;
		}
		if (!ret)
			ret = sim_line(&s, &cmd);
		else		/* vsadm_restore_check() saw none */
			ret = EXIT_USAGE;
	}
	model_free(&s.m);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Applying                                                             */

/* Undo, newest first, every change the kernel accepted. */
static void rollback(struct vs_handle *h, struct plan *p, FILE *errf)
{
	struct vs_op *u = malloc((p->n_undo + 1) * sizeof(*u));
	char msg[VSADM_ERR_MAX];
	size_t i, n = 0;
	int ret = 0;

	if (!u) {
		fprintf(errf, "vsadm: out of memory: the changes made before the error stay\n");
		return;
	}
	for (i = p->n_undo; i-- > 0;) {
		const struct undo *e = &p->undo[i];

		if (!p->ops[e->op].done || p->ops[e->op].err)
			continue;
		u[n] = e->u;
		u[n].msg = NULL;
		n++;
	}
	if (n)
		ret = vs_apply(h, u, n, false);
	for (i = 0; ret > 0 && i < n; i++) {
		if (!u[i].err)
			continue;
		vsadm_op_errmsg(msg, sizeof(msg), &u[i], u[i].err, u[i].msg,
				u[i].bad_dest);
		fprintf(errf, "vsadm: undo failed, the table is partly changed: %s\n",
			msg);
		break;
	}
	if (ret < 0)
		fprintf(errf, "vsadm: undo failed, the table is partly changed: %s\n",
			vs_strerror(ret));
	for (i = 0; i < n; i++)
		free(u[i].msg);
	free(u);
}

static unsigned int failed_line(const struct plan *p, size_t i)
{
	const struct vs_op *op = &p->ops[i];

	if (op->kind == VS_OP_ADD_SERVICE && op->bad_dest >= 0 &&
	    p->dest_lines[i] && (size_t)op->bad_dest < op->svc.n_dests)
		return p->dest_lines[i][op->bad_dest];
	return p->op_line[i];
}

int vsadm_restore_apply(struct vs_handle *h, struct plan *p, FILE *errf)
{
	char msg[VSADM_ERR_MAX];
	int ret = vs_apply(h, p->ops, p->n, true);
	size_t i;

	if (!ret)
		return EXIT_OK;
	if (ret < 0) {
		vsadm_sys_errmsg(msg, sizeof(msg), ret, vs_errmsg(h));
		fprintf(errf, "vsadm: %s\n", msg);
	} else {
		for (i = 0; i < p->n && !p->ops[i].err; i++)
			;
		vsadm_op_errmsg(msg, sizeof(msg), &p->ops[i], p->ops[i].err,
				p->ops[i].msg, p->ops[i].bad_dest);
		fprintf(errf, "vsadm: line %u: %s\n", failed_line(p, i), msg);
	}
	rollback(h, p, errf);
	return EXIT_RUNTIME;
}
