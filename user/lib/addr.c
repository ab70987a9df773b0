// SPDX-License-Identifier: GPL-2.0
/*
 * Addresses of both families, ports, masks and numbers: parsing and
 * printing. Name lookups are cached because a listing or a restore of a
 * large table asks for the same few names over and over, and every libc
 * lookup rereads its files.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"

/* Digits only, no sign, no base prefix: "010" is ten, as ipvsadm reads it
 * in practice, and "-1" is a number that is out of range rather than junk.
 */
int vs_parse_u64(const char *s, uint64_t *out)
{
	const char *p = s;
	uint64_t v = 0;

	if (*p == '-' && isdigit((unsigned char)p[1])) {
		for (p++; isdigit((unsigned char)*p); p++)
			;
		return *p ? VS_PARSE_BAD : VS_PARSE_RANGE;
	}
	if (!isdigit((unsigned char)*p))
		return VS_PARSE_BAD;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - d) / 10) {
			while (isdigit((unsigned char)*p))
				p++;
			return *p ? VS_PARSE_BAD : VS_PARSE_RANGE;
		}
		v = v * 10 + d;
	}
	if (*p)
		return VS_PARSE_BAD;
	*out = v;
	return VS_PARSE_OK;
}

int vs_parse_u32_range(const char *s, uint32_t min, uint32_t max,
		       uint32_t *out)
{
	uint64_t v;
	int ret = vs_parse_u64(s, &v);

	if (ret)
		return ret;
	if (v < min || v > max)
		return VS_PARSE_RANGE;
	*out = (uint32_t)v;
	return VS_PARSE_OK;
}

static bool looks_numeric(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && *s != '.')
			return false;
	return true;
}

/* Only the four-part dotted quad: inet_aton's "1.2.3" and octal forms
 * surprise people and are never what a table means.
 */
int vs_parse_ipv4(const char *s, union vs_addr *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return VS_PARSE_BAD;
	memset(a, 0, sizeof(*a));
	a->ip = in.s_addr;
	return VS_PARSE_OK;
}

/* The first address of family that getaddrinfo gives for name s. */
static int lookup(const char *s, int family, union vs_addr *a)
{
	struct addrinfo hints = { .ai_family = family };
	struct addrinfo *res;

	if (getaddrinfo(s, NULL, &hints, &res) != 0)
		return VS_PARSE_NOHOST;
	memset(a, 0, sizeof(*a));
	if (family == AF_INET6)
		memcpy(a->bytes,
		       &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr,
		       sizeof(a->bytes));
	else
		a->ip = ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(res);
	return VS_PARSE_OK;
}

int vs_parse_host(const char *s, union vs_addr *a)
{
	struct in6_addr in6;

	if (!*s)
		return VS_PARSE_BAD;
	if (strchr(s, ':') || inet_pton(AF_INET6, s, &in6) == 1)
		return VS_PARSE_IPV6;
	/* A mistyped address must not become a DNS query (slow, and it
	 * could even succeed).
	 */
	if (looks_numeric(s))
		return vs_parse_ipv4(s, a);
	return lookup(s, AF_INET, a);
}

/*
 * An IPv6 address, a dotted IPv4 address or a name. ipvsadm looks names
 * up as IPv4 only (gethostbyname); here a name takes its address of the
 * family prefer if it has one (IPv4 unless prefer is AF_INET6), else one
 * of the other family: a real server named in an IPv6 service gets its
 * IPv6 address, and every name ipvsadm takes gives what it gives.
 */
int vs_parse_host_af(const char *s, uint16_t prefer, uint16_t *af,
		     union vs_addr *a)
{
	int family = prefer == AF_INET6 ? AF_INET6 : AF_INET;
	struct in6_addr in6;
	int ret;

	if (inet_pton(AF_INET6, s, &in6) == 1) {
		memset(a, 0, sizeof(*a));
		memcpy(a->bytes, &in6, sizeof(a->bytes));
		*af = AF_INET6;
		return VS_PARSE_OK;
	}
	/* No name has a colon: a mistyped IPv6 address is no query either,
	 * nor is a scoped one (fe80::1%eth0), which a table cannot hold.
	 */
	if (strchr(s, ':'))
		return VS_PARSE_BAD;
	if (looks_numeric(s)) {
		*af = AF_INET;
		return vs_parse_ipv4(s, a);
	}
	ret = lookup(s, family, a);
	if (ret == VS_PARSE_NOHOST) {
		family = family == AF_INET6 ? AF_INET : AF_INET6;
		ret = lookup(s, family, a);
	}
	if (ret == VS_PARSE_OK)
		*af = (uint16_t)family;
	return ret;
}

