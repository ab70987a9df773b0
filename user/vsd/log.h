/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vsd's log: syslog (the journal on systemd machines) and, in the
 * foreground, stderr. One line per event.
 */
#ifndef _VSD_LOG_H
#define _VSD_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* to_syslog: open syslog; to_stderr: copy lines to stderr. */
void log_init(bool to_syslog, bool to_stderr, bool debug);
void log_close(void);

__attribute__((format(printf, 2, 3)))
void vsd_log(int prio, const char *fmt, ...);

#define log_err(...)	vsd_log(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	vsd_log(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	vsd_log(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	vsd_log(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	vsd_log(LOG_DEBUG, __VA_ARGS__)

#endif /* _VSD_LOG_H */
