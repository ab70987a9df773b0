/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvs: a small client of the vs generic netlink family (see
 * include/uapi/linux/vs.h for the protocol), shared by vsadm and vsd.
 *
 * The structures here are a neutral in-memory model of the table: callers
 * never see netlink attributes. Their names (vs_virtual, vs_real,
 * vs_connection, vs_traffic) are not the kernel's (vs_service, vs_dest,
 * vs_conn, vs_stats in kernel/), which hold other things. Ports are in host
 * byte order; addresses are union vs_addr in network byte order, of the
 * family af of their service or connection (AF_INET: .ip, the other 12
 * bytes zero; AF_INET6: all 16). A real server has its service's family,
 * unless it is tunneled (VS_FWD_TUNNEL), which may cross families: its af
 * says so, and a connection's daf likewise.
 * Functions return 0 or a negative errno (the kernel's, or a local
 * one); after a kernel error vs_errmsg() gives the kernel's extended ACK
 * message, if it sent one.
 */
#ifndef _LIBVS_H
#define _LIBVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vs.h>

/* The generic netlink family "vs" does not exist: vs.ko is not loaded. */
#define VS_ENOMODULE 4096

/* Counters and rates of a service or real server (read only). */
struct vs_traffic {
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;
	uint64_t cps, inpps, outpps, inbps, outbps;
};

/*
 * Which optional parameters a request carries (vs_virtual.set,
 * vs_real.set). Requests send only these; absent ones take the kernel's
 * default on creation and stay unchanged on edits. Replies set all that
 * apply: VS_HAS_TUNNEL only for a tunneled server.
 */
enum {
	VS_HAS_SCHED	= 1U << 0,
	VS_HAS_FLAGS	= 1U << 1,
	VS_HAS_TIMEOUT	= 1U << 2,
	VS_HAS_NETMASK	= 1U << 3,
	VS_HAS_FWD	= 1U << 4,
	VS_HAS_WEIGHT	= 1U << 5,
	VS_HAS_U_THRESH	= 1U << 6,
	VS_HAS_L_THRESH	= 1U << 7,
	/* tun_type, tun_port and tun_flags, all three (VS_FWD_TUNNEL) */
	VS_HAS_TUNNEL	= 1U << 8,
	/* tun_src (all zeros: none; replies only when there is one) */
	VS_HAS_TUN_SRC	= 1U << 9,
};

struct vs_real {
	/* The server's family; 0 is its service's. Replies always set it. */
	uint16_t af;
	union vs_addr addr;		/* of family af */
	uint16_t port;
	uint8_t fwd;			/* VS_FWD_* */
	uint8_t tun_type;		/* VS_TUN_*, for VS_FWD_TUNNEL */
	uint16_t tun_port;		/* GUE's UDP port, 0 for the others */
	uint16_t tun_flags;		/* VS_TUN_F_* */
	union vs_addr tun_src;		/* outer source, of family af */
	uint32_t weight;
	uint32_t u_thresh, l_thresh;
	uint32_t active_conns, inact_conns, persist_conns;	/* replies */
	struct vs_traffic stats;				/* replies */
	unsigned int set;		/* VS_HAS_* */
};

/*
 * A virtual service. Its key is af with either fwmark (non-zero) or
 * protocol + addr + port.
 */
struct vs_virtual {
	uint16_t af;			/* AF_INET, AF_INET6; 0 is AF_INET */
	uint8_t protocol;		/* IPPROTO_TCP, IPPROTO_UDP; 0 for fwmark */
	union vs_addr addr;
	uint16_t port;
	uint32_t fwmark;
	char sched[VS_SCHED_NAME_MAX];
	uint32_t flags;			/* VS_SVC_F_* */
	uint32_t timeout;		/* persistence, seconds */
	uint8_t netmask;		/* persistence prefix length (all: 32, 128) */
	uint32_t num_dests;		/* replies */
	struct vs_traffic stats;	/* replies */
	unsigned int set;		/* VS_HAS_* */
	/* Real servers: filled by dumps; sent with VS_OP_ADD_SERVICE. */
	struct vs_real *dests;
	size_t n_dests;
};

struct vs_table {
	struct vs_virtual *svcs;
	size_t n;
};

struct vs_timeouts {
	uint32_t tcp, tcp_fin, udp;	/* seconds; 0 = leave unchanged */
};

struct vs_info {
	uint32_t version;		/* major << 16 | minor << 8 | patch */
	uint32_t conn_tab_size, conn_count, conn_max, services;
	bool backup_only;		/* a standby: schedules nothing */
	bool sloppy_tcp;		/* any TCP segment but RST may open */
};

