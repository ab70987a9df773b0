/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_NETLINK_H
#define _VS_NETLINK_H

#include <net/netlink.h>

#include "service.h"

int vs_netlink_init(void);
void vs_netlink_uninit(void);

void *vs_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd);
int vs_nl_service_key(struct netlink_callback *cb, struct vs_service_key *key,
		      bool *given);
bool vs_nl_sync_wanted(struct net *net);
void *vs_nl_sync_put(struct sk_buff *skb);
void vs_nl_sync_send(struct net *net, struct sk_buff *skb);

#endif /* _VS_NETLINK_H */
