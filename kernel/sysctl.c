// SPDX-License-Identifier: GPL-2.0
/*
 * net.vs.* sysctls, one set per network namespace. Documentation/sysctl.rst
 * describes each.
 */

#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "compat.h"
#include "sysctl.h"

#define DEFAULT_EXPIRATION (24 * 3600)	/* lblc, lblcr: a day, as IPVS */

static const int max_slow_start = 24 * 3600;
static const int max_expiration = VS_TIMEOUT_MAX;

static struct ctl_table vs_sysctl_template[] = {
	{
		.procname = "conn_max",
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = proc_dointvec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_INT_MAX,
	}, {
		.procname = "expire_nodest_conn",
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = proc_dointvec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_ONE,
	}, {
		.procname = "expire_quiescent_template",
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = proc_dointvec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_ONE,
	}, {
		.procname = "slow_start",
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = proc_dointvec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = (void *)&max_slow_start,
	}, {
		.procname = "lblc_expiration",
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = proc_dointvec_minmax,
		.extra1 = SYSCTL_ONE,
		.extra2 = (void *)&max_expiration,
	}, {
		.procname = "lblcr_expiration",
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = proc_dointvec_minmax,
		.extra1 = SYSCTL_ONE,
		.extra2 = (void *)&max_expiration,
	}, {
		.procname = "sh_fallback",
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = proc_dointvec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_ONE,
	}, {
		.procname = "backup_only",
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = proc_dointvec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_ONE,
	}, {
		.procname = "sloppy_tcp",
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = proc_dointvec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = SYSCTL_ONE,
	},
	{ }
};

int vs_sysctl_net_init(struct vs_net *vn)
{
	struct ctl_table *tbl;
	unsigned int i;

	tbl = kmemdup(vs_sysctl_template, sizeof(vs_sysctl_template), GFP_KERNEL);
	if (!tbl)
		return -ENOMEM;
	tbl[0].data = &vn->conn_max;
	tbl[1].data = &vn->expire_nodest_conn;
	tbl[2].data = &vn->expire_quiescent_template;
	tbl[3].data = &vn->slow_start;
	tbl[4].data = &vn->lblc_expiration;
	tbl[5].data = &vn->lblcr_expiration;
	tbl[6].data = &vn->sh_fallback;
	tbl[7].data = &vn->backup_only;
	tbl[8].data = &vn->sloppy_tcp;
	/*
	 * Only the host's administrator drives vs (the netlink family wants
	 * CAP_NET_ADMIN in the initial user namespace): a namespace that
	 * belongs to another user namespace may read its settings, not
	 * change them.
	 */
	if (vn->net->user_ns != &init_user_ns)
		for (i = 0; i < ARRAY_SIZE(vs_sysctl_template) - 1; i++)
			tbl[i].mode = 0444;
	vn->lblc_expiration = DEFAULT_EXPIRATION;
	vn->lblcr_expiration = DEFAULT_EXPIRATION;
	vn->sysctl = vs_register_net_sysctl(vn->net, "net/vs", tbl,
					    ARRAY_SIZE(vs_sysctl_template) - 1);
	if (!vn->sysctl) {
		kfree(tbl);
		return -ENOMEM;
	}
	return 0;
}

void vs_sysctl_net_exit(struct vs_net *vn)
{
	const struct ctl_table *tbl = vn->sysctl->ctl_table_arg;

	unregister_net_sysctl_table(vn->sysctl);
	kfree(tbl);
}
