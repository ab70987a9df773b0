/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A command template of the configuration (send_program, active_cmd,
 * inactive_cmd) as an argv: the template is split into words first, then
 * %h (address), %p (port) and %% are substituted inside each word, and
 * the program is started directly (unpriv.h, no shell). Whatever a server
 * address contains, it stays one argument.
 */
#ifndef _VSD_CONF_ARGV_H
#define _VSD_CONF_ARGV_H

#include <stdint.h>
#include <sys/types.h>

/* Words are separated by blanks; "double quotes" group blanks into one
 * word (\" and \\ inside them). 0, or -1 for unbalanced quotes or an
 * empty template. *argv is NULL-terminated, freed by vsd_exec_argv_free.
 * host NULL: no substitution (the role commands).
 */
int vsd_exec_argv(const char *tmpl, const char *host, uint16_t port,
		  char ***argv);
void vsd_exec_argv_free(char **argv);

#endif /* _VSD_CONF_ARGV_H */
