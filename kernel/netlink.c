// SPDX-License-Identifier: GPL-2.0
/*
 * The "vs" generic netlink family: include/uapi/linux/vs.h is its
 * specification. Requests are validated strictly at every level, each
 * command accepts only the attributes it takes, and every command runs
 * under the lock of the caller's network namespace alone.
 */

#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <uapi/linux/vs.h>

#include "compat.h"
#include "conn.h"
#include "netlink.h"
#include "pernet.h"
#include "sched.h"
#include "service.h"
#include "version.h"

static struct genl_family vs_genl_family;

static struct netlink_range_validation weight_range = {
	.max = VS_WEIGHT_MAX,
};

static struct netlink_range_validation persist_range = {
	.max = VS_PERSIST_TIMEOUT_MAX,
};

static struct netlink_range_validation timeout_range = {
	.min = 1,
	.max = VS_TIMEOUT_MAX,
};

static const struct nla_policy dest_policy[VS_DEST_A_MAX + 1] = {
	[VS_DEST_A_ADDR]	= NLA_POLICY_EXACT_LEN(sizeof(union vs_addr)),
	[VS_DEST_A_PORT]	= { .type = NLA_BE16 },
	[VS_DEST_A_FWD]		= NLA_POLICY_RANGE(NLA_U8, VS_FWD_DR, VS_FWD_MAX),
	[VS_DEST_A_WEIGHT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &weight_range),
	[VS_DEST_A_U_THRESH]	= { .type = NLA_U32 },
	[VS_DEST_A_L_THRESH]	= { .type = NLA_U32 },
};

static const struct nla_policy service_policy[VS_SVC_A_MAX + 1] = {
	[VS_SVC_A_AF]		= { .type = NLA_U16 },
	[VS_SVC_A_PROTOCOL]	= { .type = NLA_U8 },
	[VS_SVC_A_ADDR]		= NLA_POLICY_EXACT_LEN(sizeof(union vs_addr)),
	[VS_SVC_A_PORT]		= { .type = NLA_BE16 },
	[VS_SVC_A_FWMARK]	= NLA_POLICY_MIN(NLA_U32, 1),
	[VS_SVC_A_SCHED]	= { .type = NLA_NUL_STRING,
				    .len = VS_SCHED_NAME_MAX - 1 },
	[VS_SVC_A_FLAGS]	= { .type = NLA_U32 },
	[VS_SVC_A_TIMEOUT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &persist_range),
	[VS_SVC_A_NETMASK]	= NLA_POLICY_MAX(NLA_U8, 128),
	[VS_SVC_A_DESTS]	= NLA_POLICY_NESTED_ARRAY(dest_policy),
};

static const struct nla_policy timeout_policy[VS_TIMEOUT_A_MAX + 1] = {
	[VS_TIMEOUT_A_TCP]	= NLA_POLICY_FULL_RANGE(NLA_U32, &timeout_range),
	[VS_TIMEOUT_A_TCP_FIN]	= NLA_POLICY_FULL_RANGE(NLA_U32, &timeout_range),
	[VS_TIMEOUT_A_UDP]	= NLA_POLICY_FULL_RANGE(NLA_U32, &timeout_range),
};

static const struct nla_policy conn_policy[VS_CONN_A_MAX + 1] = {
	[VS_CONN_A_AF]		= { .type = NLA_U16 },
	[VS_CONN_A_PROTOCOL]	= { .type = NLA_U8 },
	[VS_CONN_A_CADDR]	= NLA_POLICY_EXACT_LEN(sizeof(union vs_addr)),
	[VS_CONN_A_CPORT]	= { .type = NLA_BE16 },
	[VS_CONN_A_VADDR]	= NLA_POLICY_EXACT_LEN(sizeof(union vs_addr)),
	[VS_CONN_A_VPORT]	= { .type = NLA_BE16 },
	[VS_CONN_A_DADDR]	= NLA_POLICY_EXACT_LEN(sizeof(union vs_addr)),
	[VS_CONN_A_DPORT]	= { .type = NLA_BE16 },
	[VS_CONN_A_FWMARK]	= { .type = NLA_U32 },
	[VS_CONN_A_STATE]	= NLA_POLICY_MAX(NLA_U8, __VS_CONN_S_LAST - 1),
	[VS_CONN_A_EXPIRES]	= { .type = NLA_U32 },
	[VS_CONN_A_FLAGS]	= { .type = NLA_U32 },
	[VS_CONN_A_FWD]		= NLA_POLICY_RANGE(NLA_U8, VS_FWD_DR, VS_FWD_MAX),
};

/* What SET_INFO takes; the other members are read-only. */
static const struct nla_policy info_policy[VS_INFO_A_MAX + 1] = {
	[VS_INFO_A_BACKUP_ONLY]	= NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy vs_policy[VS_A_MAX + 1] = {
	[VS_A_SERVICE]		= NLA_POLICY_NESTED(service_policy),
	[VS_A_INFO]		= NLA_POLICY_NESTED(info_policy),
	[VS_A_DEST]		= NLA_POLICY_NESTED(dest_policy),
	[VS_A_TIMEOUTS]		= NLA_POLICY_NESTED(timeout_policy),
	[VS_A_DUMP_FLAGS]	= { .type = NLA_U32 },
	[VS_A_CONNS]		= NLA_POLICY_NESTED_ARRAY(conn_policy),
};

/* Refuse attributes, at one level, that this command does not take. */
static int only_attrs(struct nlattr **tb, int max, unsigned long allowed,
		      struct netlink_ext_ack *extack)
{
	int i;

	for (i = 1; i <= max; i++) {
		if (tb[i] && !(allowed & BIT(i))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[i],
					    "attribute not taken by this command");
			return -EINVAL;
		}
	}
	return 0;
}

