// SPDX-License-Identifier: GPL-2.0
/*
 * The failover state machine: heartbeat sockets (one per path), a tick
 * every keepalive that sends and re-evaluates, a deadline that fires
 * deadtime after the peer was last heard, and the activation and release
 * sequences. See failover.h for the rules.
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

#include "failover.h"
#include "log.h"

/* Flags of ours beyond hb.h's. */
enum {
	F_TAKEOVER = 1 << 2,	/* asks the peer to hand the role over */
	F_RELEASED = 1 << 3,	/* gave the role away: do not hand it back */
};

#define MAX_SKEW_US (30ULL * 1000000)
/* This many forged heartbeats in a row from the peer's address: a key mismatch. */
#define KEY_MISMATCH_AFTER 3

struct path {
	struct vsd_failover *f;
	int fd;
	struct loop_io io;
	struct sockaddr_in peer;
	struct vsd_hb_peer seen;
	uint64_t last_heard;		/* monotonic us, 0 never */
	unsigned int forged_in_row;	/* from the peer's address */
	const char *name;
};

struct vsd_failover {
	struct loop *loop;
	struct vsd_failover_conf c;
	struct vsd_hb_keys keys;
	uint64_t nonce, peer_nonce;	/* this run's; the peer's, 0 unknown */
	bool key_mismatch;
	struct path paths[2];
	size_t n_paths;
	struct vsd_sync *sync;
	bool active;
	bool released;			/* by vsd release, or a link down */
	bool want_takeover;		/* vsd takeover, or preemption */
	bool preempted;			/* preemption done once */
	bool peer_alive;
	struct vsd_hb peer;
	bool have_peer;
	uint64_t started;
	uint64_t seq;
	uint64_t full_asked;		/* when a full sync was last asked for */
	struct loop_timer tick, dead, garp;
	int garp_fd;
	unsigned int garps_left;
	uint64_t last_garp;
	bool digest_mismatch;
	bool links_ok;
	uint64_t counts[VSD_HB_VERDICTS];
	uint64_t changes;
	const char *reason;
};

#define fo_of(ptr, member) \
	((struct vsd_failover *)((char *)(ptr) - offsetof(struct vsd_failover, member)))

static const char *node_name(uint8_t node)
{
	return node == VSD_HB_PRIMARY ? "primary" : "backup";
}

static bool links_up(const struct vsd_failover *f)
{
	size_t i;

	if (!f->c.monitor_links)
		return true;
	for (i = 0; i < f->c.n_floats; i++)
		if (!vsd_link_up(f->c.floats[i].ifname))
			return false;
	return true;
}

static void send_heartbeats(struct vsd_failover *f)
{
	struct vsd_hb m = {
		.node = f->c.self,
		.state = f->active ? VSD_HB_ACTIVE : VSD_HB_STANDBY,
		.seq = ++f->seq,
		.time_us = vsd_hb_wall_us(),
		.serial = f->c.serial,
		.nonce = f->nonce,
		.echo = f->peer_nonce,
	};
	uint8_t buf[VSD_HB_LEN];
	size_t i;

	if (f->links_ok)
		m.flags |= VSD_HB_F_LINKS_OK;
	if (f->sync && vsd_sync_have_full(f->sync))
		m.flags |= VSD_HB_F_SYNCED;
	if (f->want_takeover && !f->active)
		m.flags |= F_TAKEOVER;
	if (f->released)
		m.flags |= F_RELEASED;
	memcpy(m.digest, f->c.digest, sizeof(m.digest));
	vsd_hb_encode(&m, &f->keys, buf);
	for (i = 0; i < f->n_paths; i++)
		sendto(f->paths[i].fd, buf, sizeof(buf), MSG_DONTWAIT,
		       (struct sockaddr *)&f->paths[i].peer,
		       sizeof(f->paths[i].peer));
}

static void garp_cb(struct loop_timer *t)
{
	struct vsd_failover *f = fo_of(t, garp);
	size_t i;

	if (!f->active || !f->garps_left)
		return;
	for (i = 0; i < f->c.n_floats; i++)
		vsd_float_garp(f->garp_fd, &f->c.floats[i]);
	f->last_garp = loop_now();
	if (--f->garps_left)
		loop_timer_in(f->loop, &f->garp, f->c.garp_interval_us);
}

