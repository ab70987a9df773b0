// SPDX-License-Identifier: GPL-2.0
/*
 * nl_fuzz_engine: the fuzz worker of nl_fuzz.py, in C.
 *
 * nl_fuzz.py sets up the namespaces, the dumpers and the traffic, and
 * judges the counts; each of its fuzz workers execs this program in its
 * namespace. Python spent most of a worker's time building messages (36
 * messages/s on the debug kernel, where make check-debug wants a
 * million); the generator, the mutations and the answer checks are the
 * same here, message for message in kind and weight, so the counts mean
 * what they meant before.
 *
 *   nl_fuzz_engine --family ID --seed S --index I --k K --n N --out-fd FD
 *                  [--budget MESSAGES] [--deadline EPOCH] [--trace]
 *
 * Namespace K of N owns 172.(16+K).0.0/16 and the marks m with
 * m % N == K. The messages are a function of S and I. At the end the
 * worker's counts are written to FD as the JSON nl_fuzz.py's Stats reads.
 * SIGTERM stops it; SIGUSR1 prints the last 16 buffers it sent.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vs.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define NLA_F_NET_BYTEORDER_ (1 << 14)
#define SENTINEL 0xfffffff0u
#define MAX_NODES 512
#define MAX_KIDS 24
#define MAX_VAL 48
#define MAX_BUF 8192
#define MAX_MSGS 4

/* --- randomness: xoshiro256**, seeded from "seed/index" ----------------- */

static uint64_t rs[4];

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rnext(void)
{
	uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;

	rs[2] ^= rs[0];
	rs[3] ^= rs[1];
	rs[1] ^= rs[2];
	rs[0] ^= rs[3];
	rs[2] ^= t;
	rs[3] = rotl(rs[3], 45);
	return r;
}

static void rseed(const char *text)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *text; text++)
		h = (h ^ (unsigned char)*text) * 0x100000001b3ull;
	for (int i = 0; i < 4; i++) {	/* splitmix64 */
		uint64_t z = (h += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		rs[i] = z ^ (z >> 31);
	}
}

static double rnd(void)
{
	return (rnext() >> 11) * 0x1.0p-53;
}

static uint32_t below(uint32_t n)	/* 0 .. n-1 */
{
	return n ? rnext() % n : 0;
}

static uint32_t span(uint32_t lo, uint32_t hi)	/* lo .. hi-1 */
{
	return lo + below(hi - lo);
}

static bool chance(double p)
{
	return rnd() < p;
}

#define PICK(a) ((a)[below(sizeof(a) / sizeof((a)[0]))])
/* A common value, or at a probability of p_edge one past a boundary. */
#define CHOOSE(common, edge, p) (chance(p) ? PICK(edge) : PICK(common))

static void junk(uint8_t *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = rnext();
}

/* --- counters, by name (nl_fuzz.py's Stats) ----------------------------- */

struct counter {
	char name[96];
	long n;
};

struct counters {
	struct counter c[128];
	int len;
};

enum { ANSWERS, BY_CMD, OK_BY_CMD, ANOMALIES, COUNTS, NO_EXTACK, EXTACK_ON_OK, NSTATS };
static const char *const stat_names[NSTATS] = {
	"answers", "by_cmd", "ok_by_cmd", "anomalies", "counts", "no_extack", "extack_on_ok",
};
static struct counters stats[NSTATS];
static char examples[8][512];
static int nexamples;

static long *counter(int which, const char *name)
{
	struct counters *s = &stats[which];

	for (int i = 0; i < s->len; i++)
		if (!strcmp(s->c[i].name, name))
			return &s->c[i].n;
	if (s->len == 128)
		return &s->c[127].n;	/* full: the last one takes the rest */
	snprintf(s->c[s->len].name, sizeof(s->c[0].name), "%s", name);
	return &s->c[s->len++].n;
}

static void count(int which, const char *name, long n)
{
	*counter(which, name) += n;
}

static void hex(char *out, size_t size, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && 2 * i + 2 < size; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * i] = 0;
}

