/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks ("probes"): one per distinct (real server, check configuration),
 * shared by every virtual service that asks for the same thing, so a server
 * behind five VIPs is checked once, not five times (keepalived#1495). This
 * is the registry that finds or makes them; a probe's life is in probe.h.
 */
#ifndef _VSD_CHECK_H
#define _VSD_CHECK_H

#include <stdint.h>

#include "conf.h"
#include "loop.h"
#include "probe.h"

int check_init(struct loop *l);
void check_exit(void);

/* The probe for this server (af: AF_INET or AF_INET6) and configuration:
 * an existing one with the same key, or a new one (started at a random
 * point of its first interval so thousands of checks do not fire
 * together).
 */
struct probe *probe_get(const struct vsd_check_conf *cc, uint16_t af,
			const union vs_addr *addr, uint16_t port);
void probe_subscribe(struct probe *p, struct probe_sub *s);
/* The last subscriber leaving frees the probe. */
void probe_unsubscribe(struct probe *p, struct probe_sub *s);

/* Walk every probe (status output). */
void check_foreach(void (*fn)(struct probe *p, void *arg), void *arg);
size_t check_count(void);

#endif /* _VSD_CHECK_H */
