// SPDX-License-Identifier: GPL-2.0
/*
 * Connection sync between two directors: the socket, the kernel's events
 * and dumps, and the installs. The datagram's layout and checks are in
 * hb.c (vsd_sync_seal, vsd_sync_open): events, full-sync request, data
 * and end, each from one node to the other, echoing the receiver's nonce.
 * Only the peer's address is listened to.
 */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <linux/vs.h>

#include "log.h"
#include "sync.h"

#define SY_FLUSH_US 20000
#define SY_MAX_SKEW_US (60ULL * 1000000)
#define SY_SOCKBUF (8 << 20)

#define sync_of(ptr, member) \
	((struct vsd_sync *)((char *)(ptr) - offsetof(struct vsd_sync, member)))

static void start_full_dump(struct vsd_sync *s);
static void big_buffers(int fd);

struct batch {
	uint8_t type;
	size_t len;
	uint8_t buf[VSD_SYNC_MAX];
};

struct vsd_sync {
	struct loop *loop;
	struct vsd_hb_keys keys;
	uint8_t self;			/* enum vsd_hb_node */
	uint64_t nonce, peer_nonce;	/* this run's, the peer's run's */
	struct sockaddr_in peer;
	int udp;
	struct loop_io udp_io;
	struct nl_sock *events;		/* the "sync" group */
	struct loop_io events_io;
	struct nl_sock *dump;		/* a full dump in progress */
	struct loop_io dump_io;
	struct nl_sock *ctl;		/* VS_CMD_NEW_CONN */
	int family, group;
	bool relaying, have_full;
	bool mesh;			/* see vsd_sync_conf */
	uint64_t seq;
	struct vsd_sync_rx rx;
	struct batch out;
	struct loop_timer flush;
	struct vsd_sync_stats stats;
};

static void send_batch(struct vsd_sync *s, struct batch *b)
{
	struct vsd_sync_hdr h = {
		.type = b->type,
		.node = s->self,
		.seq = ++s->seq,
		.time_us = vsd_hb_wall_us(),
		.echo = s->peer_nonce,
		.len = (uint16_t)b->len,
	};
	size_t total = vsd_sync_seal(b->buf, &h, &s->keys);

	if (sendto(s->udp, b->buf, total, 0, (struct sockaddr *)&s->peer,
		   sizeof(s->peer)) == (ssize_t)total) {
		s->stats.sent++;
		s->stats.bytes_sent += total;
	}
	b->len = 0;
}

static void flush_cb(struct loop_timer *t)
{
	struct vsd_sync *s = sync_of(t, flush);

	if (s->out.len)
		send_batch(s, &s->out);
}

/* Queue one VS_A_CONN attribute (header included) into a batch. */
static void queue(struct vsd_sync *s, uint8_t type, const struct nlattr *a)
{
	size_t n = nla_total_size(nla_len(a));

	if (n > VSD_SYNC_PAYLOAD)
		return;
	if (s->out.len && (s->out.type != type || s->out.len + n > VSD_SYNC_PAYLOAD))
		send_batch(s, &s->out);
	s->out.type = type;
	memcpy(s->out.buf + VSD_SYNC_HDR + s->out.len, a, nla_len(a) + NLA_HDRLEN);
	memset(s->out.buf + VSD_SYNC_HDR + s->out.len + nla_len(a) + NLA_HDRLEN, 0,
	       n - nla_len(a) - NLA_HDRLEN);
	s->out.len += n;
	if (type == VSD_SYNC_EVENTS && !loop_timer_armed(&s->flush))
		loop_timer_in(s->loop, &s->flush, SY_FLUSH_US);
}

static void send_control(struct vsd_sync *s, uint8_t type)
{
	struct batch b = { .type = type };

	if (s->out.len)
		send_batch(s, &s->out);
	send_batch(s, &b);
}

/* The VS_A_CONN of a kernel message, or NULL. */
static struct nlattr *conn_attr(struct nl_msg *msg)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));

	return nla_find(genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), VS_A_CONN);
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct vsd_sync *s = arg;
	struct nlattr *a = conn_attr(msg);

	if (a && s->relaying) {
		s->stats.events++;
		queue(s, VSD_SYNC_EVENTS, a);
	}
	return NL_OK;
}

/*
 * The kernel drops events a full socket cannot take and says so once
 * (ENOBUFS): the peer then gets everything again, as a standby that
 * appears does.
 */
static void events_cb(struct loop_io *io, uint32_t ev)
{
	struct vsd_sync *s = sync_of(io, events_io);

	(void)ev;
	if (nl_recvmsgs_default(s->events) == -NLE_NOMEM && s->relaying) {
		s->stats.overruns++;
		log_warn("sync: kernel events lost (a burst outran the relay): sending a full sync");
		start_full_dump(s);
	}
}

