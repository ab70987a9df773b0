// SPDX-License-Identifier: GPL-2.0
/*
 * The mesh (see mesh.h): one heartbeat socket on this director's address,
 * datagrams told apart by their source; a tick every keepalive that
 * sends to every peer; a deadline per peer, deadtime after it was last
 * heard; one sync relay per peer. A heartbeat is hb.c's, in the pair the
 * two directors form (mesh_rule.h): the sender's role in it, its state
 * (ACTIVE: it announces) and flags of the mesh's own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "log.h"
#include "mesh.h"
#include "mesh_rule.h"

/* Flags of the mesh's beyond hb.h's. */
enum {
	F_DRAINING = 1 << 2,	/* vsd drain: withdrawn, still serving */
	F_REFUSED = 1 << 3,	/* its configuration lost to another's */
};

#define MAX_SKEW_US (30ULL * 1000000)
#define KEY_MISMATCH_AFTER 3

struct peer {
	struct vsd_mesh *m;
	struct sockaddr_in addr;
	char name[INET_ADDRSTRLEN];
	enum vsd_hb_node role;		/* ours in this pair */
	struct vsd_hb_keys keys;
	struct vsd_hb_peer seen;
	uint64_t nonce;			/* its run; 0 unknown */
	struct vsd_hb last;
	bool heard, alive, same_config;
	uint64_t last_heard;		/* monotonic us */
	struct loop_timer dead;
	unsigned int forged_in_row;
	bool key_mismatch;
	struct vsd_sync *sync;
	uint64_t full_asked;
};

struct vsd_mesh {
	struct loop *loop;
	struct vsd_mesh_conf c;
	uint64_t nonce, seq, started;
	int fd;
	struct loop_io io;
	struct loop_timer tick;
	struct peer *peers;
	size_t n;
	struct vsd_mesh_self self;
	uint64_t counts[VSD_HB_VERDICTS];
	bool first_sync_done;		/* every live peer's table came */
};

#define peer_of(ptr) ((struct peer *)((char *)(ptr) - offsetof(struct peer, dead)))

static void send_one(struct vsd_mesh *m, struct peer *p)
{
	struct vsd_hb h = {
		.node = p->role,
		.state = m->self.announcing ? VSD_HB_ACTIVE : VSD_HB_STANDBY,
		.flags = VSD_HB_F_LINKS_OK,
		.seq = ++m->seq,
		.time_us = vsd_hb_wall_us(),
		.serial = m->c.serial,
		.nonce = m->nonce,
		.echo = p->nonce,
	};
	uint8_t buf[VSD_HB_LEN];

	if (p->sync && vsd_sync_have_full(p->sync))
		h.flags |= VSD_HB_F_SYNCED;
	if (m->self.draining)
		h.flags |= F_DRAINING;
	if (m->self.refused)
		h.flags |= F_REFUSED;
	memcpy(h.digest, m->c.digest, sizeof(h.digest));
	vsd_hb_encode(&h, &p->keys, buf);
	sendto(m->fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&p->addr,
	       sizeof(p->addr));
}

static void send_all(struct vsd_mesh *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		send_one(m, &m->peers[i]);
}

static void changed(struct vsd_mesh *m)
{
	if (m->c.changed)
		m->c.changed(m->c.arg);
}

/*
 * A peer without our connections, or we without its: each side asks the
 * other for a full sync as soon as it hears it, then every 8 heartbeats
 * until one came (the peer relays to us only once it hears us too).
 */
static void want_full(struct vsd_mesh *m, struct peer *p, uint64_t now)
{
	if (!p->sync || !p->alive || vsd_sync_have_full(p->sync)) {
		p->full_asked = 0;
		return;
	}
	if (p->full_asked && now - p->full_asked < 8 * m->c.keepalive_us)
		return;
	p->full_asked = now;
	vsd_sync_request_full(p->sync);
}

static void drain_socket(struct vsd_mesh *m);

/*
 * A director that starts (or comes back) announces only once it holds the
 * flows the others hold, or the router would send it flows it can only
 * schedule anew, which is wrong for those whose servers changed since:
 * it waits for a full sync from every live peer, for at most FIRST_SYNC
 * deadtimes.
 */
