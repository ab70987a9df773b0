// SPDX-License-Identifier: GPL-2.0
/*
 * libvs: the vs generic netlink client, its transport: the socket, the
 * exchanges and the batching (msg.c encodes and decodes the messages).
 * One socket per handle; requests
 * ask for an ACK so every change, and every failure, is answered. Changes
 * are pipelined: many requests go out in one sendto() and their ACKs are
 * matched back by sequence number, so loading a large table costs a few
 * system calls per hundred objects instead of a round trip each.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "libvs.h"
#include "msg.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* A batch stays well inside the socket buffers: the kernel drops ACKs that
 * do not fit in ours, and refuses a sendto() larger than its send buffer.
 */
#define BATCH_MAX_MSGS	128
#define BATCH_MAX_BYTES	(48 * 1024)
#define RCVBUF_BYTES	(1024 * 1024)
#define DUMP_RETRIES	5
#define RECV_TIMEOUT_S	60

struct vs_handle {
	struct nl_sock *sk;
	struct nl_cb *cb;
	int family;
	uint32_t seq;
	char errmsg[512];
};

/* State of one exchange: a batch of changes, a request, or a dump. */
struct rx {
	struct vs_handle *h;
	uint32_t seq0;
	size_t n, answered;
	struct vs_op *ops;		/* batches */
	struct sent *sent;
	int err;			/* requests and dumps */
	bool done, intr;
	int (*parse)(struct rx *rx, struct nlmsghdr *nlh);
	void *arg;
};

const char *vs_strerror(int err)
{
	if (err == -VS_ENOMODULE || err == VS_ENOMODULE)
		return "vs module not loaded";
	return strerror(err < 0 ? -err : err);
}

const char *vs_errmsg(const struct vs_handle *h)
{
	return h && h->errmsg[0] ? h->errmsg : NULL;
}

static int nlerr_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_AGAIN:
		return -ETIMEDOUT;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OBJ_NOTFOUND:
		return -VS_ENOMODULE;
	default:
		return -EIO;
	}
}

/* Extended ACKs need opting in; capped ACKs keep big requests (a service
 * with all its servers) from being echoed back in every error.
 */
static void socket_options(struct vs_handle *h)
{
	int fd = nl_socket_get_fd(h->sk), one = 1, size = RCVBUF_BYTES;
	struct timeval tv = { .tv_sec = RECV_TIMEOUT_S };

	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* FORCE works with CAP_NET_ADMIN, which every command needs anyway. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

int vs_open(struct vs_handle **hp)
{
	struct vs_handle *h = calloc(1, sizeof(*h));
	int ret;

	*hp = NULL;
	if (!h)
		return -ENOMEM;
	h->sk = nl_socket_alloc();
	h->cb = nl_cb_alloc(NL_CB_CUSTOM);
	ret = -ENOMEM;
	if (!h->sk || !h->cb)
		goto err;
	ret = genl_connect(h->sk);
	if (ret < 0) {
		ret = nlerr_to_errno(ret);
		goto err;
	}
	ret = genl_ctrl_resolve(h->sk, VS_GENL_NAME);
	if (ret < 0) {
		ret = ret == -NLE_OBJ_NOTFOUND ? -VS_ENOMODULE :
		      nlerr_to_errno(ret);
		goto err;
	}
	h->family = ret;
	h->seq = (uint32_t)time(NULL) << 8;
	socket_options(h);
	*hp = h;
	return 0;
err:
	vs_close(h);
	return ret;
}

void vs_close(struct vs_handle *h)
{
	if (!h)
		return;
	if (h->cb)
		nl_cb_put(h->cb);
	if (h->sk)
		nl_socket_free(h->sk);
	free(h);
}

/* ------------------------------------------------------------------ */
/* Receiving                                                            */

static bool rx_owns(const struct rx *rx, uint32_t seq)
{
	return seq - rx->seq0 < rx->n;
}

struct ext_ack {
	const char *msg;
	uint32_t offs;
	bool has_offs;
};

/*
 * The TLVs follow struct nlmsgerr, which the kernel either caps (only the
 * request's header echoed) or follows with the whole request.
 */
static void parse_ext_ack(const struct nlmsghdr *nlh, const void *after,
			  struct ext_ack *ea)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *end = (const char *)nlh + nlh->nlmsg_len;
	const char *tlv = after;

	memset(ea, 0, sizeof(*ea));
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || tlv >= end)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)tlv,
		      (int)(end - tlv), NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG] && nla_len(tb[NLMSGERR_ATTR_MSG]) > 0) {
		char *s = nla_data(tb[NLMSGERR_ATTR_MSG]);

		/* NUL-terminated by the kernel; don't trust it blindly. */
		if (memchr(s, '\0', (size_t)nla_len(tb[NLMSGERR_ATTR_MSG])))
			ea->msg = s;
	}
	if (tb[NLMSGERR_ATTR_OFFS] && nla_len(tb[NLMSGERR_ATTR_OFFS]) >= 4) {
		ea->offs = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
		ea->has_offs = true;
	} else if (tb[NLMSGERR_ATTR_MISS_NEST] &&
		   nla_len(tb[NLMSGERR_ATTR_MISS_NEST]) >= 4) {
		ea->offs = nla_get_u32(tb[NLMSGERR_ATTR_MISS_NEST]);
		ea->has_offs = true;
	}
}

