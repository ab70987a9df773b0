/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_NETLINK_H
#define _VS_NETLINK_H

#include <net/netlink.h>

struct vs_conn;
struct vs_net;

int vs_netlink_init(void);
void vs_netlink_uninit(void);

void vs_nl_conn_event(struct vs_net *vn, const struct vs_conn *cp);

#endif /* _VS_NETLINK_H */
