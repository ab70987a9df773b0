// SPDX-License-Identifier: GPL-2.0
/*
 * The "vs" generic netlink family: include/uapi/linux/vs.h is its
 * specification. Requests are validated strictly at every level, each
 * command accepts only the attributes it takes, and every command runs
 * under the lock of the caller's network namespace alone.
 */

#include <linux/in.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <uapi/linux/vs.h>

#include "compat.h"
#include "conn.h"
#include "core.h"
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
	[VS_DEST_A_AF]		= { .type = NLA_U16 },
	[VS_DEST_A_TUN_TYPE]	= NLA_POLICY_MAX(NLA_U8, VS_TUN_MAX),
	[VS_DEST_A_TUN_PORT]	= { .type = NLA_BE16 },
	[VS_DEST_A_TUN_FLAGS]	= NLA_POLICY_MASK(NLA_U16, __VS_TUN_F_ALL),
	[VS_DEST_A_TUN_SRC]	= NLA_POLICY_EXACT_LEN(sizeof(union vs_addr)),
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
	[VS_CONN_A_DEST_AF]	= { .type = NLA_U16 },
};

/* What SET_INFO takes; the other members are read-only. */
static const struct nla_policy info_policy[VS_INFO_A_MAX + 1] = {
	[VS_INFO_A_BACKUP_ONLY]	= NLA_POLICY_MAX(NLA_U8, 1),
	[VS_INFO_A_SLOPPY_TCP]	= NLA_POLICY_MAX(NLA_U8, 1),
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
#define DEST_KEY_ATTRS (BIT(VS_DEST_A_ADDR) | BIT(VS_DEST_A_PORT) | \
			BIT(VS_DEST_A_AF))
#define DEST_ATTRS (DEST_KEY_ATTRS | BIT(VS_DEST_A_FWD) | \
		    BIT(VS_DEST_A_WEIGHT) | BIT(VS_DEST_A_U_THRESH) | \
		    BIT(VS_DEST_A_L_THRESH) | BIT(VS_DEST_A_TUN_TYPE) | \
		    BIT(VS_DEST_A_TUN_PORT) | BIT(VS_DEST_A_TUN_FLAGS) | \
		    BIT(VS_DEST_A_TUN_SRC))

/* A family attribute: AF_INET (also when absent) or AF_INET6. */
static int parse_af(const struct nlattr *attr, u8 *af,
		    struct netlink_ext_ack *extack)
{
	u16 v = attr ? nla_get_u16(attr) : AF_INET;

	if (v != AF_INET && v != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	*af = v;
	return 0;
}

static int check_addr(const struct nlattr *attr, u8 af, union vs_addr *addr,
		      struct netlink_ext_ack *extack)
{
	nla_memcpy(addr, attr, sizeof(*addr));
	if (af == AF_INET && (addr->ip6[1] || addr->ip6[2] || addr->ip6[3])) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "IPv4 address with non-zero bytes after the first 4");
		return -EINVAL;
	}
	return 0;
}

/* An outer source: of the server's family, unicast (or all zeros: none). */
static int check_tun_src(const struct nlattr *attr, u8 af, union vs_addr *addr,
			 struct netlink_ext_ack *extack)
{
	int ret = check_addr(attr, af, addr, extack);

	if (ret)
		return ret;
	if (af == AF_INET ? ipv4_is_multicast(addr->ip) || ipv4_is_lbcast(addr->ip)
			  : ipv6_addr_is_multicast((struct in6_addr *)addr)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "a tunnel source must be a unicast address");
		return -EINVAL;
	}
	return 0;
}

static int parse_key(struct nlattr **tb, struct vs_service_key *key,
		     struct netlink_ext_ack *extack)
{
	int ret;