static int dump_cb(struct nl_msg *msg, void *arg)
{
	struct vsd_sync *s = arg;
	struct nlattr *a = conn_attr(msg);

	if (a)
		queue(s, VSD_SYNC_FULL, a);
	return NL_OK;
}

static void dump_end(struct vsd_sync *s)
{
	loop_io_del(s->loop, &s->dump_io);
	nl_socket_free(s->dump);
	s->dump = NULL;
	send_control(s, VSD_SYNC_END);
	s->stats.full_syncs++;
}

/* One step of a full dump per wakeup: heartbeats must not wait for it. */
static void dump_io_cb(struct loop_io *io, uint32_t ev)
{
	struct vsd_sync *s = sync_of(io, dump_io);
	int ret;

	(void)ev;
	ret = nl_recvmsgs_default(s->dump);
	if (ret == -NLE_AGAIN)
		return;
	dump_end(s);
}

static void start_full_dump(struct vsd_sync *s)
{
	if (s->dump)
		return;
	s->dump = nl_socket_alloc();
	if (!s->dump || genl_connect(s->dump) ||
	    genl_send_simple(s->dump, s->family, VS_CMD_GET_CONN, VS_GENL_VERSION,
			     NLM_F_DUMP) < 0) {
		nl_socket_free(s->dump);
		s->dump = NULL;
		return;
	}
	nl_socket_modify_cb(s->dump, NL_CB_VALID, NL_CB_CUSTOM, dump_cb, s);
	nl_socket_set_nonblocking(s->dump);
	nl_socket_set_buffer_size(s->dump, 1 << 20, 0);
	s->dump_io.fd = nl_socket_get_fd(s->dump);
	s->dump_io.fn = dump_io_cb;
	loop_io_add(s->loop, &s->dump_io, EPOLLIN);
}

/* Install the connections of one datagram; NEW_CONN skips the unknown. */
static void install(struct vsd_sync *s, const uint8_t *payload, size_t len)
{
	struct nl_msg *msg = nlmsg_alloc_size(len + 256);
	struct nlattr *list;
	int ret;

	if (!msg)
		return;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, s->family, 0, 0,
			 VS_CMD_NEW_CONN, VS_GENL_VERSION))
		goto out;
	list = nla_nest_start(msg, VS_A_CONNS);
	if (!list || nlmsg_append(msg, (void *)payload, len, 0) < 0)
		goto out;
	nla_nest_end(msg, list);
	ret = nl_send_sync(s->ctl, msg);
	msg = NULL;
	if (ret < 0)
		s->stats.skipped++;
	else
		s->stats.installed++;
out:
	nlmsg_free(msg);
}

static void rejected(struct vsd_sync *s, enum vsd_hb_verdict v)
{
	uint64_t n = ++s->stats.rejected_by[v];

	s->stats.rejected++;
	if (n == 1 || n % 1000 == 0)
		log_warn("sync: %s datagram ignored (%llu so far)",
			 vsd_hb_verdict_name(v), (unsigned long long)n);
}

static bool receive(struct vsd_sync *s)
{
	uint8_t buf[VSD_SYNC_MAX + 1];
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	struct vsd_sync_hdr h;
	enum vsd_hb_verdict v;
	ssize_t n;

	n = recvfrom(s->udp, buf, sizeof(buf), MSG_DONTWAIT,
		     (struct sockaddr *)&from, &fromlen);
	if (n < 0)
		return false;
	if (fromlen != sizeof(from) || from.sin_family != AF_INET ||
	    from.sin_addr.s_addr != s->peer.sin_addr.s_addr)
		v = VSD_HB_STRANGER;
	else
		v = vsd_sync_open(buf, (size_t)n, &s->keys, s->self, s->nonce,
				  &s->rx, vsd_hb_wall_us(), SY_MAX_SKEW_US, &h);
	if (v != VSD_HB_OK) {
		rejected(s, v);
		return true;
	}
	s->stats.received++;
	switch (h.type) {
	case VSD_SYNC_EVENTS:
	case VSD_SYNC_FULL:
		if ((!s->relaying || s->mesh) && h.len)
			install(s, buf + VSD_SYNC_HDR, h.len);
		break;
	case VSD_SYNC_REQUEST:
		if (s->relaying)
			start_full_dump(s);
		break;
	case VSD_SYNC_END:
		s->have_full = true;
		break;
	}
	return true;
}