static void anomaly(const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void anomaly(const char *kind, const char *fmt, ...)
{
	char text[400];
	va_list ap;

	count(ANOMALIES, kind, 1);
	if (nexamples == 8)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(examples[nexamples++], sizeof(examples[0]), "%s: %s", kind, text);
}

/* Python's names: ENOTSUP for 95, "E<n>" for what has none. */
static const char *errname(int e)
{
	static char buf[16];
	const char *name = e == EOPNOTSUPP ? "ENOTSUP" : strerrorname_np(e);

	if (!e)
		return "ok";
	if (name)
		return name;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* A real errno: one the C library has a name for. */
static bool known_errno(int e)
{
	return e > 0 && strerrorname_np(e);
}

/* --- who owns what (nl_fuzz.py's Plan) ---------------------------------- */

static uint32_t plan_k, plan_n;

static uint32_t ip(int c, int d)	/* 172.(16+k).c.d, network order */
{
	return htonl(172u << 24 | (16 + plan_k) << 16 | (c & 0xff) << 8 | (d & 0xff));
}

static uint32_t mark(uint32_t j)
{
	return plan_k + plan_n * j;
}

static uint32_t mark_min(void)
{
	return plan_k ? plan_k : plan_n;
}

static uint32_t mark_max(void)
{
	return 0xffffffffu - ((0xffffffffu - plan_k) % plan_n);
}

/*
 * An IPv6 key's addresses are its IPv4 ones with a tail (addr6()), so that
 * their first four bytes still say whose they are.
 */
struct key {
	bool fw;
	bool v6;
	uint8_t proto;
	uint32_t vip;		/* network order */
	uint16_t port;
	uint32_t mark;
};

struct dest {
	uint32_t ip;
	int port;		/* -1: none given */
};

static bool key_eq(const struct key *a, const struct key *b)
{
	if (a->fw != b->fw || a->v6 != b->v6)
		return false;
	return a->fw ? a->mark == b->mark :
		a->proto == b->proto && a->vip == b->vip && a->port == b->port;
}

static struct key pool_keys[27];
static uint32_t pool_dests[4];

static void plan_pools(void)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	static const uint16_t ports[] = { 80, 443, 0 };
	int n = 0;

	for (int p = 0; p < 2; p++)
		for (int v = 1; v <= 3; v++)
			for (int i = 0; i < 3; i++)
				pool_keys[n++] = (struct key){ .proto = protos[p], .vip = ip(0, v),
							      .port = ports[i] };
	for (int j = 1; j <= 3; j++)
		pool_keys[n++] = (struct key){ .fw = true, .mark = mark(j) };
	for (int v = 1; v <= 2; v++)
		for (int i = 0; i < 2; i++)
			pool_keys[n++] = (struct key){ .v6 = true, .proto = protos[i],
						      .vip = ip(0, v), .port = ports[i] };
	for (int j = 1; j <= 2; j++)
		pool_keys[n++] = (struct key){ .fw = true, .v6 = true, .mark = mark(j) };
	pool_dests[0] = ip(1, 1);
	pool_dests[1] = ip(1, 2);
	pool_dests[2] = ip(1, 3);
	pool_dests[3] = ip(2, 1);
}

/* --- what is believed to exist (Gen.table) -------------------------------- */

struct entry {
	struct key key;
	struct dest dests[32];
	int ndests;
};

static struct entry table[64];
static int ntable;

static struct entry *lookup(const struct key *key)
{
	for (int i = 0; i < ntable; i++)
		if (key_eq(&table[i].key, key))
			return &table[i];
	return NULL;
}

static struct entry *lookup_or_add(const struct key *key)
{
	struct entry *e = lookup(key);

	if (e || ntable == 64)
		return e;
	e = &table[ntable++];
	*e = (struct entry){ .key = *key };
	return e;
}

static void table_del(const struct key *key)
{
	struct entry *e = lookup(key);

	if (e) {
		memmove(e, e + 1, (char *)&table[ntable] - (char *)(e + 1));
		ntable--;
	}
}

static void dest_add(struct entry *e, struct dest d)
{
	for (int i = 0; i < e->ndests; i++)
		if (e->dests[i].ip == d.ip && e->dests[i].port == d.port)
			return;
	if (e->ndests < 32)
		e->dests[e->ndests++] = d;
}

static void dest_del(struct entry *e, struct dest d)
{
	for (int i = 0; e && i < e->ndests; i++)
		if (e->dests[i].ip == d.ip && e->dests[i].port == d.port) {
			memmove(&e->dests[i], &e->dests[i + 1],
				(e->ndests - i - 1) * sizeof(e->dests[0]));
			e->ndests--;
			return;
		}
}

/* The services the traffic process keeps in place (Plan.baseline). */
static void forget(void)
{
	struct key tcp200 = { .proto = IPPROTO_TCP, .vip = ip(0, 200), .port = 80 };
	struct key udp200 = { .proto = IPPROTO_UDP, .vip = ip(0, 200), .port = 53 };
	struct key tcp201 = { .proto = IPPROTO_TCP, .vip = ip(0, 201), .port = 80 };
	struct key fw = { .fw = true, .mark = mark(1000) };
	struct entry *e;

	ntable = 0;
	e = lookup_or_add(&tcp200);
	dest_add(e, (struct dest){ ip(2, 1), 8080 });
	dest_add(e, (struct dest){ ip(1, 1), 80 });
	e = lookup_or_add(&udp200);
	dest_add(e, (struct dest){ ip(2, 1), 5353 });
	dest_add(e, (struct dest){ ip(1, 1), 53 });
	e = lookup_or_add(&tcp201);
	dest_add(e, (struct dest){ ip(2, 1), 80 });
	dest_add(e, (struct dest){ ip(1, 2), 80 });
	e = lookup_or_add(&fw);
	dest_add(e, (struct dest){ ip(2, 1), 8080 });
	dest_add(e, (struct dest){ ip(1, 3), 80 });
}

/* --- attribute trees ------------------------------------------------------ */

struct node {
	uint16_t type, flags;
	bool nested;
	uint8_t val[MAX_VAL];
	int len;
	int len_delta;		/* a lie in nla_len */
	int kids[MAX_KIDS];
	int nkids;
};

static struct node nodes[MAX_NODES];
static int nnodes;

static int node_new(uint16_t type, const void *val, int len)
{
	struct node *n;

	if (nnodes == MAX_NODES)
		return -1;
	n = &nodes[nnodes];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->len = len < MAX_VAL ? len : MAX_VAL;
	memcpy(n->val, val, n->len);
	return nnodes++;
}

static int nest_new(uint16_t type)
{
	int i = node_new(type, NULL, 0);

	if (i >= 0) {
		nodes[i].nested = true;
		nodes[i].flags = NLA_F_NESTED;
	}
	return i;
}

static void add(int parent, int kid)
{
	struct node *p = &nodes[parent];

	if (kid >= 0 && parent >= 0 && p->nkids < MAX_KIDS)
		p->kids[p->nkids++] = kid;
}

static int add_u8(int parent, uint16_t type, uint8_t v)
{
	int i = node_new(type, &v, 1);

	add(parent, i);
	return i;
}

static int add_u16(int parent, uint16_t type, uint16_t v)
{
	int i = node_new(type, &v, 2);

	add(parent, i);
	return i;
}

static int add_be16(int parent, uint16_t type, uint16_t v)
{
	v = htons(v);
	return add_u16(parent, type, v);
}

static int add_u32(int parent, uint16_t type, uint32_t v)
{
	int i = node_new(type, &v, 4);

	add(parent, i);
	return i;
}

static int add_addr(int parent, uint16_t type, uint32_t a, bool dirty_tail)
{
	uint8_t v[16] = { 0 };

	memcpy(v, &a, 4);
	if (dirty_tail)
		v[15] = 1;
	add(parent, node_new(type, v, 16));
	return 0;
}

/* @a as an IPv6 address (ac10:...::6), or as itself. */
static int add_addr6(int parent, uint16_t type, uint32_t a, bool v6)
{
	uint8_t v[16] = { 0 };

	if (!v6)
		return add_addr(parent, type, a, false);
	memcpy(v, &a, 4);
	v[15] = 6;
	add(parent, node_new(type, v, 16));
	return 0;
}

static size_t encode_node(int i, uint8_t *out, size_t room);

static size_t encode_kids(int i, uint8_t *out, size_t room)
{
	size_t n = 0;

	if (i < 0)
		return 0;
	for (int k = 0; k < nodes[i].nkids; k++)
		n += encode_node(nodes[i].kids[k], out + n, room - n);
	return n;
}

static size_t encode_node(int i, uint8_t *out, size_t room)
{
	struct node *a = &nodes[i];
	size_t payload, pad;
	uint16_t hdr[2];

	if (room < 4)
		return 0;
	if (a->nested) {
		payload = encode_kids(i, out + 4, room - 4);
	} else {
		payload = (size_t)a->len <= room - 4 ? (size_t)a->len : room - 4;
		memcpy(out + 4, a->val, payload);
	}
	pad = -payload & 3;
	if (pad > room - 4 - payload)
		pad = room - 4 - payload;
	memset(out + 4 + payload, 0, pad);
	hdr[0] = (4 + payload + a->len_delta) & 0xffff;
	hdr[1] = (a->type | a->flags) & 0xffff;
	memcpy(out, hdr, 4);
	return 4 + payload + pad;
}

/* --- messages ------------------------------------------------------------- */

struct meta {
	enum { M_NONE, M_FLUSH, M_NEW_SERVICE, M_SET_SERVICE, M_DEL_SERVICE,
	       M_NEW_DEST, M_SET_DEST, M_DEL_DEST } what;
	struct key key;
	struct dest dests[4];
	int ndests;
};

struct msg {
	uint16_t type, flags;
	uint8_t cmd, version;
	uint16_t reserved;
	uint32_t seq;
	int root;		/* a nest whose kids are the attributes */
	long nlmsg_len;		/* -1: the true length */
	long cut;		/* -1: send it whole */
	int raw_len;		/* >= 0: random bytes instead */
	uint8_t raw[64];
	struct meta meta;
};

static uint16_t family;

static size_t encode_msg(struct msg *m, uint8_t *out, size_t room)
{
	struct nlmsghdr nh;
	struct genlmsghdr gh = { m->cmd, m->version, m->reserved };
	size_t n;

	if (m->raw_len >= 0) {
		n = (size_t)m->raw_len < room ? (size_t)m->raw_len : room;
		memcpy(out, m->raw, n);
		return n;
	}
	if (room < 20)
		return 0;
	memcpy(out + 16, &gh, 4);
	n = 20 + encode_kids(m->root, out + 20, room - 20);
	nh = (struct nlmsghdr){
		.nlmsg_len = m->nlmsg_len < 0 ? n : (uint32_t)m->nlmsg_len,
		.nlmsg_type = m->type, .nlmsg_flags = m->flags, .nlmsg_seq = m->seq,
	};
	memcpy(out, &nh, 16);
	if (m->cut >= 0 && (size_t)m->cut < n)
		n = m->cut;
	return n;
}

static size_t true_len(struct msg *m)
{
	static uint8_t scratch[MAX_BUF];
	long nl = m->nlmsg_len, cut = m->cut;
	size_t n;

	m->nlmsg_len = m->cut = -1;
	n = encode_msg(m, scratch, sizeof(scratch));
	m->nlmsg_len = nl;
	m->cut = cut;
	return n;
}

/* --- values (Gen's) --------------------------------------------------------- */

static const char *const scheds[] = { "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh",
				      "sed", "nq", "fo", "ovf", "mh" };
static const char *const bad_scheds[] = { "abcdefghijklmno", "abcdefghijklmnop", "nosuch",
					  "", "RR" };

static void svc_key_attrs(int nest, const struct key *key)
{
	static const uint32_t afs[] = { AF_INET, 0xffffffffu };	/* ~0: absent */
	static const uint32_t bad_afs[] = { AF_INET6, 0, 0xffff };
	static const uint32_t afs6[] = { AF_INET6 };
	static const uint32_t bad_afs6[] = { AF_INET, 0xffffffffu, 0xffff };
	uint32_t af = key->v6 ? CHOOSE(afs6, bad_afs6, 0.1) : CHOOSE(afs, bad_afs, 0.1);

	if (af != 0xffffffffu)
		add_u16(nest, VS_SVC_A_AF, af);
	if (key->fw) {
		add_u32(nest, VS_SVC_A_FWMARK, key->mark);
		return;
	}
	add_u8(nest, VS_SVC_A_PROTOCOL, key->proto);
	if (key->v6)
		add_addr6(nest, VS_SVC_A_ADDR, key->vip, true);
	else
		add_addr(nest, VS_SVC_A_ADDR, key->vip, !chance(0.98));
	add_be16(nest, VS_SVC_A_PORT, key->port);
}

static struct key pick_key(double known)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	static const uint8_t bad_protos[] = { 0, IPPROTO_ICMP, 132, 255 };
	static const uint16_t ports[] = { 80, 443 }, bad_ports[] = { 0, 1, 65535 };
	static const int edge_vips[] = { 0, 255 };
	struct key k = { 0 };

	if (ntable && chance(known))
		return table[below(ntable)].key;
	if (chance(0.85))
		return PICK(pool_keys);
	if (chance(0.2)) {
		uint32_t marks[] = { 0, mark_min(), mark_max(), mark(span(4, 20)) };

		k.fw = true;
		k.mark = PICK(marks);
		return k;
	}
	k.proto = CHOOSE(protos, bad_protos, 0.2);
	k.vip = ip(0, chance(0.1) ? PICK(edge_vips) : (int)below(16));
	k.port = CHOOSE(ports, bad_ports, 0.5);
	return k;
}