struct vs_connection {
	uint16_t af;			/* of the client's and the VIP's */
	uint16_t daf;			/* of daddr: af's but for tunnels */
	uint8_t protocol;
	union vs_addr caddr, vaddr, daddr;
	uint16_t cport, vport, dport;
	uint32_t fwmark;
	uint8_t state;			/* VS_TCP_S_*, VS_UDP_S_* */
	uint32_t expires_ms;
	uint32_t flags;			/* VS_CONN_F_* */
	uint8_t fwd;
};

/*
 * A change to the table, for vs_apply(), which sends many of them in a few
 * system calls and reports each one's result in err/msg/bad_dest.
 */
enum vs_op_kind {
	VS_OP_ADD_SERVICE,	/* svc (with svc.dests) */
	VS_OP_EDIT_SERVICE,	/* svc */
	VS_OP_DEL_SERVICE,	/* svc key */
	VS_OP_ADD_DEST,		/* svc key, dest */
	VS_OP_EDIT_DEST,	/* svc key, dest */
	VS_OP_DEL_DEST,		/* svc key, dest key */
	VS_OP_FLUSH,
	VS_OP_ZERO,		/* svc key */
	VS_OP_ZERO_ALL,
	VS_OP_SET_TIMEOUTS,	/* timeouts */
};

struct vs_op {
	enum vs_op_kind kind;
	struct vs_virtual svc;
	struct vs_real dest;
	struct vs_timeouts timeouts;
	/* results */
	int err;		/* 0, or negative errno */
	char *msg;		/* kernel's message (malloc'd) or NULL */
	long bad_dest;		/* index in svc.dests the error names, or -1 */
	bool done;		/* the kernel answered */
};

struct vs_handle;

int vs_open(struct vs_handle **hp);
void vs_close(struct vs_handle *h);
const char *vs_errmsg(const struct vs_handle *h);
const char *vs_strerror(int err);

int vs_get_info(struct vs_handle *h, struct vs_info *info);
/* VS_INFO_A_BACKUP_ONLY: on, the netns schedules and forwards nothing. */
int vs_set_backup_only(struct vs_handle *h, bool on);
/* VS_INFO_A_SLOPPY_TCP: on, a mid-flow TCP segment opens a connection. */
int vs_set_sloppy_tcp(struct vs_handle *h, bool on);
int vs_get_timeouts(struct vs_handle *h, struct vs_timeouts *t);
int vs_set_timeouts(struct vs_handle *h, const struct vs_timeouts *t);

int vs_add_service(struct vs_handle *h, const struct vs_virtual *svc);
int vs_edit_service(struct vs_handle *h, const struct vs_virtual *svc);
int vs_del_service(struct vs_handle *h, const struct vs_virtual *svc);
int vs_add_dest(struct vs_handle *h, const struct vs_virtual *svc,
		const struct vs_real *d);
int vs_edit_dest(struct vs_handle *h, const struct vs_virtual *svc,
		 const struct vs_real *d);
int vs_del_dest(struct vs_handle *h, const struct vs_virtual *svc,
		const struct vs_real *d);
int vs_flush(struct vs_handle *h);
int vs_zero(struct vs_handle *h, const struct vs_virtual *svc_or_null);

/*
 * Pipelined changes, in order: many requests per sendto(), each answered
 * by its own ACK. Returns the number of failed ops, or a negative errno if
 * the conversation with the kernel itself failed. Each op's err, msg and
 * bad_dest tell its fate (msg must be NULL or malloc'd on entry: zeroed
 * ops are fine; vs_op_clear() frees it). With stop_on_error no further
 * batch is sent once an op failed; ops not sent keep done == false, while
 * ops after the failed one in the same batch were still applied.
 */
int vs_apply(struct vs_handle *h, struct vs_op *ops, size_t n,
	     bool stop_on_error);
void vs_op_clear(struct vs_op *op);

int vs_get_service(struct vs_handle *h, const struct vs_virtual *key,
		   struct vs_virtual *out);	/* with its servers */
int vs_dump_table(struct vs_handle *h, struct vs_table *t);
void vs_table_free(struct vs_table *t);
void vs_service_free(struct vs_virtual *svc);
int vs_dump_conns(struct vs_handle *h, const struct vs_virtual *key_or_null,
		  struct vs_connection **conns, size_t *n);

/* Helpers on the model. */
bool vs_service_same(const struct vs_virtual *a, const struct vs_virtual *b);
bool vs_dest_same(const struct vs_real *a, const struct vs_real *b);
/* A server's family: its own, or its service's when its af is 0. */
uint16_t vs_real_af(const struct vs_virtual *s, const struct vs_real *d);
int vs_service_copy(struct vs_virtual *dst, const struct vs_virtual *src);

#endif /* _LIBVS_H */
