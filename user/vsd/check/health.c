// SPDX-License-Identifier: GPL-2.0
/*
 * The health state machine (see health.h). "timeout" counts from the last
 * pass rather than from the first failure: a server that stops answering
 * leaves the pool at the first failed attempt that is `timeout` after the
 * last good one, so within timeout + one check interval of its death.
 */
#include "health.h"

static bool set(struct health *h, enum health_state s, uint64_t now)
{
	if (h->state == s)
		return false;
	h->state = s;
	h->since = now;
	return true;
}

static bool on_pass(struct health *h, uint64_t now, uint64_t reentry)
{
	h->last_pass = now;
	switch (h->state) {
	case HEALTH_DOWN:
		if (!reentry)
			return set(h, HEALTH_UP, now);
		h->streak = now;
		return set(h, HEALTH_RETURNING, now);
	case HEALTH_RETURNING:
		if (now - h->streak >= reentry)
			return set(h, HEALTH_UP, now);
		return false;
	default:	/* UNKNOWN, UP, FAILING */
		return set(h, HEALTH_UP, now);
	}
}

static bool on_fail(struct health *h, uint64_t now, uint64_t timeout)
{
	switch (h->state) {
	case HEALTH_UP:
	case HEALTH_FAILING:
		if (now - h->last_pass >= timeout)
			return set(h, HEALTH_DOWN, now);
		return set(h, HEALTH_FAILING, now);
	default:	/* UNKNOWN, DOWN, RETURNING */
		return set(h, HEALTH_DOWN, now);
	}
}

bool health_feed(struct health *h, bool pass, uint64_t now,
		 uint64_t timeout, uint64_t reentry)
{
	return pass ? on_pass(h, now, reentry) : on_fail(h, now, timeout);
}

const char *health_name(enum health_state s)
{
	static const char *const names[] = {
		[HEALTH_UNKNOWN] = "unknown", [HEALTH_UP] = "up",
		[HEALTH_FAILING] = "failing", [HEALTH_DOWN] = "down",
		[HEALTH_RETURNING] = "returning",
	};

	return names[s];
}