static void svc_conf(int nest, const struct key *key, double sched_p)
{
	static const uint32_t tmo[] = { 60, 300 };
	static const uint32_t bad_tmo[] = { 0, 1, VS_PERSIST_TIMEOUT_MAX,
					    VS_PERSIST_TIMEOUT_MAX + 1, 0xffffffffu };
	static const uint8_t masks[] = { 32, 24, 16 }, bad_masks[] = { 0, 32, 33, 128, 129, 255 };
	bool port0 = !key->fw && key->port == 0;
	bool persistent;

	if (chance(sched_p)) {
		const char *name = CHOOSE(scheds, bad_scheds, 0.1);

		add(nest, node_new(VS_SVC_A_SCHED, name, strlen(name) + chance(0.98)));
	}
	persistent = port0 || chance(0.3);
	if (persistent || chance(0.4)) {
		uint32_t common[] = { persistent };
		uint32_t edge[] = { 2, 0x80000000u, 0xffffffffu, 1 - persistent };

		add_u32(nest, VS_SVC_A_FLAGS, CHOOSE(common, edge, 0.1));
	}
	if ((persistent && chance(0.5)) || chance(0.05))
		add_u32(nest, VS_SVC_A_TIMEOUT, CHOOSE(tmo, bad_tmo, 0.1));
	if ((persistent && chance(0.5)) || chance(0.05))
		add_u8(nest, VS_SVC_A_NETMASK, CHOOSE(masks, bad_masks, 0.1));
}

static uint16_t svc_port(const struct key *key)
{
	return key->fw ? 0 : key->port;
}

static struct dest pick_dest(const struct key *key, double known)
{
	struct entry *e = lookup(key);
	uint32_t edge_ips[] = { ip(1, 0), ip(1, 255), ip(2, 2) };
	int ports[] = { 80, 8080, 443, svc_port(key), -1 };
	static const int bad_ports[] = { 0, 1, 65535 };
	struct dest d;

	if (e && e->ndests && chance(known))
		return e->dests[below(e->ndests)];
	d.ip = CHOOSE(pool_dests, edge_ips, 0.1);
	d.port = CHOOSE(ports, bad_ports, 0.1);
	return d;
}

static int dest_id(const struct key *key, int port)
{
	return port >= 0 ? port : svc_port(key);
}

/* A tunneled server's type, GUE's port and checksum flags, or wrong ones. */
static void tun_attrs(int nest)
{
	static const uint8_t types[] = { VS_TUN_IPIP, VS_TUN_GUE, VS_TUN_GRE };
	static const uint8_t bad_types[] = { VS_TUN_MAX + 1, 255 };
	static const uint16_t ports[] = { 6080, 6081 }, bad_ports[] = { 0 };
	static const uint16_t flags[] = { 0, VS_TUN_F_CSUM, VS_TUN_F_REMCSUM };
	static const uint16_t bad_flags[] = { VS_TUN_F_CSUM | VS_TUN_F_REMCSUM, 0xffff };
	int type = chance(0.8) ? CHOOSE(types, bad_types, 0.1) : -1;

	if (type >= 0)
		add_u8(nest, VS_DEST_A_TUN_TYPE, type);
	if (type == VS_TUN_GUE || chance(0.05))
		add_be16(nest, VS_DEST_A_TUN_PORT, CHOOSE(ports, bad_ports, 0.1));
	if (chance(0.3))
		add_u16(nest, VS_DEST_A_TUN_FLAGS, CHOOSE(flags, bad_flags, 0.1));
	if (chance(0.2)) {	/* ours, none, one not (yet) ours; multicast */
		uint32_t srcs[] = { ip(1, 9), 0, ip(1, 77) };
		uint32_t bad_srcs[] = { htonl(0xe0000005), 0xffffffff };

		add_addr(nest, VS_DEST_A_TUN_SRC, CHOOSE(srcs, bad_srcs, 0.2), chance(0.05));
	}
}

static void dest_attrs(int nest, const struct key *key, struct dest d, bool full)
{
	static const uint8_t fwds[] = { VS_FWD_NAT, VS_FWD_DR, VS_FWD_TUNNEL };
	static const uint8_t bad_fwds[] = { 0, 4, 255 };
	static const uint32_t weights[] = { 1, 2, 5, 100 };
	static const uint32_t bad_weights[] = { 0, VS_WEIGHT_MAX, VS_WEIGHT_MAX + 1u, 0xffffffffu };
	static const uint32_t ut[] = { 0, 10, 100 }, bad_ut[] = { 1, 0xffffffffu };
	static const uint32_t lt[] = { 0, 5, 50 }, bad_lt[] = { 200, 0xffffffffu };
	int fwd = full ? CHOOSE(fwds, bad_fwds, 0.1) : -1;

	add_addr6(nest, VS_DEST_A_ADDR, d.ip, key->v6);
	if ((fwd == VS_FWD_DR || fwd == VS_FWD_TUNNEL) && chance(0.9))
		d.port = chance(0.5) ? svc_port(key) : -1;
	if (d.port >= 0)
		add_be16(nest, VS_DEST_A_PORT, d.port);
	if (!full)
		return;
	if (chance(0.8))
		add_u8(nest, VS_DEST_A_FWD, fwd);
	if (chance(0.5))
		add_u32(nest, VS_DEST_A_WEIGHT, CHOOSE(weights, bad_weights, 0.1));
	if (chance(0.2))
		add_u32(nest, VS_DEST_A_U_THRESH, CHOOSE(ut, bad_ut, 0.1));
	if (chance(0.2))
		add_u32(nest, VS_DEST_A_L_THRESH, CHOOSE(lt, bad_lt, 0.1));
	if (fwd == VS_FWD_TUNNEL || chance(0.03))
		tun_attrs(nest);
}

/* One connection as a sync would give it; made says what it was for twin. */
struct made {
	struct key key;
	struct dest dest;
	uint32_t cip;
	uint16_t cport;
};

