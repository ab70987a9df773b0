// SPDX-License-Identifier: GPL-2.0
/*
 * libvs's messages (msg.h): the model (libvs.h) as the attributes of the
 * "vs" family and back, as include/uapi/linux/vs.h specifies them. No
 * socket here: libvs.c sends and receives.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "msg.h"

/* ------------------------------------------------------------------ */
/* Encoding                                                             */

/* The kernel validates strictly, which includes NLA_F_NESTED on nests. */
struct nlattr *vs_msg_nest_start(struct nl_msg *msg, int type)
{
	return nla_nest_start(msg, type | NLA_F_NESTED);
}

static int put_service_key(struct nl_msg *msg, const struct vs_virtual *s)
{
	int ret = nla_put_u16(msg, VS_SVC_A_AF, s->af ? s->af : AF_INET);

	if (s->fwmark)
		return ret ?: nla_put_u32(msg, VS_SVC_A_FWMARK, s->fwmark);
	ret = ret ?: nla_put_u8(msg, VS_SVC_A_PROTOCOL, s->protocol);
	ret = ret ?: nla_put(msg, VS_SVC_A_ADDR, sizeof(s->addr), &s->addr);
	return ret ?: nla_put_u16(msg, VS_SVC_A_PORT, htons(s->port));
}

static int put_service_params(struct nl_msg *msg, const struct vs_virtual *s)
{
	int ret = 0;

	if (s->set & VS_HAS_SCHED)
		ret = nla_put_string(msg, VS_SVC_A_SCHED, s->sched);
	if (!ret && (s->set & VS_HAS_FLAGS))
		ret = nla_put_u32(msg, VS_SVC_A_FLAGS, s->flags);
	if (!ret && (s->set & VS_HAS_TIMEOUT))
		ret = nla_put_u32(msg, VS_SVC_A_TIMEOUT, s->timeout);
	if (!ret && (s->set & VS_HAS_NETMASK))
		ret = nla_put_u8(msg, VS_SVC_A_NETMASK, s->netmask);
	return ret;
}

