/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_PROTO_H
#define _VS_PROTO_H

#include "pernet.h"

void vs_proto_net_init(struct vs_net *vn);

#endif /* _VS_PROTO_H */
