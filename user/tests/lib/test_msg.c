// SPDX-License-Identifier: GPL-2.0
/*
 * libvs's messages (lib/msg.c) without a kernel: what a request carries
 * for each family, as include/uapi/linux/vs.h specifies it, and what a
 * reply's attributes decode to.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "msg.h"
#include "tap.h"

static union vs_addr addr6(const char *s)
{
	union vs_addr a;

	memset(&a, 0, sizeof(a));
	inet_pton(AF_INET6, s, a.bytes);
	return a;
}

/* The top-level attributes of msg (no generic netlink header here). */
static void attrs(struct nl_msg *msg, struct nlattr **tb)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	nla_parse(tb, VS_A_MAX, nlmsg_attrdata(nlh, 0), nlmsg_attrlen(nlh, 0),
		  NULL);
}

static void nested(struct nlattr *a, int max, struct nlattr **tb)
{
	memset(tb, 0, (size_t)(max + 1) * sizeof(*tb));
	if (a)
		nla_parse_nested(tb, max, a, NULL);
}

static void test_put_service(void)
{
	struct vs_virtual s = {
		.af = AF_INET6, .protocol = IPPROTO_TCP, .port = 80,
		.flags = VS_SVC_F_PERSISTENT, .timeout = 300, .netmask = 64,
		.set = VS_HAS_SCHED | VS_HAS_FLAGS | VS_HAS_TIMEOUT |
		       VS_HAS_NETMASK,
	};
	struct nlattr *tb[VS_A_MAX + 1], *svc[VS_SVC_A_MAX + 1];
	struct nl_msg *msg = nlmsg_alloc();
	union vs_addr want = addr6("2001:db8::1");
	struct vs_virtual back;

	strcpy(s.sched, "wlc");
	s.addr = want;
	vs_msg_put_service(msg, &s, true);
	attrs(msg, tb);
	nested(tb[VS_A_SERVICE], VS_SVC_A_MAX, svc);
	ok(svc[VS_SVC_A_AF] && nla_get_u16(svc[VS_SVC_A_AF]) == AF_INET6,
	   "an IPv6 service is sent with VS_SVC_A_AF = AF_INET6");
	ok(svc[VS_SVC_A_ADDR] && nla_len(svc[VS_SVC_A_ADDR]) == 16 &&
	   !memcmp(nla_data(svc[VS_SVC_A_ADDR]), &want, 16),
	   "with its 16 address bytes");
	ok(svc[VS_SVC_A_NETMASK] && nla_get_u8(svc[VS_SVC_A_NETMASK]) == 64 &&
	   svc[VS_SVC_A_PORT] && ntohs(nla_get_u16(svc[VS_SVC_A_PORT])) == 80,
	   "its prefix length and port");
	ok(!vs_msg_get_service(tb[VS_A_SERVICE], &back) &&
	   back.af == AF_INET6 && !memcmp(&back.addr, &want, 16) &&
	   back.netmask == 64 && back.port == 80 && !strcmp(back.sched, "wlc"),
	   "and decodes back to the same service");
	nlmsg_free(msg);

	memset(&s, 0, sizeof(s));
	s.af = AF_INET6;
	s.fwmark = 7;
	msg = nlmsg_alloc();
	vs_msg_put_service(msg, &s, false);
	attrs(msg, tb);
	nested(tb[VS_A_SERVICE], VS_SVC_A_MAX, svc);
	ok(svc[VS_SVC_A_AF] && nla_get_u16(svc[VS_SVC_A_AF]) == AF_INET6 &&
	   svc[VS_SVC_A_FWMARK] && !svc[VS_SVC_A_ADDR] && !svc[VS_SVC_A_NETMASK],
	   "an IPv6 fwmark key: AF_INET6 and the mark only");
	nlmsg_free(msg);

	s.af = 0;
	msg = nlmsg_alloc();
	vs_msg_put_service(msg, &s, false);
	attrs(msg, tb);
	nested(tb[VS_A_SERVICE], VS_SVC_A_MAX, svc);
	ok(svc[VS_SVC_A_AF] && nla_get_u16(svc[VS_SVC_A_AF]) == AF_INET,
	   "af 0 is sent as AF_INET");
	nlmsg_free(msg);
}

