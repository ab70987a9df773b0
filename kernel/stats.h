/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_STATS_H
#define _VS_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

struct vs_cpu_stats {
	u64_stats_t conns;
	u64_stats_t inpkts;
	u64_stats_t outpkts;
	u64_stats_t inbytes;
	u64_stats_t outbytes;
	struct u64_stats_sync syncp;
};

struct vs_counters {
	u64 conns, inpkts, outpkts, inbytes, outbytes;
};

/*
 * Counters of a service or a real server: written per CPU on the packet
 * path without a lock; read by summing. Zeroing records a baseline instead
 * of writing other CPUs' counters. The rates are updated by the estimator.
 */
struct vs_stats {
	struct vs_cpu_stats __percpu *cpu;
	struct vs_counters base;	/* subtracted: set by zeroing */
	struct vs_counters last;	/* estimator: sums at the last tick */
	struct vs_counters avg;		/* estimator: per second, << 10 */
};

int vs_stats_init(struct vs_stats *s);
void vs_stats_free(struct vs_stats *s);
void vs_stats_read(const struct vs_stats *s, struct vs_counters *out);
void vs_stats_zero(struct vs_stats *s);
void vs_stats_estimate(struct vs_stats *s, unsigned int interval_ms);
void vs_stats_rates(const struct vs_stats *s, struct vs_counters *out);

static inline void vs_stats_packet(struct vs_stats *s, bool in, unsigned int len)
{
	struct vs_cpu_stats *c = this_cpu_ptr(s->cpu);

	u64_stats_update_begin(&c->syncp);
	if (in) {
		u64_stats_inc(&c->inpkts);
		u64_stats_add(&c->inbytes, len);
	} else {
		u64_stats_inc(&c->outpkts);
		u64_stats_add(&c->outbytes, len);
	}
	u64_stats_update_end(&c->syncp);
}

static inline void vs_stats_conn(struct vs_stats *s)
{
	struct vs_cpu_stats *c = this_cpu_ptr(s->cpu);

	u64_stats_update_begin(&c->syncp);
	u64_stats_inc(&c->conns);
	u64_stats_update_end(&c->syncp);
}

#endif /* _VS_STATS_H */
