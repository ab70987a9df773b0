/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_PERNET_H
#define _VS_PERNET_H

#include <net/net_namespace.h>
#include <net/netns/generic.h>

/* Everything vs keeps for one network namespace. */
struct vs_net {
	struct net *net;
};

extern unsigned int vs_net_id;

static inline struct vs_net *vs_net(const struct net *net)
{
	return net_generic(net, vs_net_id);
}

int vs_pernet_init(void);
void vs_pernet_uninit(void);

#endif /* _VS_PERNET_H */