	memset(key, 0, sizeof(*key));
	ret = parse_af(tb[VS_SVC_A_AF], &key->af, extack);
	if (ret)
		return ret;
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
	return check_addr(tb[VS_SVC_A_ADDR], key->af, &key->addr, extack);
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

/* A real server of a service of family @af (its own if VS_DEST_A_AF). */
static int parse_dest(const struct nlattr *attr, u8 af, unsigned long allowed,
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
	c->af = af;
	ret = tb[VS_DEST_A_AF] ? parse_af(tb[VS_DEST_A_AF], &c->af, extack) : 0;
	if (!ret)
		ret = check_addr(tb[VS_DEST_A_ADDR], c->af, &c->addr, extack);
	if (ret)
		return ret;
	if (tb[VS_DEST_A_TUN_TYPE]) {
		c->tun.type = nla_get_u8(tb[VS_DEST_A_TUN_TYPE]);
		c->has_tun_type = true;
	}
	if (tb[VS_DEST_A_TUN_PORT]) {
		c->tun.port = nla_get_be16(tb[VS_DEST_A_TUN_PORT]);
		c->has_tun_port = true;
	}
	if (tb[VS_DEST_A_TUN_FLAGS]) {
		c->tun.flags = nla_get_u16(tb[VS_DEST_A_TUN_FLAGS]);
		c->has_tun_flags = true;
	}
	if (tb[VS_DEST_A_TUN_SRC]) {
		ret = check_tun_src(tb[VS_DEST_A_TUN_SRC], c->af, &c->tun_src, extack);
		if (ret)
			return ret;
		c->has_tun_src = true;
	}
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

/* The service a dump is limited to, if the request names one. */
static int dump_service_key(struct netlink_callback *cb,
			    struct vs_service_key *key, bool *given)
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

/*
 * The attributes a command takes: at the top level (@takes), the one nest
 * it cannot do without besides the service (@needs), and in VS_A_SERVICE
 * (@service; none if 0, optional when @service_optional).
 */
struct cmd_attrs {
	unsigned long takes;
	unsigned long service;
	int needs;
	bool service_optional;
};

/* A request being served: its namespace and the service it names. */
struct request {
	struct vs_net *vn;
	struct nlattr *svc_tb[VS_SVC_A_MAX + 1];
	struct vs_service_conf svc;
	bool has_svc;
};

static int need_attr(struct genl_info *info, int type)
{
	if (!type || info->attrs[type])
		return 0;
	switch (type) {
	case VS_A_DEST:
		NL_SET_ERR_MSG_MOD(info->extack, "missing VS_A_DEST");
		break;
	case VS_A_INFO:
		NL_SET_ERR_MSG_MOD(info->extack, "missing VS_A_INFO");
		break;
	case VS_A_TIMEOUTS:
		NL_SET_ERR_MSG_MOD(info->extack, "missing VS_A_TIMEOUTS");
		break;
	case VS_A_CONNS:
		NL_SET_ERR_MSG_MOD(info->extack, "missing VS_A_CONNS");
		break;
	}
	return -EINVAL;
}

/*
 * How every command starts: refuse what it does not take, check what it
 * needs, parse the service it names, then take the lock of the caller's
 * namespace. Returns 0 with that lock held; the command drops it.
 */
static int begin(struct genl_info *info, const struct cmd_attrs *a,
		 struct request *r)
{
	int ret;

	ret = only_attrs(info->attrs, VS_A_MAX, a->takes, info->extack);
	if (ret)
		return ret;
	r->has_svc = a->service &&
		     (info->attrs[VS_A_SERVICE] || !a->service_optional);
	if (r->has_svc) {
		ret = parse_service(info, a->service, r->svc_tb, &r->svc);
		if (ret)
			return ret;
	}
	ret = need_attr(info, a->needs);
	if (ret)
		return ret;
	r->vn = info_vn(info);
	mutex_lock(&r->vn->lock);
	return 0;
}

static int end(struct request *r, int ret)
{
	mutex_unlock(&r->vn->lock);
	return ret;
}

/* The real servers of a batched VS_CMD_NEW_SERVICE. */
static int parse_dests(const struct nlattr *list, u8 af,
		       struct vs_dest_conf **out, unsigned int *n,
		       struct netlink_ext_ack *extack)
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
		ret = parse_dest(attr, af, DEST_ATTRS, &(*out)[*n], extack);
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
	static const struct cmd_attrs attrs = {
		.takes = BIT(VS_A_SERVICE),
		.service = CONF_ATTRS | BIT(VS_SVC_A_DESTS),
	};
	struct vs_dest_conf *dests;
	struct request r;
	unsigned int n;
	int ret;

	ret = begin(info, &attrs, &r);
	if (ret)
		return ret;
	ret = parse_dests(r.svc_tb[VS_SVC_A_DESTS], r.svc.key.af, &dests, &n,
			  info->extack);
	if (ret)
		return end(&r, ret);
	/* Hooks, collector and estimator come with the first service. */
	ret = vs_core_enable(r.vn);
	if (!ret)
		ret = vs_service_add(r.vn, &r.svc, dests, n, info->extack);
	kvfree(dests);
	return end(&r, ret);
}

static int vs_nl_set_service(struct sk_buff *skb, struct genl_info *info)
{
	static const struct cmd_attrs attrs = {
		.takes = BIT(VS_A_SERVICE),
		.service = CONF_ATTRS,
	};
	struct vs_service *svc;
	struct request r;
	int ret;

	ret = begin(info, &attrs, &r);
	if (ret)
		return ret;
	svc = find_service(r.vn, &r.svc, info->extack);
	ret = svc ? vs_service_edit(r.vn, svc, &r.svc, info->extack) : -ESRCH;
	return end(&r, ret);
}

static int vs_nl_del_service(struct sk_buff *skb, struct genl_info *info)
{
	static const struct cmd_attrs attrs = {
		.takes = BIT(VS_A_SERVICE),
		.service = KEY_ATTRS,
	};
	struct vs_service *svc;
	struct request r;
	int ret;

	ret = begin(info, &attrs, &r);
	if (ret)
		return ret;
	svc = find_service(r.vn, &r.svc, info->extack);
	if (svc)
		vs_service_del(r.vn, svc);
	return end(&r, svc ? 0 : -ESRCH);
}

/*
 * The start of a VS_CMD_*_DEST request: its service and real server
 * (NULL if there is none), and the lock held as begin() leaves it.
 */
static int begin_dest(struct genl_info *info, unsigned long dest_allowed,
		      struct request *r, struct vs_service **svc,
		      struct vs_dest_conf *dc, struct vs_dest **dest)
{
	static const struct cmd_attrs attrs = {
		.takes = BIT(VS_A_SERVICE) | BIT(VS_A_DEST),
		.service = KEY_ATTRS,
		.needs = VS_A_DEST,
	};
	int ret;