static int conn_attrs(struct made *m, bool have_key, bool have_dest, bool have_client)
{
	static const uint8_t bad_protos[] = { 0, 132, 255 };
	static const uint8_t bad_states[] = { 0, 11, 12, 255 };
	static const uint32_t exp[] = { 1000, 5000, 30000, 60000 };
	static const uint32_t bad_exp[] = { 0, 1, VS_TIMEOUT_MAX * 1000u, 0xffffffffu };
	static const uint32_t flags[] = { 0, VS_CONN_F_TEMPLATE }, bad_flags[] = { 2, 0xffffffffu };
	static const uint16_t afs[] = { AF_INET }, bad_afs[] = { AF_INET6, 0 };
	static const uint16_t afs6[] = { AF_INET6 }, bad_afs6[] = { AF_INET, 0 };
	int nest = nest_new(VS_A_CONN), n;
	uint8_t proto, state;
	uint32_t vaddr;
	uint16_t vport;

	if (!have_key)
		m->key = pick_key(0.9);
	if (!have_dest) {
		m->dest = pick_dest(&m->key, 0.9);
		m->dest.port = dest_id(&m->key, m->dest.port);
	}
	if (!have_client) {
		m->cip = ip(3, span(1, 64));
		m->cport = span(1024, 1088);
	}
	if (m->key.fw) {
		uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };

		proto = CHOOSE(protos, bad_protos, 0.1);
		vaddr = ip(0, span(1, 4));
		vport = span(1, 65536);
	} else {
		proto = chance(0.95) ? m->key.proto : PICK(bad_protos);
		vaddr = m->key.vip;
		vport = m->key.port ? m->key.port : span(1, 65536);
	}
	state = proto == IPPROTO_TCP ? below(11) : VS_UDP_S_NORMAL;
	add_u8(nest, VS_CONN_A_PROTOCOL, proto);
	add_addr6(nest, VS_CONN_A_CADDR, m->cip, m->key.v6);
	add_be16(nest, VS_CONN_A_CPORT, m->cport);
	add_addr6(nest, VS_CONN_A_VADDR, vaddr, m->key.v6);
	add_be16(nest, VS_CONN_A_VPORT, vport);
	add_addr6(nest, VS_CONN_A_DADDR, m->dest.ip, m->key.v6);
	add_be16(nest, VS_CONN_A_DPORT, m->dest.port ? m->dest.port : vport);
	add_u8(nest, VS_CONN_A_STATE, chance(0.1) ? PICK(bad_states) : state);
	add_u32(nest, VS_CONN_A_EXPIRES, CHOOSE(exp, bad_exp, 0.1));
	if (m->key.fw || chance(0.05))
		add_u32(nest, VS_CONN_A_FWMARK, m->key.fw ? m->key.mark : 0);
	if (chance(0.3))
		add_u32(nest, VS_CONN_A_FLAGS, CHOOSE(flags, bad_flags, 0.1));
	if (m->key.v6 ? chance(0.95) : chance(0.3))
		add_u16(nest, VS_CONN_A_AF, m->key.v6 ? CHOOSE(afs6, bad_afs6, 0.1)
						      : CHOOSE(afs, bad_afs, 0.1));
	/* attribute order must not matter */
	n = nest >= 0 ? nodes[nest].nkids : 0;
	for (int i = n - 1; i > 0; i--) {
		int j = below(i + 1), t = nodes[nest].kids[i];

		nodes[nest].kids[i] = nodes[nest].kids[j];
		nodes[nest].kids[j] = t;
	}
	return nest;
}

/* The same connection again, or the same client and server through another
 * service that has it: NAT reply tuples that clash. */
static int twin(struct made *m)
{
	struct key others[64];
	int n = 0;

	if (chance(0.3))
		return conn_attrs(m, true, true, true);
	for (int i = 0; i < ntable; i++) {
		struct entry *e = &table[i];

		if (key_eq(&e->key, &m->key))
			continue;
		for (int j = 0; j < e->ndests; j++)
			if (e->dests[j].ip == m->dest.ip && e->dests[j].port == m->dest.port) {
				others[n++] = e->key;
				break;
			}
	}
	if (n) {
		m->key = others[below(n)];
		return conn_attrs(m, true, true, true);
	}
	return conn_attrs(m, false, true, true);
}

/* --- one builder per command ------------------------------------------------ */

static int svc_nest(const struct key *key)
{
	int nest = nest_new(VS_A_SERVICE);

	svc_key_attrs(nest, key);
	return nest;
}

static void b_get_info(struct msg *m)
{
	m->cmd = VS_CMD_GET_INFO;
}

static void b_new_service(struct msg *m)
{
	struct key key = pick_key(0.2);
	int nest = svc_nest(&key);

	m->cmd = VS_CMD_NEW_SERVICE;
	svc_conf(nest, &key, 0.8);
	m->meta = (struct meta){ .what = M_NEW_SERVICE, .key = key };
	if (chance(0.3)) {
		int dests = nest_new(VS_SVC_A_DESTS), n = span(1, 5);

		for (int i = 0; i < n; i++) {
			struct dest d = pick_dest(&key, 0);
			int dn = nest_new(VS_A_DEST);

			dest_attrs(dn, &key, d, true);
			add(dests, dn);
			m->meta.dests[m->meta.ndests++] = (struct dest){ d.ip, dest_id(&key, d.port) };
		}
		add(nest, dests);
	}
	add(m->root, nest);
}

static void b_set_service(struct msg *m)
{
	struct key key = pick_key(0.8);
	int nest = svc_nest(&key);

	svc_conf(nest, &key, 0.6);
	m->cmd = VS_CMD_SET_SERVICE;
	m->meta = (struct meta){ .what = M_SET_SERVICE, .key = key };
	add(m->root, nest);
}

static void b_del_service(struct msg *m)
{
	struct key key = pick_key(0.5);

	m->cmd = VS_CMD_DEL_SERVICE;
	m->meta = (struct meta){ .what = M_DEL_SERVICE, .key = key };
	add(m->root, svc_nest(&key));
}

static void b_get_service(struct msg *m)
{
	m->cmd = VS_CMD_GET_SERVICE;
	if (chance(0.4)) {
		static const uint32_t f[] = { 1, 0 }, bad_f[] = { 2, 0xffffffffu };

		m->flags |= NLM_F_DUMP;
		if (!chance(0.3))
			add_u32(m->root, VS_A_DUMP_FLAGS, CHOOSE(f, bad_f, 0.1));
		return;
	}
	struct key key = pick_key(0.7);

	add(m->root, svc_nest(&key));
}

static void dest_cmd(struct msg *m, int cmd, int what, double known, bool full)
{
	struct key key = pick_key(0.9);
	struct dest d = pick_dest(&key, known);
	int dn;

	m->cmd = cmd;
	m->meta = (struct meta){ .what = what, .key = key, .ndests = 1 };
	m->meta.dests[0] = (struct dest){ d.ip, dest_id(&key, d.port) };
	add(m->root, svc_nest(&key));
	dn = nest_new(VS_A_DEST);
	dest_attrs(dn, &key, d, full);
	add(m->root, dn);
}

static void b_new_dest(struct msg *m)
{
	dest_cmd(m, VS_CMD_NEW_DEST, M_NEW_DEST, 0.1, true);
}

static void b_set_dest(struct msg *m)
{
	dest_cmd(m, VS_CMD_SET_DEST, M_SET_DEST, 0.9, true);
}

static void b_del_dest(struct msg *m)
{
	dest_cmd(m, VS_CMD_DEL_DEST, M_DEL_DEST, 0.7, false);
}

static void b_get_dest(struct msg *m)
{
	struct key key = pick_key(0.8);

	m->cmd = VS_CMD_GET_DEST;
	m->flags |= NLM_F_DUMP;
	add(m->root, svc_nest(&key));
}

static void b_flush(struct msg *m)
{
	m->cmd = VS_CMD_FLUSH;
	m->meta.what = M_FLUSH;
}

