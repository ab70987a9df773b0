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
	VS_PARSE_IPV6 = -3,	/* an IPv6 address: not supported yet */
	VS_PARSE_NOHOST = -4,	/* a host name that does not resolve */
	VS_PARSE_NONCONTIG = -5, /* a netmask with holes */
};

/* Longest "host:port" we print or accept (host names included). */
#define VS_HOSTPORT_MAX 320

int vs_parse_u64(const char *s, uint64_t *out);
int vs_parse_u32_range(const char *s, uint32_t min, uint32_t max,
		       uint32_t *out);
int vs_parse_ipv4(const char *s, union vs_addr *a);
int vs_parse_host(const char *s, union vs_addr *a);
int vs_parse_port(const char *s, uint8_t proto, uint16_t *port);
int vs_parse_netmask(const char *s, uint8_t *prefix);
int vs_split_hostport(const char *s, char *host, size_t hostlen,
		      const char **port);

const char *vs_proto_name(uint8_t proto);
void vs_addr_str(const union vs_addr *a, char *buf, size_t len);
void vs_mask_str(uint8_t prefix, char *buf, size_t len);
void vs_hostport_str(char *buf, size_t len, const union vs_addr *a,
		     uint16_t port, uint8_t proto, bool numeric);
void vs_name_cache_free(void);

#endif /* _VS_ADDR_H */