static long span_of(const struct sent *s, const struct ext_ack *ea)
{
	size_t i;

	if (!ea->has_offs)
		return -1;
	for (i = 0; i < s->n_spans; i++)
		if (ea->offs >= s->spans[i].start && ea->offs < s->spans[i].end)
			return (long)i;
	return -1;
}

/* Record the answer to request seq: err 0 for an ACK. */
static void rx_answer(struct rx *rx, uint32_t seq, int err,
		      const struct ext_ack *ea)
{
	size_t k = seq - rx->seq0;

	if (rx->ops) {
		struct vs_op *op = &rx->ops[rx->sent[k].op];

		if (op->done)
			return;
		op->done = true;
		op->err = err;
		if (err && ea->msg)
			op->msg = strdup(ea->msg);
		if (err)
			op->bad_dest = span_of(&rx->sent[k], ea);
	} else {
		if (err)
			rx->err = err;
		if (err && ea->msg)
			snprintf(rx->h->errmsg, sizeof(rx->h->errmsg), "%s",
				 ea->msg);
		rx->done = true;
	}
	if (++rx->answered >= rx->n)
		rx->done = true;
}

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	/* libnl hands us the payload; the header sits just before it. */
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct rx *rx = arg;
	struct ext_ack ea;
	const char *after;

	(void)nla;
	if (!rx_owns(rx, e->msg.nlmsg_seq))
		return NL_SKIP;
	if (nlh->nlmsg_flags & NLM_F_CAPPED)
		after = (const char *)e + sizeof(*e);
	else
		after = (const char *)&e->msg + NLMSG_ALIGN(e->msg.nlmsg_len);
	parse_ext_ack(nlh, after, &ea);
	rx_answer(rx, e->msg.nlmsg_seq, e->error, &ea);
	return NL_SKIP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlmsgerr *e = nlmsg_data(nlh);
	struct ext_ack ea = { 0 };
	struct rx *rx = arg;

	if (rx_owns(rx, e->msg.nlmsg_seq))
		rx_answer(rx, e->msg.nlmsg_seq, 0, &ea);
	return NL_OK;
}