static void b_zero(struct msg *m)
{
	m->cmd = VS_CMD_ZERO;
	if (chance(0.7)) {
		struct key key = pick_key(0.8);

		add(m->root, svc_nest(&key));
	}
}

static void b_get_timeouts(struct msg *m)
{
	m->cmd = VS_CMD_GET_TIMEOUTS;
}

static void b_set_timeouts(struct msg *m)
{
	static const uint32_t t[] = { 60, 120, 900 };
	static const uint32_t bad_t[] = { 0, 1, VS_TIMEOUT_MAX, VS_TIMEOUT_MAX + 1, 0xffffffffu };
	int nest = nest_new(VS_A_TIMEOUTS);

	m->cmd = VS_CMD_SET_TIMEOUTS;
	for (int type = VS_TIMEOUT_A_TCP; type <= VS_TIMEOUT_A_UDP; type++)
		if (chance(0.6))
			add_u32(nest, type, CHOOSE(t, bad_t, 0.1));
	add(m->root, nest);
}

/* backup_only mostly off, so that traffic keeps going through vs. */
static void b_set_info(struct msg *m)
{
	static const uint8_t v[] = { 0, 0, 1 }, bad_v[] = { 2, 0xff };
	int nest = nest_new(VS_A_INFO);

	m->cmd = VS_CMD_SET_INFO;
	if (chance(0.8))
		add_u8(nest, VS_INFO_A_BACKUP_ONLY, CHOOSE(v, bad_v, 0.1));
	if (chance(0.4))
		add_u8(nest, VS_INFO_A_SLOPPY_TCP, CHOOSE(v, bad_v, 0.1));
	add(m->root, nest);
}

static void b_get_conn(struct msg *m)
{
	m->cmd = VS_CMD_GET_CONN;
	m->flags |= NLM_F_DUMP;
	if (chance(0.3)) {
		struct key key = pick_key(0.8);

		add(m->root, svc_nest(&key));
	}
}

static void b_new_conn(struct msg *m)
{
	int conns = nest_new(VS_A_CONNS), n = span(1, 5);
	struct made made;
	bool have = false;

	m->cmd = VS_CMD_NEW_CONN;
	for (int i = 0; i < n; i++) {
		add(conns, have && chance(0.4) ? twin(&made) : conn_attrs(&made, false, false, false));
		have = true;
	}
	add(m->root, conns);
}

static void b_unknown_cmd(struct msg *m)
{
	static const uint8_t cmds[] = { 0, VS_CMD_MAX + 1, 255 };

	m->cmd = PICK(cmds);
	if (chance(0.5))
		m->flags |= NLM_F_DUMP;
}

static const struct {
	double weight;
	void (*build)(struct msg *m);
} builders[] = {
	{ 3, b_get_info }, { 14, b_new_service }, { 6, b_set_service }, { 3, b_del_service },
	{ 5, b_get_service }, { 14, b_new_dest }, { 6, b_set_dest }, { 4, b_del_dest },
	{ 3, b_get_dest }, { 0.1, b_flush }, { 2, b_zero }, { 2, b_get_timeouts },
	{ 2, b_set_timeouts }, { 3, b_get_conn }, { 14, b_new_conn }, { 1, b_set_info },
	{ 0.5, b_unknown_cmd },
};

/* --- mutations ------------------------------------------------------------ */

struct place {
	int node, holder;
};

static int walk(int holder, struct place *out, int n, int max, int depth)
{
	if (holder < 0)
		return n;
	for (int k = 0; k < nodes[holder].nkids && n < max && depth < 8; k++) {
		int i = nodes[holder].kids[k];

		out[n++] = (struct place){ i, holder };
		if (nodes[i].nested)
			n = walk(i, out, n, max, depth + 1);
	}
	return n;
}

static void remove_kid(int holder, int kid)
{
	struct node *h = &nodes[holder];

	for (int k = 0; k < h->nkids; k++)
		if (h->kids[k] == kid) {
			memmove(&h->kids[k], &h->kids[k + 1], (h->nkids - k - 1) * sizeof(int));
			h->nkids--;
			return;
		}
}

static void mutate_attrs(int root)
{
	static struct place places[MAX_NODES];
	int n = walk(root, places, 0, MAX_NODES, 0), i;
	struct node *a;
	uint8_t buf[MAX_VAL];

	if (!n || chance(0.15)) {	/* an unknown or read-only attribute, anywhere */
		static const uint16_t types[] = { 0, 9, 13, 14, 15, 0x3fff, 1 };
		uint16_t type = chance(1.0 / 7) ? span(1, 16) : PICK(types);
		int where = n ? places[below(n)].holder : root;
		int len = below(24);
		/*
		 * A small value of this namespace's own: as VS_SVC_A_FWMARK (5)
		 * or VS_CONN_A_FWMARK (8), 1 made another namespace's mark
		 * (netns 1's mark_min), which the isolation check rightly
		 * counts as a leak.
		 */
		uint32_t one = mark(1);

		if (chance(0.5)) {
			junk(buf, len);
			add(where, node_new(type, buf, len));
		} else {
			add(where, node_new(type, &one, 4));
		}
		return;
	}
	struct place p = places[below(n)];

	if (root < 0)
		return;

	a = &nodes[p.node];
	switch (below(9)) {
	case 0:	/* wrong length: short, long or odd */
		if (a->nested) {
			a->nested = false;
			a->len = below(24);
			junk(a->val, a->len);
		} else {
			int lens[] = { 0, 1, 2, 3, 5, 7, a->len + 1, a->len + 4 };
			int len = PICK(lens);

			if (len > MAX_VAL)
				len = MAX_VAL;
			if (len > a->len)
				junk(a->val + a->len, len - a->len);
			a->len = len;
		}
		break;
	case 1:	/* random bytes where a nest or value is expected */
		a->nested = false;
		a->len = below(24);
		junk(a->val, a->len);
		break;
	case 2:	/* a nest inside the nest (or around a scalar) */
		i = node_new(below(16), a->val, a->len);
		if (i < 0)
			break;
		a = &nodes[p.node];
		nodes[i].nested = a->nested;
		nodes[i].flags = a->nested ? NLA_F_NESTED : 0;
		memcpy(nodes[i].kids, a->kids, sizeof(a->kids));
		nodes[i].nkids = a->nkids;
		a->nested = true;
		a->nkids = 1;
		a->kids[0] = i;
		a->flags = NLA_F_NESTED;
		break;
	case 3:	/* NLA_F_NESTED missing on a nest, added to a scalar */
		a->flags ^= NLA_F_NESTED;
		break;
	case 4:
		a->flags |= NLA_F_NET_BYTEORDER_;
		break;
	case 5:	/* twice */
		add(p.holder, p.node);
		break;
	case 6:	/* a required part missing */
		remove_kid(p.holder, p.node);
		break;
	case 7: {	/* nla_len that lies */
		static const int deltas[] = { -4, -2, -1, 1, 3, 64, 0x8000 };

		a->len_delta = PICK(deltas);
		break;
	}
	default:	/* the empty nest */
		a->nkids = 0;
		a->len = 0;
		a->nested = chance(0.5);
		break;
	}
}