struct port_name {
	uint8_t proto;
	uint16_t port;
	char name[32];
};

static struct port_name port_names[64];
static unsigned int n_port_names;

static int lookup_service_name(const char *s, uint8_t proto, uint16_t *port)
{
	const char *pname = proto == IPPROTO_UDP ? "udp" : "tcp";
	struct servent *se;
	unsigned int i;

	for (i = 0; i < n_port_names; i++) {
		if (port_names[i].proto == proto &&
		    !strcmp(port_names[i].name, s)) {
			*port = port_names[i].port;
			return VS_PARSE_OK;
		}
	}
	se = getservbyname(s, pname);
	if (!se)
		return VS_PARSE_BAD;
	*port = ntohs((uint16_t)se->s_port);
	if (n_port_names < sizeof(port_names) / sizeof(port_names[0]) &&
	    strlen(s) < sizeof(port_names[0].name)) {
		port_names[n_port_names].proto = proto;
		port_names[n_port_names].port = *port;
		strcpy(port_names[n_port_names].name, s);
		n_port_names++;
	}
	return VS_PARSE_OK;
}

/* A number 0..65535 or a service name from /etc/services. */
int vs_parse_port(const char *s, uint8_t proto, uint16_t *port)
{
	uint64_t v;
	int ret = vs_parse_u64(s, &v);

	if (ret == VS_PARSE_OK) {
		if (v > 65535)
			return VS_PARSE_RANGE;
		*port = (uint16_t)v;
		return VS_PARSE_OK;
	}
	if (ret == VS_PARSE_RANGE || !*s)
		return ret;
	return lookup_service_name(s, proto, port);
}

static int prefix_of(uint32_t mask, uint8_t *prefix)
{
	uint8_t n = 0;

	while (n < 32 && (mask & (0x80000000U >> n)))
		n++;
	if (n < 32 && (mask << n))
		return VS_PARSE_NONCONTIG;
	*prefix = n;
	return VS_PARSE_OK;
}

/* A dotted mask (255.255.255.0) or a prefix length (24). The protocol
 * carries a prefix length, so a mask with holes cannot be expressed.
 */
int vs_parse_netmask(const char *s, uint8_t *prefix)
{
	union vs_addr a;
	uint32_t len;

	if (!strchr(s, '.')) {
		int ret = vs_parse_u32_range(s, 0, 32, &len);

		if (ret == VS_PARSE_OK)
			*prefix = (uint8_t)len;
		return ret;
	}
	if (vs_parse_ipv4(s, &a))
		return VS_PARSE_BAD;
	return prefix_of(ntohl(a.ip), prefix);
}

/* ipvsadm takes an IPv6 mask as a prefix length 1..128 only. */
int vs_parse_netmask_af(const char *s, uint16_t af, uint8_t *prefix)
{
	uint32_t len;
	int ret;

	if (af != AF_INET6)
		return vs_parse_netmask(s, prefix);
	ret = vs_parse_u32_range(s, 1, 128, &len);
	if (ret == VS_PARSE_OK)
		*prefix = (uint8_t)len;
	return ret;
}

/* "[v6]", "[v6]:port" or a bare v6 address. */
static bool ipv6_form(const char *s)
{
	struct in6_addr in6;
	char buf[INET6_ADDRSTRLEN + 2];
	const char *end;

	if (*s != '[')
		return inet_pton(AF_INET6, s, &in6) == 1;
	end = strchr(s, ']');
	if (!end || (size_t)(end - s - 1) >= sizeof(buf) ||
	    (end[1] && end[1] != ':'))
		return false;
	memcpy(buf, s + 1, (size_t)(end - s - 1));
	buf[end - s - 1] = '\0';
	return inet_pton(AF_INET6, buf, &in6) == 1;
}

/*
 * Split "host[:port]" into host (copied) and port (pointer into s, or NULL
 * when there is none). Two colons or a bracket mean IPv6: VS_PARSE_IPV6,
 * which vs_split_hostport_af() takes.
 */
