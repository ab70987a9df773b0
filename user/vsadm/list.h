/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vsadm's output: ipvsadm's layouts byte for byte (-L and its variants,
 * -S, -c, --timeout), plus JSON. Pure functions of an in-memory table.
 */
#ifndef _VSADM_LIST_H
#define _VSADM_LIST_H

#include <stdio.h>

#include "libvs.h"

/* One statistics column as ipvsadm prints it: K/M/G/T unless exact. */
void vsadm_largenum(char *buf, size_t len, uint64_t v, bool exact);

/* ipvsadm's order (see list.c for its quirk), by a stable merge sort. */
int vsadm_cmp_services(const void *a, const void *b);
int vsadm_cmp_dests(const void *a, const void *b);
void vsadm_msort(void *base, size_t n, size_t size,
		 int (*cmp)(const void *, const void *));
void vsadm_sort_table(struct vs_table *t);
void vsadm_sort_dests(struct vs_virtual *s);

void vsadm_sched_flags_str(const struct vs_virtual *s, char *buf, size_t len);
void vsadm_print_version_line(FILE *f, const struct vs_info *info);
void vsadm_print_title(FILE *f, unsigned int fmt);
void vsadm_print_service(FILE *f, const struct vs_virtual *s,
			 unsigned int fmt);
void vsadm_print_table(FILE *f, const struct vs_info *info,
		       const struct vs_table *t, unsigned int fmt);
void vsadm_print_timeouts(FILE *f, const struct vs_timeouts *t,
			  unsigned int fmt);
void vsadm_print_conns(FILE *f, const struct vs_connection *c, size_t n,
		       unsigned int fmt);

#endif /* _VSADM_LIST_H */
