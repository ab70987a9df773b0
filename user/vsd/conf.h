/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vsd's configuration: Piranha's lvs.cf syntax parsed into a plain model
 * (no behaviour, no runtime state), so the daemon, `vsd -t`, the unit
 * tests and later failover and the web panel all read
 * the same structures. Documentation/vsd.conf.5 describes every key.
 *
 * Times are in milliseconds. Addresses are network byte order, of the
 * family af beside them (AF_INET: .ip, AF_INET6: all 16 bytes); the
 * failover and web panel addresses are IPv4 only.
 */
#ifndef _VSD_CONF_H
#define _VSD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libvs.h>

#define VSD_CONF_DEFAULT "/etc/vs/vsd.conf"
#define VSD_WEB_PASSWD_DEFAULT "/etc/vs/vsd.passwd"
#define VSD_WEB_PORT 3636
#define VSD_WEB_ALLOW_MAX 16
/* Active-active: the directors of one mesh, and where their routes go. */
#define VSD_DIRECTORS_MIN 2
#define VSD_DIRECTORS_MAX 16
#define VSD_ANNOUNCE_TABLE 250		/* announce_table's default */
/* The routing protocol number of vsd's routes (RTPROT_*): free in
 * iproute2's rt_protos and unused by FRR and BIRD, so a stale route of an
 * earlier run is told from any other in the table.
 */
#define VSD_RTPROT 251

enum vsd_network { VSD_NET_NAT, VSD_NET_DIRECT, VSD_NET_TUNNEL };
enum vsd_shutdown { VSD_SHUTDOWN_KEEP, VSD_SHUTDOWN_FLUSH };
/* tunnel_checksum, as ipvsadm's --tun-nocsum, --tun-csum, --tun-remcsum */
enum vsd_tun_csum { VSD_CSUM_NONE, VSD_CSUM_CSUM, VSD_CSUM_REMCSUM };

enum vsd_check_type {
	VSD_CHECK_CONNECT,	/* TCP connect, or UDP datagram; send/expect */
	VSD_CHECK_HTTP,		/* HTTP GET url, status, body regex */
	VSD_CHECK_PROGRAM,	/* send_program, stdout against expect */
	VSD_CHECK_NONE,		/* always up */
	VSD_CHECK_AGENT,	/* internal: load_monitor = agent */
};

enum vsd_load_monitor {
	VSD_LOAD_NONE,
	VSD_LOAD_AGENT,		/* TCP agent_port answering a load average */
};

/* How one real server of a virtual service is checked; the key for
 * sharing identical checks (check.c) is built from all of it.
 */
struct vsd_check_conf {
	enum vsd_check_type type;
	uint8_t protocol;		/* IPPROTO_TCP or IPPROTO_UDP */
	char *send;			/* escapes resolved */
	size_t send_len;
	char *expect;			/* literal (escapes resolved) or regex */
	size_t expect_len;
	bool use_regex;
	char *program;			/* send_program template, "%h" etc. */
	char *http_url, *http_host, *http_regex;
	unsigned int http_status;
	uint16_t check_port;		/* 0: the real server's port */
	uint64_t interval, connect_timeout, timeout, reentry;
	unsigned int retries;
};

struct vsd_server_conf {
	char *name;
	int line;
	bool active;
	uint16_t af;			/* of addr; 0: no address given */
	union vs_addr addr;
	uint16_t port;			/* dest port in the table */
	uint16_t check_port;		/* port the checks talk to */
	uint32_t weight;
};

struct vsd_virtual_conf {
	char *name;
	int line;
	bool active;
	bool has_addr;
	uint16_t af;			/* the service's: the VIP's, or ipv6 */
	bool ipv6;			/* `ipv6 = 1`: a fwmark service of IPv6 */
	union vs_addr addr;		/* the VIP */
	char *dev;			/* "eth0:1": for failover */
	uint8_t vip_nmask;		/* prefix length, for failover */
	bool has_sorry;
	uint16_t sorry_af;
	union vs_addr sorry_addr;
	uint16_t sorry_port;
	uint32_t fwmark;
	uint8_t protocol;
	uint16_t port;
	char sched[VS_SCHED_NAME_MAX];
	uint32_t sched_flags;		/* VS_SVC_F_SCHED1..3: scheduler_flags */
	uint32_t persistent;		/* seconds, 0 = off */
	uint8_t pmask;			/* prefix length (of af's addresses) */
	bool quiesce;
	bool slow_start;
	struct vsd_check_conf check;
	enum vsd_load_monitor load_monitor;
	uint16_t agent_port;
	uint64_t load_interval;
	uint8_t fwd;			/* VS_FWD_*, from the global network */
	/* network = tunnel: the encapsulation of every server. */
	uint8_t tun_type;		/* VS_TUN_* (tunnel_type) */
	uint16_t tun_port;		/* GUE's UDP port (tunnel_port) */
	uint8_t tun_csum;		/* tunnel_checksum: VSD_CSUM_* */
	/* tunnel_source: the outer source, of the servers' family (without
	 * it, the route's source).
	 */
	bool has_tun_src;
	uint16_t tun_src_af;
	union vs_addr tun_src;
	struct vsd_server_conf *servers;
	size_t n_servers;
};

