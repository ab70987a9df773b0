/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing and printing of addresses, ports, masks and numbers the way LVS
 * admins write them (ipvsadm's conventions), shared by vsadm and vsd.
 */
#ifndef _VS_ADDR_H
#define _VS_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vs.h>

enum vs_parse_result {
	VS_PARSE_OK = 0,
	VS_PARSE_BAD = -1,	/* not what was expected at all */
	VS_PARSE_RANGE = -2,	/* a number, but out of range */
	VS_PARSE_IPV6 = -3,	/* an IPv6 address where only IPv4 fits */
	VS_PARSE_NOHOST = -4,	/* a host name that does not resolve */
	VS_PARSE_NONCONTIG = -5, /* a netmask with holes */
};

/* Longest "host:port" we print or accept (host names included). */
#define VS_HOSTPORT_MAX 320

/*
 * Two kinds of functions: those without a family are IPv4 only (an IPv6
 * address is VS_PARSE_IPV6 to them, as to vsd's IPv4 configuration); the
 * _af ones take either family, af being AF_INET or AF_INET6 (anything but
 * AF_INET6 counts as AF_INET). An IPv4 address takes the first 4 bytes of
 * union vs_addr and the other 12 are zero; an IPv6 one all 16.
 */

int vs_parse_u64(const char *s, uint64_t *out);
int vs_parse_u32_range(const char *s, uint32_t min, uint32_t max,
		       uint32_t *out);
int vs_parse_ipv4(const char *s, union vs_addr *a);
int vs_parse_host(const char *s, union vs_addr *a);
int vs_parse_port(const char *s, uint8_t proto, uint16_t *port);
int vs_parse_netmask(const char *s, uint8_t *prefix);
int vs_split_hostport(const char *s, char *host, size_t hostlen,
		      const char **port);
int vs_parse_host_af(const char *s, uint16_t prefer, uint16_t *af,
		     union vs_addr *a);
int vs_split_hostport_af(const char *s, char *host, size_t hostlen,
			 const char **port);
int vs_parse_netmask_af(const char *s, uint16_t af, uint8_t *prefix);

const char *vs_proto_name(uint8_t proto);
void vs_addr_str(const union vs_addr *a, char *buf, size_t len);
void vs_mask_str(uint8_t prefix, char *buf, size_t len);
void vs_hostport_str(char *buf, size_t len, const union vs_addr *a,
		     uint16_t port, uint8_t proto, bool numeric);
void vs_addr_str_af(uint16_t af, const union vs_addr *a, char *buf,
		    size_t len);
void vs_mask_str_af(uint16_t af, uint8_t prefix, char *buf, size_t len);
void vs_hostport_str_af(char *buf, size_t len, uint16_t af,
			const union vs_addr *a, uint16_t port, uint8_t proto,
			bool numeric);
void vs_name_cache_free(void);
/* A hash of @n bytes for open-addressing tables (FNV-1a, folded). */
size_t vs_hash_bytes(const void *p, size_t n);

#endif /* _VS_ADDR_H */
