/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_SCHED_UTIL_H
#define _VS_SCHED_UTIL_H

#include "service.h"

/* The servers of a service at the moment a scheduler state was built. */
struct vs_dest_array {
	unsigned int n;
	struct vs_dest *d[];
};

struct vs_dest_array *vs_dest_array_build(struct vs_service *svc);
void vs_dest_array_free(struct vs_dest_array *a);

#endif /* _VS_SCHED_UTIL_H */