	ret = begin(info, &attrs, r);
	if (ret)
		return ret;
	ret = parse_dest(info->attrs[VS_A_DEST], r->svc.key.af, dest_allowed, dc,
			 info->extack);
	if (ret)
		return end(r, ret);
	*svc = find_service(r->vn, &r->svc, info->extack);
	if (!*svc)
		return end(r, -ESRCH);
	if (!dc->has_port)
		dc->port = (*svc)->key.port;
	*dest = vs_dest_find(r->vn, *svc, dc->af, &dc->addr, dc->port);
	return 0;
}

static int no_dest(struct request *r, struct genl_info *info)
{
	NL_SET_ERR_MSG_MOD(info->extack, "no such real server");
	return end(r, -ENOENT);
}

static int vs_nl_new_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct vs_service *svc;
	struct vs_dest_conf dc;
	struct vs_dest *dest;
	struct request r;
	int ret;

	ret = begin_dest(info, DEST_ATTRS, &r, &svc, &dc, &dest);
	if (ret)
		return ret;
	return end(&r, vs_dest_add(r.vn, svc, &dc, info->extack));
}

static int vs_nl_set_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct vs_service *svc;
	struct vs_dest_conf dc;
	struct vs_dest *dest;
	struct request r;
	int ret;

	ret = begin_dest(info, DEST_ATTRS, &r, &svc, &dc, &dest);
	if (ret)
		return ret;
	if (!dest)
		return no_dest(&r, info);
	return end(&r, vs_dest_edit(r.vn, svc, dest, &dc, info->extack));
}

