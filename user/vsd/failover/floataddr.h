/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Floating addresses: the VIPs and the NAT router address that
 * move with the active role. Added and removed through rtnetlink
 * (libnl-route-3) with Piranha's "eth0:1" names as labels (IPv4), announced
 * with gratuitous ARP or, for IPv6, an unsolicited neighbour advertisement,
 * and the links under them watched.
 */
#ifndef _VSD_FLOATADDR_H
#define _VSD_FLOATADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <netinet/in.h>

#include "addr.h"

struct vsd_float {
	char dev[32];		/* "eth0:1" as configured */
	char ifname[16];	/* "eth0" */
	uint16_t af;
	union vs_addr addr;
	uint8_t plen;
	char text[48];		/* the address, for messages */
};

/* Fill f from "eth0:1" and an address; -1 if dev is no device name. */
int vsd_float_init(struct vsd_float *f, const char *dev, uint16_t af,
		   const union vs_addr *addr, uint8_t plen);
/* Add or remove it; 0 also when already there / already gone. */
int vsd_float_add(const struct vsd_float *f);
int vsd_float_del(const struct vsd_float *f);
/* Is it on its device now? */
bool vsd_float_present(const struct vsd_float *f);
/* The packet socket gratuitous ARPs go out on; fd or -errno. */
int vsd_garp_open(void);
/* One gratuitous ARP for it (an ARP request for itself, broadcast), or
 * for IPv6 an unsolicited neighbour advertisement to all nodes. */
int vsd_float_garp(int fd, const struct vsd_float *f);
/* The IPv6 packet of that advertisement (RFC 4861 7.2.6): its length. */
size_t vsd_na_build(uint8_t *buf, size_t room, const struct in6_addr *target,
		    const uint8_t mac[6]);
/* Is the device up and running (carrier)? */
bool vsd_link_up(const char *ifname);

#endif /* _VSD_FLOATADDR_H */