static void mutate_header(struct msg *m)
{
	switch (below(8)) {
	case 0: {	/* nlmsg_len shorter or longer than the buffer */
		static const int deltas[] = { -8, -3, -1, 1, 4, 100 };
		long n = (long)true_len(m) + PICK(deltas);

		m->nlmsg_len = n < 0 ? 0 : n;
		break;
	}
	case 1: {	/* too short for a netlink or genl header */
		static const int lens[] = { 0, 4, 15, 16, 17, 19 };

		m->nlmsg_len = PICK(lens);
		if (chance(0.5))
			m->cut = m->nlmsg_len;
		break;
	}
	case 2:
		m->reserved = span(1, 0x10000);
		break;
	case 3: {
		static const uint8_t v[] = { 0, 2, 255 };

		m->version = PICK(v);
		break;
	}
	case 4:	/* NLM_F_DUMP on do-only commands and the reverse */
		if (chance(0.7)) {
			m->flags ^= NLM_F_DUMP;
		} else {
			static const uint16_t f[] = { 0x100, 0x200 };

			m->flags ^= PICK(f);
		}
		break;
	case 5: {	/* other flags: no ACK, not a request, CREATE/EXCL... */
		static const uint16_t f[] = { NLM_F_ACK, NLM_F_REQUEST, 0x8, 0x400, 0x800,
					      0x1000, 0xffff };

		m->flags ^= PICK(f);
		break;
	}
	case 6: {	/* another family or a control message type */
		static const uint16_t t[] = { NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, 4,
					      GENL_ID_CTRL, 0xffff };

		m->type = PICK(t);
		break;
	}
	default:
		m->cut = below(true_len(m) + 1);
		break;
	}
}

static void message(struct msg *m, uint32_t seq)
{
	double r = 0, total = 0;
	size_t b;

	for (b = 0; b < sizeof(builders) / sizeof(builders[0]); b++)
		total += builders[b].weight;
	r = rnd() * total;
	for (b = 0; b < sizeof(builders) / sizeof(builders[0]) - 1; b++) {
		r -= builders[b].weight;
		if (r < 0)
			break;
	}
	*m = (struct msg){ .type = family, .flags = NLM_F_REQUEST | NLM_F_ACK, .version = 1,
			   .seq = seq, .nlmsg_len = -1, .cut = -1, .raw_len = -1 };
	m->root = nest_new(0);
	builders[b].build(m);
	if (chance(0.3)) {	/* dirty */
		int n = span(1, 4);

		m->meta.what = M_NONE;
		for (int i = 0; i < n; i++) {
			if (chance(0.7))
				mutate_attrs(m->root);
			else
				mutate_header(m);
		}
	}
	if (chance(0.005)) {
		m->raw_len = below(64);
		junk(m->raw, m->raw_len);
		m->meta.what = M_NONE;
	}
}

/* What a clean message's answer says about the table (Gen.learn). */
static void learn(const struct meta *meta, int err)
{
	struct entry *e;

	if (meta->what == M_NONE || err < 0)
		return;
	if (meta->what == M_FLUSH && !err) {
		forget();
	} else if (err == ESRCH || (meta->what == M_DEL_SERVICE && !err)) {
		table_del(&meta->key);
	} else if (meta->what == M_NEW_SERVICE && (!err || err == EEXIST)) {
		e = lookup_or_add(&meta->key);
		for (int i = 0; e && !err && i < meta->ndests; i++)
			dest_add(e, meta->dests[i]);
	} else if (meta->what == M_NEW_DEST && (!err || err == EEXIST)) {
		e = lookup_or_add(&meta->key);
		if (e)
			dest_add(e, meta->dests[0]);
	} else if ((meta->what == M_DEL_DEST || meta->what == M_SET_DEST) &&
		   (!err || err == ENOENT)) {
		if (meta->what == M_DEL_DEST || err)
			dest_del(lookup(&meta->key), meta->dests[0]);
	}
}

/* --- talking to the kernel (Sock.exchange) ------------------------------- */

struct view {			/* what netlink_rcv_skb will handle */
	uint32_t seq[MAX_MSGS * 2];
	const uint8_t *hdr[MAX_MSGS * 2];
	uint32_t len[MAX_MSGS * 2];
	int n;
};

static void kernel_view(const uint8_t *buf, size_t len, struct view *v)
{
	size_t off = 0;

	v->n = 0;
	while (len - off >= 16 && v->n < MAX_MSGS * 2) {
		struct nlmsghdr nh;

		memcpy(&nh, buf + off, 16);
		if (nh.nlmsg_len < 16 || nh.nlmsg_len > len - off)
			break;
		v->seq[v->n] = nh.nlmsg_seq;
		v->hdr[v->n] = buf + off;
		v->len[v->n++] = nh.nlmsg_len;
		off += ((nh.nlmsg_len + 3) & ~3u) < len - off ? (nh.nlmsg_len + 3) & ~3u : len - off;
	}
}

static bool seqs_collide(const uint8_t *buf, size_t len)
{
	static struct view v;

	kernel_view(buf, len, &v);
	for (int i = 0; i < v.n; i++)
		for (int j = i + 1; j < v.n; j++)
			if (v.seq[i] == v.seq[j] || v.seq[i] == SENTINEL)
				return true;
	return v.n && v.seq[v.n - 1] == SENTINEL;
}

/* Draws nmsgs messages and encodes them with seqs from *seq on.
 * A header the kernel reads out of attribute bytes (a nlmsg_len cut
 * short) has a seq of its own: 0x00020005 is "nla_len 5, type 2". Two
 * of those, or one and a real message, can share a seq, and their two
 * answers would look like one message answered twice. Such a batch
 * first moves to fresh seqs; if two read-out headers still collide,
 * it is drawn again.
 */
static size_t batch(struct msg *msgs, int nmsgs, uint8_t *buf, size_t room, uint32_t *seq)
{
	size_t len;

	for (;;) {
		nnodes = 0;
		for (int i = 0; i < nmsgs; i++)
			message(&msgs[i], *seq + i);
		for (int tries = 0; tries < 2; tries++) {
			len = 0;
			for (int i = 0; i < nmsgs; i++) {
				msgs[i].seq = *seq + i;
				len += encode_msg(&msgs[i], buf + len, room - len);
			}
			*seq += nmsgs;
			if (!seqs_collide(buf, len))
				return len;
		}
	}
}

static int view_find(const struct view *v, uint32_t seq)
{
	/* the last one with this seq, as a dict keyed by seq keeps it */
	for (int i = v->n - 1; i >= 0; i--)
		if (v->seq[i] == seq)
			return i;
	return -1;
}

#define NO_ANSWER 1000		/* no final answer (Python's None for "none") */
#define GARBLED 1001		/* an answer that could not be read */

struct exchange {
	struct view view;
	int finals[MAX_MSGS * 2];	/* errno, NO_ANSWER or GARBLED */
	bool open_dump[MAX_MSGS * 2];
	bool synced;
};

static int sock_fd, portid;
static const char *const cmd_names[] = {
	[VS_CMD_GET_INFO] = "get_info", [VS_CMD_NEW_SERVICE] = "new_service",
	[VS_CMD_SET_SERVICE] = "set_service", [VS_CMD_DEL_SERVICE] = "del_service",
	[VS_CMD_GET_SERVICE] = "get_service", [VS_CMD_NEW_DEST] = "new_dest",
	[VS_CMD_SET_DEST] = "set_dest", [VS_CMD_DEL_DEST] = "del_dest",
	[VS_CMD_GET_DEST] = "get_dest", [VS_CMD_FLUSH] = "flush", [VS_CMD_ZERO] = "zero",
	[VS_CMD_GET_TIMEOUTS] = "get_timeouts", [VS_CMD_SET_TIMEOUTS] = "set_timeouts",
	[VS_CMD_GET_CONN] = "get_conn", [VS_CMD_NEW_CONN] = "new_conn",
	[VS_CMD_SET_INFO] = "set_info",
};

static const char *cmd_name(int cmd)
{
	return cmd > 0 && cmd <= VS_CMD_MAX ? cmd_names[cmd] : NULL;
}

static bool dumpable(int cmd)
{
	return cmd == VS_CMD_GET_SERVICE || cmd == VS_CMD_GET_DEST || cmd == VS_CMD_GET_CONN;
}