/* A burst is read in one go, but a bounded one: heartbeats come first. */
static void udp_cb(struct loop_io *io, uint32_t ev)
{
	struct vsd_sync *s = sync_of(io, udp_io);
	int i;

	(void)ev;
	for (i = 0; i < 32 && receive(s); i++)
		;
}

static int resolve(struct vsd_sync *s)
{
	s->ctl = nl_socket_alloc();
	s->events = nl_socket_alloc();
	if (!s->ctl || !s->events || genl_connect(s->ctl) || genl_connect(s->events))
		return -1;
	s->family = genl_ctrl_resolve(s->ctl, VS_GENL_NAME);
	s->group = genl_ctrl_resolve_grp(s->ctl, VS_GENL_NAME, VS_GENL_MCGRP_SYNC);
	if (s->family < 0 || s->group < 0)
		return -1;
	nl_socket_disable_seq_check(s->events);
	nl_socket_modify_cb(s->events, NL_CB_VALID, NL_CB_CUSTOM, event_cb, s);
	nl_socket_set_nonblocking(s->events);
	big_buffers(nl_socket_get_fd(s->events));
	return 0;
}

/*
 * A burst of new connections is a burst of datagrams, and the standby
 * installs each with a netlink round trip: the default socket buffers
 * (about 90 datagrams) lost 7% of a 50,000-connection burst. vsd runs as
 * root, so the FORCE options pass net.core.rmem_max.
 */
static void big_buffers(int fd)
{
	int size = SY_SOCKBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

struct vsd_sync *vsd_sync_new(struct loop *l, const struct vsd_sync_conf *c)
{
	struct sockaddr_in me = {
		.sin_family = AF_INET,
		.sin_port = htons(c->port),
		.sin_addr = c->local,
	};
	struct vsd_sync *s = calloc(1, sizeof(*s));
	int one = 1;

	if (!s)
		return NULL;
	s->loop = l;
	s->keys = *c->keys;
	s->self = c->self;
	s->nonce = c->nonce;
	s->peer.sin_family = AF_INET;
	s->peer.sin_port = htons(c->port);
	s->peer.sin_addr = c->peer;
	s->seq = vsd_hb_wall_us();
	s->mesh = c->mesh;
	s->flush.fn = flush_cb;
	s->udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->udp >= 0)
		big_buffers(s->udp);
	if (s->udp < 0 ||
	    setsockopt(s->udp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s->udp, (struct sockaddr *)&me, sizeof(me)) ||
	    (s->mesh && connect(s->udp, (struct sockaddr *)&s->peer, sizeof(s->peer))) ||
	    resolve(s)) {
		vsd_sync_free(s);
		return NULL;
	}
	s->udp_io.fd = s->udp;
	s->udp_io.fn = udp_cb;
	s->events_io.fd = nl_socket_get_fd(s->events);
	s->events_io.fn = events_cb;
	if (loop_io_add(l, &s->udp_io, EPOLLIN) ||
	    loop_io_add(l, &s->events_io, EPOLLIN)) {
		vsd_sync_free(s);
		return NULL;
	}
	return s;
}

void vsd_sync_free(struct vsd_sync *s)
{
	if (!s)
		return;
	loop_timer_cancel(s->loop, &s->flush);
	if (s->dump) {
		loop_io_del(s->loop, &s->dump_io);
		nl_socket_free(s->dump);
	}
	if (s->events_io.fn)
		loop_io_del(s->loop, &s->events_io);
	if (s->udp_io.fn)
		loop_io_del(s->loop, &s->udp_io);
	nl_socket_free(s->events);
	nl_socket_free(s->ctl);
	if (s->udp >= 0)
		close(s->udp);
	free(s);
}

int vsd_sync_relay(struct vsd_sync *s, bool on)
{
	int ret;

	if (on == s->relaying)
		return 0;
	ret = on ? nl_socket_add_membership(s->events, s->group)
		 : nl_socket_drop_membership(s->events, s->group);
	if (ret < 0)
		return ret;
	s->relaying = on;
	if (!on && s->out.len)
		send_batch(s, &s->out);
	return 0;
}

void vsd_sync_set_peer_nonce(struct vsd_sync *s, uint64_t nonce)
{
	s->peer_nonce = nonce;
}

void vsd_sync_request_full(struct vsd_sync *s)
{
	s->have_full = false;
	send_control(s, VSD_SYNC_REQUEST);
}

void vsd_sync_forget_full(struct vsd_sync *s)
{
	s->have_full = false;
}

bool vsd_sync_have_full(const struct vsd_sync *s)
{
	return s->have_full;
}

const struct vsd_sync_stats *vsd_sync_stats(const struct vsd_sync *s)
{
	return &s->stats;
}