#define FIRST_SYNC 4

static void first_sync(struct vsd_mesh *m, uint64_t now)
{
	size_t i;

	if (m->first_sync_done)
		return;
	if (now - m->started < FIRST_SYNC * m->c.deadtime_us) {
		for (i = 0; i < m->n; i++) {
			const struct peer *p = &m->peers[i];

			if (!p->heard && now - m->started < m->c.deadtime_us)
				return;
			if (p->sync && p->alive && !vsd_sync_have_full(p->sync))
				return;
		}
	} else {
		log_warn("mesh: announcing without every peer's connections (no full sync within %.1f s)",
			 FIRST_SYNC * m->c.deadtime_us / 1e6);
	}
	m->first_sync_done = true;
	changed(m);
}

static void tick_cb(struct loop_timer *t)
{
	struct vsd_mesh *m = (struct vsd_mesh *)((char *)t - offsetof(struct vsd_mesh, tick));
	uint64_t now = loop_now();
	size_t i;

	send_all(m);
	drain_socket(m);
	for (i = 0; i < m->n; i++)
		want_full(m, &m->peers[i], now);
	first_sync(m, now);
	loop_timer_in(m->loop, &m->tick, m->c.keepalive_us);
}

static void set_alive(struct peer *p, bool alive)
{
	if (p->alive == alive)
		return;
	p->alive = alive;
	if (alive)
		log_notice("mesh: hearing director %s", p->name);
	else
		log_warn("mesh: nothing from director %s for %.1f s: dead",
			 p->name, p->m->c.deadtime_us / 1e6);
	if (p->sync && vsd_sync_relay(p->sync, alive))
		log_err("mesh: cannot %s relaying connections to %s", alive ? "start" : "stop",
			p->name);
	if (!alive && p->sync)
		vsd_sync_forget_full(p->sync);
}

static void dead_cb(struct loop_timer *t)
{
	struct peer *p = peer_of(t);

	drain_socket(p->m);
	if (loop_timer_armed(&p->dead))
		return;		/* heard meanwhile */
	set_alive(p, false);
	changed(p->m);
}

static bool config_same(const struct vsd_mesh *m, const struct vsd_hb *h)
{
	return !memcmp(h->digest, m->c.digest, sizeof(h->digest)) &&
	       h->serial == m->c.serial;
}

/* Said once per change, on both sides (each compares). */
static void compare_config(struct vsd_mesh *m, struct peer *p)
{
	bool same = config_same(m, &p->last);

	if (same == p->same_config)
		return;
	p->same_config = same;
	if (same)
		log_notice("mesh: director %s's configuration is ours again", p->name);
	else
		log_err("mesh: director %s's configuration differs from ours (its serial_no %llu, ours %llu)",
			p->name, (unsigned long long)p->last.serial,
			(unsigned long long)m->c.serial);
}

static void heard(struct vsd_mesh *m, struct peer *p, const struct vsd_hb *h)
{
	bool was = p->alive && p->last.state == h->state &&
		   p->last.flags == h->flags && config_same(m, h) == p->same_config;

	p->last = *h;
	p->heard = true;
	p->last_heard = loop_now();
	set_alive(p, true);
	compare_config(m, p);
	loop_timer_in(m->loop, &p->dead, m->c.deadtime_us);
	if (!was)
		changed(m);
}

/* A new run of the peer: answered at once, so it need not wait a tick. */
static void learn_nonce(struct vsd_mesh *m, struct peer *p, uint64_t nonce)
{
	if (nonce == p->nonce)
		return;
	p->nonce = nonce;
	if (p->sync) {
		vsd_sync_set_peer_nonce(p->sync, nonce);
		vsd_sync_forget_full(p->sync);
		p->full_asked = 0;
	}
	send_one(m, p);
}

static void forged(struct peer *p)
{
	if (++p->forged_in_row < KEY_MISMATCH_AFTER || p->key_mismatch)
		return;
	p->key_mismatch = true;
	log_err("mesh: every heartbeat from director %s fails authentication: is its heartbeat_key the same as ours? Until it is, it counts as dead",
		p->name);
}