#define KEY_ATTRS (BIT(VS_SVC_A_AF) | BIT(VS_SVC_A_PROTOCOL) | \
		   BIT(VS_SVC_A_ADDR) | BIT(VS_SVC_A_PORT) | BIT(VS_SVC_A_FWMARK))
#define CONF_ATTRS (KEY_ATTRS | BIT(VS_SVC_A_SCHED) | BIT(VS_SVC_A_FLAGS) | \
		    BIT(VS_SVC_A_TIMEOUT) | BIT(VS_SVC_A_NETMASK))
#define DEST_KEY_ATTRS (BIT(VS_DEST_A_ADDR) | BIT(VS_DEST_A_PORT))
#define DEST_ATTRS (DEST_KEY_ATTRS | BIT(VS_DEST_A_FWD) | \
		    BIT(VS_DEST_A_WEIGHT) | BIT(VS_DEST_A_U_THRESH) | \
		    BIT(VS_DEST_A_L_THRESH))

static int check_addr(const struct nlattr *attr, union vs_addr *addr,
		      struct netlink_ext_ack *extack)
{
	nla_memcpy(addr, attr, sizeof(*addr));
	if (addr->ip6[1] || addr->ip6[2] || addr->ip6[3]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "IPv4 address with non-zero bytes after the first 4");
		return -EINVAL;
	}
	return 0;
}

static int parse_key(struct nlattr **tb, struct vs_service_key *key,
		     struct netlink_ext_ack *extack)
{
	memset(key, 0, sizeof(*key));
	key->af = AF_INET;
	if (tb[VS_SVC_A_AF] && nla_get_u16(tb[VS_SVC_A_AF]) != AF_INET) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VS_SVC_A_AF],
				    "only AF_INET is supported");
		return -EAFNOSUPPORT;
	}
	if (tb[VS_SVC_A_FWMARK]) {
		if (tb[VS_SVC_A_PROTOCOL] || tb[VS_SVC_A_ADDR] || tb[VS_SVC_A_PORT]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VS_SVC_A_FWMARK],
					    "a firewall-mark service has no protocol, address or port");
			return -EINVAL;
		}
		key->fwmark = nla_get_u32(tb[VS_SVC_A_FWMARK]);
		return 0;
	}
	if (!tb[VS_SVC_A_PROTOCOL] || !tb[VS_SVC_A_ADDR] || !tb[VS_SVC_A_PORT]) {
		NL_SET_ERR_MSG_MOD(extack, "a service needs PROTOCOL, ADDR and PORT, or FWMARK");
		return -EINVAL;
	}
	key->protocol = nla_get_u8(tb[VS_SVC_A_PROTOCOL]);
	if (key->protocol != IPPROTO_TCP && key->protocol != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VS_SVC_A_PROTOCOL],
				    "only TCP and UDP services are supported");
		return -EPROTONOSUPPORT;
	}
	key->port = nla_get_be16(tb[VS_SVC_A_PORT]);
	return check_addr(tb[VS_SVC_A_ADDR], &key->addr, extack);
}

/* Parse VS_A_SERVICE, allowing only the attributes in @allowed. */
static int parse_service(struct genl_info *info, unsigned long allowed,
			 struct nlattr **tb, struct vs_service_conf *c)
{
	struct netlink_ext_ack *extack = info->extack;
	int ret;

	if (!info->attrs[VS_A_SERVICE]) {
		NL_SET_ERR_MSG_MOD(extack, "missing VS_A_SERVICE");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, VS_SVC_A_MAX, info->attrs[VS_A_SERVICE],
			       service_policy, extack);
	if (ret)
		return ret;
	ret = only_attrs(tb, VS_SVC_A_MAX, allowed, extack);
	if (ret)
		return ret;
	memset(c, 0, sizeof(*c));
	ret = parse_key(tb, &c->key, extack);
	if (ret)
		return ret;
	if (tb[VS_SVC_A_SCHED]) {
		nla_strscpy(c->sched, tb[VS_SVC_A_SCHED], sizeof(c->sched));
		c->has_sched = true;
	}
	if (tb[VS_SVC_A_FLAGS]) {
		c->flags = nla_get_u32(tb[VS_SVC_A_FLAGS]);
		c->has_flags = true;
		if (c->flags & ~__VS_SVC_F_ALL) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VS_SVC_A_FLAGS],
					    "unknown service flag");
			return -EOPNOTSUPP;
		}
	}
	if (tb[VS_SVC_A_TIMEOUT]) {
		c->timeout = nla_get_u32(tb[VS_SVC_A_TIMEOUT]);
		c->has_timeout = true;
	}
	if (tb[VS_SVC_A_NETMASK]) {
		c->netmask = nla_get_u8(tb[VS_SVC_A_NETMASK]);
		c->has_netmask = true;
	}
	return 0;
}

