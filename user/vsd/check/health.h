/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verdict of a health check over time: a small state machine fed one
 * attempt's result at a time. It is pure (time is an argument) so the unit
 * tests can drive it through every transition.
 *
 *   UNKNOWN --pass--> UP           UNKNOWN --fail--> DOWN
 *   UP --fail--> FAILING           (still in the pool)
 *   FAILING --pass--> UP
 *   UP/FAILING --fail, no pass for `timeout`--> DOWN
 *   DOWN --pass--> RETURNING       (DOWN --pass--> UP when reentry is 0)
 *   RETURNING --fail--> DOWN
 *   RETURNING --passing for `reentry`--> UP
 */
#ifndef _VSD_HEALTH_H
#define _VSD_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

enum health_state {
	HEALTH_UNKNOWN,
	HEALTH_UP,
	HEALTH_FAILING,
	HEALTH_DOWN,
	HEALTH_RETURNING,
};

struct health {
	enum health_state state;
	uint64_t last_pass;		/* us, of the last passed attempt */
	uint64_t streak;		/* us, first pass of a RETURNING run */
	uint64_t since;			/* us, of the last transition */
};

/* Feed one attempt (times in us); true when the state changed. */
bool health_feed(struct health *h, bool pass, uint64_t now,
		 uint64_t timeout, uint64_t reentry);
/* Whether a server in this state takes traffic. */
static inline bool health_in_pool(enum health_state s)
{
	return s == HEALTH_UP || s == HEALTH_FAILING;
}
const char *health_name(enum health_state s);

#endif /* _VSD_HEALTH_H */