int vs_msg_put_service(struct nl_msg *msg, const struct vs_virtual *s,
		       bool params)
{
	struct nlattr *nest = vs_msg_nest_start(msg, VS_A_SERVICE);
	int ret;

	if (!nest)
		return -NLE_NOMEM;
	ret = put_service_key(msg, s);
	if (!ret && params)
		ret = put_service_params(msg, s);
	if (ret)
		return ret;
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * A server's key: its address and port, and its family only when that is
 * not its service's (a tunnel across families). A module older than
 * tunneling refuses VS_DEST_A_AF as unknown, so sending it always would
 * break every server there, vsd's included; and when present it belongs
 * to the key, since 10.0.0.1 and [a00:1::] have the same 16 bytes.
 */
static int put_dest_key(struct nl_msg *msg, const struct vs_virtual *s,
			const struct vs_real *d)
{
	uint16_t af = vs_real_af(s, d);
	int ret = nla_put(msg, VS_DEST_A_ADDR, sizeof(d->addr), &d->addr);

	ret = ret ?: nla_put_u16(msg, VS_DEST_A_PORT, htons(d->port));
	if (!ret && af != (s->af ? s->af : AF_INET))
		ret = nla_put_u16(msg, VS_DEST_A_AF, af);
	return ret;
}

/*
 * The encapsulation goes as a whole, port and flags even when 0, as
 * ipvsadm sends it: an edit from GUE to IPIP must clear the old port.
 */
static int put_tunnel(struct nl_msg *msg, const struct vs_real *d)
{
	return nla_put_u8(msg, VS_DEST_A_TUN_TYPE, d->tun_type) ?:
	       nla_put_u16(msg, VS_DEST_A_TUN_PORT, htons(d->tun_port)) ?:
	       nla_put_u16(msg, VS_DEST_A_TUN_FLAGS, d->tun_flags);
}

static int put_dest_attrs(struct nl_msg *msg, const struct vs_virtual *s,
			  const struct vs_real *d, bool params)
{
	int ret = put_dest_key(msg, s, d);

	if (!params || ret)
		return ret;
	if (d->set & VS_HAS_FWD)
		ret = nla_put_u8(msg, VS_DEST_A_FWD, d->fwd);
	if (!ret && (d->set & VS_HAS_WEIGHT))
		ret = nla_put_u32(msg, VS_DEST_A_WEIGHT, d->weight);
	if (!ret && (d->set & VS_HAS_TUN_SRC))
		ret = nla_put(msg, VS_DEST_A_TUN_SRC, sizeof(d->tun_src), &d->tun_src);
	if (!ret && (d->set & VS_HAS_U_THRESH))
		ret = nla_put_u32(msg, VS_DEST_A_U_THRESH, d->u_thresh);
	if (!ret && (d->set & VS_HAS_L_THRESH))
		ret = nla_put_u32(msg, VS_DEST_A_L_THRESH, d->l_thresh);
	if (!ret && (d->set & VS_HAS_TUNNEL))
		ret = put_tunnel(msg, d);
	return ret;
}

static int put_dest(struct nl_msg *msg, const struct vs_virtual *s,
		    const struct vs_real *d, bool params)
{
	struct nlattr *nest = vs_msg_nest_start(msg, VS_A_DEST);
	int ret;

	if (!nest)
		return -NLE_NOMEM;
	ret = put_dest_attrs(msg, s, d, params);
	if (ret)
		return ret;
	nla_nest_end(msg, nest);
	return 0;
}

/* A new service with its servers, remembering where each server's nest
 * lies so an error the kernel reports by offset names the server.
 */
static int put_new_service(struct nl_msg *msg, const struct vs_virtual *s,
			   struct sent *sent)
{
	struct nlattr *nest, *dests, *d;
	const char *base = (const char *)nlmsg_hdr(msg);
	size_t i;
	int ret;

	nest = vs_msg_nest_start(msg, VS_A_SERVICE);
	if (!nest)
		return -NLE_NOMEM;
	ret = put_service_key(msg, s) ?: put_service_params(msg, s);
	if (ret)
		return ret;
	if (s->n_dests) {
		sent->spans = calloc(s->n_dests, sizeof(*sent->spans));
		if (!sent->spans)
			return -NLE_NOMEM;
		sent->n_spans = s->n_dests;
		dests = vs_msg_nest_start(msg, VS_SVC_A_DESTS);
		if (!dests)
			return -NLE_NOMEM;
		for (i = 0; i < s->n_dests; i++) {
			d = vs_msg_nest_start(msg, VS_A_DEST);
			if (!d || put_dest_attrs(msg, s, &s->dests[i], true))
				return -NLE_NOMEM;
			nla_nest_end(msg, d);
			sent->spans[i].start = (uint32_t)((char *)d - base);
			sent->spans[i].end = sent->spans[i].start + d->nla_len;
		}
		nla_nest_end(msg, dests);
	}
	nla_nest_end(msg, nest);
	return 0;
}

static const uint8_t op_cmd[] = {
	[VS_OP_ADD_SERVICE] = VS_CMD_NEW_SERVICE,
	[VS_OP_EDIT_SERVICE] = VS_CMD_SET_SERVICE,
	[VS_OP_DEL_SERVICE] = VS_CMD_DEL_SERVICE,
	[VS_OP_ADD_DEST] = VS_CMD_NEW_DEST,
	[VS_OP_EDIT_DEST] = VS_CMD_SET_DEST,
	[VS_OP_DEL_DEST] = VS_CMD_DEL_DEST,
	[VS_OP_FLUSH] = VS_CMD_FLUSH,
	[VS_OP_ZERO] = VS_CMD_ZERO,
	[VS_OP_ZERO_ALL] = VS_CMD_ZERO,
	[VS_OP_SET_TIMEOUTS] = VS_CMD_SET_TIMEOUTS,
};

static int put_timeouts(struct nl_msg *msg, const struct vs_timeouts *t)
{
	struct nlattr *nest = vs_msg_nest_start(msg, VS_A_TIMEOUTS);
	int ret = 0;

	if (!nest)
		return -NLE_NOMEM;
	if (t->tcp)
		ret = nla_put_u32(msg, VS_TIMEOUT_A_TCP, t->tcp);
	if (!ret && t->tcp_fin)
		ret = nla_put_u32(msg, VS_TIMEOUT_A_TCP_FIN, t->tcp_fin);
	if (!ret && t->udp)
		ret = nla_put_u32(msg, VS_TIMEOUT_A_UDP, t->udp);
	if (ret)
		return ret;
	nla_nest_end(msg, nest);
	return 0;
}

int vs_msg_put_op(struct nl_msg *msg, const struct vs_op *op,
		  struct sent *sent)
{
	switch (op->kind) {
	case VS_OP_ADD_SERVICE:
		return put_new_service(msg, &op->svc, sent);
	case VS_OP_EDIT_SERVICE:
		return vs_msg_put_service(msg, &op->svc, true);
	case VS_OP_DEL_SERVICE:
	case VS_OP_ZERO:
		return vs_msg_put_service(msg, &op->svc, false);
	case VS_OP_ADD_DEST:
	case VS_OP_EDIT_DEST:
		return vs_msg_put_service(msg, &op->svc, false) ?:
		       put_dest(msg, &op->svc, &op->dest, true);
	case VS_OP_DEL_DEST:
		return vs_msg_put_service(msg, &op->svc, false) ?:
		       put_dest(msg, &op->svc, &op->dest, false);
	case VS_OP_SET_TIMEOUTS:
		return put_timeouts(msg, &op->timeouts);
	case VS_OP_FLUSH:
	case VS_OP_ZERO_ALL:
		return 0;
	}
	return -NLE_INVAL;
}

/*
 * Room for the op's attributes: generous, nlmsg_alloc_size is a bound. A
 * server's nest takes at most 96 bytes (the nest 4, the address 20, then
 * nine attributes of 8: port, family, four parameters and the tunnel's
 * three), so 128 each leaves room.
 */
size_t vs_msg_op_size(const struct vs_op *op)
{
	size_t n = op->kind == VS_OP_ADD_SERVICE ? op->svc.n_dests : 0;

	return 512 + n * 128;
}

int vs_msg_op_cmd(enum vs_op_kind kind)
{
	if ((size_t)kind >= sizeof(op_cmd) / sizeof(op_cmd[0]))
		return -1;
	return op_cmd[kind];
}

/* ------------------------------------------------------------------ */
/* Decoding                                                             */

static struct nla_policy info_policy[VS_INFO_A_MAX + 1] = {
	[VS_INFO_A_VERSION] = { .type = NLA_U32 },
	[VS_INFO_A_CONN_TAB_SIZE] = { .type = NLA_U32 },
	[VS_INFO_A_CONN_COUNT] = { .type = NLA_U32 },
	[VS_INFO_A_CONN_MAX] = { .type = NLA_U32 },
	[VS_INFO_A_SERVICES] = { .type = NLA_U32 },
	[VS_INFO_A_BACKUP_ONLY] = { .type = NLA_U8 },
	[VS_INFO_A_SLOPPY_TCP] = { .type = NLA_U8 },
};

static uint32_t get_u32(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u32(tb[type]) : 0;
}

static uint64_t get_u64(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u64(tb[type]) : 0;
}

int vs_msg_get_info(struct nlattr *a, struct vs_info *info)
{
	struct nlattr *tb[VS_INFO_A_MAX + 1];

	if (!a || nla_parse_nested(tb, VS_INFO_A_MAX, a, info_policy) < 0)
		return -EPROTO;
	info->version = get_u32(tb, VS_INFO_A_VERSION);
	info->conn_tab_size = get_u32(tb, VS_INFO_A_CONN_TAB_SIZE);
	info->conn_count = get_u32(tb, VS_INFO_A_CONN_COUNT);
	info->conn_max = get_u32(tb, VS_INFO_A_CONN_MAX);
	info->services = get_u32(tb, VS_INFO_A_SERVICES);
	info->backup_only = tb[VS_INFO_A_BACKUP_ONLY] &&
			    nla_get_u8(tb[VS_INFO_A_BACKUP_ONLY]);
	info->sloppy_tcp = tb[VS_INFO_A_SLOPPY_TCP] &&
			   nla_get_u8(tb[VS_INFO_A_SLOPPY_TCP]);
	return 0;
}

static struct nla_policy timeout_policy[VS_TIMEOUT_A_MAX + 1] = {
	[VS_TIMEOUT_A_TCP] = { .type = NLA_U32 },
	[VS_TIMEOUT_A_TCP_FIN] = { .type = NLA_U32 },
	[VS_TIMEOUT_A_UDP] = { .type = NLA_U32 },
};

int vs_msg_get_timeouts(struct nlattr *a, struct vs_timeouts *t)
{
	struct nlattr *tb[VS_TIMEOUT_A_MAX + 1];

	if (!a || nla_parse_nested(tb, VS_TIMEOUT_A_MAX, a, timeout_policy) < 0)
		return -EPROTO;
	t->tcp = get_u32(tb, VS_TIMEOUT_A_TCP);
	t->tcp_fin = get_u32(tb, VS_TIMEOUT_A_TCP_FIN);
	t->udp = get_u32(tb, VS_TIMEOUT_A_UDP);
	return 0;
}

static struct nla_policy stats_policy[VS_STATS_A_MAX + 1] = {
	[VS_STATS_A_CONNS] = { .type = NLA_U64 },
	[VS_STATS_A_INPKTS] = { .type = NLA_U64 },
	[VS_STATS_A_OUTPKTS] = { .type = NLA_U64 },
	[VS_STATS_A_INBYTES] = { .type = NLA_U64 },
	[VS_STATS_A_OUTBYTES] = { .type = NLA_U64 },
	[VS_STATS_A_CPS] = { .type = NLA_U64 },
	[VS_STATS_A_INPPS] = { .type = NLA_U64 },
	[VS_STATS_A_OUTPPS] = { .type = NLA_U64 },
	[VS_STATS_A_INBPS] = { .type = NLA_U64 },
	[VS_STATS_A_OUTBPS] = { .type = NLA_U64 },
};

static int parse_stats(struct nlattr *a, struct vs_traffic *s)
{
	struct nlattr *tb[VS_STATS_A_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (!a)
		return 0;
	if (nla_parse_nested(tb, VS_STATS_A_MAX, a, stats_policy) < 0)
		return -EPROTO;
	s->conns = get_u64(tb, VS_STATS_A_CONNS);
	s->inpkts = get_u64(tb, VS_STATS_A_INPKTS);
	s->outpkts = get_u64(tb, VS_STATS_A_OUTPKTS);
	s->inbytes = get_u64(tb, VS_STATS_A_INBYTES);
	s->outbytes = get_u64(tb, VS_STATS_A_OUTBYTES);
	s->cps = get_u64(tb, VS_STATS_A_CPS);
	s->inpps = get_u64(tb, VS_STATS_A_INPPS);
	s->outpps = get_u64(tb, VS_STATS_A_OUTPPS);
	s->inbps = get_u64(tb, VS_STATS_A_INBPS);
	s->outbps = get_u64(tb, VS_STATS_A_OUTBPS);
	return 0;
}

static struct nla_policy svc_policy[VS_SVC_A_MAX + 1] = {
	[VS_SVC_A_AF] = { .type = NLA_U16 },
	[VS_SVC_A_PROTOCOL] = { .type = NLA_U8 },
	[VS_SVC_A_ADDR] = { .minlen = sizeof(union vs_addr) },
	[VS_SVC_A_PORT] = { .type = NLA_U16 },
	[VS_SVC_A_FWMARK] = { .type = NLA_U32 },
	[VS_SVC_A_SCHED] = { .type = NLA_STRING },
	[VS_SVC_A_FLAGS] = { .type = NLA_U32 },
	[VS_SVC_A_TIMEOUT] = { .type = NLA_U32 },
	[VS_SVC_A_NETMASK] = { .type = NLA_U8 },
	[VS_SVC_A_DESTS] = { .type = NLA_NESTED },
	[VS_SVC_A_NUM_DESTS] = { .type = NLA_U32 },
	[VS_SVC_A_STATS] = { .type = NLA_NESTED },
};

int vs_msg_get_service(struct nlattr *a, struct vs_virtual *s)
{
	struct nlattr *tb[VS_SVC_A_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (!a || nla_parse_nested(tb, VS_SVC_A_MAX, a, svc_policy) < 0)
		return -EPROTO;
	s->af = tb[VS_SVC_A_AF] ? nla_get_u16(tb[VS_SVC_A_AF]) : AF_INET;
	if (tb[VS_SVC_A_PROTOCOL])
		s->protocol = nla_get_u8(tb[VS_SVC_A_PROTOCOL]);
	if (tb[VS_SVC_A_ADDR])
		memcpy(&s->addr, nla_data(tb[VS_SVC_A_ADDR]), sizeof(s->addr));
	if (tb[VS_SVC_A_PORT])
		s->port = ntohs(nla_get_u16(tb[VS_SVC_A_PORT]));
	s->fwmark = get_u32(tb, VS_SVC_A_FWMARK);
	if (s->fwmark)
		s->protocol = 0;
	if (tb[VS_SVC_A_SCHED])
		nla_strlcpy(s->sched, tb[VS_SVC_A_SCHED], sizeof(s->sched));
	s->flags = get_u32(tb, VS_SVC_A_FLAGS);
	s->timeout = get_u32(tb, VS_SVC_A_TIMEOUT);
	s->netmask = tb[VS_SVC_A_NETMASK] ?
		     nla_get_u8(tb[VS_SVC_A_NETMASK]) :
		     s->af == AF_INET6 ? 128 : 32;
	s->num_dests = get_u32(tb, VS_SVC_A_NUM_DESTS);
	s->set = VS_HAS_SCHED | VS_HAS_FLAGS | VS_HAS_TIMEOUT | VS_HAS_NETMASK;
	return parse_stats(tb[VS_SVC_A_STATS], &s->stats);
}

static struct nla_policy dest_policy[VS_DEST_A_MAX + 1] = {
	[VS_DEST_A_ADDR] = { .minlen = sizeof(union vs_addr) },
	[VS_DEST_A_PORT] = { .type = NLA_U16 },
	[VS_DEST_A_FWD] = { .type = NLA_U8 },
	[VS_DEST_A_WEIGHT] = { .type = NLA_U32 },
	[VS_DEST_A_U_THRESH] = { .type = NLA_U32 },
	[VS_DEST_A_L_THRESH] = { .type = NLA_U32 },
	[VS_DEST_A_ACTIVE_CONNS] = { .type = NLA_U32 },
	[VS_DEST_A_INACT_CONNS] = { .type = NLA_U32 },
	[VS_DEST_A_PERSIST_CONNS] = { .type = NLA_U32 },
	[VS_DEST_A_STATS] = { .type = NLA_NESTED },
	[VS_DEST_A_AF] = { .type = NLA_U16 },
	[VS_DEST_A_TUN_TYPE] = { .type = NLA_U8 },
	[VS_DEST_A_TUN_PORT] = { .type = NLA_U16 },
	[VS_DEST_A_TUN_FLAGS] = { .type = NLA_U16 },
	[VS_DEST_A_TUN_SRC] = { .minlen = sizeof(union vs_addr) },
};

/* The kernel sends the encapsulation of a tunneled server only. */
static void get_tunnel(struct nlattr **tb, struct vs_real *d)
{
	if (!tb[VS_DEST_A_TUN_TYPE])
		return;
	d->tun_type = nla_get_u8(tb[VS_DEST_A_TUN_TYPE]);
	if (tb[VS_DEST_A_TUN_PORT])
		d->tun_port = ntohs(nla_get_u16(tb[VS_DEST_A_TUN_PORT]));
	if (tb[VS_DEST_A_TUN_FLAGS])
		d->tun_flags = nla_get_u16(tb[VS_DEST_A_TUN_FLAGS]);
	d->set |= VS_HAS_TUNNEL;
	if (tb[VS_DEST_A_TUN_SRC]) {
		memcpy(&d->tun_src, nla_data(tb[VS_DEST_A_TUN_SRC]), sizeof(d->tun_src));
		d->set |= VS_HAS_TUN_SRC;
	}
}

/* Without VS_DEST_A_AF, af stays 0: the service's, which libvs.c fills in. */
int vs_msg_get_dest(struct nlattr *a, struct vs_real *d)
{
	struct nlattr *tb[VS_DEST_A_MAX + 1];

	memset(d, 0, sizeof(*d));
	if (!a || nla_parse_nested(tb, VS_DEST_A_MAX, a, dest_policy) < 0)
		return -EPROTO;
	if (tb[VS_DEST_A_ADDR])
		memcpy(&d->addr, nla_data(tb[VS_DEST_A_ADDR]), sizeof(d->addr));
	if (tb[VS_DEST_A_PORT])
		d->port = ntohs(nla_get_u16(tb[VS_DEST_A_PORT]));
	d->fwd = tb[VS_DEST_A_FWD] ? nla_get_u8(tb[VS_DEST_A_FWD]) : VS_FWD_DR;
	d->weight = get_u32(tb, VS_DEST_A_WEIGHT);
	d->u_thresh = get_u32(tb, VS_DEST_A_U_THRESH);
	d->l_thresh = get_u32(tb, VS_DEST_A_L_THRESH);
	d->active_conns = get_u32(tb, VS_DEST_A_ACTIVE_CONNS);
	d->inact_conns = get_u32(tb, VS_DEST_A_INACT_CONNS);
	d->persist_conns = get_u32(tb, VS_DEST_A_PERSIST_CONNS);
	if (tb[VS_DEST_A_AF])
		d->af = nla_get_u16(tb[VS_DEST_A_AF]);
	d->set = VS_HAS_FWD | VS_HAS_WEIGHT | VS_HAS_U_THRESH | VS_HAS_L_THRESH;
	get_tunnel(tb, d);
	return parse_stats(tb[VS_DEST_A_STATS], &d->stats);
}

static struct nla_policy conn_policy[VS_CONN_A_MAX + 1] = {
	[VS_CONN_A_PROTOCOL] = { .type = NLA_U8 },
	[VS_CONN_A_CADDR] = { .minlen = sizeof(union vs_addr) },
	[VS_CONN_A_CPORT] = { .type = NLA_U16 },
	[VS_CONN_A_VADDR] = { .minlen = sizeof(union vs_addr) },
	[VS_CONN_A_VPORT] = { .type = NLA_U16 },
	[VS_CONN_A_DADDR] = { .minlen = sizeof(union vs_addr) },
	[VS_CONN_A_DPORT] = { .type = NLA_U16 },
	[VS_CONN_A_FWMARK] = { .type = NLA_U32 },
	[VS_CONN_A_STATE] = { .type = NLA_U8 },
	[VS_CONN_A_EXPIRES] = { .type = NLA_U32 },
	[VS_CONN_A_FLAGS] = { .type = NLA_U32 },
	[VS_CONN_A_FWD] = { .type = NLA_U8 },
	[VS_CONN_A_AF] = { .type = NLA_U16 },
	[VS_CONN_A_DEST_AF] = { .type = NLA_U16 },
};

static void get_addr(struct nlattr **tb, int type, union vs_addr *a)
{
	if (tb[type])
		memcpy(a, nla_data(tb[type]), sizeof(*a));
}

static uint16_t get_port(struct nlattr **tb, int type)
{
	return tb[type] ? ntohs(nla_get_u16(tb[type])) : 0;
}

static uint8_t get_u8(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u8(tb[type]) : 0;
}

int vs_msg_get_conn(struct nlattr *a, struct vs_connection *c)
{
	struct nlattr *tb[VS_CONN_A_MAX + 1];

	memset(c, 0, sizeof(*c));
	if (!a || nla_parse_nested(tb, VS_CONN_A_MAX, a, conn_policy) < 0)
		return -EPROTO;
	c->af = tb[VS_CONN_A_AF] ? nla_get_u16(tb[VS_CONN_A_AF]) : AF_INET;
	/* Absent unless the real server is of the other family (a tunnel). */
	c->daf = tb[VS_CONN_A_DEST_AF] ? nla_get_u16(tb[VS_CONN_A_DEST_AF]) :
		 c->af;
	c->protocol = get_u8(tb, VS_CONN_A_PROTOCOL);
	get_addr(tb, VS_CONN_A_CADDR, &c->caddr);
	get_addr(tb, VS_CONN_A_VADDR, &c->vaddr);
	get_addr(tb, VS_CONN_A_DADDR, &c->daddr);
	c->cport = get_port(tb, VS_CONN_A_CPORT);
	c->vport = get_port(tb, VS_CONN_A_VPORT);
	c->dport = get_port(tb, VS_CONN_A_DPORT);
	c->fwmark = get_u32(tb, VS_CONN_A_FWMARK);
	c->state = get_u8(tb, VS_CONN_A_STATE);
	c->expires_ms = get_u32(tb, VS_CONN_A_EXPIRES);
	c->flags = get_u32(tb, VS_CONN_A_FLAGS);
	c->fwd = get_u8(tb, VS_CONN_A_FWD);
	return 0;
}