static int vs_nl_del_dest(struct sk_buff *skb, struct genl_info *info)
{
	struct vs_service *svc;
	struct vs_dest_conf dc;
	struct vs_dest *dest;
	struct request r;
	int ret;

	ret = begin_dest(info, DEST_KEY_ATTRS, &r, &svc, &dc, &dest);
	if (ret)
		return ret;
	if (!dest)
		return no_dest(&r, info);
	vs_dest_del(r.vn, svc, dest);
	return end(&r, 0);
}

static int vs_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	static const struct cmd_attrs attrs = {};
	struct request r;
	int ret;

	ret = begin(info, &attrs, &r);
	if (ret)
		return ret;
	vs_service_flush(r.vn);
	return end(&r, 0);
}

static int vs_nl_zero(struct sk_buff *skb, struct genl_info *info)
{
	static const struct cmd_attrs attrs = {
		.takes = BIT(VS_A_SERVICE),
		.service = KEY_ATTRS,
		.service_optional = true,
	};
	struct vs_service *svc;
	struct request r;
	unsigned long id = 0;
	int ret;

	ret = begin(info, &attrs, &r);
	if (ret)
		return ret;
	if (r.has_svc) {
		svc = find_service(r.vn, &r.svc, info->extack);
		if (svc)
			vs_service_zero(svc);
		else
			ret = -ESRCH;
	} else {
		for (; (svc = vs_service_next(r.vn, &id)); id++)
			vs_service_zero(svc);
	}
	return end(&r, ret);
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

static int put_tun_src(struct sk_buff *skb, const struct vs_dest *dest)
{
	const struct vs_tun_src *src;
	int ret = 0;

	rcu_read_lock();
	src = rcu_dereference(dest->tun_src);
	if (src)
		ret = nla_put(skb, VS_DEST_A_TUN_SRC, sizeof(src->addr), &src->addr);
	rcu_read_unlock();
	return ret;
}

static int put_tun(struct sk_buff *skb, const struct vs_dest *dest)
{
	union vs_tun t = { .word = READ_ONCE(dest->tun.word) };

	if (READ_ONCE(dest->fwd) != VS_FWD_TUNNEL)
		return 0;
	if (nla_put_u8(skb, VS_DEST_A_TUN_TYPE, t.type) ||
	    nla_put_u16(skb, VS_DEST_A_TUN_FLAGS, t.flags) ||
	    (t.port && nla_put_be16(skb, VS_DEST_A_TUN_PORT, t.port)))
		return -EMSGSIZE;
	return put_tun_src(skb, dest);
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
	    put_stats(skb, VS_DEST_A_STATS, &dest->stats) ||
	    nla_put_u16(skb, VS_DEST_A_AF, dest->af) ||
	    put_tun(skb, dest))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* A connection as a VS_A_CONN nest: for dumps and sync events. */
static int put_conn(struct sk_buff *skb, const struct vs_conn *cp)
{
	const struct vs_conn_key *k = &cp->in.key;
	const struct vs_dest *dest = cp->dest;
	u32 fwmark = dest->svc->key.fwmark;
	unsigned long expires = READ_ONCE(cp->expires);
	union vs_addr caddr = {}, vaddr = {};
	__be16 dport = dest->key.port ? dest->key.port : k->dport;
	__be16 vport = k->dport;
	struct nlattr *nest;

	if (k->af == AF_INET6) {
		memcpy(&caddr, &k->v6.saddr, sizeof(caddr));
		memcpy(&vaddr, &k->v6.daddr, sizeof(vaddr));
	} else {
		caddr.ip = k->v4.saddr;
		vaddr.ip = k->v4.daddr;
	}
	if ((cp->flags & VS_CONN_F_TMPL) && fwmark)
		memset(&vaddr, 0, sizeof(vaddr));	/* the key holds the mark */
	nest = nla_nest_start(skb, VS_A_CONN);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, VS_CONN_A_AF, k->af) ||
	    nla_put_u8(skb, VS_CONN_A_PROTOCOL, k->protocol) ||
	    nla_put(skb, VS_CONN_A_CADDR, sizeof(caddr), &caddr) ||
	    nla_put_be16(skb, VS_CONN_A_CPORT, k->sport) ||
	    nla_put(skb, VS_CONN_A_VADDR, sizeof(vaddr), &vaddr) ||
	    nla_put_be16(skb, VS_CONN_A_VPORT, vport) ||
	    nla_put(skb, VS_CONN_A_DADDR, sizeof(dest->key.addr), &dest->key.addr) ||
	    nla_put_be16(skb, VS_CONN_A_DPORT, dport) ||
	    nla_put_u32(skb, VS_CONN_A_FWMARK, fwmark) ||
	    nla_put_u8(skb, VS_CONN_A_STATE, READ_ONCE(cp->state)) ||
	    nla_put_u32(skb, VS_CONN_A_EXPIRES, time_after(expires, jiffies) ?
			jiffies_to_msecs(expires - jiffies) : 0) ||
	    nla_put_u32(skb, VS_CONN_A_FLAGS, cp->flags & VS_CONN_F_TMPL ?
			VS_CONN_F_TEMPLATE : 0) ||
	    nla_put_u8(skb, VS_CONN_A_FWD, vs_conn_fwd(cp)) ||
	    (dest->af != k->af && nla_put_u16(skb, VS_CONN_A_DEST_AF, dest->af))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* What put_conn() puts, so a sync event takes no more than it needs. */
static size_t put_conn_size(void)
{
	return nla_total_size(0) +			/* VS_A_CONN */
	       3 * nla_total_size(sizeof(union vs_addr)) +
	       5 * nla_total_size(sizeof(u16)) +	/* af, ports, dest af */
	       3 * nla_total_size(sizeof(u8)) +		/* protocol, state, fwd */
	       3 * nla_total_size(sizeof(u32));		/* fwmark, expires, flags */
}

/*
 * One message of a dump: a service, a real server or a connection, as
 * @cmd says. cb->seq counts the changes that can make a dump skip or
 * repeat something (see vs.h, "Dumps"); the first message after one, or
 * NLMSG_DONE if none follows, carries NLM_F_DUMP_INTR.
 */
static int dump_one(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd,
		    const void *obj)
{
	void *hdr;
	int ret;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &vs_genl_family, NLM_F_MULTI, cmd);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (cmd == VS_CMD_GET_SERVICE)
		ret = put_service(skb, obj);
	else if (cmd == VS_CMD_GET_DEST)
		ret = put_dest(skb, obj);
	else
		ret = put_conn(skb, obj);
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
			ret = dump_one(skb, cb, VS_CMD_GET_SERVICE, svc);
			if (ret)
				break;
			cb->args[1] = 1;
		}
		if (with_dests) {
			list_for_each_entry(dest, &svc->dests, list) {
				if (++n < cb->args[1])
					continue;
				ret = dump_one(skb, cb, VS_CMD_GET_DEST, dest);
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

static int vs_nl_get_service(struct sk_buff *skb, struct genl_info *info)
{
	static const struct cmd_attrs attrs = {
		.takes = BIT(VS_A_SERVICE),
		.service = KEY_ATTRS,
	};
	struct vs_service *svc;
	struct sk_buff *msg;
	struct request r;
	void *hdr;
	int ret;

	ret = begin(info, &attrs, &r);
	if (ret)
		return ret;
	msg = new_reply(info, VS_CMD_GET_SERVICE, &hdr);
	if (!msg)
		return end(&r, -ENOMEM);
	svc = find_service(r.vn, &r.svc, info->extack);
	ret = end(&r, svc ? put_service(msg, svc) : -ESRCH);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
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

	ret = dump_service_key(cb, &key, &given);
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
		ret = dump_one(skb, cb, VS_CMD_GET_DEST, dest);
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

static int put_info(struct sk_buff *msg, struct vs_net *vn)
{
	if (nla_put_u32(msg, VS_INFO_A_VERSION, VS_VERSION_CODE) ||
	    nla_put_u32(msg, VS_INFO_A_CONN_TAB_SIZE, vs_conn_buckets(vn)) ||
	    nla_put_u32(msg, VS_INFO_A_CONN_COUNT, vs_conn_count(vn)) ||
	    nla_put_u32(msg, VS_INFO_A_CONN_MAX, vs_conn_max(vn)) ||
	    nla_put_u32(msg, VS_INFO_A_SERVICES, READ_ONCE(vn->num_services)) ||
	    nla_put_u64_64bit(msg, VS_INFO_A_CONN_REFUSED,
			      atomic_long_read(&vn->conn_refused), VS_INFO_A_PAD) ||
	    nla_put_u8(msg, VS_INFO_A_BACKUP_ONLY, !!READ_ONCE(vn->backup_only)) ||
	    nla_put_u8(msg, VS_INFO_A_SLOPPY_TCP, !!READ_ONCE(vn->sloppy_tcp)))
		return -EMSGSIZE;
	return 0;
}

static int put_timeouts(struct sk_buff *msg, struct vs_net *vn)
{
	if (nla_put_u32(msg, VS_TIMEOUT_A_TCP, READ_ONCE(vn->timeouts[VS_TCP_S_ESTABLISHED])) ||
	    nla_put_u32(msg, VS_TIMEOUT_A_TCP_FIN, READ_ONCE(vn->timeouts[VS_TCP_S_FIN_WAIT])) ||
	    nla_put_u32(msg, VS_TIMEOUT_A_UDP, READ_ONCE(vn->timeouts[VS_UDP_S_NORMAL])))
		return -EMSGSIZE;
	return 0;
}

/* The answer to a GET command of no attributes: one nest, filled by @put. */
static int reply_nest(struct genl_info *info, u8 cmd, int type,
		      int (*put)(struct sk_buff *msg, struct vs_net *vn))
{
	static const struct cmd_attrs attrs = {};
	struct nlattr *nest;
	struct sk_buff *msg;
	struct request r;
	void *hdr;
	int ret;

	ret = begin(info, &attrs, &r);
	if (ret)
		return ret;
	msg = new_reply(info, cmd, &hdr);
	if (!msg)
		return end(&r, -ENOMEM);
	nest = nla_nest_start(msg, type);
	ret = end(&r, nest ? put(msg, r.vn) : -EMSGSIZE);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int vs_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	return reply_nest(info, VS_CMD_GET_INFO, VS_A_INFO, put_info);
}

static int vs_nl_get_timeouts(struct sk_buff *skb, struct genl_info *info)
{
	return reply_nest(info, VS_CMD_GET_TIMEOUTS, VS_A_TIMEOUTS, put_timeouts);
}

static int vs_nl_set_info(struct sk_buff *skb, struct genl_info *info)
{
	static const struct cmd_attrs attrs = {
		.takes = BIT(VS_A_INFO),
		.needs = VS_A_INFO,
	};
	struct nlattr *tb[VS_INFO_A_MAX + 1];
	struct request r;
	int ret;

	ret = begin(info, &attrs, &r);
	if (ret)
		return ret;
	ret = nla_parse_nested(tb, VS_INFO_A_MAX, info->attrs[VS_A_INFO],
			       info_policy, info->extack);
	if (!ret && tb[VS_INFO_A_BACKUP_ONLY])
		WRITE_ONCE(r.vn->backup_only, nla_get_u8(tb[VS_INFO_A_BACKUP_ONLY]));
	if (!ret && tb[VS_INFO_A_SLOPPY_TCP])
		WRITE_ONCE(r.vn->sloppy_tcp, nla_get_u8(tb[VS_INFO_A_SLOPPY_TCP]));
	return end(&r, ret);
}

static int vs_nl_set_timeouts(struct sk_buff *skb, struct genl_info *info)
{
	static const struct cmd_attrs attrs = {
		.takes = BIT(VS_A_TIMEOUTS),
		.needs = VS_A_TIMEOUTS,
	};
	static const u8 state_of[VS_TIMEOUT_A_MAX + 1] = {
		[VS_TIMEOUT_A_TCP] = VS_TCP_S_ESTABLISHED,
		[VS_TIMEOUT_A_TCP_FIN] = VS_TCP_S_FIN_WAIT,
		[VS_TIMEOUT_A_UDP] = VS_UDP_S_NORMAL,
	};
	struct nlattr *tb[VS_TIMEOUT_A_MAX + 1];
	struct request r;
	int ret, i;

	ret = begin(info, &attrs, &r);
	if (ret)
		return ret;
	ret = nla_parse_nested(tb, VS_TIMEOUT_A_MAX, info->attrs[VS_A_TIMEOUTS],
			       timeout_policy, info->extack);
	for (i = 1; !ret && i <= VS_TIMEOUT_A_MAX; i++)
		if (tb[i])
			WRITE_ONCE(r.vn->timeouts[state_of[i]], nla_get_u32(tb[i]));
	return end(&r, ret);
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
	flags = tb[VS_CONN_A_FLAGS] ? nla_get_u32(tb[VS_CONN_A_FLAGS]) : 0;
	if (flags & ~__VS_CONN_F_ALL) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VS_CONN_A_FLAGS], "unknown connection flag");
		return -EOPNOTSUPP;
	}
	memset(c, 0, sizeof(*c));
	ret = parse_af(tb[VS_CONN_A_AF], &c->af, extack);
	if (ret)
		return ret;
	c->daf = c->af;
	ret = tb[VS_CONN_A_DEST_AF] ? parse_af(tb[VS_CONN_A_DEST_AF], &c->daf, extack) : 0;
	if (ret)
		return ret;
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
	if (check_addr(tb[VS_CONN_A_CADDR], c->af, &c->caddr, extack) ||
	    check_addr(tb[VS_CONN_A_VADDR], c->af, &c->vaddr, extack) ||
	    check_addr(tb[VS_CONN_A_DADDR], c->daf, &c->daddr, extack))
		return -EINVAL;
	return 0;
}

