// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters for services and real servers, and their rates.
 */

#include <linux/math64.h>
#include <linux/string.h>

#include "stats.h"

int vs_stats_init(struct vs_stats *s)
{
	int cpu;

	memset(s, 0, sizeof(*s));
	s->cpu = alloc_percpu(struct vs_cpu_stats);
	if (!s->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(s->cpu, cpu)->syncp);
	return 0;
}

void vs_stats_free(struct vs_stats *s)
{
	free_percpu(s->cpu);
	s->cpu = NULL;
}

static void sum(const struct vs_stats *s, struct vs_counters *out)
{
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct vs_cpu_stats *c = per_cpu_ptr(s->cpu, cpu);
		u64 conns, inpkts, outpkts, inbytes, outbytes;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			conns = u64_stats_read(&c->conns);
			inpkts = u64_stats_read(&c->inpkts);
			outpkts = u64_stats_read(&c->outpkts);
			inbytes = u64_stats_read(&c->inbytes);
			outbytes = u64_stats_read(&c->outbytes);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		out->conns += conns;
		out->inpkts += inpkts;
		out->outpkts += outpkts;
		out->inbytes += inbytes;
		out->outbytes += outbytes;
	}
}

void vs_stats_read(const struct vs_stats *s, struct vs_counters *out)
{
	sum(s, out);
	out->conns -= s->base.conns;
	out->inpkts -= s->base.inpkts;
	out->outpkts -= s->base.outpkts;
	out->inbytes -= s->base.inbytes;
	out->outbytes -= s->base.outbytes;
}

void vs_stats_zero(struct vs_stats *s)
{
	sum(s, &s->base);
	s->last = s->base;
	memset(&s->avg, 0, sizeof(s->avg));
}

/*
 * Rates are averaged as IPVS does, so that a pause of a few seconds does
 * not read as zero: each tick moves the average a quarter of the way to
 * the last interval's rate. Kept in 1/1024 units so small rates survive.
 */
#define RATE_SHIFT 10

static u64 per_second(u64 now, u64 then, unsigned int interval_ms)
{
	return now > then ? div_u64((now - then) * 1000, interval_ms) : 0;
}

static void smooth(u64 *avg, u64 cur)
{
	s64 diff = (s64)(cur << RATE_SHIFT) - (s64)*avg;

	*avg += diff / 4;
}

/* Called every interval_ms by the estimator with the table lock held. */
void vs_stats_estimate(struct vs_stats *s, unsigned int interval_ms)
{
	struct vs_counters now;

	sum(s, &now);
	smooth(&s->avg.conns, per_second(now.conns, s->last.conns, interval_ms));
	smooth(&s->avg.inpkts, per_second(now.inpkts, s->last.inpkts, interval_ms));
	smooth(&s->avg.outpkts, per_second(now.outpkts, s->last.outpkts, interval_ms));
	smooth(&s->avg.inbytes, per_second(now.inbytes, s->last.inbytes, interval_ms));
	smooth(&s->avg.outbytes, per_second(now.outbytes, s->last.outbytes, interval_ms));
	s->last = now;
}

void vs_stats_rates(const struct vs_stats *s, struct vs_counters *out)
{
	/* Round to nearest so a steady 1/s does not show as 0. */
	const u64 half = 1U << (RATE_SHIFT - 1);

	out->conns = (s->avg.conns + half) >> RATE_SHIFT;
	out->inpkts = (s->avg.inpkts + half) >> RATE_SHIFT;
	out->outpkts = (s->avg.outpkts + half) >> RATE_SHIFT;
	out->inbytes = (s->avg.inbytes + half) >> RATE_SHIFT;
	out->outbytes = (s->avg.outbytes + half) >> RATE_SHIFT;
}