/* An IPv4 network, address in network byte order. */
struct vsd_cidr {
	uint32_t ip;
	uint8_t plen;
};

struct vsd_conf {
	char *path;
	uint64_t serial_no;
	/* Failover (failover.c): roles, heartbeats, floating addresses. */
	bool has_primary, has_primary_private, has_backup, has_backup_private;
	union vs_addr primary, primary_private, backup, backup_private;
	bool backup_active;
	bool heartbeat;
	uint16_t heartbeat_port;
	uint64_t keepalive, deadtime;
	bool has_nat_router;
	union vs_addr nat_router;
	char *nat_router_dev;
	uint8_t nat_nmask;
	bool monitor_links;
	bool syncdaemon;
	char *syncd_iface;
	uint32_t syncd_id;
	bool hard_shutdown;
	char *active_cmd, *inactive_cmd;
	char *heartbeat_key;		/* path of the shared HMAC key */
	unsigned int garp_repeat;
	uint64_t garp_interval;
	bool preempt;
	uint16_t sync_port;		/* 0: heartbeat_port + 1 */
	/* Active-active (announce.c, mesh/): every director of the list
	 * schedules and announces its healthy VIPs as routes in
	 * announce_table; no roles, no floating addresses.
	 */
	bool active_active;
	uint32_t directors[VSD_DIRECTORS_MAX];	/* IPv4, network order */
	unsigned int n_directors;
	uint32_t announce_table;
	uint64_t drain_timeout;
	/* The table. */
	enum vsd_network network;
	struct vs_timeouts timeouts;	/* tcp_timeout...; 0 = leave alone */
	/* vsd's own. */
	enum vsd_shutdown shutdown;
	uint64_t reconcile_interval;	/* 0 = no periodic comparison */
	/* The web panel (web.c): on when web_port or web_listen is given. */
	bool has_web_port, has_web_listen;
	uint16_t web_port;
	union vs_addr web_listen;
	struct vsd_cidr web_allow[VSD_WEB_ALLOW_MAX];
	unsigned int n_web_allow;
	char *web_cert, *web_key;	/* PEM files: TLS when both given */
	char *web_passwd_file;
	struct vsd_virtual_conf *virtuals;
	size_t n_virtuals;
};

/* Diagnostics of one parse: errors make it fail; notes (obsolete keys
 * accepted and ignored) do not. Each is one line "file:line: ...".
 */
struct vsd_diag {
	char **errors, **notes;
	size_t n_errors, n_notes;
};

/* Parse path (text: its contents, or NULL to read the file). Returns 0 and
 * a model in *out, or -1 with at least one error in diag.
 */
int vsd_conf_parse(const char *path, const char *text, struct vsd_conf **out,
		   struct vsd_diag *diag);
void vsd_conf_free(struct vsd_conf *c);
void vsd_diag_free(struct vsd_diag *d);
/* A check's settings, deep (the checks keep their own copy). */
void vsd_check_conf_copy(struct vsd_check_conf *d,
			 const struct vsd_check_conf *s);
void vsd_check_conf_free(struct vsd_check_conf *c);

/* Resolve \n \r \t \\ (and \x = x) into out (at least strlen(in) + 1
 * bytes); *len gets the length (the result may hold NULs). -1 for a
 * backslash at the very end.
 */
int vsd_unescape(const char *in, char *out, size_t *len);
/* The same for a regex: only \n \r \t become characters, every other
 * backslash pair is left for regcomp() ("\." stays a literal dot).
 */
int vsd_unescape_regex(const char *in, char *out);

/* SHA-256 of the file as it is on disk (what the directors compare):
 * 0, or -1 if it cannot be read. out has VSD_HB_DIGEST_LEN (32) bytes.
 */
int vsd_conf_digest(const char *path, uint8_t out[32]);
/* The check port of a server, the service key of a virtual. */
void vsd_virtual_key(const struct vsd_virtual_conf *v, struct vs_virtual *s);
/* A tunneled virtual's VS_TUN_F_* (0 for the other methods). */
uint16_t vsd_tun_flags(const struct vsd_virtual_conf *v);
const char *vsd_check_type_name(enum vsd_check_type t);
/* The name of one scheduler flag (VS_SVC_F_SCHED1..3) for sched: sh's and
 * mh's own names, else flag-1..3.
 */
const char *vsd_sched_flag_name(const char *sched, uint32_t flag);
/* The flags as scheduler_flags takes them, "mh-port,flag-3"; "" for none. */
void vsd_sched_flags_str(const char *sched, uint32_t flags, char *buf,
			 size_t len);

static inline bool vsd_web_enabled(const struct vsd_conf *c)
{
	return c->has_web_port || c->has_web_listen;
}

#endif /* _VSD_CONF_H */
