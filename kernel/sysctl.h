/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_SYSCTL_H
#define _VS_SYSCTL_H

#include "pernet.h"

int vs_sysctl_net_init(struct vs_net *vn);
void vs_sysctl_net_exit(struct vs_net *vn);

#endif /* _VS_SYSCTL_H */
