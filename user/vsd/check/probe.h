/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A probe runs an attempt every check interval on a fixed grid (due times
 * are interval apart whatever the attempts took, so checks do not drift),
 * retries a failed attempt up to `retries` times, feeds the verdict to its
 * health state machine (health.h) and tells its subscribers. Attempts are
 * non-blocking: a socket or a child process watched by the event loop, with
 * a timer for connect_timeout. Health probes log on transitions only.
 *
 * Probe kinds live in check_net.c (connect, send/expect, UDP, HTTP, load
 * agent) and check_exec.c (external program), behind struct probe_ops;
 * they use probe.c and nothing else of the checks.
 */
#ifndef _VSD_PROBE_H
#define _VSD_PROBE_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf.h"
#include "health.h"
#include "loop.h"

struct probe;

/* A subscriber: told after every attempt's verdict. */
struct probe_sub {
	struct probe_sub *next;
	void (*fn)(struct probe_sub *s, struct probe *p, bool changed);
};

struct probe_ops {
	/* Begin an attempt, which ends with exactly one probe_done() (maybe
	 * before start returns) unless connect_timeout ends it first.
	 */
	void (*start)(struct probe *p);
	/* Release what an attempt holds (socket, child, buffers). */
	void (*stop)(struct probe *p);
	/* connect_timeout passed: true means the attempt passed anyway
	 * (UDP without expect: silence is not a refusal).
	 */
	bool (*timed_out)(struct probe *p);
};

struct probe {
	char *key;
	struct probe *hnext;			/* registry bucket */
	struct vsd_check_conf cc;		/* own copy */
	uint16_t af;				/* of addr */
	union vs_addr addr;
	uint16_t port;
	char addr_str[46];			/* plain, INET6_ADDRSTRLEN */
	const struct probe_ops *ops;
	struct loop *loop;
	regex_t re;				/* expect or http_regex */
	bool has_re;

	struct health h;
	char reason[160];			/* of the last verdict */
	char change_reason[160];		/* of the last transition */
	double change_wall;			/* wall clock of it */
	bool last_pass;
	double load;				/* agent: 1-minute load */
	uint64_t runs, fails;

	/* Scheduling. */
	struct loop_timer due_timer;		/* next attempt */
	struct loop_timer limit_timer;		/* connect_timeout */
	uint64_t due;
	uint64_t grid_start;			/* 0 once the grid is joined */
	int64_t last_late;
	unsigned int tries_left;
	bool busy;

	/* An attempt in flight (check_net.c, check_exec.c). */
	int fd;
	int phase;
	struct loop_io io;
	char *buf;
	size_t len, cap, sent;
	const char *req;
	size_t req_len;
	char *req_own;
	pid_t pid;
	struct loop_child child;
	bool eof, exited;
	int status;

	struct probe_sub *subs;
};

/* Scheduling statistics for `vsd status` (lateness = start - due). */
struct check_stats {
	uint64_t attempts, late_sum_us, late_max_us, jitter_sum_us,
		 jitter_max_us, jitter_n;
	uint64_t late_hist[12];		/* < 2^(i+6) us; last: larger */
};

/* Arm a new probe's timers: its first attempt at p->due. */
void probe_schedule(struct probe *p);

/* Ends an attempt (from a probe kind): pass or fail with a reason. */
__attribute__((format(printf, 3, 4)))
void probe_done(struct probe *p, bool pass, const char *fmt, ...);

/* Scheduling statistics of every probe so far. */
const struct check_stats *check_get_stats(void);

/* Probe kinds. */
extern const struct probe_ops check_net_ops, check_http_ops,
	check_agent_ops, check_exec_ops;

/* Does buf (len bytes) satisfy expect? 1 yes, 0 no, -1 not yet (more
 * bytes could still make a literal match). Shared by network and program
 * checks; the unit tests call it directly.
 */
int check_expect_match(const struct probe *p, const char *buf, size_t len);
/* Does a regex (compiled REG_NOSUB) match anywhere in buf? */
bool check_regex_match(const regex_t *re, const char *buf, size_t len);

#endif /* _VSD_PROBE_H */
