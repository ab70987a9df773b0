/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_CONN_H
#define _VS_CONN_H

#include <linux/netlink.h>

#include "pernet.h"

int vs_conn_net_init(struct vs_net *vn);
void vs_conn_net_exit(struct vs_net *vn);

unsigned int vs_conn_buckets(struct vs_net *vn);
unsigned int vs_conn_count(struct vs_net *vn);
unsigned int vs_conn_max(struct vs_net *vn);

int vs_nl_dump_conns(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _VS_CONN_H */
