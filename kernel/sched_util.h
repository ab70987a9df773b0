/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_SCHED_UTIL_H
#define _VS_SCHED_UTIL_H

#include <linux/in.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/math64.h>

#include "pernet.h"
#include "sched.h"
#include "service.h"

/* The servers of a service at the moment a scheduler state was built. */
struct vs_dest_array {
	unsigned int n;
	struct vs_dest *d[];
};

struct vs_dest_array *vs_dest_array_build(struct vs_service *svc);
void vs_dest_array_free(struct vs_dest_array *a);

/* sched_wlc.c: least (weighted) connections; lc, wlc, lblc, lblcr. */
struct vs_dest *vs_sched_least(struct vs_service *svc, bool weighted);
/* sched_sed.c: shortest expected delay; sed and nq. */
struct vs_dest *vs_sched_sed_pick(struct vs_service *svc);

/*
 * May a scheduler hand this server a new connection? A state may still
 * list a deleted server for a grace period (or, after a failed rebuild,
 * until the next change).
 */
static inline bool vs_sched_usable(const struct vs_dest *d)
{
	return vs_dest_usable(d) && !test_bit(VS_DEST_F_DEAD, &d->flags);
}

/*
 * A hash of an address that does not depend on the CPU's byte order, for
 * tables that every director with the same servers must build alike.
 */
static inline u32 vs_sched_addr_hash(const union vs_addr *a, u32 seed)
{
	u32 w[4];
	int i;

	for (i = 0; i < 4; i++)
		w[i] = be32_to_cpu(a->ip6[i]);
	return jhash2(w, 4, seed);
}

/*
 * The source port to hash with the address when the service asks for it
 * (sh-port, mh-port: SCHED2), else 0. Only TCP and UDP have one.
 */
static inline u16 vs_sched_flow_port(u32 svc_flags, const struct vs_pkt *pkt)
{
	if (!(svc_flags & VS_SVC_F_SCHED2))
		return 0;
	if (pkt->protocol != IPPROTO_TCP && pkt->protocol != IPPROTO_UDP)
		return 0;
	return ntohs(pkt->sport);
}

/* Slow-start progress is in 1/VS_RAMP_ONE; VS_RAMP_ONE when not ramping. */
#define VS_RAMP_ONE 1024U

/* The slow-start period of a service's netns in jiffies, 0 if off. */
static inline u64 vs_ramp_len(const struct vs_service *svc)
{
	return (u64)READ_ONCE(svc->vn->slow_start) * HZ;
}

static inline u32 vs_dest_ramp(const struct vs_dest *d, u64 len)
{
	unsigned long start = READ_ONCE(d->ramp_start);
	u64 gone;

	if (!start || !len)
		return VS_RAMP_ONE;
	gone = jiffies - start;
	if (gone >= len)
		return VS_RAMP_ONE;
	return max_t(u32, 1, div64_u64(gone * VS_RAMP_ONE, len));
}

/* a * b < c * d, exactly, for 64-bit operands. */
static inline bool vs_mul_lt(u64 a, u64 b, u64 c, u64 d)
{
#if defined(CONFIG_ARCH_SUPPORTS_INT128) && defined(__SIZEOF_INT128__)
	return (__uint128_t)a * b < (__uint128_t)c * d;
#else
	u64 hi1, lo1, hi2, lo2;

	lo1 = mul_u64_u64_shr(a, b, 0);
	hi1 = mul_u64_u64_shr(a, b, 64);
	lo2 = mul_u64_u64_shr(c, d, 0);
	hi2 = mul_u64_u64_shr(c, d, 64);
	return hi1 < hi2 || (hi1 == hi2 && lo1 < lo2);
#endif
}

#endif /* _VS_SCHED_UTIL_H */