static void authentic(struct peer *p)
{
	p->forged_in_row = 0;
	if (!p->key_mismatch)
		return;
	p->key_mismatch = false;
	log_notice("mesh: heartbeats from director %s authenticate again", p->name);
}

static struct peer *find_peer(struct vsd_mesh *m, const struct sockaddr_in *from)
{
	size_t i;

	for (i = 0; from->sin_family == AF_INET && i < m->n; i++)
		if (m->peers[i].addr.sin_addr.s_addr == from->sin_addr.s_addr)
			return &m->peers[i];
	return NULL;
}

static void judge(struct vsd_mesh *m, const uint8_t *buf, size_t len,
		  const struct sockaddr_in *from)
{
	struct peer *p = find_peer(m, from);
	enum vsd_hb_verdict v = VSD_HB_STRANGER;
	struct vsd_hb h;

	if (p)
		v = vsd_hb_decode(buf, len, &p->keys, p->role, m->nonce, &p->seen,
				  vsd_hb_wall_us(), MAX_SKEW_US, &h);
	m->counts[v]++;
	if (p && v == VSD_HB_FORGED)
		forged(p);
	else if (p && v != VSD_HB_MALFORMED)
		authentic(p);
	if (v == VSD_HB_OK || v == VSD_HB_UNFRESH)
		learn_nonce(m, p, h.nonce);
	if (v == VSD_HB_OK)
		heard(m, p, &h);
	else if (v != VSD_HB_UNFRESH && (m->counts[v] == 1 || m->counts[v] % 100 == 0))
		log_warn("mesh: %s heartbeat ignored (%llu so far)",
			 vsd_hb_verdict_name(v), (unsigned long long)m->counts[v]);
}

static void drain_socket(struct vsd_mesh *m)
{
	uint8_t buf[VSD_HB_LEN + 1];
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	ssize_t n;

	while ((n = recvfrom(m->fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fromlen)) >= 0) {
		if (fromlen != sizeof(from))
			from.sin_family = AF_UNSPEC;
		judge(m, buf, (size_t)n, &from);
		fromlen = sizeof(from);
	}
}

static void io_cb(struct loop_io *io, uint32_t events)
{
	(void)events;
	drain_socket((struct vsd_mesh *)((char *)io - offsetof(struct vsd_mesh, io)));
}

static int open_socket(struct vsd_mesh *m)
{
	struct sockaddr_in me = {
		.sin_family = AF_INET,
		.sin_port = htons(m->c.port),
		.sin_addr = m->c.self,
	};
	int one = 1;

	m->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (m->fd < 0)
		return -errno;
	setsockopt(m->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(m->fd, (struct sockaddr *)&me, sizeof(me)))
		return -errno;
	m->io.fd = m->fd;
	m->io.fn = io_cb;
	return loop_io_add(m->loop, &m->io, EPOLLIN);
}

static int init_peer(struct vsd_mesh *m, struct peer *p, struct in_addr a)
{
	struct vsd_sync_conf sc = {
		.local = m->c.self,
		.peer = a,
		.port = m->c.sync_port,
		.nonce = m->nonce,
		.mesh = true,
	};

	p->m = m;
	p->addr = (struct sockaddr_in){ .sin_family = AF_INET,
					.sin_port = htons(m->c.port), .sin_addr = a };
	inet_ntop(AF_INET, &a, p->name, sizeof(p->name));
	p->role = vsd_mesh_role(m->c.self.s_addr, a.s_addr);
	vsd_mesh_pair_keys(&m->c.key, m->c.self.s_addr, a.s_addr, &p->keys);
	p->dead.fn = dead_cb;
	p->same_config = true;		/* until it says otherwise */
	if (!m->c.sync_port)
		return 0;
	sc.keys = &p->keys;
	sc.self = p->role;
	p->sync = vsd_sync_new(m->loop, &sc);
	return p->sync ? 0 : -EIO;
}

struct vsd_mesh *vsd_mesh_new(struct loop *l, const struct vsd_mesh_conf *c)
{
	struct vsd_mesh *m = calloc(1, sizeof(*m));
	size_t i;
	int ret;