/* A dump ends with NLMSG_DONE, whose payload is the dump's error (recent
 * kernels) followed by extended ACK TLVs; libnl ignores both.
 */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct rx *rx = arg;
	struct ext_ack ea;
	int err = 0;

	if (!rx_owns(rx, nlh->nlmsg_seq))
		return NL_OK;
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (err < 0) {
		parse_ext_ack(nlh, (char *)nlmsg_data(nlh) + sizeof(int), &ea);
		rx->err = err;
		if (ea.msg)
			snprintf(rx->h->errmsg, sizeof(rx->h->errmsg), "%s",
				 ea.msg);
	}
	rx->done = true;
	return NL_STOP;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct rx *rx = arg;
	int ret;

	if (!rx_owns(rx, nlh->nlmsg_seq) || !rx->parse)
		return NL_OK;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		rx->intr = true;
	if (rx->err)
		return NL_OK;		/* drain the rest of a failed dump */
	ret = rx->parse(rx, nlh);
	if (ret < 0)
		rx->err = ret;
	return NL_OK;
}

static int intr_cb(struct nl_msg *msg, void *arg)
{
	struct rx *rx = arg;

	if (rx_owns(rx, nlmsg_hdr(msg)->nlmsg_seq))
		rx->intr = true;
	return NL_OK;
}