static void conn_install_error(struct genl_info *info, const struct nlattr *attr,
			       int err)
{
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "connections skipped: no such service or real server");
	else if (err == -EADDRINUSE)
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "connections skipped: another connection has the same reply tuple");
	else
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "connections skipped: the connection table is full");
}

/* Every connection is tried; the first failure is what the ACK says. */
static int vs_nl_new_conn(struct sk_buff *skb, struct genl_info *info)
{
	static const struct cmd_attrs attrs = {
		.takes = BIT(VS_A_CONNS),
		.needs = VS_A_CONNS,
	};
	const struct nlattr *attr;
	struct vs_conn_sync c;
	int rem, ret, first = 0;
	struct request r;

	ret = begin(info, &attrs, &r);
	if (ret)
		return ret;
	/* Check them all before installing any. */
	nla_for_each_nested(attr, info->attrs[VS_A_CONNS], rem) {
		ret = parse_conn(attr, &c, info->extack);
		if (ret)
			return end(&r, ret);
	}
	nla_for_each_nested(attr, info->attrs[VS_A_CONNS], rem) {
		parse_conn(attr, &c, NULL);
		ret = vs_conn_install(r.vn, &c);
		if (ret && !first) {
			first = ret;
			conn_install_error(info, attr, ret);
		}
	}
	return end(&r, first);
}

