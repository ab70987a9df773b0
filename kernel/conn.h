/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_CONN_H
#define _VS_CONN_H

#include <linux/in6.h>
#include <linux/netlink.h>
#include <linux/rhashtable.h>
#include <linux/socket.h>

#include "pernet.h"
#include "service.h"

enum vs_conn_dir {
	VS_DIR_IN,	/* client -> VIP, as the packet arrives */
	VS_DIR_OUT,	/* real server -> client, a NAT reply before SNAT */
	VS_DIR_TMPL,	/* persistence: client (masked) -> service */
};

/*
 * Hashed and compared as raw bytes: the first vs_conn_key_len(af) of them,
 * 16 for IPv4 and 40 for IPv6, so that an IPv4 connection need not carry
 * IPv6's addresses.
 */
struct vs_conn_key {
	__be16 sport;
	__be16 dport;
	u8 protocol;
	u8 dir;
	u8 af;			/* AF_INET, AF_INET6 */
	u8 zero;
	union {
		struct {
			__be32 saddr, daddr;
		} v4;
		struct {
			struct in6_addr saddr, daddr;
		} v6;
	};
};

static inline unsigned int vs_conn_key_len(u8 af)
{
	return af == AF_INET6 ? sizeof(struct vs_conn_key) :
	       offsetofend(struct vs_conn_key, v4);
}

struct vs_tuple {
	struct rhash_head node;
	struct vs_conn_key key;	/* only vs_conn_key_len(key.af) bytes */
};

static inline unsigned int vs_tuple_size(u8 af)
{
	return offsetof(struct vs_tuple, key) + vs_conn_key_len(af);
}

enum {
	VS_CONN_F_NAT = BIT(0),		/* forwarded by NAT (else DR) */
	VS_CONN_F_TMPL = BIT(1),	/* a persistence entry */
	VS_CONN_F_OUTPUT = BIT(2),	/* a reply was seen (NAT) */
	VS_CONN_F_SYNC_DUE = BIT(3),	/* traffic moved the deadline */
	VS_CONN_F_TUNNEL = BIT(4),	/* forwarded in a tunnel */
};

/* The connection flags of a server's forwarding method. */
static inline u8 vs_conn_fwd_flags(u8 fwd)
{
	return fwd == VS_FWD_NAT ? VS_CONN_F_NAT :
	       fwd == VS_FWD_TUNNEL ? VS_CONN_F_TUNNEL : 0;
}

#define VS_CONN_DEAD 0xff		/* state of an unhashed connection */

/*
 * A connection, found by its in tuple (and by its out tuple for NAT
 * replies) under RCU, with no reference count on the packet path: it is
 * freed an RCU grace period after it is unhashed. No timer either: it sits
 * in an expiry slot and the collector looks at it once per timeout.
 * Persistence entries use the same structure, counted by refcnt.
 *
 * The in tuple ends the structure and the out tuple (NAT replies) follows
 * it, each as long as its family's key (vs_conn_out): 96 bytes for IPv4,
 * 144 for IPv6.
 */
struct vs_conn {
	struct vs_dest *dest;		/* holds a reference */
	struct vs_conn *tmpl;		/* holds a reference */
	unsigned long expires;		/* jiffies, refreshed by packets */
	union {
		struct hlist_node exp_node;	/* while hashed */
		struct rcu_head rcu;		/* once unhashed */
	};
	refcount_t refcnt;		/* templates: table + connections */
	u16 exp_cpu;			/* whose expiry slots hold it */
	u8 state;			/* VS_TCP_S_*, VS_UDP_S_*, VS_CONN_DEAD */
	u8 flags;			/* VS_CONN_F_* */
	struct vs_tuple in;		/* then the out tuple */
};

static inline struct vs_tuple *vs_conn_out(struct vs_conn *cp)
{
	return (void *)&cp->in + vs_tuple_size(cp->in.key.af);
}

int vs_conn_net_init(struct vs_net *vn);
void vs_conn_net_pre_exit(struct vs_net *vn);
void vs_conn_net_exit(struct vs_net *vn);

unsigned int vs_conn_buckets(struct vs_net *vn);
unsigned int vs_conn_count(struct vs_net *vn);
unsigned int vs_conn_max(struct vs_net *vn);

struct vs_conn *vs_conn_lookup(struct vs_net *vn, const struct vs_conn_key *key);
struct vs_conn *vs_conn_new(struct vs_net *vn, const struct vs_conn_key *in,
			    struct vs_dest *dest, struct vs_conn *tmpl,
			    u8 flags, u8 state, unsigned long expires);