static int seq_ok(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* Receive until every request of rx is answered (or its dump is done). */
static int rx_run(struct vs_handle *h, struct rx *rx)
{
	struct nl_cb *cb = h->cb;
	int ret;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, rx);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, rx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, rx);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_ok, rx);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, intr_cb, rx);
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, rx);
	while (!rx->done) {
		/* The count of messages read; 0 when the receive timed out. */
		ret = nl_recvmsgs_report(h->sk, cb);
		if (ret == 0)
			return -ETIMEDOUT;
		if (ret < 0 && ret != -NLE_DUMP_INTR)
			return nlerr_to_errno(ret);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Building requests                                                    */

static struct nl_msg *new_msg(struct vs_handle *h, uint8_t cmd, int flags,
			      size_t size)
{
	struct nl_msg *msg = size ? nlmsg_alloc_size(size) : nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0,
			 flags | NLM_F_REQUEST, cmd, VS_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static struct nl_msg *build_op(struct vs_handle *h, const struct vs_op *op,
			       struct sent *sent)
{
	struct nl_msg *msg;

	if (vs_msg_op_cmd(op->kind) < 0)
		return NULL;
	msg = new_msg(h, (uint8_t)vs_msg_op_cmd(op->kind), NLM_F_ACK,
		      vs_msg_op_size(op));
	if (msg && vs_msg_put_op(msg, op, sent) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* ------------------------------------------------------------------ */
/* Pipelined changes                                                    */

void vs_op_clear(struct vs_op *op)
{
	free(op->msg);
	op->msg = NULL;
	op->err = 0;
	op->bad_dest = -1;
	op->done = false;
}

struct batch {
	char *buf;
	size_t len, cap;
	struct sent sent[BATCH_MAX_MSGS];
	size_t n;
};

static int batch_append(struct batch *b, struct nlmsghdr *nlh)
{
	size_t len = NLMSG_ALIGN(nlh->nlmsg_len);

	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 64 * 1024;
		char *p;

		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->buf, cap);
		if (!p)
			return -ENOMEM;
		b->buf = p;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, nlh, nlh->nlmsg_len);
	memset(b->buf + b->len + nlh->nlmsg_len, 0, len - nlh->nlmsg_len);
	b->len += len;
	return 0;
}

static void batch_reset(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free(b->sent[i].spans);
	memset(b->sent, 0, sizeof(b->sent));
	b->n = 0;
	b->len = 0;
}

/* Fill b from ops[*i...] within the batch limits; returns 0 or -errno. */
static int batch_fill(struct vs_handle *h, struct batch *b, struct vs_op *ops,
		      size_t n, size_t *i, uint32_t seq0)
{
	while (*i < n && b->n < BATCH_MAX_MSGS) {
		struct vs_op *op = &ops[*i];
		struct sent *s = &b->sent[b->n];
		struct nl_msg *msg;
		struct nlmsghdr *nlh;
		int ret;

		vs_op_clear(op);
		s->op = *i;
		msg = build_op(h, op, s);
		if (!msg) {
			free(s->spans);
			memset(s, 0, sizeof(*s));
			op->err = -EMSGSIZE;
			op->done = true;
			(*i)++;
			continue;
		}
		nlh = nlmsg_hdr(msg);
		if (b->n && b->len + NLMSG_ALIGN(nlh->nlmsg_len) > BATCH_MAX_BYTES) {
			nlmsg_free(msg);
			free(s->spans);
			memset(s, 0, sizeof(*s));
			break;
		}
		nlh->nlmsg_seq = seq0 + (uint32_t)b->n;
		nlh->nlmsg_pid = nl_socket_get_local_port(h->sk);
		ret = batch_append(b, nlh);
		nlmsg_free(msg);
		if (ret)
			return ret;
		b->n++;
		(*i)++;
	}
	return 0;
}

static int batch_send(struct vs_handle *h, struct batch *b, struct vs_op *ops,
		      uint32_t seq0)
{
	struct rx rx = {
		.h = h, .seq0 = seq0, .n = b->n, .ops = ops, .sent = b->sent,
	};
	int ret;

	if (!b->n)
		return 0;
	ret = nl_sendto(h->sk, b->buf, b->len);
	if (ret < 0)
		return nlerr_to_errno(ret);
	return rx_run(h, &rx);
}

int vs_apply(struct vs_handle *h, struct vs_op *ops, size_t n,
	     bool stop_on_error)
{
	struct batch b = { 0 };
	size_t i = 0, j, failed = 0;
	int ret = 0;

	h->errmsg[0] = '\0';
	while (i < n) {
		size_t first = i;
		uint32_t seq0 = h->seq;

		ret = batch_fill(h, &b, ops, n, &i, seq0);
		h->seq += (uint32_t)b.n;
		if (!ret)
			ret = batch_send(h, &b, ops, seq0);
		batch_reset(&b);
		if (ret)
			break;
		for (j = first; j < i; j++)
			failed += ops[j].err != 0;
		if (failed && stop_on_error)
			break;
	}
	free(b.buf);
	return ret ? ret : (int)failed;
}

/* One change, its error message left in the handle. */
static int apply_one(struct vs_handle *h, struct vs_op *op)
{
	int ret = vs_apply(h, op, 1, true);

	if (ret >= 0)
		ret = op->err;
	if (op->msg)
		snprintf(h->errmsg, sizeof(h->errmsg), "%s", op->msg);
	free(op->msg);
	return ret;
}

int vs_add_service(struct vs_handle *h, const struct vs_virtual *svc)
{
	struct vs_op op = { .kind = VS_OP_ADD_SERVICE, .svc = *svc };

	return apply_one(h, &op);
}

int vs_edit_service(struct vs_handle *h, const struct vs_virtual *svc)
{
	struct vs_op op = { .kind = VS_OP_EDIT_SERVICE, .svc = *svc };

	return apply_one(h, &op);
}

int vs_del_service(struct vs_handle *h, const struct vs_virtual *svc)
{
	struct vs_op op = { .kind = VS_OP_DEL_SERVICE, .svc = *svc };

	return apply_one(h, &op);
}

static int dest_op(struct vs_handle *h, enum vs_op_kind kind,
		   const struct vs_virtual *svc, const struct vs_real *d)
{
	struct vs_op op = { .kind = kind, .svc = *svc, .dest = *d };

	return apply_one(h, &op);
}

int vs_add_dest(struct vs_handle *h, const struct vs_virtual *svc,
		const struct vs_real *d)
{
	return dest_op(h, VS_OP_ADD_DEST, svc, d);
}

int vs_edit_dest(struct vs_handle *h, const struct vs_virtual *svc,
		 const struct vs_real *d)
{
	return dest_op(h, VS_OP_EDIT_DEST, svc, d);
}

int vs_del_dest(struct vs_handle *h, const struct vs_virtual *svc,
		const struct vs_real *d)
{
	return dest_op(h, VS_OP_DEL_DEST, svc, d);
}

int vs_flush(struct vs_handle *h)
{
	struct vs_op op = { .kind = VS_OP_FLUSH };

	return apply_one(h, &op);
}

int vs_zero(struct vs_handle *h, const struct vs_virtual *svc)
{
	struct vs_op op = { .kind = svc ? VS_OP_ZERO : VS_OP_ZERO_ALL };

	if (svc)
		op.svc = *svc;
	return apply_one(h, &op);
}

int vs_set_timeouts(struct vs_handle *h, const struct vs_timeouts *t)
{
	struct vs_op op = { .kind = VS_OP_SET_TIMEOUTS, .timeouts = *t };

	return apply_one(h, &op);
}

/* ------------------------------------------------------------------ */
/* Requests with replies, and dumps                                     */

/* Send msg (freed) and receive its replies into rx->parse. */
static int request(struct vs_handle *h, struct nl_msg *msg, struct rx *rx)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int ret;

	h->errmsg[0] = '\0';
	rx->h = h;
	rx->seq0 = h->seq++;
	rx->n = 1;
	nlh->nlmsg_seq = rx->seq0;
	nlh->nlmsg_pid = nl_socket_get_local_port(h->sk);
	ret = nl_sendto(h->sk, nlh, nlh->nlmsg_len);
	nlmsg_free(msg);
	if (ret < 0)
		return nlerr_to_errno(ret);
	ret = rx_run(h, rx);
	return ret ? ret : rx->err;
}

static struct nlattr *reply_attr(struct nlmsghdr *nlh, int type)
{
	struct nlattr *tb[VS_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, VS_A_MAX, NULL) < 0)
		return NULL;
	return tb[type];
}