static void announce(struct vsd_failover *f)
{
	f->garps_left = f->c.garp_repeat ? f->c.garp_repeat : 1;
	loop_timer_cancel(f->loop, &f->garp);
	garp_cb(&f->garp);
}

static void set_role(struct vsd_failover *f, bool active, const char *why)
{
	size_t i;

	if (f->active == active)
		return;
	if (f->c.role_changing)
		f->c.role_changing(active, f->c.arg);
	f->active = active;
	f->reason = why;
	f->changes++;
	if (active) {
		f->released = false;
		f->want_takeover = false;
		for (i = 0; i < f->c.n_floats; i++)
			if (vsd_float_add(&f->c.floats[i]))
				log_err("failover: cannot add %s %s", f->c.floats[i].dev,
					f->c.floats[i].text);
		announce(f);
		if (f->sync)
			vsd_sync_relay(f->sync, true);
	} else {
		if (f->sync)
			vsd_sync_relay(f->sync, false);
		for (i = 0; i < f->c.n_floats; i++)
			vsd_float_del(&f->c.floats[i]);
	}
	/* Tell the peer at once rather than at the next tick. */
	send_heartbeats(f);
	log_notice("failover: %s director is now %s: %s", node_name(f->c.self),
		   active ? "active" : "standby", why);
	if (f->c.role_changed)
		f->c.role_changed(active, f->c.arg);
}

/* The peer is standing by and the role is free for us to take. */
static bool role_free(const struct vsd_failover *f)
{
	const struct vsd_hb *p = &f->peer;

	if (p->state == VSD_HB_ACTIVE && (p->flags & VSD_HB_F_LINKS_OK))
		return false;
	if (p->state == VSD_HB_ACTIVE)
		return true;		/* it will yield: its links are down */
	if ((p->flags & F_RELEASED) || !(p->flags & VSD_HB_F_LINKS_OK))
		return true;
	/* Both standing by: the primary goes, unless it gave the role away. */
	return f->c.self == VSD_HB_PRIMARY && !f->released;
}

static void evaluate_standby(struct vsd_failover *f, uint64_t now)
{
	/*
	 * Having released (by hand, for a link, or to a takeover) keeps a
	 * director from taking the role back while both stand by; once the
	 * peer holds it, that is done. Two released directors would
	 * otherwise each see the other's F_RELEASED and take the role.
	 */
	if (f->peer_alive && f->peer.state == VSD_HB_ACTIVE)
		f->released = false;
	if (!f->links_ok)
		return;
	if (!f->peer_alive) {
		/* At start, give a live peer one deadtime to be heard. */
		if (now - f->started >= f->c.deadtime_us)
			set_role(f, true, f->have_peer ? "peer silent for deadtime"
							: "no peer heard");
		return;
	}
	if (f->sync && f->peer.state == VSD_HB_ACTIVE && !vsd_sync_have_full(f->sync))
		return;		/* not before we hold its connections */
	if (f->c.self == VSD_HB_PRIMARY && f->c.preempt && !f->preempted &&
	    !f->released && f->peer.state == VSD_HB_ACTIVE) {
		f->want_takeover = true;
		f->preempted = true;
	}
	if (role_free(f))
		set_role(f, true, "the role is free");
}

static void evaluate_active(struct vsd_failover *f)
{
	if (!f->links_ok) {
		f->released = true;
		set_role(f, false, "a monitored link is down");
		return;
	}
	if (!f->peer_alive)
		return;
	if (f->peer.state == VSD_HB_ACTIVE) {
		if (f->c.self == VSD_HB_BACKUP) {
			set_role(f, false, "both active: the backup yields");
		} else if (!f->garps_left &&
			   loop_now() - f->last_garp >= f->c.garp_interval_us) {
			/* Announce again, but not at every heartbeat. */
			log_warn("failover: both active; the primary keeps the role");
			announce(f);
		}
		return;
	}
	if ((f->peer.flags & F_TAKEOVER) && (f->peer.flags & VSD_HB_F_LINKS_OK)) {
		/* Given away: not to be taken back (a primary would, at once). */
		f->released = true;
		set_role(f, false, "the peer takes the role over");
	}
}

