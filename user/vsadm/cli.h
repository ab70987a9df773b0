/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vsadm's command line: ipvsadm's options parsed into one command with
 * every value checked, without talking to the kernel.
 */
#ifndef _VSADM_CLI_H
#define _VSADM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "libvs.h"

/* Exit statuses (documented in vsadm.8). */
#define EXIT_OK		0
#define EXIT_RUNTIME	1	/* the kernel or the system said no */
#define EXIT_USAGE	2	/* bad command line or input */

#define VSADM_ERR_MAX	384

#define VSADM_DEF_SCHED		"wlc"
#define VSADM_DEF_PERSIST	300
#define VSADM_THRESH_MAX	2147483647U

enum vsadm_cmd_kind {
	CMD_NONE,
	CMD_ADD_SVC,
	CMD_EDIT_SVC,
	CMD_DEL_SVC,
	CMD_FLUSH,
	CMD_RESTORE,
	CMD_SAVE,
	CMD_ADD_DEST,
	CMD_EDIT_DEST,
	CMD_DEL_DEST,
	CMD_LIST,
	CMD_ZERO,
	CMD_SET_TIMEOUTS,
	CMD_HELP,
	CMD_VERSION,
};

/* How -L and -S print. */
enum {
	FMT_NUMERIC	= 1U << 0,
	FMT_STATS	= 1U << 1,
	FMT_RATE	= 1U << 2,
	FMT_THRESHOLDS	= 1U << 3,
	FMT_PCONN	= 1U << 4,
	FMT_EXACT	= 1U << 5,
	FMT_NOSORT	= 1U << 6,
	FMT_JSON	= 1U << 7,
	FMT_CONN	= 1U << 8,
	FMT_TIMEOUT	= 1U << 9,
	FMT_RULE	= 1U << 10,	/* -S */
	FMT_TUN_INFO	= 1U << 11,	/* --tun-info */
};

struct vsadm_cmd {
	enum vsadm_cmd_kind kind;
	bool has_svc;		/* svc's key is set */
	bool has_dest;
	struct vs_virtual svc;	/* key, and parameters for -A/-E */
	struct vs_real dest;	/* key, and parameters for -a/-e */
	struct vs_timeouts timeouts;
	unsigned int fmt;
};

/*
 * Parse argv (without the program name). in_restore: a line of -R input,
 * where only table changes are allowed. Returns EXIT_OK or EXIT_USAGE with
 * a one-line message (no "vsadm: " prefix) in err.
 */
int vsadm_parse(int argc, char **argv, bool in_restore,
		struct vsadm_cmd *cmd, char *err, size_t errlen);

bool vsadm_known_sched(const char *name);
void vsadm_usage(FILE *f);

/* "TCP 1.2.3.4:80", "TCP [2001:db8::1]:80", "FWM 7" or "FWM 7 IPv6", and
 * "10.0.0.1:80" or "[2001:db8::2]:80" (af: the server's), for messages.
 */
void vsadm_svc_name(char *buf, size_t len, const struct vs_virtual *s);
void vsadm_dest_name(char *buf, size_t len, uint16_t af,
		     const struct vs_real *d);

#endif /* _VSADM_CLI_H */