static int parse_info(struct rx *rx, struct nlmsghdr *nlh)
{
	return vs_msg_get_info(reply_attr(nlh, VS_A_INFO), rx->arg);
}

int vs_get_info(struct vs_handle *h, struct vs_info *info)
{
	struct nl_msg *msg = new_msg(h, VS_CMD_GET_INFO, NLM_F_ACK, 0);
	struct rx rx = { .parse = parse_info, .arg = info };

	memset(info, 0, sizeof(*info));
	return msg ? request(h, msg, &rx) : -ENOMEM;
}

/* VS_CMD_SET_INFO with one of its u8 switches. */
static int set_info_u8(struct vs_handle *h, int type, bool on)
{
	struct nl_msg *msg = new_msg(h, VS_CMD_SET_INFO, NLM_F_ACK, 0);
	struct rx rx = { .parse = NULL };
	struct nlattr *nest;

	if (!msg)
		return -ENOMEM;
	nest = vs_msg_nest_start(msg, VS_A_INFO);
	if (!nest || nla_put_u8(msg, type, on)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, nest);
	return request(h, msg, &rx);
}

int vs_set_backup_only(struct vs_handle *h, bool on)
{
	return set_info_u8(h, VS_INFO_A_BACKUP_ONLY, on);
}

int vs_set_sloppy_tcp(struct vs_handle *h, bool on)
{
	return set_info_u8(h, VS_INFO_A_SLOPPY_TCP, on);
}

static int parse_timeouts(struct rx *rx, struct nlmsghdr *nlh)
{
	return vs_msg_get_timeouts(reply_attr(nlh, VS_A_TIMEOUTS), rx->arg);
}

int vs_get_timeouts(struct vs_handle *h, struct vs_timeouts *t)
{
	struct nl_msg *msg = new_msg(h, VS_CMD_GET_TIMEOUTS, NLM_F_ACK, 0);
	struct rx rx = { .parse = parse_timeouts, .arg = t };

	memset(t, 0, sizeof(*t));
	return msg ? request(h, msg, &rx) : -ENOMEM;
}