static int parse_dest(const struct nlattr *attr, unsigned long allowed,
		      struct vs_dest_conf *c, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VS_DEST_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, VS_DEST_A_MAX, attr, dest_policy, extack);
	if (ret)
		return ret;
	ret = only_attrs(tb, VS_DEST_A_MAX, allowed, extack);
	if (ret)
		return ret;
	memset(c, 0, sizeof(*c));
	c->attr = attr;
	if (!tb[VS_DEST_A_ADDR]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "a real server needs VS_DEST_A_ADDR");
		return -EINVAL;
	}
	ret = check_addr(tb[VS_DEST_A_ADDR], &c->addr, extack);
	if (ret)
		return ret;
	if (tb[VS_DEST_A_PORT]) {
		c->port = nla_get_be16(tb[VS_DEST_A_PORT]);
		c->has_port = true;
	}
	if (tb[VS_DEST_A_FWD]) {
		c->fwd = nla_get_u8(tb[VS_DEST_A_FWD]);
		c->has_fwd = true;
	}
	if (tb[VS_DEST_A_WEIGHT]) {
		c->weight = nla_get_u32(tb[VS_DEST_A_WEIGHT]);
		c->has_weight = true;
	}
	if (tb[VS_DEST_A_U_THRESH]) {
		c->u_thresh = nla_get_u32(tb[VS_DEST_A_U_THRESH]);
		c->has_u_thresh = true;
	}
	if (tb[VS_DEST_A_L_THRESH]) {
		c->l_thresh = nla_get_u32(tb[VS_DEST_A_L_THRESH]);
		c->has_l_thresh = true;
	}
	return 0;
}

static struct vs_net *info_vn(struct genl_info *info)
{
	return vs_net(genl_info_net(info));
}

static struct vs_service *find_service(struct vs_net *vn,
				       const struct vs_service_conf *c,
				       struct netlink_ext_ack *extack)
{
	struct vs_service *svc = vs_service_find(vn, &c->key);

	if (!svc)
		NL_SET_ERR_MSG_MOD(extack, "no such service");
	return svc;
}

/* The real servers of a batched VS_CMD_NEW_SERVICE. */
static int parse_dests(const struct nlattr *list, struct vs_dest_conf **out,
		       unsigned int *n, struct netlink_ext_ack *extack)
{
	const struct nlattr *attr;
	unsigned int count = 0;
	int rem, ret;

	*out = NULL;
	*n = 0;
	if (!list)
		return 0;
	nla_for_each_nested(attr, list, rem)
		count++;
	if (count > VS_MAX_DESTS) {
		NL_SET_ERR_MSG_MOD(extack, "too many real servers for one service");
		return -ENOSPC;
	}
	*out = kvcalloc(count, sizeof(**out), GFP_KERNEL);
	if (!*out)
		return -ENOMEM;
	nla_for_each_nested(attr, list, rem) {
		ret = parse_dest(attr, DEST_ATTRS, &(*out)[*n], extack);
		if (ret) {
			kvfree(*out);
			*out = NULL;
			return ret;
		}
		(*n)++;
	}
	return 0;
}

static int vs_nl_new_service(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VS_SVC_A_MAX + 1];
	struct vs_net *vn = info_vn(info);
	struct vs_dest_conf *dests;
	struct vs_service_conf c;
	unsigned int n;
	int ret;

	ret = only_attrs(info->attrs, VS_A_MAX, BIT(VS_A_SERVICE), info->extack);
	if (ret)
		return ret;
	ret = parse_service(info, CONF_ATTRS | BIT(VS_SVC_A_DESTS), tb, &c);
	if (ret)
		return ret;
	ret = parse_dests(tb[VS_SVC_A_DESTS], &dests, &n, info->extack);
	if (ret)
		return ret;
	mutex_lock(&vn->lock);
	ret = vs_service_add(vn, &c, dests, n, info->extack);
	mutex_unlock(&vn->lock);
	kvfree(dests);
	return ret;
}

static int vs_nl_set_service(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VS_SVC_A_MAX + 1];
	struct vs_net *vn = info_vn(info);
	struct vs_service_conf c;
	struct vs_service *svc;
	int ret;

	ret = only_attrs(info->attrs, VS_A_MAX, BIT(VS_A_SERVICE), info->extack);
	if (ret)
		return ret;
	ret = parse_service(info, CONF_ATTRS, tb, &c);
	if (ret)
		return ret;
	mutex_lock(&vn->lock);
	svc = find_service(vn, &c, info->extack);
	ret = svc ? vs_service_edit(vn, svc, &c, info->extack) : -ESRCH;
	mutex_unlock(&vn->lock);
	return ret;
}

static int vs_nl_del_service(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VS_SVC_A_MAX + 1];
	struct vs_net *vn = info_vn(info);
	struct vs_service_conf c;
	struct vs_service *svc;
	int ret;

	ret = only_attrs(info->attrs, VS_A_MAX, BIT(VS_A_SERVICE), info->extack);
	if (ret)
		return ret;
	ret = parse_service(info, KEY_ATTRS, tb, &c);
	if (ret)
		return ret;
	mutex_lock(&vn->lock);
	svc = find_service(vn, &c, info->extack);
	if (svc)
		vs_service_del(vn, svc);
	mutex_unlock(&vn->lock);
	return svc ? 0 : -ESRCH;
}

