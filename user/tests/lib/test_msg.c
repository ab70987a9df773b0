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

/*
 * The VS_A_DEST nest of a server op, parsed into tb, which points into
 * the message until the next call; a NULL tb just frees it.
 */
static void put_dest_op(enum vs_op_kind kind, const struct vs_virtual *svc,
			const struct vs_real *d, struct nlattr **tb)
{
	static struct nl_msg *msg;
	struct vs_op op = { .kind = kind, .svc = *svc, .dest = *d };
	struct nlattr *top[VS_A_MAX + 1];

	if (msg)
		nlmsg_free(msg);
	msg = NULL;
	if (!tb)
		return;
	msg = nlmsg_alloc();
	vs_msg_put_op(msg, &op, NULL);
	attrs(msg, top);
	nested(top[VS_A_DEST], VS_DEST_A_MAX, tb);
}

static uint16_t u16_of(struct nlattr *a)
{
	return a ? nla_get_u16(a) : 0xffff;
}

/*
 * vs.h's VS_CMD_NEW_DEST: AF when the server's family is not its
 * service's, and TUN_TYPE, TUN_PORT, TUN_FLAGS for a tunnel; each as the
 * policy types them (u8, be16, u16).
 */
static void test_put_tunnel(void)
{
	struct vs_virtual s6 = { .af = AF_INET6, .protocol = IPPROTO_TCP,
				 .port = 80 };
	struct vs_virtual s4 = { .protocol = IPPROTO_TCP, .port = 80 };
	struct vs_real d = {
		.af = AF_INET, .port = 80, .fwd = VS_FWD_TUNNEL, .weight = 1,
		.tun_type = VS_TUN_GUE, .tun_port = 6080,
		.tun_flags = VS_TUN_F_REMCSUM,
		.set = VS_HAS_FWD | VS_HAS_WEIGHT | VS_HAS_TUNNEL,
	};
	struct nlattr *tb[VS_DEST_A_MAX + 1];
	const uint8_t be6080[2] = { 0x17, 0xc0 };

	s6.addr = addr6("2001:db8::1");
	d.addr.ip = inet_addr("10.0.0.1");
	put_dest_op(VS_OP_ADD_DEST, &s6, &d, tb);
	is_int(u16_of(tb[VS_DEST_A_AF]), AF_INET,
	       "an IPv4 server of an IPv6 service carries VS_DEST_A_AF = AF_INET");
	ok(tb[VS_DEST_A_ADDR] && nla_len(tb[VS_DEST_A_ADDR]) == 16 &&
	   !memcmp(nla_data(tb[VS_DEST_A_ADDR]), &d.addr, 16),
	   "its address in 16 bytes, 12 of them zero");
	ok(tb[VS_DEST_A_FWD] && nla_get_u8(tb[VS_DEST_A_FWD]) == VS_FWD_TUNNEL,
	   "VS_FWD_TUNNEL");
	ok(tb[VS_DEST_A_TUN_TYPE] && nla_len(tb[VS_DEST_A_TUN_TYPE]) == 1 &&
	   nla_get_u8(tb[VS_DEST_A_TUN_TYPE]) == VS_TUN_GUE,
	   "TUN_TYPE is a u8: GUE");
	ok(tb[VS_DEST_A_TUN_PORT] && nla_len(tb[VS_DEST_A_TUN_PORT]) == 2 &&
	   !memcmp(nla_data(tb[VS_DEST_A_TUN_PORT]), be6080, 2),
	   "TUN_PORT is big-endian: 6080 is 17 c0");
	ok(tb[VS_DEST_A_TUN_FLAGS] && nla_len(tb[VS_DEST_A_TUN_FLAGS]) == 2 &&
	   nla_get_u16(tb[VS_DEST_A_TUN_FLAGS]) == VS_TUN_F_REMCSUM,
	   "TUN_FLAGS is a u16: REMCSUM");

	d.tun_type = VS_TUN_IPIP;
	d.tun_port = 0;
	d.tun_flags = 0;
	put_dest_op(VS_OP_EDIT_DEST, &s6, &d, tb);
	ok(tb[VS_DEST_A_TUN_TYPE] && !nla_get_u8(tb[VS_DEST_A_TUN_TYPE]) &&
	   tb[VS_DEST_A_TUN_PORT] && !nla_get_u16(tb[VS_DEST_A_TUN_PORT]) &&
	   tb[VS_DEST_A_TUN_FLAGS] && !nla_get_u16(tb[VS_DEST_A_TUN_FLAGS]),
	   "an IPIP edit sends port 0 and flags 0, clearing a GUE's (ipvsadm)");
	put_dest_op(VS_OP_DEL_DEST, &s6, &d, tb);
	ok(u16_of(tb[VS_DEST_A_AF]) == AF_INET && !tb[VS_DEST_A_FWD] &&
	   !tb[VS_DEST_A_TUN_TYPE] && !tb[VS_DEST_A_TUN_PORT],
	   "a deletion: the key with its family, no parameters");

	d.af = AF_INET6;
	d.addr = addr6("2001:db8::2");
	put_dest_op(VS_OP_ADD_DEST, &s6, &d, tb);
	ok(!tb[VS_DEST_A_AF] && tb[VS_DEST_A_TUN_TYPE],
	   "a tunneled server of its service's family: no VS_DEST_A_AF");
	put_dest_op(VS_OP_ADD_DEST, &s4, &d, tb);
	is_int(u16_of(tb[VS_DEST_A_AF]), AF_INET6,
	       "an IPv6 server of an IPv4 service (af 0 is IPv4): AF_INET6");
	d.af = AF_INET;
	d.addr.ip = inet_addr("10.0.0.1");
	put_dest_op(VS_OP_ADD_DEST, &s4, &d, tb);
	ok(!tb[VS_DEST_A_AF],
	   "an IPv4 server of an IPv4 service whose af is 0: no VS_DEST_A_AF");
	d.af = 0;
	d.addr = addr6("2001:db8::2");
	put_dest_op(VS_OP_ADD_DEST, &s6, &d, tb);
	ok(!tb[VS_DEST_A_AF], "af 0, the service's: no VS_DEST_A_AF");
	d.fwd = VS_FWD_DR;
	d.set = VS_HAS_FWD | VS_HAS_WEIGHT;
	put_dest_op(VS_OP_ADD_DEST, &s6, &d, tb);
	ok(!tb[VS_DEST_A_AF] && !tb[VS_DEST_A_TUN_TYPE] &&
	   !tb[VS_DEST_A_TUN_PORT] && !tb[VS_DEST_A_TUN_FLAGS],
	   "a direct-routing server: no tunnel attributes");
	put_dest_op(VS_OP_ADD_DEST, &s6, &d, NULL);
}

