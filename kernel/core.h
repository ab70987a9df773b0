/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_CORE_H
#define _VS_CORE_H

#include "pernet.h"

int vs_core_enable(struct vs_net *vn);
bool vs_core_disable_idle(struct vs_net *vn);
void vs_core_net_pre_exit(struct vs_net *vn);

#endif /* _VS_CORE_H */