/* Service and real server of a VS_CMD_*_DEST request, under vn->lock. */
static int find_dest(struct genl_info *info, unsigned long dest_allowed,
		     struct vs_service **svc, struct vs_dest_conf *dc,
		     struct vs_dest **dest)
{
	struct nlattr *tb[VS_SVC_A_MAX + 1];
	struct vs_net *vn = info_vn(info);
	struct vs_service_conf c;
	int ret;

	ret = only_attrs(info->attrs, VS_A_MAX,
			 BIT(VS_A_SERVICE) | BIT(VS_A_DEST), info->extack);
	if (ret)
		return ret;
	ret = parse_service(info, KEY_ATTRS, tb, &c);
	if (ret)
		return ret;
	if (!info->attrs[VS_A_DEST]) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing VS_A_DEST");
		return -EINVAL;
	}
	ret = parse_dest(info->attrs[VS_A_DEST], dest_allowed, dc, info->extack);
	if (ret)
		return ret;
	*svc = find_service(vn, &c, info->extack);
	if (!*svc)
		return -ESRCH;
	if (!dc->has_port)
		dc->port = (*svc)->key.port;
	*dest = vs_dest_find(vn, *svc, &dc->addr, dc->port);
	return 0;
}

static int vs_nl_new_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct vs_net *vn = info_vn(info);
	struct vs_service *svc;
	struct vs_dest_conf dc;
	struct vs_dest *dest;
	int ret;

	mutex_lock(&vn->lock);
	ret = find_dest(info, DEST_ATTRS, &svc, &dc, &dest);
	if (!ret)
		ret = vs_dest_add(vn, svc, &dc, info->extack);
	mutex_unlock(&vn->lock);
	return ret;
}

static int vs_nl_set_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct vs_net *vn = info_vn(info);
	struct vs_service *svc;
	struct vs_dest_conf dc;
	struct vs_dest *dest;
	int ret;

	mutex_lock(&vn->lock);
	ret = find_dest(info, DEST_ATTRS, &svc, &dc, &dest);
	if (!ret && !dest) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such real server");
		ret = -ENOENT;
	}
	if (!ret)
		ret = vs_dest_edit(vn, svc, dest, &dc, info->extack);
	mutex_unlock(&vn->lock);
	return ret;
}

static int vs_nl_del_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct vs_net *vn = info_vn(info);
	struct vs_service *svc;
	struct vs_dest_conf dc;
	struct vs_dest *dest;
	int ret;

	mutex_lock(&vn->lock);
	ret = find_dest(info, DEST_KEY_ATTRS, &svc, &dc, &dest);
	if (!ret && !dest) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such real server");
		ret = -ENOENT;
	}
	if (!ret)
		vs_dest_del(vn, svc, dest);
	mutex_unlock(&vn->lock);
	return ret;
}

static int vs_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct vs_net *vn = info_vn(info);
	int ret;

	ret = only_attrs(info->attrs, VS_A_MAX, 0, info->extack);
	if (ret)
		return ret;
	mutex_lock(&vn->lock);
	vs_service_flush(vn);
	mutex_unlock(&vn->lock);
	return 0;
}

static int vs_nl_zero(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VS_SVC_A_MAX + 1];
	struct vs_net *vn = info_vn(info);
	struct vs_service_conf c;
	struct vs_service *svc;
	unsigned long id = 0;
	int ret;

	ret = only_attrs(info->attrs, VS_A_MAX, BIT(VS_A_SERVICE), info->extack);
	if (ret)
		return ret;
	if (info->attrs[VS_A_SERVICE]) {
		ret = parse_service(info, KEY_ATTRS, tb, &c);
		if (ret)
			return ret;
	}
	mutex_lock(&vn->lock);
	if (info->attrs[VS_A_SERVICE]) {
		svc = find_service(vn, &c, info->extack);
		if (svc)
			vs_service_zero(svc);
		else
			ret = -ESRCH;
	} else {
		for (; (svc = vs_service_next(vn, &id)); id++)
			vs_service_zero(svc);
	}
	mutex_unlock(&vn->lock);
	return ret;
}

