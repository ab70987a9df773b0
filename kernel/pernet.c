// SPDX-License-Identifier: GPL-2.0
/*
 * Per-network-namespace state: each netns gets its own struct vs_net, made
 * when the namespace (or the module) comes and torn down in reverse when it
 * goes.
 */

#include "conn.h"
#include "core.h"
#include "pernet.h"
#include "proto.h"
#include "service.h"
#include "sysctl.h"

unsigned int vs_net_id __read_mostly;

static int __net_init vs_net_init(struct net *net)
{
	struct vs_net *vn = vs_net(net);
	int ret;

	vn->net = net;
	vs_proto_net_init(vn);
	ret = vs_conn_net_init(vn);
	if (ret)
		goto err_conn;
	ret = vs_service_net_init(vn);
	if (ret)
		goto err_service;
	ret = vs_sysctl_net_init(vn);
	if (ret)
		goto err_sysctl;
	return 0;

err_sysctl:
	vs_service_net_exit(vn);
err_service:
	vs_conn_net_exit(vn);
err_conn:
	return ret;
}

/*
 * Hooks first, so that no packet makes connections any more; the netns
 * core then waits a grace period before vs_net_exit, so that none is still
 * inside one. The collector stops before, as it may take the hooks off too.
 */
static void __net_exit vs_net_pre_exit(struct net *net)
{
	struct vs_net *vn = vs_net(net);

	vs_conn_net_pre_exit(vn);
	vs_core_net_pre_exit(vn);
}

/*
 * Services first: deleting them queues the collector of their
 * connections, which the connection table's exit then cancels before
 * freeing everything.
 */
static void __net_exit vs_net_exit(struct net *net)
{
	struct vs_net *vn = vs_net(net);

	vs_sysctl_net_exit(vn);
	vs_service_net_exit(vn);
	vs_conn_net_exit(vn);
}

static struct pernet_operations vs_net_ops = {
	.init = vs_net_init,
	.pre_exit = vs_net_pre_exit,
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