/* In a NEW_SERVICE, each server nest says its own family if it differs. */
static void test_put_new_service_tunnel(void)
{
	struct vs_real d[2] = {
		{ .af = AF_INET, .port = 80, .fwd = VS_FWD_TUNNEL,
		  .tun_type = VS_TUN_GRE, .tun_flags = VS_TUN_F_CSUM,
		  .set = VS_HAS_FWD | VS_HAS_TUNNEL },
		{ .af = AF_INET6, .port = 80, .fwd = VS_FWD_DR,
		  .set = VS_HAS_FWD },
	};
	struct vs_op op = { .kind = VS_OP_ADD_SERVICE };
	struct nlattr *tb[VS_A_MAX + 1], *svc[VS_SVC_A_MAX + 1], *a;
	struct nlattr *dt[VS_DEST_A_MAX + 1];
	struct nl_msg *msg = nlmsg_alloc();
	struct sent sent = { 0 };
	int n = 0, rem, fine = 0;

	d[0].addr.ip = inet_addr("10.0.0.1");
	d[1].addr = addr6("2001:db8::2");
	op.svc.af = AF_INET6;
	op.svc.protocol = IPPROTO_TCP;
	op.svc.port = 80;
	op.svc.addr = addr6("2001:db8::1");
	op.svc.dests = d;
	op.svc.n_dests = 2;
	vs_msg_put_op(msg, &op, &sent);
	attrs(msg, tb);
	nested(tb[VS_A_SERVICE], VS_SVC_A_MAX, svc);
	if (svc[VS_SVC_A_DESTS]) {
		nla_for_each_nested(a, svc[VS_SVC_A_DESTS], rem) {
			nested(a, VS_DEST_A_MAX, dt);
			if (n == 0 && u16_of(dt[VS_DEST_A_AF]) == AF_INET &&
			    dt[VS_DEST_A_TUN_TYPE] &&
			    nla_get_u8(dt[VS_DEST_A_TUN_TYPE]) == VS_TUN_GRE &&
			    u16_of(dt[VS_DEST_A_TUN_FLAGS]) == VS_TUN_F_CSUM)
				fine++;
			if (n == 1 && !dt[VS_DEST_A_AF] && !dt[VS_DEST_A_TUN_TYPE])
				fine++;
			n++;
		}
	}
	ok(n == 2 && fine == 2,
	   "NEW_SERVICE: the IPv4 GRE server says AF_INET, the IPv6 one nothing");
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
	is_int(conn.daf, AF_INET6,
	       "without VS_CONN_A_DEST_AF the server has the connection's family");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nest = vs_msg_nest_start(msg, VS_A_CONN);
	nla_put_u16(msg, VS_CONN_A_AF, AF_INET6);
	nla_put_u16(msg, VS_CONN_A_DEST_AF, AF_INET);
	nla_put_u8(msg, VS_CONN_A_FWD, VS_FWD_TUNNEL);
	nla_nest_end(msg, nest);
	ok(!vs_msg_get_conn(reply(msg, VS_A_CONN), &conn) &&
	   conn.af == AF_INET6 && conn.daf == AF_INET &&
	   conn.fwd == VS_FWD_TUNNEL,
	   "an IPv6 connection to an IPv4 tunnel: VS_CONN_A_DEST_AF decoded");
	nlmsg_free(msg);
}