static int put_stats(struct sk_buff *skb, int type, const struct vs_stats *s)
{
	struct vs_counters c, r;
	struct nlattr *nest;

	vs_stats_read(s, &c);
	vs_stats_rates(s, &r);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, VS_STATS_A_CONNS, c.conns, VS_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VS_STATS_A_INPKTS, c.inpkts, VS_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VS_STATS_A_OUTPKTS, c.outpkts, VS_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VS_STATS_A_INBYTES, c.inbytes, VS_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VS_STATS_A_OUTBYTES, c.outbytes, VS_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VS_STATS_A_CPS, r.conns, VS_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VS_STATS_A_INPPS, r.inpkts, VS_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VS_STATS_A_OUTPPS, r.outpkts, VS_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VS_STATS_A_INBPS, r.inbytes, VS_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VS_STATS_A_OUTBPS, r.outbytes, VS_STATS_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int put_service(struct sk_buff *skb, const struct vs_service *svc)
{
	const struct vs_service_key *k = &svc->key;
	struct vs_sched_state *st;
	struct nlattr *nest;

	nest = nla_nest_start(skb, VS_A_SERVICE);
	if (!nest)
		return -EMSGSIZE;
	st = rcu_dereference_protected(svc->sched, lockdep_is_held(&svc->vn->lock));
	if (nla_put_u16(skb, VS_SVC_A_AF, k->af))
		goto cancel;
	if (k->fwmark) {
		if (nla_put_u32(skb, VS_SVC_A_FWMARK, k->fwmark))
			goto cancel;
	} else if (nla_put_u8(skb, VS_SVC_A_PROTOCOL, k->protocol) ||
		   nla_put(skb, VS_SVC_A_ADDR, sizeof(k->addr), &k->addr) ||
		   nla_put_be16(skb, VS_SVC_A_PORT, k->port)) {
		goto cancel;
	}
	if (nla_put_string(skb, VS_SVC_A_SCHED, st->ops->name) ||
	    nla_put_u32(skb, VS_SVC_A_FLAGS, svc->flags) ||
	    nla_put_u32(skb, VS_SVC_A_TIMEOUT, svc->timeout) ||
	    nla_put_u8(skb, VS_SVC_A_NETMASK, svc->netmask) ||
	    nla_put_u32(skb, VS_SVC_A_NUM_DESTS, svc->num_dests) ||
	    put_stats(skb, VS_SVC_A_STATS, &svc->stats))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int put_dest(struct sk_buff *skb, const struct vs_dest *dest)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, VS_A_DEST);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put(skb, VS_DEST_A_ADDR, sizeof(dest->key.addr), &dest->key.addr) ||
	    nla_put_be16(skb, VS_DEST_A_PORT, dest->key.port) ||
	    nla_put_u8(skb, VS_DEST_A_FWD, dest->fwd) ||
	    nla_put_u32(skb, VS_DEST_A_WEIGHT, dest->weight) ||
	    nla_put_u32(skb, VS_DEST_A_U_THRESH, dest->u_thresh) ||
	    nla_put_u32(skb, VS_DEST_A_L_THRESH, dest->l_thresh) ||
	    nla_put_u32(skb, VS_DEST_A_ACTIVE_CONNS, atomic_read(&dest->active_conns)) ||
	    nla_put_u32(skb, VS_DEST_A_INACT_CONNS, atomic_read(&dest->inact_conns)) ||
	    nla_put_u32(skb, VS_DEST_A_PERSIST_CONNS, atomic_read(&dest->persist_conns)) ||
	    put_stats(skb, VS_DEST_A_STATS, &dest->stats)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One message of a dump. cb->seq counts the changes that can make a dump
 * skip or repeat something (see vs.h, "Dumps"); the first message after
 * one, or NLMSG_DONE if none follows, carries NLM_F_DUMP_INTR.
 */
static int dump_one(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
		    const struct vs_service *svc, const struct vs_dest *dest)
{
	void *hdr;
	int ret;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &vs_genl_family, NLM_F_MULTI, cmd);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	ret = dest ? put_dest(skb, dest) : put_service(skb, svc);
	if (ret) {
		genlmsg_cancel(skb, hdr);
		return ret;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Dump cursor: args[0] the id of the service being dumped, args[1] how many
 * of its messages (the service, then its servers) were sent already,
 * args[2] its dest_gen when the last of them was sent. Services are
 * resumed by creation id, which changes to other services cannot disturb;
 * only a change to the servers of the service being resumed, or its
 * deletion, interrupts the dump.
 */
static int vs_nl_dump_services(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = vs_dump_attrs(cb);
	struct vs_net *vn = vs_net(sock_net(skb->sk));
	bool with_dests = false;
	struct vs_service *svc;
	unsigned long id = cb->args[0];
	int ret = 0;

	if (attrs[VS_A_DUMP_FLAGS]) {
		u32 flags = nla_get_u32(attrs[VS_A_DUMP_FLAGS]);

		if (flags & ~__VS_DUMP_F_ALL)
			return -EOPNOTSUPP;
		with_dests = flags & VS_DUMP_F_DESTS;
	}
	if (!cb->seq)
		cb->seq = 1;
	mutex_lock(&vn->lock);
	for (; (svc = vs_service_next(vn, &id)); id++) {
		const struct vs_dest *dest;
		unsigned long n = 0;

		if (cb->args[0] != id) {
			if (cb->args[1])	/* the one being resumed is gone */
				cb->seq++;
			cb->args[0] = id;
			cb->args[1] = 0;
		} else if (cb->args[1] && cb->args[2] != svc->dest_gen) {
			cb->seq++;
		}
		if (!cb->args[1]) {
			ret = dump_one(skb, cb, VS_CMD_GET_SERVICE, svc, NULL);
			if (ret)
				break;
			cb->args[1] = 1;
		}
		if (with_dests) {
			list_for_each_entry(dest, &svc->dests, list) {
				if (++n < cb->args[1])
					continue;
				ret = dump_one(skb, cb, VS_CMD_GET_DEST, NULL, dest);
				if (ret)
					break;
				cb->args[1]++;
			}
			if (ret)
				break;
		}
		/* This service is done: resume after it. */
		cb->args[0] = id + 1;
		cb->args[1] = 0;
	}
	if (svc) {
		cb->args[2] = svc->dest_gen;
	} else if (cb->args[1]) {
		cb->seq++;		/* the last one, being resumed, is gone */
		cb->args[1] = 0;
	}
	mutex_unlock(&vn->lock);
	/* Something that does not fit an empty message never will. */
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

static int vs_nl_get_service(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VS_SVC_A_MAX + 1];
	struct vs_net *vn = info_vn(info);
	struct vs_service_conf c;
	struct vs_service *svc;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	ret = only_attrs(info->attrs, VS_A_MAX, BIT(VS_A_SERVICE), info->extack);
	if (ret)
		return ret;
	ret = parse_service(info, KEY_ATTRS, tb, &c);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vs_genl_family, 0, VS_CMD_GET_SERVICE);
	ret = -EMSGSIZE;
	if (!hdr)
		goto err;
	mutex_lock(&vn->lock);
	svc = find_service(vn, &c, info->extack);
	ret = svc ? put_service(msg, svc) : -ESRCH;
	mutex_unlock(&vn->lock);
	if (ret)
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err:
	nlmsg_free(msg);
	return ret;
}

/*
 * args[0]: servers of the service sent already; args[1]: its dest_gen.
 * A change to its servers, or its deletion, interrupts the dump.
 */
static int vs_nl_dump_dests(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vs_net *vn = vs_net(sock_net(skb->sk));
	const struct vs_dest *dest;
	struct vs_service_key key;
	struct vs_service *svc;
	unsigned long n = 0;
	bool given;
	int ret;

	ret = vs_nl_service_key(cb, &key, &given);
	if (ret)
		return ret;
	if (!given)
		return -EINVAL;
	if (!cb->seq)
		cb->seq = 1;
	mutex_lock(&vn->lock);
	svc = vs_service_find(vn, &key);
	if (!svc) {
		ret = cb->args[0] ? 0 : -ESRCH;
		if (cb->args[0])
			cb->seq++;
		goto out;
	}
	if (cb->args[0] && cb->args[1] != svc->dest_gen)
		cb->seq++;
	list_for_each_entry(dest, &svc->dests, list) {
		if (n++ < cb->args[0])
			continue;
		ret = dump_one(skb, cb, VS_CMD_GET_DEST, NULL, dest);
		if (ret)
			break;
		cb->args[0]++;
	}
	cb->args[1] = svc->dest_gen;
out:
	mutex_unlock(&vn->lock);
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

static struct sk_buff *new_reply(struct genl_info *info, u8 cmd, void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &vs_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int vs_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct vs_net *vn = info_vn(info);
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	ret = only_attrs(info->attrs, VS_A_MAX, 0, info->extack);
	if (ret)
		return ret;
	msg = new_reply(info, VS_CMD_GET_INFO, &hdr);
	if (!msg)
		return -ENOMEM;
	nest = nla_nest_start(msg, VS_A_INFO);
	if (!nest ||
	    nla_put_u32(msg, VS_INFO_A_VERSION, VS_VERSION_CODE) ||
	    nla_put_u32(msg, VS_INFO_A_CONN_TAB_SIZE, vs_conn_buckets(vn)) ||
	    nla_put_u32(msg, VS_INFO_A_CONN_COUNT, vs_conn_count(vn)) ||
	    nla_put_u32(msg, VS_INFO_A_CONN_MAX, vs_conn_max(vn)) ||
	    nla_put_u32(msg, VS_INFO_A_SERVICES, READ_ONCE(vn->num_services)) ||
	    nla_put_u64_64bit(msg, VS_INFO_A_CONN_REFUSED,
			      atomic_long_read(&vn->conn_refused), VS_INFO_A_PAD) ||
	    nla_put_u8(msg, VS_INFO_A_BACKUP_ONLY, !!READ_ONCE(vn->backup_only))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int vs_nl_set_info(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VS_INFO_A_MAX + 1];
	struct vs_net *vn = info_vn(info);
	int ret;

	ret = only_attrs(info->attrs, VS_A_MAX, BIT(VS_A_INFO), info->extack);
	if (ret)
		return ret;
	if (!info->attrs[VS_A_INFO]) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing VS_A_INFO");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, VS_INFO_A_MAX, info->attrs[VS_A_INFO],
			       info_policy, info->extack);
	if (ret)
		return ret;
	if (tb[VS_INFO_A_BACKUP_ONLY])
		WRITE_ONCE(vn->backup_only, nla_get_u8(tb[VS_INFO_A_BACKUP_ONLY]));
	return 0;
}

static int vs_nl_get_timeouts(struct sk_buff *skb, struct genl_info *info)
{
	struct vs_net *vn = info_vn(info);
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	ret = only_attrs(info->attrs, VS_A_MAX, 0, info->extack);
	if (ret)
		return ret;
	msg = new_reply(info, VS_CMD_GET_TIMEOUTS, &hdr);
	if (!msg)
		return -ENOMEM;
	nest = nla_nest_start(msg, VS_A_TIMEOUTS);
	if (!nest ||
	    nla_put_u32(msg, VS_TIMEOUT_A_TCP, READ_ONCE(vn->timeouts[VS_TCP_S_ESTABLISHED])) ||
	    nla_put_u32(msg, VS_TIMEOUT_A_TCP_FIN, READ_ONCE(vn->timeouts[VS_TCP_S_FIN_WAIT])) ||
	    nla_put_u32(msg, VS_TIMEOUT_A_UDP, READ_ONCE(vn->timeouts[VS_UDP_S_NORMAL]))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int vs_nl_set_timeouts(struct sk_buff *skb, struct genl_info *info)
{
	static const u8 state_of[VS_TIMEOUT_A_MAX + 1] = {
		[VS_TIMEOUT_A_TCP] = VS_TCP_S_ESTABLISHED,
		[VS_TIMEOUT_A_TCP_FIN] = VS_TCP_S_FIN_WAIT,
		[VS_TIMEOUT_A_UDP] = VS_UDP_S_NORMAL,
	};
	struct nlattr *tb[VS_TIMEOUT_A_MAX + 1];
	struct vs_net *vn = info_vn(info);
	int ret, i;

	ret = only_attrs(info->attrs, VS_A_MAX, BIT(VS_A_TIMEOUTS), info->extack);
	if (ret)
		return ret;
	if (!info->attrs[VS_A_TIMEOUTS]) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing VS_A_TIMEOUTS");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, VS_TIMEOUT_A_MAX, info->attrs[VS_A_TIMEOUTS],
			       timeout_policy, info->extack);
	if (ret)
		return ret;
	mutex_lock(&vn->lock);
	for (i = 1; i <= VS_TIMEOUT_A_MAX; i++)
		if (tb[i])
			WRITE_ONCE(vn->timeouts[state_of[i]], nla_get_u32(tb[i]));
	mutex_unlock(&vn->lock);
	return 0;
}

/*
 * What a connection of this protocol can be: TCP in one of the TCP states,
 * UDP in its one state. A persistence entry is not a connection: it has
 * no state, and no protocol when its service is a firewall mark.
 */
static int check_conn_kind(struct nlattr **tb, const struct vs_conn_sync *c,
			   struct netlink_ext_ack *extack)
{
	bool tcp = c->protocol == IPPROTO_TCP, udp = c->protocol == IPPROTO_UDP;

	if (!tcp && !udp && !(c->tmpl && !c->protocol)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VS_CONN_A_PROTOCOL],
				    "only TCP and UDP connections are supported");
		return -EPROTONOSUPPORT;
	}
	if (c->tmpl ? c->state != VS_TCP_S_NONE :
	    tcp ? c->state > VS_TCP_S_SYNACK : c->state != VS_UDP_S_NORMAL) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VS_CONN_A_STATE],
				    "state not valid for this protocol");
		return -EINVAL;
	}
	return 0;
}