/*
 * A standby without the active's connections asks for them as soon as it
 * hears the active, then again every 8 heartbeats until a full dump came:
 * a takeover soon after the standby started must not find it empty.
 */
static void want_full(struct vsd_failover *f, uint64_t now)
{
	if (vsd_sync_have_full(f->sync)) {
		f->full_asked = 0;
		return;
	}
	if (f->full_asked && now - f->full_asked < 8 * f->c.keepalive_us)
		return;
	f->full_asked = now;
	vsd_sync_request_full(f->sync);
}

static void evaluate(struct vsd_failover *f)
{
	uint64_t now = loop_now();

	f->links_ok = links_up(f);
	if (f->active)
		evaluate_active(f);
	else
		evaluate_standby(f, now);
	if (!f->active && f->sync && f->peer_alive &&
	    f->peer.state == VSD_HB_ACTIVE)
		want_full(f, now);
}

static void drain(struct vsd_failover *f);

static void tick_cb(struct loop_timer *t)
{
	struct vsd_failover *f = fo_of(t, tick);

	send_heartbeats(f);
	drain(f);
	evaluate(f);
	loop_timer_in(f->loop, &f->tick, f->c.keepalive_us);
}

static void dead_cb(struct loop_timer *t)
{
	struct vsd_failover *f = fo_of(t, dead);

	drain(f);
	if (loop_timer_armed(&f->dead))
		return;		/* heard meanwhile: heard() set it again */
	if (f->peer_alive)
		log_warn("failover: nothing from the %s for %.1f s",
			 node_name(!f->c.self), f->c.deadtime_us / 1e6);
	f->peer_alive = false;
	evaluate(f);
}

static void heard(struct vsd_failover *f, struct path *p, const struct vsd_hb *m)
{
	bool mismatch = memcmp(m->digest, f->c.digest, sizeof(m->digest)) ||
			m->serial != f->c.serial;

	p->last_heard = loop_now();
	if (!f->peer_alive)
		log_notice("failover: hearing the %s (%s path)", node_name(m->node),
			   p->name);
	if (mismatch && !f->digest_mismatch)
		log_err("failover: the %s's configuration differs from ours (serial_no %llu vs %llu): failover may not work",
			node_name(m->node), (unsigned long long)m->serial,
			(unsigned long long)f->c.serial);
	f->digest_mismatch = mismatch;
	f->peer = *m;
	f->have_peer = true;
	f->peer_alive = true;
	loop_timer_in(f->loop, &f->dead, f->c.deadtime_us);
	evaluate(f);
}

/*
 * An authentic heartbeat tells the peer's run. A new one is answered at
 * once, so that the peer, which counts only heartbeats echoing its run,
 * does not wait a keepalive for ours.
 */
static void learn_nonce(struct vsd_failover *f, uint64_t nonce)
{
	if (nonce == f->peer_nonce)
		return;
	f->peer_nonce = nonce;
	if (f->sync)
		vsd_sync_set_peer_nonce(f->sync, nonce);
	send_heartbeats(f);
}

/*
 * Every heartbeat from the peer's address failing its HMAC is most likely
 * a different heartbeat_key. Said loudly once; the heartbeats still count
 * for nothing (see failover.rst: garbage must not hold off a takeover).
 */
static void forged(struct vsd_failover *f, struct path *p)
{
	if (++p->forged_in_row < KEY_MISMATCH_AFTER || f->key_mismatch)
		return;
	f->key_mismatch = true;
	log_err("failover: every heartbeat from the %s (%s) fails authentication: is its heartbeat_key the same as ours? Until it is, each director acts as if the other were dead",
		node_name(!f->c.self), inet_ntoa(p->peer.sin_addr));
}

static void authentic(struct vsd_failover *f, struct path *p)
{
	p->forged_in_row = 0;
	if (!f->key_mismatch)
		return;
	f->key_mismatch = false;
	log_notice("failover: heartbeats from the %s authenticate again",
		   node_name(!f->c.self));
}