/* Arrays filled by dumps grow by doubling with an implicit capacity (16,
 * then the next power of two), so n appends reallocate O(log n) times.
 */
static void *grow(void *arr, size_t n, size_t size)
{
	if (n == 0)
		return realloc(arr, 16 * size);
	if (n < 16 || (n & (n - 1)))
		return arr;
	return realloc(arr, 2 * n * size);
}

/* A dumped server joins its service, with its family made explicit. */
static int add_dest(struct vs_virtual *s, const struct vs_real *d)
{
	struct vs_real *p = grow(s->dests, s->n_dests, sizeof(*d));

	if (!p)
		return -ENOMEM;
	s->dests = p;
	s->dests[s->n_dests] = *d;
	s->dests[s->n_dests].af = vs_real_af(s, d);
	s->n_dests++;
	return 0;
}

static int parse_table_msg(struct rx *rx, struct nlmsghdr *nlh)
{
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct vs_table *t = rx->arg;
	struct vs_virtual *p;
	struct vs_real d;
	int ret;

	if (g->cmd == VS_CMD_GET_DEST) {
		if (!t->n)
			return -EPROTO;
		ret = vs_msg_get_dest(reply_attr(nlh, VS_A_DEST), &d);
		return ret ?: add_dest(&t->svcs[t->n - 1], &d);
	}
	p = grow(t->svcs, t->n, sizeof(*p));
	if (!p)
		return -ENOMEM;
	t->svcs = p;
	ret = vs_msg_get_service(reply_attr(nlh, VS_A_SERVICE), &t->svcs[t->n]);
	if (!ret)
		t->n++;
	return ret;
}

void vs_service_free(struct vs_virtual *svc)
{
	free(svc->dests);
	svc->dests = NULL;
	svc->n_dests = 0;
}

void vs_table_free(struct vs_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		vs_service_free(&t->svcs[i]);
	free(t->svcs);
	t->svcs = NULL;
	t->n = 0;
}

/*
 * Run a dump; a listing that raced a change (NLM_F_DUMP_INTR) may skip or
 * repeat entries, so it is thrown away and the dump run again.
 */
static int dump(struct vs_handle *h, struct nl_msg *(*build)(struct vs_handle *,
		const void *), const void *barg, struct rx *proto,
		void (*reset)(void *arg))
{
	int tries, ret = -EAGAIN;

	for (tries = 0; tries < DUMP_RETRIES; tries++) {
		struct rx rx = *proto;
		struct nl_msg *msg = build(h, barg);

		if (!msg)
			return -ENOMEM;
		ret = request(h, msg, &rx);
		if (ret || !rx.intr)
			return ret;
		reset(rx.arg);
		ret = -EAGAIN;
		/* Let a burst of changes pass: 1, 2, 4, 8 ms. */
		usleep(1000U << tries);
	}
	return ret;
}

static struct nl_msg *build_table_dump(struct vs_handle *h, const void *arg)
{
	struct nl_msg *msg = new_msg(h, VS_CMD_GET_SERVICE, NLM_F_DUMP, 0);

