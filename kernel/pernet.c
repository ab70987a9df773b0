// SPDX-License-Identifier: GPL-2.0
/*
 * Per-network-namespace state. Each netns gets its own struct vs_net, so one
 * namespace can neither see nor change another's tables.
 */

#include "pernet.h"

unsigned int vs_net_id __read_mostly;

static int __net_init vs_net_init(struct net *net)
{
	struct vs_net *vn = vs_net(net);

	vn->net = net;
	return 0;
}

static void __net_exit vs_net_exit(struct net *net)
{
}

static struct pernet_operations vs_net_ops = {
	.init = vs_net_init,
	.exit = vs_net_exit,
	.id = &vs_net_id,
	.size = sizeof(struct vs_net),
};

int vs_pernet_init(void)
{
	return register_pernet_subsys(&vs_net_ops);
}

void vs_pernet_uninit(void)
{
	unregister_pernet_subsys(&vs_net_ops);
}