static enum vsd_hb_verdict receive(struct vsd_failover *f, struct path *p,
				   const uint8_t *buf, size_t len,
				   const struct sockaddr_in *from, struct vsd_hb *m)
{
	enum vsd_hb_verdict v;

	if (from->sin_family != AF_INET ||
	    from->sin_addr.s_addr != p->peer.sin_addr.s_addr)
		return VSD_HB_STRANGER;
	v = vsd_hb_decode(buf, len, &f->keys, f->c.self, f->nonce, &p->seen,
			  vsd_hb_wall_us(), MAX_SKEW_US, m);
	if (v == VSD_HB_FORGED)
		forged(f, p);
	else if (v != VSD_HB_MALFORMED)
		authentic(f, p);
	return v;
}

static void path_cb(struct loop_io *io, uint32_t events)
{
	struct path *p = (struct path *)((char *)io - offsetof(struct path, io));
	struct vsd_failover *f = p->f;
	uint8_t buf[VSD_HB_LEN + 1];
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	enum vsd_hb_verdict v;
	struct vsd_hb m;
	ssize_t n;

	(void)events;
	while ((n = recvfrom(p->fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fromlen)) >= 0) {
		v = receive(f, p, buf, (size_t)n, &from, &m);
		fromlen = sizeof(from);
		f->counts[v]++;
		if (v == VSD_HB_OK || v == VSD_HB_UNFRESH)
			learn_nonce(f, m.nonce);
		if (v == VSD_HB_OK)
			heard(f, p, &m);
		else if (v != VSD_HB_UNFRESH &&
			 (f->counts[v] == 1 || f->counts[v] % 100 == 0))
			log_warn("failover: %s heartbeat ignored on the %s path (%llu so far)",
				 vsd_hb_verdict_name(v), p->name,
				 (unsigned long long)f->counts[v]);
	}
}

/*
 * What the paths hold before judging the peer: a loop that was busy (a
 * slow start, say) has heartbeats queued while its timers are already
 * due, and a timer first would find the peer silent.
 */
static void drain(struct vsd_failover *f)
{
	size_t i;

	for (i = 0; i < f->n_paths; i++)
		path_cb(&f->paths[i].io, EPOLLIN);
}

static int open_path(struct vsd_failover *f, struct path *p, struct in_addr local,
		     struct in_addr peer, const char *name)
{
	struct sockaddr_in me = {
		.sin_family = AF_INET,
		.sin_port = htons(f->c.port),
		.sin_addr = local,
	};
	int one = 1;

	p->f = f;
	p->name = name;
	p->peer.sin_family = AF_INET;
	p->peer.sin_port = htons(f->c.port);
	p->peer.sin_addr = peer;
	p->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (p->fd < 0)
		return -errno;
	setsockopt(p->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(p->fd, (struct sockaddr *)&me, sizeof(me)))
		return -errno;
	p->io.fd = p->fd;
	p->io.fn = path_cb;
	return loop_io_add(f->loop, &p->io, EPOLLIN);
}

/*
 * A vsd killed while active leaves its addresses behind; the new one
 * starts as the standby, so they would stay while the peer holds them too.
 */
static void drop_stale(struct vsd_failover *f)
{
	size_t i;

	for (i = 0; i < f->c.n_floats; i++) {
		const struct vsd_float *fl = &f->c.floats[i];

		if (!vsd_float_present(fl))
			continue;
		log_warn("failover: %s %s is left from an earlier run: removed until this director is active",
			 fl->dev, fl->text);
		vsd_float_del(fl);
	}
}

/* Sync over the private path where there is one, as the heartbeats. */
static int open_sync(struct vsd_failover *f)
{
	struct vsd_sync_conf sc = {
		.keys = &f->keys,
		.self = f->c.self,
		.nonce = f->nonce,
		.local = f->c.has_private ? f->c.local_priv : f->c.local_pub,
		.peer = f->c.has_private ? f->c.peer_priv : f->c.peer_pub,
		.port = f->c.sync_port,
	};

	f->sync = vsd_sync_new(f->loop, &sc);
	return f->sync ? 0 : -EIO;
}