static void test_put_new_service(void)
{
	struct vs_real d[2] = {
		{ .port = 80, .fwd = VS_FWD_DR, .weight = 1, .set = VS_HAS_FWD },
		{ .port = 8080, .fwd = VS_FWD_NAT, .weight = 2, .set = VS_HAS_FWD },
	};
	struct vs_op op = { .kind = VS_OP_ADD_SERVICE };
	struct nlattr *tb[VS_A_MAX + 1], *svc[VS_SVC_A_MAX + 1], *a;
	struct nl_msg *msg = nlmsg_alloc();
	struct sent sent = { 0 };
	struct vs_real back[2];
	int n = 0, rem;

	d[0].addr = addr6("2001:db8::2");
	d[1].addr = addr6("2001:db8::1:0:0:10");
	op.svc.af = AF_INET6;
	op.svc.fwmark = 9;
	op.svc.dests = d;
	op.svc.n_dests = 2;
	vs_msg_put_op(msg, &op, &sent);
	attrs(msg, tb);
	nested(tb[VS_A_SERVICE], VS_SVC_A_MAX, svc);
	ok(svc[VS_SVC_A_AF] && nla_get_u16(svc[VS_SVC_A_AF]) == AF_INET6 &&
	   svc[VS_SVC_A_DESTS], "NEW_SERVICE of IPv6 fwmark 9 with servers");
	if (svc[VS_SVC_A_DESTS])
		nla_for_each_nested(a, svc[VS_SVC_A_DESTS], rem)
			if (n < 2 && !vs_msg_get_dest(a, &back[n]))
				n++;
	ok(n == 2 && !memcmp(&back[0].addr, &d[0].addr, 16) &&
	   !memcmp(&back[1].addr, &d[1].addr, 16) && back[1].port == 8080,
	   "its servers' 16-byte addresses");
	free(sent.spans);
	nlmsg_free(msg);
}

/* A reply nest as the kernel would send it. */
static struct nlattr *reply(struct nl_msg *msg, int type)
{
	struct nlattr *tb[VS_A_MAX + 1];

	attrs(msg, tb);
	return tb[type];
}

static void test_get(void)
{
	union vs_addr c = addr6("2001:db8::99"), v = addr6("2001:db8::1");
	union vs_addr d = addr6("2001:db8::2");
	struct nl_msg *msg = nlmsg_alloc();
	struct vs_connection conn;
	struct vs_virtual s;
	struct nlattr *nest;

	nest = vs_msg_nest_start(msg, VS_A_SERVICE);
	nla_put_u16(msg, VS_SVC_A_AF, AF_INET6);
	nla_put_u32(msg, VS_SVC_A_FWMARK, 7);
	nla_nest_end(msg, nest);
	ok(!vs_msg_get_service(reply(msg, VS_A_SERVICE), &s) &&
	   s.af == AF_INET6 && s.fwmark == 7 && s.netmask == 128,
	   "an IPv6 service without NETMASK decodes as /128");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nest = vs_msg_nest_start(msg, VS_A_SERVICE);
	nla_put_u32(msg, VS_SVC_A_FWMARK, 7);
	nla_nest_end(msg, nest);
	ok(!vs_msg_get_service(reply(msg, VS_A_SERVICE), &s) &&
	   s.af == AF_INET && s.netmask == 32,
	   "without AF: AF_INET and /32, as before");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nest = vs_msg_nest_start(msg, VS_A_CONN);
	nla_put_u16(msg, VS_CONN_A_AF, AF_INET6);
	nla_put_u8(msg, VS_CONN_A_PROTOCOL, IPPROTO_TCP);
	nla_put(msg, VS_CONN_A_CADDR, 16, &c);
	nla_put_u16(msg, VS_CONN_A_CPORT, htons(40000));
	nla_put(msg, VS_CONN_A_VADDR, 16, &v);
	nla_put_u16(msg, VS_CONN_A_VPORT, htons(80));
	nla_put(msg, VS_CONN_A_DADDR, 16, &d);
	nla_put_u16(msg, VS_CONN_A_DPORT, htons(80));
	nla_nest_end(msg, nest);
	ok(!vs_msg_get_conn(reply(msg, VS_A_CONN), &conn) &&
	   conn.af == AF_INET6 && !memcmp(&conn.caddr, &c, 16) &&
	   !memcmp(&conn.vaddr, &v, 16) && !memcmp(&conn.daddr, &d, 16) &&
	   conn.cport == 40000, "an IPv6 connection: VS_CONN_A_AF decoded");
	nlmsg_free(msg);
}

int main(void)
{
	test_put_service();
	test_put_new_service();
	test_get();
	return tap_done();
}