int vs_split_hostport(const char *s, char *host, size_t hostlen,
		      const char **port)
{
	const char *colon = strchr(s, ':');
	size_t n;

	if (*s == '[' || (colon && strchr(colon + 1, ':')))
		return ipv6_form(s) ? VS_PARSE_IPV6 : VS_PARSE_BAD;
	n = colon ? (size_t)(colon - s) : strlen(s);
	if (n >= hostlen)
		return VS_PARSE_BAD;
	memcpy(host, s, n);
	host[n] = '\0';
	*port = colon ? colon + 1 : NULL;
	return VS_PARSE_OK;
}

/*
 * Either family: "host[:port]", "[v6]:port" or "[v6]" (the brackets only
 * around an IPv6 address), or a bare IPv6 address, which has no port: as
 * in ipvsadm, 2001:db8::1:80 is an address, not 2001:db8::1 port 80.
 */
int vs_split_hostport_af(const char *s, char *host, size_t hostlen,
			 const char **port)
{
	struct in6_addr in6;
	const char *end;
	size_t n;

	if (*s != '[') {
		n = strlen(s);
		if (inet_pton(AF_INET6, s, &in6) != 1)
			return vs_split_hostport(s, host, hostlen, port) ?
			       VS_PARSE_BAD : VS_PARSE_OK;
		if (n >= hostlen)
			return VS_PARSE_BAD;
		memcpy(host, s, n + 1);
		*port = NULL;
		return VS_PARSE_OK;
	}
	end = strchr(s, ']');
	if (!end || (end[1] && end[1] != ':'))
		return VS_PARSE_BAD;
	n = (size_t)(end - s - 1);
	if (n >= hostlen)
		return VS_PARSE_BAD;
	memcpy(host, s + 1, n);
	host[n] = '\0';
	if (inet_pton(AF_INET6, host, &in6) != 1)
		return VS_PARSE_BAD;
	*port = end[1] ? end + 2 : NULL;
	return VS_PARSE_OK;
}

const char *vs_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	default:
		return "IP";
	}
}

void vs_addr_str_af(uint16_t af, const union vs_addr *a, char *buf,
		    size_t len)
{
	const char *ret;

	if (af == AF_INET6)
		ret = inet_ntop(AF_INET6, a->bytes, buf, (socklen_t)len);
	else
		ret = inet_ntop(AF_INET, &a->ip, buf, (socklen_t)len);
	if (!ret)
		snprintf(buf, len, "?");
}

void vs_addr_str(const union vs_addr *a, char *buf, size_t len)
{
	vs_addr_str_af(AF_INET, a, buf, len);
}

/* The mask of a prefix length in its family's notation. */
void vs_mask_str_af(uint16_t af, uint8_t prefix, char *buf, size_t len)
{
	union vs_addr a = { .ip = 0 };
	unsigned int i, bits;

	if (af != AF_INET6) {
		vs_mask_str(prefix, buf, len);
		return;
	}
	for (i = 0; i < sizeof(a.bytes); i++) {
		bits = prefix > i * 8 ? prefix - i * 8 : 0;
		a.bytes[i] = (uint8_t)(bits >= 8 ? 0xff : 0xff00 >> bits);
	}
	vs_addr_str_af(AF_INET6, &a, buf, len);
}

void vs_mask_str(uint8_t prefix, char *buf, size_t len)
{
	uint32_t mask = prefix ? 0xffffffffU << (32 - (prefix > 32 ? 32 : prefix)) : 0;
	union vs_addr a = { .ip = htonl(mask) };

	vs_addr_str(&a, buf, len);
}

/* Reverse lookups, cached. The key is the family and the address, or the
 * protocol and the port.
 */
struct name_key {
	uint8_t b[18];
};

struct name_entry {
	struct name_key key;
	char *name;
	bool used;
};

struct name_cache {
	struct name_entry *tab;
	size_t size, used;
};

static struct name_cache host_cache, port_cache;

size_t vs_hash_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return (size_t)(h ^ (h >> 29));
}

static struct name_entry *cache_slot(struct name_cache *c,
				     const struct name_key *key)
{
	size_t i;

	if (c->used * 2 >= c->size) {
		struct name_cache old = *c;
		size_t j;

		c->size = old.size ? old.size * 2 : 256;
		c->tab = calloc(c->size, sizeof(*c->tab));
		c->used = 0;
		if (!c->tab) {
			*c = old;
			return NULL;
		}
		for (j = 0; j < old.size; j++) {
			if (!old.tab[j].used)
				continue;
			*cache_slot(c, &old.tab[j].key) = old.tab[j];
			c->used++;
		}
		free(old.tab);
	}
	i = vs_hash_bytes(key->b, sizeof(key->b)) & (c->size - 1);
	while (c->tab[i].used && memcmp(&c->tab[i].key, key, sizeof(*key)))
		i = (i + 1) & (c->size - 1);
	return &c->tab[i];
}

