/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_XMIT_H
#define _VS_XMIT_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>

#include "conn.h"

struct vs_pkt_info;

unsigned int vs_xmit(struct vs_net *vn, struct sk_buff *skb,
		     const struct vs_conn *cp, unsigned int thoff);
int vs_mangle(struct sk_buff *skb, const struct vs_conn *cp, unsigned int thoff,
	      bool src, const union vs_addr *addr, __be16 port);
void vs_route_release(struct vs_dest *dest);
void vs_route_drop(struct vs_dest *dest, int ifindex);
int vs_xmit_init(void);
void vs_xmit_uninit(void);
void vs_notrack(struct sk_buff *skb);

#endif /* _VS_XMIT_H */