	if (!m)
		return NULL;
	m->loop = l;
	m->c = *c;
	m->fd = -1;
	m->tick.fn = tick_cb;
	m->started = loop_now();
	m->seq = vsd_hb_wall_us();	/* ahead of any earlier run of ours */
	m->nonce = vsd_hb_new_nonce();
	m->peers = calloc(c->n_peers ? c->n_peers : 1, sizeof(*m->peers));
	ret = m->peers ? open_socket(m) : -ENOMEM;
	for (i = 0; !ret && i < c->n_peers; i++, m->n++)
		ret = init_peer(m, &m->peers[i], c->peers[i]);
	explicit_bzero(&m->c.key, sizeof(m->c.key));
	if (ret) {
		log_err("mesh: cannot open the heartbeat or sync sockets: %s",
			strerror(ret == -EIO ? EIO : -ret));
		vsd_mesh_free(m);
		return NULL;
	}
	tick_cb(&m->tick);
	return m;
}

void vsd_mesh_free(struct vsd_mesh *m)
{
	size_t i;

	if (!m)
		return;
	loop_timer_cancel(m->loop, &m->tick);
	for (i = 0; i < m->n; i++) {
		loop_timer_cancel(m->loop, &m->peers[i].dead);
		vsd_sync_free(m->peers[i].sync);
	}
	if (m->io.fn)
		loop_io_del(m->loop, &m->io);
	if (m->fd >= 0)
		close(m->fd);
	free(m->peers);
	explicit_bzero(m, sizeof(*m));
	free(m);
}

void vsd_mesh_set_config(struct vsd_mesh *m, uint64_t serial,
			 const uint8_t digest[VSD_HB_DIGEST_LEN])
{
	size_t i;

	m->c.serial = serial;
	memcpy(m->c.digest, digest, VSD_HB_DIGEST_LEN);
	for (i = 0; i < m->n; i++)
		if (m->peers[i].heard)
			compare_config(m, &m->peers[i]);
	send_all(m);
	changed(m);
}

void vsd_mesh_set_self(struct vsd_mesh *m, const struct vsd_mesh_self *s)
{
	if (!memcmp(s, &m->self, sizeof(*s)))
		return;
	m->self = *s;
	send_all(m);
}

bool vsd_mesh_listening(const struct vsd_mesh *m)
{
	return !m->first_sync_done;
}

void vsd_mesh_resync(struct vsd_mesh *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (!m->peers[i].sync)
			continue;
		vsd_sync_forget_full(m->peers[i].sync);
		m->peers[i].full_asked = 0;
	}
}

int vsd_mesh_refused_by(const struct vsd_mesh *m)
{
	struct vsd_mesh_view v[VSD_DIRECTORS_MAX];
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct peer *p = &m->peers[i];

		v[i] = (struct vsd_mesh_view){
			.addr = p->addr.sin_addr.s_addr,
			.alive = p->alive,
			.announcing = p->last.state == VSD_HB_ACTIVE,
			.same_config = p->same_config,
		};
	}
	return vsd_mesh_refuse(m->c.self.s_addr, m->self.announcing, v, m->n);
}

size_t vsd_mesh_n_peers(const struct vsd_mesh *m)
{
	return m->n;
}

void vsd_mesh_peer(const struct vsd_mesh *m, size_t i,
		   struct vsd_mesh_peer_status *st)
{
	const struct peer *p = &m->peers[i];

	memset(st, 0, sizeof(*st));
	st->addr = p->addr.sin_addr;
	st->alive = p->alive;
	st->heard = p->heard;
	st->announcing = p->alive && p->last.state == VSD_HB_ACTIVE;
	st->draining = p->alive && (p->last.flags & F_DRAINING);
	st->refused = p->alive && (p->last.flags & F_REFUSED);
	st->same_config = p->same_config;
	st->key_mismatch = p->key_mismatch;
	st->serial = p->last.serial;
	st->last_heard = p->heard ? (loop_now() - p->last_heard) / 1e6 : -1;
	st->synced = p->sync && vsd_sync_have_full(p->sync);
	st->sync = p->sync ? vsd_sync_stats(p->sync) : NULL;
}

const uint64_t *vsd_mesh_ignored(const struct vsd_mesh *m)
{
	return m->counts;
}