static const char *cache_get(struct name_cache *c, const struct name_key *key,
			     bool *hit)
{
	struct name_entry *e = c->size ? cache_slot(c, key) : NULL;

	*hit = e && e->used;
	return *hit ? e->name : NULL;
}

static void cache_put(struct name_cache *c, const struct name_key *key,
		      const char *name)
{
	struct name_entry *e = cache_slot(c, key);

	if (!e || e->used)
		return;
	e->used = true;
	e->key = *key;
	e->name = name ? strdup(name) : NULL;
	c->used++;
}

static void cache_free(struct name_cache *c)
{
	size_t i;

	for (i = 0; i < c->size; i++)
		free(c->tab[i].name);
	free(c->tab);
	memset(c, 0, sizeof(*c));
}

void vs_name_cache_free(void)
{
	cache_free(&host_cache);
	cache_free(&port_cache);
}

static const char *host_name(uint16_t af, const union vs_addr *a)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct name_key key = { .b = { 4 } };
	char name[NI_MAXHOST];
	const char *cached;
	bool hit;
	int ret;

	if (af == AF_INET6) {
		key.b[0] = 6;
		memcpy(key.b + 2, a->bytes, 16);
	} else {
		memcpy(key.b + 2, &a->ip, 4);
	}
	cached = cache_get(&host_cache, &key, &hit);
	if (hit)
		return cached;
	if (af == AF_INET6) {
		memcpy(&sin6.sin6_addr, a->bytes, sizeof(sin6.sin6_addr));
		ret = getnameinfo((struct sockaddr *)&sin6, sizeof(sin6), name,
				  sizeof(name), NULL, 0, NI_NAMEREQD);
	} else {
		sin.sin_addr.s_addr = a->ip;
		ret = getnameinfo((struct sockaddr *)&sin, sizeof(sin), name,
				  sizeof(name), NULL, 0, NI_NAMEREQD);
	}
	if (ret)
		name[0] = '\0';
	cache_put(&host_cache, &key, name[0] ? name : NULL);
	return cache_get(&host_cache, &key, &hit);
}

static const char *port_name(uint16_t port, uint8_t proto)
{
	struct name_key key = { .b = { proto, (uint8_t)(port >> 8),
				       (uint8_t)port } };
	struct servent *se;
	const char *cached;
	bool hit;

	cached = cache_get(&port_cache, &key, &hit);
	if (hit)
		return cached;
	se = getservbyport(htons(port), proto == IPPROTO_UDP ? "udp" : "tcp");
	cache_put(&port_cache, &key, se ? se->s_name : NULL);
	return cache_get(&port_cache, &key, &hit);
}

/*
 * "addr:port", with names unless numeric (ipvsadm's -n); an IPv6 address,
 * or its name, in brackets: "[2001:db8::1]:80", "[www6]:http", as
 * ipvsadm's addrport_to_anyname() writes them.
 */
void vs_hostport_str_af(char *buf, size_t len, uint16_t af,
			const union vs_addr *a, uint16_t port, uint8_t proto,
			bool numeric)
{
	const char *open = af == AF_INET6 ? "[" : "";
	const char *close = af == AF_INET6 ? "]" : "";
	char abuf[INET6_ADDRSTRLEN];
	const char *h = NULL, *p = NULL;

	if (!numeric) {
		h = host_name(af, a);
		p = port_name(port, proto);
	}
	if (!h) {
		vs_addr_str_af(af, a, abuf, sizeof(abuf));
		h = abuf;
	}
	if (p)
		snprintf(buf, len, "%s%s%s:%s", open, h, close, p);
	else
		snprintf(buf, len, "%s%s%s:%u", open, h, close, port);
}

void vs_hostport_str(char *buf, size_t len, const union vs_addr *a,
		     uint16_t port, uint8_t proto, bool numeric)
{
	vs_hostport_str_af(buf, len, AF_INET, a, port, proto, numeric);
}