struct vsd_failover *vsd_failover_new(struct loop *l,
				      const struct vsd_failover_conf *c)
{
	struct vsd_failover *f = calloc(1, sizeof(*f));
	int ret;

	if (!f)
		return NULL;
	f->loop = l;
	f->c = *c;
	f->paths[0].fd = f->paths[1].fd = -1;
	f->garp_fd = vsd_garp_open();
	f->tick.fn = tick_cb;
	f->dead.fn = dead_cb;
	f->garp.fn = garp_cb;
	f->started = loop_now();
	f->seq = vsd_hb_wall_us();	/* ahead of any earlier run of ours */
	f->nonce = vsd_hb_new_nonce();
	vsd_hb_keys_derive(&c->key, &f->keys);
	explicit_bzero(&f->c.key, sizeof(f->c.key));
	if (f->garp_fd < 0) {
		log_err("failover: cannot open a packet socket for gratuitous ARP: %s",
			strerror(-f->garp_fd));
		vsd_failover_free(f);
		return NULL;
	}
	ret = open_path(f, &f->paths[0], c->local_pub, c->peer_pub, "public");
	f->n_paths = 1;
	if (!ret && c->has_private) {
		ret = open_path(f, &f->paths[1], c->local_priv, c->peer_priv, "private");
		f->n_paths = 2;
	}
	if (!ret && c->sync_port)
		ret = open_sync(f);
	if (ret) {
		log_err("failover: cannot open the heartbeat paths: %s", strerror(-ret));
		vsd_failover_free(f);
		return NULL;
	}
	drop_stale(f);
	f->links_ok = links_up(f);
	tick_cb(&f->tick);
	return f;
}

void vsd_failover_free(struct vsd_failover *f)
{
	size_t i;

	if (!f)
		return;
	if (f->active) {
		f->released = true;
		set_role(f, false, "vsd stops");
	}
	loop_timer_cancel(f->loop, &f->tick);
	loop_timer_cancel(f->loop, &f->dead);
	loop_timer_cancel(f->loop, &f->garp);
	for (i = 0; i < 2; i++) {
		if (f->paths[i].io.fn)
			loop_io_del(f->loop, &f->paths[i].io);
		if (f->paths[i].fd >= 0)
			close(f->paths[i].fd);
	}
	if (f->garp_fd >= 0)
		close(f->garp_fd);
	vsd_sync_free(f->sync);
	free(f);
}

void vsd_failover_set_config(struct vsd_failover *f, uint64_t serial,
			     const uint8_t digest[VSD_HB_DIGEST_LEN])
{
	f->c.serial = serial;
	memcpy(f->c.digest, digest, VSD_HB_DIGEST_LEN);
	send_heartbeats(f);
}

void vsd_failover_takeover(struct vsd_failover *f)
{
	if (f->active)
		return;
	f->released = false;
	if (!f->peer_alive || role_free(f)) {
		set_role(f, true, "vsd takeover");
		return;
	}
	f->want_takeover = true;
	send_heartbeats(f);
}

void vsd_failover_release(struct vsd_failover *f)
{
	f->want_takeover = false;
	f->released = true;
	set_role(f, false, "vsd release");
}

void vsd_failover_status(const struct vsd_failover *f,
			 struct vsd_failover_status *st)
{
	uint64_t now = loop_now();

	memset(st, 0, sizeof(*st));
	st->active = f->active;
	st->peer_alive = f->peer_alive;
	st->peer_state = f->peer.state;
	st->peer_flags = f->peer.flags;
	st->peer_serial = f->peer.serial;
	st->digest_mismatch = f->digest_mismatch;
	st->last_heard_pub = f->paths[0].last_heard ?
			     (now - f->paths[0].last_heard) / 1e6 : -1;
	st->last_heard_priv = f->n_paths > 1 && f->paths[1].last_heard ?
			      (now - f->paths[1].last_heard) / 1e6 : -1;
	memcpy(st->counts, f->counts, sizeof(st->counts));
	st->key_mismatch = f->key_mismatch;
	st->changes = f->changes;
	st->links_ok = f->links_ok;
	st->reason = f->reason;
}

const struct vsd_sync_stats *vsd_failover_sync_stats(const struct vsd_failover *f)
{
	return f->sync ? vsd_sync_stats(f->sync) : NULL;
}