static int parse_conn(const struct nlattr *attr, struct vs_conn_sync *c,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VS_CONN_A_MAX + 1];
	union vs_addr a;
	u32 flags;
	int ret;

	ret = nla_parse_nested(tb, VS_CONN_A_MAX, attr, conn_policy, extack);
	if (ret)
		return ret;
	if (!tb[VS_CONN_A_PROTOCOL] || !tb[VS_CONN_A_CADDR] ||
	    !tb[VS_CONN_A_CPORT] || !tb[VS_CONN_A_VADDR] || !tb[VS_CONN_A_VPORT] ||
	    !tb[VS_CONN_A_DADDR] || !tb[VS_CONN_A_DPORT] || !tb[VS_CONN_A_STATE] ||
	    !tb[VS_CONN_A_EXPIRES]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "incomplete connection");
		return -EINVAL;
	}
	if (tb[VS_CONN_A_AF] && nla_get_u16(tb[VS_CONN_A_AF]) != AF_INET) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VS_CONN_A_AF], "only AF_INET is supported");
		return -EAFNOSUPPORT;
	}
	flags = tb[VS_CONN_A_FLAGS] ? nla_get_u32(tb[VS_CONN_A_FLAGS]) : 0;
	if (flags & ~VS_CONN_F_TEMPLATE) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VS_CONN_A_FLAGS], "unknown connection flag");
		return -EOPNOTSUPP;
	}
	memset(c, 0, sizeof(*c));
	c->tmpl = flags & VS_CONN_F_TEMPLATE;
	c->protocol = nla_get_u8(tb[VS_CONN_A_PROTOCOL]);
	c->state = nla_get_u8(tb[VS_CONN_A_STATE]);
	ret = check_conn_kind(tb, c, extack);
	if (ret)
		return ret;
	c->expires_ms = min_t(u32, nla_get_u32(tb[VS_CONN_A_EXPIRES]),
			      VS_TIMEOUT_MAX * MSEC_PER_SEC);
	c->fwmark = tb[VS_CONN_A_FWMARK] ? nla_get_u32(tb[VS_CONN_A_FWMARK]) : 0;
	c->cport = nla_get_be16(tb[VS_CONN_A_CPORT]);
	c->vport = nla_get_be16(tb[VS_CONN_A_VPORT]);
	c->dport = nla_get_be16(tb[VS_CONN_A_DPORT]);
	if (check_addr(tb[VS_CONN_A_CADDR], &a, extack))
		return -EINVAL;
	c->caddr = a.ip;
	if (check_addr(tb[VS_CONN_A_VADDR], &a, extack))
		return -EINVAL;
	c->vaddr = a.ip;
	if (check_addr(tb[VS_CONN_A_DADDR], &a, extack))
		return -EINVAL;
	c->daddr = a.ip;
	return 0;
}