/*
 * Tell the sync group (a director's vsd relaying to its backup) about a
 * connection; nothing is built while nobody listens. Runs in any context.
 * A listener that falls behind gets ENOBUFS and must resynchronize.
 */
void vs_nl_conn_event(struct vs_net *vn, const struct vs_conn *cp)
{
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&vs_genl_family, vn->net, 0) ||
	    READ_ONCE(cp->state) == VS_CONN_DEAD)
		return;
	/* Exact size: a burst queues thousands of these at the listener. */
	skb = genlmsg_new(put_conn_size(), GFP_ATOMIC | __GFP_NOWARN);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &vs_genl_family, 0, VS_CMD_NEW_CONN);
	if (!hdr || WARN_ON_ONCE(put_conn(skb, cp))) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&vs_genl_family, vn->net, skb, 0, 0, GFP_ATOMIC);
}

/*
 * A connection dump: conn.c's walk over the live table, the optional
 * service filter, and whether it was parsed (in the first part of the
 * dump, where an error reaches the client with its extended ACK; .start
 * has none on 6.1). A table resize restarts the walk and flags the dump
 * (NLM_F_DUMP_INTR): entries may repeat.
 */
struct conn_dump {
	struct vs_conn_walk walk;
	struct vs_service_key key;
	bool filter;
	bool parsed;
};

