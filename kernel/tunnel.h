/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_TUNNEL_H
#define _VS_TUNNEL_H

#include <linux/skbuff.h>

#include "conn.h"

unsigned int vs_tunnel_overhead(const struct vs_dest *dest, union vs_tun tun);
int vs_tunnel_xmit(struct net *net, struct sk_buff *skb,
		   const struct vs_conn *cp, union vs_tun tun,
		   struct dst_entry *dst, const union vs_addr *saddr);
int vs_tunnel_unwrap(const struct sk_buff *skb, unsigned int off, u8 proto,
		     union vs_tun *tun, u8 *inner_af);

#endif /* _VS_TUNNEL_H */