static void test_get_dest(void)
{
	struct nl_msg *msg = nlmsg_alloc();
	union vs_addr a = { .ip = inet_addr("10.0.0.1") };
	struct vs_virtual s6 = { .af = AF_INET6 };
	struct vs_real d;
	struct nlattr *nest;

	nest = vs_msg_nest_start(msg, VS_A_DEST);
	nla_put(msg, VS_DEST_A_ADDR, 16, &a);
	nla_put_u16(msg, VS_DEST_A_PORT, htons(80));
	nla_put_u8(msg, VS_DEST_A_FWD, VS_FWD_TUNNEL);
	nla_put_u16(msg, VS_DEST_A_AF, AF_INET);
	nla_put_u8(msg, VS_DEST_A_TUN_TYPE, VS_TUN_GUE);
	nla_put_u16(msg, VS_DEST_A_TUN_FLAGS, VS_TUN_F_CSUM);
	nla_put_u16(msg, VS_DEST_A_TUN_PORT, htons(6080));
	nla_nest_end(msg, nest);
	ok(!vs_msg_get_dest(reply(msg, VS_A_DEST), &d) && d.af == AF_INET &&
	   d.fwd == VS_FWD_TUNNEL && d.tun_type == VS_TUN_GUE &&
	   d.tun_port == 6080 && d.tun_flags == VS_TUN_F_CSUM &&
	   (d.set & VS_HAS_TUNNEL),
	   "a GUE server: family, type, port (host order), flags decoded");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nest = vs_msg_nest_start(msg, VS_A_DEST);
	nla_put(msg, VS_DEST_A_ADDR, 16, &a);
	nla_put_u8(msg, VS_DEST_A_FWD, VS_FWD_TUNNEL);
	nla_put_u8(msg, VS_DEST_A_TUN_TYPE, VS_TUN_IPIP);
	nla_put_u16(msg, VS_DEST_A_TUN_FLAGS, 0);
	nla_nest_end(msg, nest);
	ok(!vs_msg_get_dest(reply(msg, VS_A_DEST), &d) && !d.af &&
	   d.tun_type == VS_TUN_IPIP && !d.tun_port && (d.set & VS_HAS_TUNNEL),
	   "an IPIP server without TUN_PORT (the kernel sends none) nor AF");
	is_int(vs_real_af(&s6, &d), AF_INET6,
	       "af 0 is the service's family (vs_real_af)");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nest = vs_msg_nest_start(msg, VS_A_DEST);
	nla_put(msg, VS_DEST_A_ADDR, 16, &a);
	nla_put_u8(msg, VS_DEST_A_FWD, VS_FWD_NAT);
	nla_nest_end(msg, nest);
	ok(!vs_msg_get_dest(reply(msg, VS_A_DEST), &d) &&
	   !(d.set & VS_HAS_TUNNEL) && d.set == (VS_HAS_FWD | VS_HAS_WEIGHT |
			VS_HAS_U_THRESH | VS_HAS_L_THRESH),
	   "a NAT server: no VS_HAS_TUNNEL, so re-sending it sends no tunnel");
	d.af = AF_INET;
	is_int(vs_real_af(&s6, &d), AF_INET, "a server's own af wins");
	nlmsg_free(msg);
}

int main(void)
{
	test_put_service();
	test_put_new_service();
	test_put_tunnel();
	test_put_new_service_tunnel();
	test_get();
	test_get_dest();
	return tap_done();
}