	(void)arg;
	if (msg && nla_put_u32(msg, VS_A_DUMP_FLAGS, VS_DUMP_F_DESTS) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void reset_table(void *arg)
{
	vs_table_free(arg);
}

int vs_dump_table(struct vs_handle *h, struct vs_table *t)
{
	struct rx proto = { .parse = parse_table_msg, .arg = t };
	int ret;

	memset(t, 0, sizeof(*t));
	ret = dump(h, build_table_dump, NULL, &proto, reset_table);
	if (ret)
		vs_table_free(t);
	return ret;
}

static int parse_one_service(struct rx *rx, struct nlmsghdr *nlh)
{
	return vs_msg_get_service(reply_attr(nlh, VS_A_SERVICE), rx->arg);
}

static int parse_dest_msg(struct rx *rx, struct nlmsghdr *nlh)
{
	struct vs_real d;
	int ret = vs_msg_get_dest(reply_attr(nlh, VS_A_DEST), &d);

	return ret ?: add_dest(rx->arg, &d);
}

static struct nl_msg *build_dest_dump(struct vs_handle *h, const void *arg)
{
	struct nl_msg *msg = new_msg(h, VS_CMD_GET_DEST, NLM_F_DUMP, 0);

	if (msg && vs_msg_put_service(msg, arg, false) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void reset_dests(void *arg)
{
	vs_service_free(arg);
}

int vs_get_service(struct vs_handle *h, const struct vs_virtual *key,
		   struct vs_virtual *out)
{
	struct nl_msg *msg = new_msg(h, VS_CMD_GET_SERVICE, NLM_F_ACK, 0);
	struct rx rx = { .parse = parse_one_service, .arg = out };
	struct rx proto = { .parse = parse_dest_msg, .arg = out };
	int ret;

	memset(out, 0, sizeof(*out));
	if (!msg || vs_msg_put_service(msg, key, false) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = request(h, msg, &rx);
	if (!ret)
		ret = dump(h, build_dest_dump, key, &proto, reset_dests);
	if (ret)
		vs_service_free(out);
	return ret;
}

struct conn_list {
	struct vs_connection *v;
	size_t n;
};

static int parse_conn_msg(struct rx *rx, struct nlmsghdr *nlh)
{
	struct conn_list *l = rx->arg;
	struct vs_connection *p = grow(l->v, l->n, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	l->v = p;
	ret = vs_msg_get_conn(reply_attr(nlh, VS_A_CONN), &l->v[l->n]);
	if (!ret)
		l->n++;
	return ret;
}

static struct nl_msg *build_conn_dump(struct vs_handle *h, const void *arg)
{
	struct nl_msg *msg = new_msg(h, VS_CMD_GET_CONN, NLM_F_DUMP, 0);

	if (msg && arg && vs_msg_put_service(msg, arg, false) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void reset_conns(void *arg)
{
	struct conn_list *l = arg;

	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int vs_dump_conns(struct vs_handle *h, const struct vs_virtual *key,
		  struct vs_connection **conns, size_t *n)
{
	struct conn_list l = { 0 };
	struct rx proto = { .parse = parse_conn_msg, .arg = &l };
	int ret = dump(h, build_conn_dump, key, &proto, reset_conns);

	if (ret)
		reset_conns(&l);
	*conns = l.v;
	*n = l.n;
	return ret;
}

/* ------------------------------------------------------------------ */
/* Model helpers                                                        */

bool vs_service_same(const struct vs_virtual *a, const struct vs_virtual *b)
{
	if ((a->af ? a->af : AF_INET) != (b->af ? b->af : AF_INET))
		return false;
	if (a->fwmark || b->fwmark)
		return a->fwmark == b->fwmark;
	return a->protocol == b->protocol && a->port == b->port &&
	       !memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

bool vs_dest_same(const struct vs_real *a, const struct vs_real *b)
{
	return a->port == b->port && !memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

uint16_t vs_real_af(const struct vs_virtual *s, const struct vs_real *d)
{
	if (d->af)
		return d->af;
	return s->af ? s->af : AF_INET;
}

int vs_service_copy(struct vs_virtual *dst, const struct vs_virtual *src)
{
	*dst = *src;
	dst->dests = NULL;
	if (!src->n_dests)
		return 0;
	dst->dests = malloc(src->n_dests * sizeof(*dst->dests));
	if (!dst->dests) {
		dst->n_dests = 0;
		return -ENOMEM;
	}
	memcpy(dst->dests, src->dests, src->n_dests * sizeof(*dst->dests));
	return 0;
}