/* Every connection is tried; the first failure is what the ACK says. */
static int vs_nl_new_conn(struct sk_buff *skb, struct genl_info *info)
{
	struct vs_net *vn = info_vn(info);
	const struct nlattr *attr;
	int rem, ret, first = 0;

	ret = only_attrs(info->attrs, VS_A_MAX, BIT(VS_A_CONNS), info->extack);
	if (ret)
		return ret;
	if (!info->attrs[VS_A_CONNS]) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing VS_A_CONNS");
		return -EINVAL;
	}
	/* Check them all before installing any. */
	nla_for_each_nested(attr, info->attrs[VS_A_CONNS], rem) {
		struct vs_conn_sync c;

		ret = parse_conn(attr, &c, info->extack);
		if (ret)
			return ret;
	}
	mutex_lock(&vn->lock);
	nla_for_each_nested(attr, info->attrs[VS_A_CONNS], rem) {
		struct vs_conn_sync c;

		parse_conn(attr, &c, NULL);
		ret = vs_conn_install(vn, &c);
		if (ret && !first) {
			first = ret;
			if (ret == -ENOENT)
				NL_SET_ERR_MSG_ATTR(info->extack, attr,
						    "connections skipped: no such service or real server");
			else if (ret == -EADDRINUSE)
				NL_SET_ERR_MSG_ATTR(info->extack, attr,
						    "connections skipped: another connection has the same reply tuple");
			else
				NL_SET_ERR_MSG_ATTR(info->extack, attr,
						    "connections skipped: the connection table is full");
		}
	}
	mutex_unlock(&vn->lock);
	return first;
}

