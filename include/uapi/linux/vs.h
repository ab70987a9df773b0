/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * vs: the generic netlink protocol between the vs kernel module and
 * userspace. This comment is the protocol specification.
 *
 * Family and permissions
 * ----------------------
 * Family name VS_GENL_NAME ("vs"), version VS_GENL_VERSION. Resolving the
 * family loads vs.ko through its module alias. Every command, reads and
 * dumps included, needs CAP_NET_ADMIN in the initial user namespace (EPERM
 * otherwise), as IPVS does: addresses of real servers and clients are not
 * for every user, and connections take the host's memory, which root of a
 * user namespace must not be able to spend. All state is per network
 * namespace: a command sees and changes only the table of the netns of the
 * socket that sent it. The generic netlink header's reserved field must be
 * 0 and requests may carry no netlink flags beyond REQUEST, ACK, ECHO and
 * DUMP (EINVAL). Commands of different namespaces run in parallel.
 *
 * Attributes are validated strictly at every nesting level: an attribute the
 * command does not take (including read-only ones such as statistics), an
 * unknown attribute, a wrong length or an unknown flag bit is refused with
 * EINVAL (EOPNOTSUPP for flag bits) and an extended ACK message naming it.
 * Ask for extended ACKs (NETLINK_EXT_ACK) to get these messages.
 *
 * Addresses
 * ---------
 * An address is always 16 bytes (VS_*_A_ADDR, NLA_BINARY of exactly
 * sizeof(union vs_addr)) in network byte order, with the family in the
 * service's VS_SVC_A_AF (AF_INET or AF_INET6; any other is refused with
 * EAFNOSUPPORT). An IPv4 address takes the first 4 bytes and the other 12
 * must be zero. Ports are big-endian 16-bit (NLA_BE16). A real server has
 * its service's family unless VS_DEST_A_AF says otherwise (tunnels only);
 * the family is part of its identity.
 *
 * Identifying a service
 * ---------------------
 * A service is identified by VS_SVC_A_AF together with either
 *   VS_SVC_A_PROTOCOL + VS_SVC_A_ADDR + VS_SVC_A_PORT (a TCP or UDP service
 *   on VIP:port; port 0 means every port and needs persistence), or
 *   VS_SVC_A_FWMARK (a firewall-mark service: packets carrying the mark,
 *   TCP or UDP, any address and port; PROTOCOL, ADDR, PORT must be absent).
 * VS_SVC_A_AF may be omitted in requests (AF_INET). A persistent TCP
 *   service on port 21 also takes TCP connections to its VIP, to port 20
 *   or to unprivileged ports, that no other service takes (FTP's data
 *   connections, as in IPVS); its persistence entries carry VPORT 21.
 * A real server ("dest") is identified within its service by VS_DEST_A_ADDR
 * and VS_DEST_A_PORT.
 *
 * Commands (requests carry the attributes listed, replies as shown)
 * -----------------------------------------------------------------
 * VS_CMD_GET_INFO: no attributes. Reply VS_A_INFO { VERSION, CONN_TAB_SIZE,
 *   CONN_COUNT, CONN_MAX, SERVICES, CONN_REFUSED, BACKUP_ONLY, SLOPPY_TCP }.
 * VS_CMD_SET_INFO: VS_A_INFO { BACKUP_ONLY, SLOPPY_TCP } (the settable
 *   members, either or both; the others are refused like any attribute the
 *   command does not take).
 *   BACKUP_ONLY 1 makes this netns a standby director that is also a real
 *   server: the module schedules nothing, so a packet to a VIP that no
 *   connection in the table claims is delivered locally as on a plain
 *   real server; connections in the table (those installed by
 *   VS_CMD_NEW_CONN included) still go to their servers. 0 (the default)
 *   directs again. The same setting as the sysctl net.vs.backup_only; a daemon
 *   sets it here in the same step as its role.
 *   SLOPPY_TCP 1 lets any TCP segment but a RST open a connection when
 *   none claims it, not only a SYN (IPVS's sloppy_tcp): among active-active
 *   directors behind ECMP, a flow moved to this director mid-stream is
 *   scheduled, and the mh scheduler gives it the server its first director
 *   chose. The connection starts in the state the segment leads to from
 *   NONE (an ACK: ESTABLISHED). The sysctl net.vs.sloppy_tcp.
 *
 * VS_CMD_NEW_SERVICE: VS_A_SERVICE { key, SCHED (default "wlc"), FLAGS,
 *   TIMEOUT, NETMASK, DESTS }. FLAGS holds VS_SVC_F_*: PERSISTENT and
 *   the scheduler's flags SCHED1..3 (sh and mh: with SCHED1, a key whose
 *   server cannot take it goes to the next server that can, instead of
 *   being refused; with SCHED2 the source port of TCP and UDP is hashed
 *   with the address, so one client's connections spread). With
 *   VS_SVC_F_PERSISTENT, TIMEOUT (seconds, 1..VS_PERSIST_TIMEOUT_MAX,
 *   default 300) is how long a client stays with its real server after its
 *   last connection ends, and NETMASK (prefix length, default 32, 128 for IPv6) groups
 *   clients; without it TIMEOUT and NETMASK must be absent or 0/the full length. DESTS,
 *   a nest whose every member is a nested VS_DEST_A_* set (type
 *   VS_A_DEST), adds real servers in the same step: the service and all its
 *   servers are created, or nothing is (the batched form for loading large
 *   tables). EEXIST if the service exists, ENOENT for an unknown scheduler,
 *   ENOSPC beyond VS_MAX_SERVICES or VS_MAX_DESTS.
 * VS_CMD_SET_SERVICE: VS_A_SERVICE { key, SCHED, FLAGS, TIMEOUT, NETMASK }.
 *   Only the attributes given change; connections and counters stay. The
 *   scheduler can be switched on a live service. ESRCH if no such service.
 * VS_CMD_DEL_SERVICE: VS_A_SERVICE { key }. ESRCH if no such service.
 * VS_CMD_GET_SERVICE: VS_A_SERVICE { key } replies with that service
 *   (ESRCH if none). As a dump (NLM_F_DUMP), without attributes, it lists
 *   every service, one VS_CMD_GET_SERVICE message each carrying VS_A_SERVICE
 *   { AF, PROTOCOL, ADDR, PORT or FWMARK, SCHED, FLAGS, TIMEOUT, NETMASK,
 *   NUM_DESTS, STATS }, in the order they were created. With
 *   VS_A_DUMP_FLAGS = VS_DUMP_F_DESTS each service message is followed by
 *   one VS_CMD_GET_DEST message per real server of that service (VS_A_DEST
 *   only): the whole table in one dump.
 *
 * VS_CMD_NEW_DEST: VS_A_SERVICE { key }, VS_A_DEST { ADDR, PORT, FWD
 *   (default VS_FWD_DR), WEIGHT (0..VS_WEIGHT_MAX, default 1), U_THRESH,
 *   L_THRESH (connections; 0 = no threshold; L_THRESH must not exceed a
 *   non-zero U_THRESH: ERANGE), AF, TUN_TYPE, TUN_PORT, TUN_FLAGS,
 *   TUN_SRC }. A
 *   direct-routing or tunneled server keeps the service's port (its PORT
 *   must equal the service port or be absent). AF (default: the
 *   service's) may differ from the service's family only for VS_FWD_TUNNEL
 *   (IPv4 in IPv6 and IPv6 in IPv4). The tunnel attributes need
 *   VS_FWD_TUNNEL: TUN_TYPE (default VS_TUN_IPIP), TUN_PORT (GUE's UDP
 *   port, needed by and only for GUE), TUN_FLAGS (VS_TUN_F_*: CSUM for
 *   GUE and GRE, REMCSUM for GUE; none means no checksum), TUN_SRC (the
 *   outer source address, of the server's family; all zeros or absent:
 *   the route's source; not multicast: EINVAL). A TUN_SRC that is not
 *   one of the netns's addresses is taken, and the server's packets are
 *   dropped as unroutable until it is one.
 *   ESRCH if no such service, EEXIST if the server exists.
 * VS_CMD_SET_DEST: the same; only the attributes given change (a TUN_SRC
 *   of all zeros removes the source; a server no longer tunneled loses
 *   its tunnel attributes). Weight 0
 *   quiesces the server: no new connections, existing ones continue. ENOENT
 *   if no such server.
 * VS_CMD_DEL_DEST: VS_A_SERVICE { key }, VS_A_DEST { ADDR, PORT, AF }. ENOENT
 *   if no such server. Its connections are handled by the data path's
 *   expiry policy (see Documentation/sysctl.rst).
 * VS_CMD_GET_DEST: dump only, VS_A_SERVICE { key } required: one message
 *   per real server, VS_A_DEST { ADDR, PORT, FWD, WEIGHT, U_THRESH,
 *   L_THRESH, ACTIVE_CONNS, INACT_CONNS, PERSIST_CONNS, STATS, AF, and
 *   for VS_FWD_TUNNEL TUN_TYPE, TUN_PORT, TUN_FLAGS and TUN_SRC if set },
 *   in the order they were added.
 *
 * VS_CMD_FLUSH: no attributes. Deletes every service of the netns.
 * VS_CMD_ZERO: optional VS_A_SERVICE { key }: zero the counters of that
 *   service and its servers (ESRCH if none), or of all services.
 *
 * VS_CMD_GET_TIMEOUTS: reply VS_A_TIMEOUTS { TCP, TCP_FIN, UDP }.
 * VS_CMD_SET_TIMEOUTS: VS_A_TIMEOUTS with any of TCP (established),
 *   TCP_FIN (FIN_WAIT) and UDP, seconds 1..VS_TIMEOUT_MAX; absent ones are
 *   unchanged. They apply to connections from their next state change.
 *
 * VS_CMD_GET_CONN: dump only. Optional VS_A_SERVICE { key } restricts it to
 *   one service. One message per connection: VS_A_CONN { AF, PROTOCOL,
 *   CADDR, CPORT, VADDR, VPORT, DADDR, DPORT, FWMARK, STATE, EXPIRES, FLAGS,
 *   FWD }. FWMARK is the service's mark (0 for a protocol/VIP/port service).
 *   Persistence entries have VS_CONN_F_TEMPLATE set, CADDR is the client
 *   address masked by the service's netmask, CPORT is 0, and so is VPORT
 *   for a port-0 service; for a firewall-mark service VADDR and VPORT are
 *   0 too (the mark identifies the service).
 *
 * VS_CMD_NEW_CONN: install connections made by another director, so that
 *   they survive a failover (the backup's half of connection sync).
 *   VS_A_CONNS, a nest whose every member is a VS_A_CONN nest with the
 *   attributes a dump gives (AF, PROTOCOL, CADDR, CPORT, VADDR, VPORT,
 *   DADDR, DPORT, FWMARK, STATE, EXPIRES, FLAGS; FWD is taken from the real
 *   server). Each is matched to this netns's service (FWMARK, else
 *   PROTOCOL + VADDR + VPORT, falling back to port 0 as packets do) and to
 *   its real server (DADDR, DPORT); an existing connection gets the new
 *   state and deadline, a missing one is made. PROTOCOL is TCP or UDP (a
 *   persistence entry of a firewall-mark service has 0; EPROTONOSUPPORT
 *   otherwise) and STATE one of that protocol's (VS_UDP_S_NORMAL for UDP,
 *   VS_TCP_S_NONE for a persistence entry; EINVAL otherwise): every
 *   connection is checked before any is installed. Connections whose
 *   service or real server this netns lacks are skipped: the reply is
 *   ENOENT (extended ACK "connections skipped: no such service or real
 *   server", naming the first) after installing the rest; ENOSPC likewise
 *   when the connection table is full, EADDRINUSE when a NAT connection's
 *   reply tuple (real server -> client) is an open TCP connection's.
 *
 * Multicast group VS_GENL_MCGRP_SYNC ("sync"), CAP_NET_ADMIN to join: the
 *   active director's connection events, each a VS_CMD_NEW_CONN message with
 *   one VS_A_CONN (as in a dump): a connection or persistence entry made
 *   here, a TCP state change, and a refresh when a connection's deadline
 *   was pushed out by traffic (sent when the old deadline passes, once per
 *   timeout period). Relayed to a backup and given to VS_CMD_NEW_CONN there
 *   (inside VS_A_CONNS), they keep its table in step. Connections installed
 *   by VS_CMD_NEW_CONN send no creation event. Events are only built while
 *   somebody listens.
 *
 * Dumps
 * -----
 * A dump spans as many messages as it needs and resumes where it stopped,
 * by a cursor that does not depend on position: services by creation id,
 * so services added or deleted meanwhile cannot make it skip or repeat
 * another (a new one appears or not, a deleted one is simply not listed);
 * real servers by position in their service. When the real servers of the
 * service being resumed changed between two messages, the first message
 * after the change carries NLM_F_DUMP_INTR: servers may have been skipped
 * or repeated, and the client should run the dump again. Connections come
 * and go all the time, so a connection dump is a live view: it is flagged
 * only when the table was resized under it, which restarts the walk
 * (entries may then repeat). The flag rides on the first message after
 * the change, or on NLMSG_DONE when none follows: a dump that lost the
 * rest of the service being resumed (its servers deleted, or itself) is
 * flagged too.
 *
 * Errors
 * ------
 * Errors come back as negative errno in the netlink ACK, with an extended
 * ACK message (NLMSGERR_ATTR_MSG) that says what was wrong and, where there
 * is one, the offending attribute (NLMSGERR_ATTR_OFFS):
 *   EPERM        no CAP_NET_ADMIN in the initial user namespace
 *   EINVAL       missing or malformed attribute, bad value, incomplete key,
 *                port 0 without persistence, fwmark 0
 *   EOPNOTSUPP   unknown flag bit
 *   EAFNOSUPPORT address family other than AF_INET
 *   EPROTONOSUPPORT protocol other than TCP or UDP
 *   ENOENT       unknown scheduler, no such real server
 *   ESRCH        no such service
 *   EEXIST       service or real server already exists
 *   ERANGE       a value out of its attribute's range (weight, timeouts,
 *                BACKUP_ONLY...); lower threshold above upper threshold
 *   ENOSPC       too many services or real servers; connection table full
 *   EADDRINUSE   a NAT connection's reply tuple is another connection's
 *   ENOMEM       out of memory
 * A failing command changes nothing.
 */

#ifndef _UAPI_LINUX_VS_H
#define _UAPI_LINUX_VS_H

#include <linux/types.h>

#define VS_GENL_NAME "vs"
#define VS_GENL_VERSION 1
#define VS_GENL_MCGRP_SYNC "sync"

#define VS_SCHED_NAME_MAX 16		/* including the NUL */
#define VS_WEIGHT_MAX 2147483647U
#define VS_PERSIST_TIMEOUT_MAX (30U * 24 * 3600)
#define VS_TIMEOUT_MAX (30U * 24 * 3600)
#define VS_MAX_SERVICES 1000000U	/* per network namespace */
#define VS_MAX_DESTS 65536U		/* per service */

union vs_addr {
	__be32 ip;
	__be32 ip6[4];
	__u8 bytes[16];
};

enum vs_cmd {
	VS_CMD_UNSPEC,
	VS_CMD_GET_INFO,
	VS_CMD_NEW_SERVICE,
	VS_CMD_SET_SERVICE,
	VS_CMD_DEL_SERVICE,
	VS_CMD_GET_SERVICE,
	VS_CMD_NEW_DEST,
	VS_CMD_SET_DEST,
	VS_CMD_DEL_DEST,
	VS_CMD_GET_DEST,
	VS_CMD_FLUSH,
	VS_CMD_ZERO,
	VS_CMD_GET_TIMEOUTS,
	VS_CMD_SET_TIMEOUTS,
	VS_CMD_GET_CONN,
	VS_CMD_NEW_CONN,
	VS_CMD_SET_INFO,
	__VS_CMD_MAX
};
#define VS_CMD_MAX (__VS_CMD_MAX - 1)

enum vs_attr {
	VS_A_UNSPEC,
	VS_A_SERVICE,		/* NLA_NESTED: VS_SVC_A_* */
	VS_A_DEST,		/* NLA_NESTED: VS_DEST_A_* */
	VS_A_INFO,		/* NLA_NESTED: VS_INFO_A_* (replies) */
	VS_A_TIMEOUTS,		/* NLA_NESTED: VS_TIMEOUT_A_* */
	VS_A_CONN,		/* NLA_NESTED: VS_CONN_A_* (replies) */
	VS_A_DUMP_FLAGS,	/* NLA_U32: VS_DUMP_F_* */
	VS_A_CONNS,		/* NLA_NESTED: VS_A_CONN nests (NEW_CONN) */
	__VS_A_LAST
};
#define VS_A_MAX (__VS_A_LAST - 1)

enum vs_dump_flag {
	VS_DUMP_F_DESTS = 1U << 0,	/* GET_SERVICE dump: servers too */
	__VS_DUMP_F_ALL = VS_DUMP_F_DESTS
};

enum vs_service_attr {
	VS_SVC_A_UNSPEC,
	VS_SVC_A_AF,		/* NLA_U16: AF_INET */
	VS_SVC_A_PROTOCOL,	/* NLA_U8: IPPROTO_TCP, IPPROTO_UDP */
	VS_SVC_A_ADDR,		/* NLA_BINARY, sizeof(union vs_addr) */
	VS_SVC_A_PORT,		/* NLA_BE16 */
	VS_SVC_A_FWMARK,	/* NLA_U32, not 0 */
	VS_SVC_A_SCHED,		/* NLA_NUL_STRING, < VS_SCHED_NAME_MAX */
	VS_SVC_A_FLAGS,		/* NLA_U32: VS_SVC_F_* */
	VS_SVC_A_TIMEOUT,	/* NLA_U32: persistence, seconds */
	VS_SVC_A_NETMASK,	/* NLA_U8: persistence prefix length */
	VS_SVC_A_DESTS,		/* NLA_NESTED: VS_A_DEST nests (NEW only) */
	VS_SVC_A_NUM_DESTS,	/* NLA_U32 (replies) */
	VS_SVC_A_STATS,		/* NLA_NESTED: VS_STATS_A_* (replies) */
	__VS_SVC_A_LAST
};
#define VS_SVC_A_MAX (__VS_SVC_A_LAST - 1)

/*
 * SCHED1..3 are the scheduler's own flags (ipvsadm's -b): sh and mh read
 * the first two, the others ignore them, and any scheduler takes any of
 * them, as IPVS does (ipvsadm refuses sh-port on rr; the kernel stores it).
 */
enum vs_service_flag {
	VS_SVC_F_PERSISTENT = 1U << 0,
	VS_SVC_F_SCHED1 = 1U << 1,
	VS_SVC_F_SCHED2 = 1U << 2,
	VS_SVC_F_SCHED3 = 1U << 3,
	VS_SVC_F_SH_FALLBACK = VS_SVC_F_SCHED1,	/* try the next buckets */
	VS_SVC_F_SH_PORT = VS_SVC_F_SCHED2,	/* hash the source port too */
	VS_SVC_F_MH_FALLBACK = VS_SVC_F_SCHED1,
	VS_SVC_F_MH_PORT = VS_SVC_F_SCHED2,
	__VS_SVC_F_SCHED_ALL = VS_SVC_F_SCHED1 | VS_SVC_F_SCHED2 |
			       VS_SVC_F_SCHED3,
	__VS_SVC_F_ALL = VS_SVC_F_PERSISTENT | __VS_SVC_F_SCHED_ALL
};

enum vs_fwd_method {
	VS_FWD_DR = 1,		/* direct routing ("Route") */
	VS_FWD_NAT = 2,		/* masquerading ("Masq") */
	VS_FWD_TUNNEL = 3,	/* encapsulation ("Tunnel") */
	__VS_FWD_LAST
};
#define VS_FWD_MAX (__VS_FWD_LAST - 1)

/* Encapsulations of VS_FWD_TUNNEL (the values are IPVS's). */
enum vs_tun_type {
	VS_TUN_IPIP = 0,	/* IPv4 or IPv6 in IPv4 or IPv6 */
	VS_TUN_GUE = 1,		/* in UDP (Generic UDP Encapsulation) */
	VS_TUN_GRE = 2,		/* in GRE */
	__VS_TUN_LAST
};
#define VS_TUN_MAX (__VS_TUN_LAST - 1)

enum vs_tun_flag {
	VS_TUN_F_CSUM = 1U << 0,	/* GUE's UDP checksum, GRE's checksum */
	VS_TUN_F_REMCSUM = 1U << 1,	/* GUE: remote checksum offload */
	__VS_TUN_F_ALL = VS_TUN_F_CSUM | VS_TUN_F_REMCSUM
};

enum vs_dest_attr {
	VS_DEST_A_UNSPEC,
	VS_DEST_A_ADDR,		/* NLA_BINARY, sizeof(union vs_addr) */
	VS_DEST_A_PORT,		/* NLA_BE16 */
	VS_DEST_A_FWD,		/* NLA_U8: VS_FWD_* */
	VS_DEST_A_WEIGHT,	/* NLA_U32: 0..VS_WEIGHT_MAX */
	VS_DEST_A_U_THRESH,	/* NLA_U32: connections, 0 = none */
	VS_DEST_A_L_THRESH,	/* NLA_U32: connections */
	VS_DEST_A_ACTIVE_CONNS,	/* NLA_U32 (replies) */
	VS_DEST_A_INACT_CONNS,	/* NLA_U32 (replies) */
	VS_DEST_A_PERSIST_CONNS, /* NLA_U32 (replies) */
	VS_DEST_A_STATS,	/* NLA_NESTED: VS_STATS_A_* (replies) */
	VS_DEST_A_AF,		/* NLA_U16: AF_INET, AF_INET6 */
	VS_DEST_A_TUN_TYPE,	/* NLA_U8: VS_TUN_* */
	VS_DEST_A_TUN_PORT,	/* NLA_BE16: GUE's UDP destination port */
	VS_DEST_A_TUN_FLAGS,	/* NLA_U16: VS_TUN_F_* */
	VS_DEST_A_TUN_SRC,	/* NLA_BINARY, sizeof(union vs_addr): outer source */
	__VS_DEST_A_LAST
};
#define VS_DEST_A_MAX (__VS_DEST_A_LAST - 1)

/* Counters since creation or the last zero; rates are per second. */
enum vs_stats_attr {
	VS_STATS_A_UNSPEC,
	VS_STATS_A_PAD,
	VS_STATS_A_CONNS,	/* NLA_U64 */
	VS_STATS_A_INPKTS,	/* NLA_U64 */
	VS_STATS_A_OUTPKTS,	/* NLA_U64 */
	VS_STATS_A_INBYTES,	/* NLA_U64 */
	VS_STATS_A_OUTBYTES,	/* NLA_U64 */
	VS_STATS_A_CPS,		/* NLA_U64 */
	VS_STATS_A_INPPS,	/* NLA_U64 */
	VS_STATS_A_OUTPPS,	/* NLA_U64 */
	VS_STATS_A_INBPS,	/* NLA_U64 */
	VS_STATS_A_OUTBPS,	/* NLA_U64 */
	__VS_STATS_A_LAST
};
#define VS_STATS_A_MAX (__VS_STATS_A_LAST - 1)

enum vs_info_attr {
	VS_INFO_A_UNSPEC,
	VS_INFO_A_VERSION,	/* NLA_U32: major << 16 | minor << 8 | patch */
	VS_INFO_A_CONN_TAB_SIZE, /* NLA_U32: connection hash buckets now */
	VS_INFO_A_CONN_COUNT,	/* NLA_U32: connections now */
	VS_INFO_A_CONN_MAX,	/* NLA_U32: bound on connections (sysctl) */
	VS_INFO_A_SERVICES,	/* NLA_U32: services in this netns */
	VS_INFO_A_CONN_REFUSED,	/* NLA_U64: refused, table full or no memory */
	VS_INFO_A_PAD,
	VS_INFO_A_BACKUP_ONLY,	/* NLA_U8: 0 or 1 (settable, SET_INFO) */
	VS_INFO_A_SLOPPY_TCP,	/* NLA_U8: 0 or 1 (settable, SET_INFO) */
	__VS_INFO_A_LAST
};
#define VS_INFO_A_MAX (__VS_INFO_A_LAST - 1)

enum vs_timeout_attr {
	VS_TIMEOUT_A_UNSPEC,
	VS_TIMEOUT_A_TCP,	/* NLA_U32: seconds, TCP ESTABLISHED */
	VS_TIMEOUT_A_TCP_FIN,	/* NLA_U32: seconds, TCP FIN_WAIT */
	VS_TIMEOUT_A_UDP,	/* NLA_U32: seconds, UDP */
	__VS_TIMEOUT_A_LAST
};
#define VS_TIMEOUT_A_MAX (__VS_TIMEOUT_A_LAST - 1)

enum vs_conn_attr {
	VS_CONN_A_UNSPEC,
	VS_CONN_A_PROTOCOL,	/* NLA_U8 */
	VS_CONN_A_CADDR,	/* NLA_BINARY: client */
	VS_CONN_A_CPORT,	/* NLA_BE16 */
	VS_CONN_A_VADDR,	/* NLA_BINARY: virtual service */
	VS_CONN_A_VPORT,	/* NLA_BE16 */
	VS_CONN_A_DADDR,	/* NLA_BINARY: real server */
	VS_CONN_A_DPORT,	/* NLA_BE16 */
	VS_CONN_A_FWMARK,	/* NLA_U32: service mark, 0 if none */
	VS_CONN_A_STATE,	/* NLA_U8: VS_TCP_S_* (UDP: VS_UDP_S_*) */
	VS_CONN_A_EXPIRES,	/* NLA_U32: milliseconds left */
	VS_CONN_A_FLAGS,	/* NLA_U32: VS_CONN_F_* */
	VS_CONN_A_FWD,		/* NLA_U8: VS_FWD_* */
	VS_CONN_A_AF,		/* NLA_U16 */
	VS_CONN_A_DEST_AF,	/* NLA_U16: DADDR's, if not AF's (tunnels) */
	__VS_CONN_A_LAST
};
#define VS_CONN_A_MAX (__VS_CONN_A_LAST - 1)

enum vs_conn_flag {
	VS_CONN_F_TEMPLATE = 1U << 0,	/* persistence entry */
	__VS_CONN_F_ALL = VS_CONN_F_TEMPLATE
};

/* Connection states, shown by name in listings. */
enum vs_conn_state {
	VS_TCP_S_NONE,
	VS_TCP_S_ESTABLISHED,
	VS_TCP_S_SYN_SENT,
	VS_TCP_S_SYN_RECV,
	VS_TCP_S_FIN_WAIT,
	VS_TCP_S_TIME_WAIT,
	VS_TCP_S_CLOSE,
	VS_TCP_S_CLOSE_WAIT,
	VS_TCP_S_LAST_ACK,
	VS_TCP_S_LISTEN,
	VS_TCP_S_SYNACK,
	VS_UDP_S_NORMAL,
	__VS_CONN_S_LAST
};

#endif /* _UAPI_LINUX_VS_H */