static int conn_dump_start(struct netlink_callback *cb)
{
	struct vs_net *vn = vs_net(sock_net(cb->skb->sk));
	struct conn_dump *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return -ENOMEM;
	vs_conn_walk_enter(vn, &d->walk);
	cb->args[0] = (long)d;
	cb->seq = 1;
	return 0;
}

static int conn_dump_done(struct netlink_callback *cb)
{
	struct conn_dump *d = (struct conn_dump *)cb->args[0];

	if (d) {
		vs_conn_walk_exit(&d->walk);
		kfree(d);
	}
	return 0;
}

static bool conn_dump_wants(const struct conn_dump *d, const struct vs_conn *cp)
{
	return !d->filter || !memcmp(&cp->dest->svc->key, &d->key, sizeof(d->key));
}

static int vs_nl_dump_conns(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct conn_dump *d = (struct conn_dump *)cb->args[0];
	struct vs_conn *cp;
	int ret = 0;

	if (!d->parsed) {
		ret = dump_service_key(cb, &d->key, &d->filter);
		if (ret)
			return ret;
		d->parsed = true;
	}
	/* A resize counts at once: the next message carries DUMP_INTR. */
	vs_conn_walk_start(&d->walk, &cb->seq);
	while ((cp = vs_conn_walk_next(&d->walk, &cb->seq))) {
		if (!conn_dump_wants(d, cp))
			continue;
		ret = dump_one(skb, cb, VS_CMD_GET_CONN, cp);
		if (ret) {
			vs_conn_walk_again(&d->walk);
			break;
		}
	}
	vs_conn_walk_stop(&d->walk);
	if (ret && !skb->len)
		return ret;
	return skb->len;
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
		.start = conn_dump_start,
		.dumpit = vs_nl_dump_conns,
		.done = conn_dump_done,
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

int __init vs_netlink_init(void)
{
	return genl_register_family(&vs_genl_family);
}

void vs_netlink_uninit(void)
{
	genl_unregister_family(&vs_genl_family);
}

MODULE_ALIAS_GENL_FAMILY(VS_GENL_NAME);