void vs_conn_kill(struct vs_net *vn, struct vs_conn *cp);
bool vs_conn_set_state(struct vs_conn *cp, u8 state);
void vs_conn_touch(struct vs_net *vn, struct vs_conn *cp);
void vs_conn_set_output(struct vs_conn *cp);
bool vs_conn_none(struct vs_net *vn);
void vs_conn_kill_dest(struct vs_net *vn);
void vs_conn_start(struct vs_net *vn);

struct vs_conn *vs_tmpl_get(struct vs_net *vn, const struct vs_conn_key *key);
void vs_tmpl_key(struct vs_conn_key *key, const struct vs_service *svc,
		 const union vs_addr *caddr, const union vs_addr *vaddr);

/* An IPv4 key. */
static inline void vs_conn_key_make(struct vs_conn_key *key, __be32 saddr,
				    __be32 daddr, __be16 sport, __be16 dport,
				    u8 protocol, u8 dir)
{
	key->sport = sport;
	key->dport = dport;
	key->protocol = protocol;
	key->dir = dir;
	key->af = AF_INET;
	key->zero = 0;
	key->v4.saddr = saddr;
	key->v4.daddr = daddr;
}

/* A key of either family from addresses as the uapi holds them. */
static inline void vs_conn_key_fill(struct vs_conn_key *key, u8 af,
				    const union vs_addr *saddr,
				    const union vs_addr *daddr, __be16 sport,
				    __be16 dport, u8 protocol, u8 dir)
{
	vs_conn_key_make(key, saddr->ip, daddr->ip, sport, dport, protocol, dir);
	if (af != AF_INET6)
		return;
	key->af = AF_INET6;
	memcpy(&key->v6.saddr, saddr, sizeof(key->v6.saddr));
	memcpy(&key->v6.daddr, daddr, sizeof(key->v6.daddr));
}

/* The key's addresses as the uapi holds them. */
static inline void vs_conn_key_addrs(const struct vs_conn_key *key,
				     union vs_addr *saddr, union vs_addr *daddr)
{
	memset(saddr, 0, sizeof(*saddr));
	memset(daddr, 0, sizeof(*daddr));
	if (key->af == AF_INET6) {
		memcpy(saddr, &key->v6.saddr, sizeof(*saddr));
		memcpy(daddr, &key->v6.daddr, sizeof(*daddr));
	} else {
		saddr->ip = key->v4.saddr;
		daddr->ip = key->v4.daddr;
	}
}

/* A connection as another director sent it (VS_CMD_NEW_CONN). */
struct vs_conn_sync {
	u8 af;
	u8 daf;				/* the real server's */
	u8 protocol;
	bool tmpl;
	u8 state;
	union vs_addr caddr, vaddr, daddr;
	__be16 cport, vport, dport;
	u32 fwmark;
	u32 expires_ms;
};

int vs_conn_install(struct vs_net *vn, const struct vs_conn_sync *s);
void vs_tmpl_put(struct vs_conn *tmpl);

static inline struct vs_conn *vs_tuple_conn(struct vs_tuple *t)
{
	if (t->key.dir == VS_DIR_OUT)
		t = (void *)t - vs_tuple_size(t->key.af);
	return container_of(t, struct vs_conn, in);
}

/* The forwarding method (VS_FWD_*) a connection was made with. */
static inline u8 vs_conn_fwd(const struct vs_conn *cp)
{
	return cp->flags & VS_CONN_F_NAT ? VS_FWD_NAT :
	       cp->flags & VS_CONN_F_TUNNEL ? VS_FWD_TUNNEL : VS_FWD_DR;
}

static inline bool vs_conn_active_state(u8 state)
{
	return state == VS_TCP_S_ESTABLISHED || state == VS_TCP_S_SYN_SENT ||
	       state == VS_TCP_S_SYN_RECV || state == VS_TCP_S_SYNACK;
}

/* A walk over the table for dumps (conn.c explains). */
struct vs_conn_walk {
	struct rhashtable_iter iter;
	bool again;		/* give the last connection again first */
};

void vs_conn_walk_enter(struct vs_net *vn, struct vs_conn_walk *w);
void vs_conn_walk_start(struct vs_conn_walk *w, unsigned int *resized)
	__acquires(RCU);
struct vs_conn *vs_conn_walk_next(struct vs_conn_walk *w, unsigned int *resized);
void vs_conn_walk_again(struct vs_conn_walk *w);
void vs_conn_walk_stop(struct vs_conn_walk *w)
	__releases(RCU);
void vs_conn_walk_exit(struct vs_conn_walk *w);

int vs_conn_init(void);
void vs_conn_uninit(void);

#endif /* _VS_CONN_H */