static void sock_open(bool cap_ack)
{
	int one = 1, cap = cap_ack, rcvbuf = 1 << 20;
	struct timeval tv = { 20, 0 };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t salen = sizeof(sa);

	sock_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sock_fd < 0 ||
	    setsockopt(sock_fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(sock_fd, SOL_NETLINK, NETLINK_CAP_ACK, &cap, sizeof(cap)) ||
	    setsockopt(sock_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) ||
	    setsockopt(sock_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    bind(sock_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(sock_fd, (struct sockaddr *)&sa, &salen)) {
		perror("nl_fuzz_engine: netlink socket");
		exit(1);
	}
	portid = sa.nl_pid;
}

/* The extended-ACK attributes after an NLMSG_ERROR's echoed request. */
static void ack_tlvs(const uint8_t *msg, uint32_t n, uint16_t flags,
		     const char **text, int *text_len, long *offs)
{
	uint32_t off = 36, echoed;

	*text = NULL;
	*offs = -1;
	if (!(flags & NLM_F_CAPPED)) {
		memcpy(&echoed, msg + 20, 4);
		off = 16 + ((4 + (uint64_t)echoed + 3) / 4 * 4);
	}
	while (off + 4 <= n) {
		uint16_t len, type;

		memcpy(&len, msg + off, 2);
		memcpy(&type, msg + off + 2, 2);
		if (len < 4 || off + len > n)
			break;
		type &= NLA_TYPE_MASK;
		if (type == NLMSGERR_ATTR_MSG) {
			*text = (const char *)msg + off + 4;
			*text_len = len - 4;
		} else if (type == NLMSGERR_ATTR_OFFS && len >= 8) {
			uint32_t o;

			memcpy(&o, msg + off + 4, 4);
			*offs = o;
		}
		off += (len + 3) & ~3u;
	}
}

/* The spec promises a message with every refusal of a vs command (genl's
 * own refusals aside: a dump of a do-only command and the reverse, a
 * second dump while one runs). */
static void count_extack(const uint8_t *sent, uint32_t sent_len, int err,
			 const char *text, int text_len)
{
	struct nlmsghdr nh;
	const char *name;
	char what[160];
	bool dump;

	count(COUNTS, "extack_msgs", text != NULL);
	if (sent_len < 20)
		return;
	memcpy(&nh, sent, 16);
	if (nh.nlmsg_type != family)
		return;
	name = cmd_name(sent[16]);
	dump = (nh.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	if (!name || (dump != dumpable(sent[16]) && sent[16] != VS_CMD_GET_SERVICE) ||
	    err == -EBUSY)
		return;
	if (err && !text) {
		snprintf(what, sizeof(what), "%s%s %s", name, dump ? " dump" : "",
			 errname(-err));
		if (!*counter(NO_EXTACK, what) && nexamples < 8) {
			char h[200];

			hex(h, sizeof(h), sent, sent_len < 64 ? sent_len : 64);
			snprintf(examples[nexamples++], sizeof(examples[0]),
				 "no extended ACK: %s: %s", what, h);
		}
		count(NO_EXTACK, what, 1);
	} else if (!err && text) {
		int len = strnlen(text, text_len);

		snprintf(what, sizeof(what), "%s: %.*s", name, len, text);
		count(EXTACK_ON_OK, what, 1);
	}
}

/* An NLMSG_ERROR, checked: a real errno, the request's header echoed, an
 * extended-ACK offset inside the request. */
static int check_ack(const uint8_t *msg, uint32_t n, uint16_t flags, const uint8_t *sent,
		     uint32_t sent_len)
{
	const char *text = NULL;
	int text_len = 0, err;
	long offs = -1;
	char h[80], h2[80];

	if (n < 36) {
		hex(h, sizeof(h), msg, n);
		anomaly("garbled", "short ACK %s", h);
		return GARBLED;
	}
	memcpy(&err, msg + 16, 4);
	if (err > 0 || (err && !known_errno(-err)))
		anomaly("garbled", "ACK error %d", err);
	if (memcmp(msg + 20, sent, 16)) {
		hex(h, sizeof(h), msg + 20, 16);
		hex(h2, sizeof(h2), sent, 16);
		anomaly("garbled", "ACK echoes %s for %s", h, h2);
	}
	if (flags & NLM_F_ACK_TLVS)
		ack_tlvs(msg, n, flags, &text, &text_len, &offs);
	count_extack(sent, sent_len, err, text, text_len);
	if (offs >= 0) {
		uint32_t sent_nl;

		memcpy(&sent_nl, sent, 4);
		if (offs < 20 || offs >= sent_nl)
			anomaly("garbled", "extack offset %ld", offs);
	}
	return -err;
}

static void set_final(struct exchange *x, int i, int err)
{
	if (x->finals[i] != NO_ANSWER)
		anomaly("twice", "seq %#x answered %d then %d", x->view.seq[i], x->finals[i], err);
	x->finals[i] = err;
}

static void parse(const uint8_t *chunk, size_t len, struct exchange *x)
{
	size_t off = 0;

	while (off < len) {
		struct nlmsghdr nh;
		const uint8_t *msg = chunk + off;
		int i;

		if (len - off < 16) {
			anomaly("garbled", "trailing %zu bytes", len - off);
			break;
		}
		memcpy(&nh, msg, 16);
		if (nh.nlmsg_len < 16 || nh.nlmsg_len > len - off) {
			anomaly("garbled", "nlmsg_len %u of %zu", nh.nlmsg_len, len - off);
			break;
		}
		off += (nh.nlmsg_len + 3) & ~3u;
		i = view_find(&x->view, nh.nlmsg_seq);
		if (nh.nlmsg_pid != (uint32_t)portid || (i < 0 && nh.nlmsg_seq != SENTINEL)) {
			anomaly("foreign", "pid %u seq %#x type %u", nh.nlmsg_pid, nh.nlmsg_seq,
				nh.nlmsg_type);
			continue;
		}
		if (nh.nlmsg_seq == SENTINEL && i < 0) {
			int err = -1;

			if (nh.nlmsg_len >= 20)
				memcpy(&err, msg + 16, 4);
			if (nh.nlmsg_type != NLMSG_ERROR || err)
				anomaly("garbled", "sentinel answer type %u error %d",
					nh.nlmsg_type, err);
			x->synced = true;
		} else if (nh.nlmsg_type == NLMSG_ERROR) {
			set_final(x, i, check_ack(msg, nh.nlmsg_len, nh.nlmsg_flags,
						  x->view.hdr[i], x->view.len[i]));
			x->open_dump[i] = false;
		} else if (nh.nlmsg_type == NLMSG_DONE) {
			int err = 0;

			if (nh.nlmsg_len >= 20)
				memcpy(&err, msg + 16, 4);
			if (nh.nlmsg_len < 20 || err > 0)
				anomaly("garbled", "DONE of %u bytes, error %d", nh.nlmsg_len, err);
			set_final(x, i, -err);
			x->open_dump[i] = false;
		} else if (nh.nlmsg_len >= 20 &&
			   nh.nlmsg_type == ((const struct nlmsghdr *)x->view.hdr[i])->nlmsg_type) {
			if (nh.nlmsg_flags & NLM_F_MULTI)
				x->open_dump[i] = true;
			count(COUNTS, "intr", !!(nh.nlmsg_flags & NLM_F_DUMP_INTR));
		} else {
			char h[100];

			hex(h, sizeof(h), msg, nh.nlmsg_len < 48 ? nh.nlmsg_len : 48);
			anomaly("garbled", "type %u: %s", nh.nlmsg_type, h);
		}
	}
}

static bool all_final(const struct exchange *x)
{
	for (int i = 0; i < x->view.n; i++)
		if (x->finals[i] == NO_ANSWER)
			return false;
	return true;
}

static bool dumps_open(const struct exchange *x)
{
	for (int i = 0; i < x->view.n; i++)
		if (x->open_dump[i])
			return true;
	return false;
}

/* Send buf and read every answer: until each message has its ACK (or DONE)
 * when each asked for one; else a NOOP follows, ACKed once the kernel has
 * handled buf, and reading goes on until that ACK has come and every dump
 * is done. */
static void exchange(const uint8_t *buf, size_t len, struct exchange *x)
{
	static uint8_t chunk[1 << 20];
	bool noop = false;

	kernel_view(buf, len, &x->view);
	for (int i = 0; i < x->view.n; i++) {
		x->finals[i] = NO_ANSWER;
		x->open_dump[i] = false;
		noop |= !(((const struct nlmsghdr *)x->view.hdr[i])->nlmsg_flags & NLM_F_ACK);
	}
	x->synced = false;
	if (send(sock_fd, buf, len, 0) < 0)
		count(COUNTS, "send_errors", 1);
	if (noop) {
		struct nlmsghdr nh = { 16, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, SENTINEL, 0 };

		send(sock_fd, &nh, sizeof(nh), 0);
	}
	while (noop ? (!x->synced || dumps_open(x)) : !all_final(x)) {
		ssize_t n = recv(sock_fd, chunk, sizeof(chunk), 0);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			char h[140];

			hex(h, sizeof(h), buf, len < 64 ? len : 64);
			anomaly("hang", "no answer in 20 s to %s", h);
			break;
		}
		if (n < 0 && errno == ENOBUFS) {
			count(COUNTS, "overruns", 1);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("nl_fuzz_engine: recv");
			exit(1);
		}
		parse(chunk, n, x);
	}
}

/* Count each message the kernel handled by its answer (account). */
static void account(struct msg *msgs, int nmsgs, const struct exchange *x)
{
	count(COUNTS, "unparsed", nmsgs > x->view.n ? nmsgs - x->view.n : 0);
	for (int i = 0; i < x->view.n; i++) {
		const struct nlmsghdr *nh = (const void *)x->view.hdr[i];
		int err = x->finals[i];
		const char *name = "other", *key;

		if (view_find(&x->view, x->view.seq[i]) != i)
			continue;	/* a dict keyed by seq counts it once */
		if (err == NO_ANSWER && nh->nlmsg_flags & NLM_F_ACK)
			anomaly("unanswered", "seq %#x type %u flags %#x", nh->nlmsg_seq,
				nh->nlmsg_type, nh->nlmsg_flags);
		key = err == 0 ? "ok" : err == NO_ANSWER ? "silent" : err == GARBLED ? "garbled" :
			errname(err);
		count(ANSWERS, key, 1);
		for (int j = 0; j < nmsgs; j++)
			if (msgs[j].seq == x->view.seq[i] && msgs[j].raw_len < 0) {
				if (nh->nlmsg_type == msgs[j].type && msgs[j].type == family)
					name = cmd_name(msgs[j].cmd) ? cmd_name(msgs[j].cmd) : "unknown";
				break;
			}
		count(BY_CMD, name, 1);
		count(OK_BY_CMD, name, err == 0);
	}
}

/* --- the worker -------------------------------------------------------------- */

static volatile sig_atomic_t stop, show;
static uint8_t recent[16][MAX_BUF * MAX_MSGS / 4];
static size_t recent_len[16];
static int recent_next;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_usr1(int sig)
{
	(void)sig;
	show = 1;
}

static void show_recent(int index)
{
	static char h[sizeof(recent[0]) * 2 + 1];

	for (int i = 0; i < 16; i++) {
		int r = (recent_next + i) % 16;

		if (!recent_len[r])
			continue;
		hex(h, sizeof(h), recent[r], recent_len[r]);
		fprintf(stderr, "# w%d recent: %s\n", index, h);
	}
	show = 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void write_result(int fd, int index)
{
	json_t *top = json_object(), *st = json_object(), *ex = json_array();
	struct rusage ru;
	char *text;

	getrusage(RUSAGE_SELF, &ru);
	count(COUNTS, "cpu_ms_fuzz", ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000);
	count(COUNTS, "sys_ms_fuzz", ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000);
	for (int s = 0; s < NSTATS; s++) {
		json_t *o = json_object();

		for (int i = 0; i < stats[s].len; i++)
			json_object_set_new(o, stats[s].c[i].name, json_integer(stats[s].c[i].n));
		json_object_set_new(st, stat_names[s], o);
	}
	for (int i = 0; i < nexamples; i++)
		json_array_append_new(ex, json_string(examples[i]));
	json_object_set_new(st, "examples", ex);
	json_object_set_new(top, "role", json_string("fuzz"));
	json_object_set_new(top, "k", json_integer(plan_k));
	json_object_set_new(top, "index", json_integer(index));
	json_object_set_new(top, "stats", st);
	text = json_dumps(top, JSON_COMPACT);
	for (size_t off = 0, len = strlen(text); off < len;) {
		ssize_t n = write(fd, text + off, len - off);

		if (n <= 0)
			break;
		off += n;
	}
	free(text);
	json_decref(top);
}

static void usage(void)
{
	fprintf(stderr, "usage: nl_fuzz_engine --family ID --seed S --index I --k K --n N "
		"--out-fd FD [--budget MESSAGES] [--deadline EPOCH] [--trace]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "family", 1, 0, 'f' }, { "seed", 1, 0, 's' }, { "index", 1, 0, 'i' },
		{ "k", 1, 0, 'k' }, { "n", 1, 0, 'n' }, { "out-fd", 1, 0, 'o' },
		{ "budget", 1, 0, 'b' }, { "deadline", 1, 0, 'd' }, { "trace", 0, 0, 't' },
		{ 0 }
	};
	const char *seed = NULL;
	int index = 0, out_fd = -1, opt;
	long budget = -1, sent = 0;
	double deadline = 1e18;
	bool trace = false;
	char seedtext[160];
	uint32_t seq;
	struct sigaction sa = { .sa_handler = on_term };

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'f': family = strtoul(optarg, NULL, 0); break;
		case 's': seed = optarg; break;
		case 'i': index = atoi(optarg); break;
		case 'k': plan_k = strtoul(optarg, NULL, 0); break;
		case 'n': plan_n = strtoul(optarg, NULL, 0); break;
		case 'o': out_fd = atoi(optarg); break;
		case 'b': budget = atol(optarg); break;
		case 'd': deadline = atof(optarg); break;
		case 't': trace = true; break;
		default: usage();
		}
	}
	if (!family || !seed || !plan_n || plan_k >= plan_n || out_fd < 0)
		usage();
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	snprintf(seedtext, sizeof(seedtext), "%s/%d", seed, index);
	rseed(seedtext);
	plan_pools();
	forget();
	seq = (uint32_t)index << 24;
	sock_fd = -1;
	while (!stop && (budget < 0 || sent < budget) && now() < deadline) {
		static uint8_t buf[MAX_BUF * MAX_MSGS / 4];
		static struct msg msgs[MAX_MSGS];
		struct exchange x;
		int nmsgs = chance(0.85) ? 1 : (int)span(2, 5);
		size_t len = 0;

		if (show)
			show_recent(index);
		if (sock_fd < 0 || chance(0.002)) {	/* a fresh socket now and then */
			if (sock_fd >= 0)
				close(sock_fd);
			sock_open(chance(0.7));
		}
		len = batch(msgs, nmsgs, buf, sizeof(buf), &seq);
		sent += nmsgs;
		if (!len)	/* netlink refuses it (ENODATA) */
			continue;
		memcpy(recent[recent_next], buf, len);
		recent_len[recent_next] = len;
		recent_next = (recent_next + 1) % 16;
		if (trace) {
			static char h[sizeof(buf) * 2 + 1];

			hex(h, sizeof(h), buf, len);
			fprintf(stderr, "trace w%d %s\n", index, h);
		}
		exchange(buf, len, &x);
		account(msgs, nmsgs, &x);
		for (int i = 0; i < nmsgs; i++) {
			int v = view_find(&x.view, msgs[i].seq);

			learn(&msgs[i].meta, v < 0 ? -1 : x.finals[v] >= NO_ANSWER ? -1 :
			      x.finals[v]);
		}
	}
	count(COUNTS, "messages", sent);
	write_result(out_fd, index);
	return 0;
}