static const struct genl_multicast_group vs_mcgrps[] = {
	{ .name = VS_GENL_MCGRP_SYNC, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static const struct genl_ops vs_genl_ops[] = {
	{
		.cmd = VS_CMD_GET_INFO,
		.doit = vs_nl_get_info,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_NEW_SERVICE,
		.doit = vs_nl_new_service,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_SET_SERVICE,
		.doit = vs_nl_set_service,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_DEL_SERVICE,
		.doit = vs_nl_del_service,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_GET_SERVICE,
		.doit = vs_nl_get_service,
		.dumpit = vs_nl_dump_services,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_NEW_DEST,
		.doit = vs_nl_new_dest,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_SET_DEST,
		.doit = vs_nl_set_dest,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_DEL_DEST,
		.doit = vs_nl_del_dest,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_GET_DEST,
		.dumpit = vs_nl_dump_dests,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_FLUSH,
		.doit = vs_nl_flush,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_ZERO,
		.doit = vs_nl_zero,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_GET_TIMEOUTS,
		.doit = vs_nl_get_timeouts,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_SET_TIMEOUTS,
		.doit = vs_nl_set_timeouts,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_GET_CONN,
		.start = vs_conn_dump_start,
		.dumpit = vs_nl_dump_conns,
		.done = vs_conn_dump_done,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_NEW_CONN,
		.doit = vs_nl_new_conn,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VS_CMD_SET_INFO,
		.doit = vs_nl_set_info,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family vs_genl_family __ro_after_init = {
	.name = VS_GENL_NAME,
	.version = VS_GENL_VERSION,
	.maxattr = VS_A_MAX,
	.policy = vs_policy,
	.netnsok = true,
	.ops = vs_genl_ops,
	.n_ops = ARRAY_SIZE(vs_genl_ops),
	.mcgrps = vs_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vs_mcgrps),
	/* Each command takes its namespace's lock; none needs genl_mutex. */
	.parallel_ops = true,
	.module = THIS_MODULE,
};

/* Dump messages for conn.c, which owns the connection walk. */
void *vs_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, &vs_genl_family,
				NLM_F_MULTI, cmd);

	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

bool vs_nl_sync_wanted(struct net *net)
{
	return genl_has_listeners(&vs_genl_family, net, 0);
}

void *vs_nl_sync_put(struct sk_buff *skb)
{
	return genlmsg_put(skb, 0, 0, &vs_genl_family, 0, VS_CMD_NEW_CONN);
}

void vs_nl_sync_send(struct net *net, struct sk_buff *skb)
{
	genlmsg_multicast_netns(&vs_genl_family, net, skb, 0, 0, GFP_ATOMIC);
}

int vs_nl_service_key(struct netlink_callback *cb, struct vs_service_key *key,
		      bool *given)
{
	struct nlattr **attrs = vs_dump_attrs(cb);
	struct nlattr *tb[VS_SVC_A_MAX + 1];
	int ret;

	*given = attrs[VS_A_SERVICE];
	if (!*given)
		return 0;
	/* cb->extack reaches the client from a dump's start and first part. */
	ret = nla_parse_nested(tb, VS_SVC_A_MAX, attrs[VS_A_SERVICE],
			       service_policy, cb->extack);
	if (!ret)
		ret = only_attrs(tb, VS_SVC_A_MAX, KEY_ATTRS, cb->extack);
	return ret ? ret : parse_key(tb, key, cb->extack);
}

int __init vs_netlink_init(void)
{
	return genl_register_family(&vs_genl_family);
}

void vs_netlink_uninit(void)
{
	genl_unregister_family(&vs_genl_family);
}

MODULE_ALIAS_GENL_FAMILY(VS_GENL_NAME);
