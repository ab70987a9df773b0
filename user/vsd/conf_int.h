/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the configuration parser, shared by its three files: conf.c (the
 * lexer: lines, blocks, escapes, the file), conf_keys.c (the key tables
 * and their values) and conf_check.c (the checks that need a whole block
 * or the whole file).
 */
#ifndef _VSD_CONF_INT_H
#define _VSD_CONF_INT_H

#include <stdint.h>

#include "conf.h"
#include "conf_keys.h"

#define MAX_TEXT	4095		/* send, expect, programs, URLs */
#define MAX_NAME	64
#define MAX_DURATION	(30ULL * 24 * 3600 * 1000)
#define UNSET		UINT64_MAX

/* Defaults. Piranha's where it had the key, ours for the extensions. */
#define DEF_PORT		80
#define DEF_SCHED		"wlc"
#define DEF_TIMEOUT		10000
#define DEF_REENTRY		180000
#define DEF_INTERVAL		2000
#define DEF_CONNECT_MAX		5000
#define DEF_HEARTBEAT_PORT	539
#define DEF_KEEPALIVE		2000
#define DEF_DEADTIME		5000
#define DEF_AGENT_PORT		9696
#define DEF_LOAD_INTERVAL	20000
#define DEF_RECONCILE		5000
#define DEF_HTTP_STATUS		200
#define DEF_DRAIN_TIMEOUT	300000

enum scope { S_GLOBAL, S_VIRTUAL, S_SERVER, S_COUNT };

struct parser {
	const char *path;
	int line;
	struct vsd_diag *diag;
	struct vsd_conf *conf;
	struct vsd_virtual_conf *v;
	struct vsd_server_conf *s;
	/* Per scope: the line each key was given on (0: not given). */
	int *seen[S_COUNT];
	/* The line of each `director` (the key repeats). */
	int director_lines[VSD_DIRECTORS_MAX];
	/* Global defaults for the virtuals' timing (UNSET: ours). */
	uint64_t def_interval, def_connect, def_retries;
	/* Per virtual (parallel to conf->virtuals): what it set itself. */
	struct vflags {
		uint64_t interval, connect, retries;
		int check_type, expect_line, send_line, program_line,
		    regex_line, url_line, port_line, proto_line;
		int ipv6_line, sorry_line, pmask_line, tun_type_line,
		    tun_port_line, tun_csum_line, tun_src_line;
		int sched_line, sched_flags_line;
		/* scheduler_flags named sh's or mh's flags: the scheduler
		 * they need ("" for flag-1..3), checked when the block ends.
		 */
		char flags_sched[4], flags_text[64];
		char pmask[64];		/* read once the family is known */
		int *port_lines;	/* per server: its `port` line */
		int *addr_lines;	/* per server: its `address` line */
	} *vf;
};

/* check_type not given: chosen from the other keys when the block ends. */
#define CHECK_AUTO 4

static inline struct vflags *cur_vf(struct parser *p)
{
	return &p->vf[p->v - p->conf->virtuals];
}

/* conf.c: errors and notes, each with the file and line. */
__attribute__((format(printf, 3, 4)))
void conf_error_at(struct parser *p, int line, const char *fmt, ...);
__attribute__((format(printf, 2, 3)))
void conf_note(struct parser *p, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void conf_note_at(struct parser *p, int line, const char *fmt, ...);
int conf_bad_value(struct parser *p, int line, const char *key,
		   const char *val, const char *expect);
#define error(p, ...) conf_error_at(p, (p)->line, __VA_ARGS__)
#define bad(p, key, val, expect) conf_bad_value(p, (p)->line, key, val, expect)

/* conf_keys.c */
size_t conf_keys_count(enum scope sc);
/* The line a key of this scope was given on, 0 if it was not. */
int conf_key_line(const struct parser *p, enum scope sc, const char *key);
void conf_key_value(struct parser *p, const char *key, const char *val);

/* conf_check.c: when a virtual block ends, and when the file does. */
void conf_close_virtual(struct parser *p);
void conf_check_file(struct parser *p);

#endif /* _VSD_CONF_INT_H */
