// SPDX-License-Identifier: GPL-2.0
/*
 * vs: a Linux Virtual Server load balancer. Module init and exit only:
 * subsystems start in dependency order, netlink last so userspace never
 * reaches a half-built module, and stop in exact reverse.
 */

#include <linux/module.h>

#include "conn.h"
#include "netlink.h"
#include "pernet.h"
#include "selftest.h"
#include "version.h"
#include "xmit.h"

static int __init vs_mod_init(void)
{
	int ret;

	ret = vs_selftests();
	if (ret < 0)
		goto err_selftests;

	ret = vs_conn_init();
	if (ret < 0)
		goto err_conn;

	ret = vs_pernet_init();
	if (ret < 0)
		goto err_pernet;

	/* After pernet: the device notifier finds each namespace's table. */
	ret = vs_xmit_init();
	if (ret < 0)
		goto err_xmit;

	ret = vs_netlink_init();
	if (ret < 0)
		goto err_netlink;

	pr_info("version " VS_VERSION " loaded\n");
	return 0;

err_netlink:
	vs_xmit_uninit();
err_xmit:
	vs_pernet_uninit();
err_pernet:
	vs_conn_uninit();
err_conn:
err_selftests:
	return ret;
}

static void __exit vs_mod_exit(void)
{
	vs_netlink_uninit();
	vs_xmit_uninit();
	vs_pernet_uninit();
	/*
	 * Objects are freed from RCU callbacks that drop references which
	 * queue further callbacks: connection -> real server -> service. One
	 * barrier per level, so none runs after the module's text is gone.
	 */
	rcu_barrier();
	rcu_barrier();
	rcu_barrier();
	vs_conn_uninit();
	pr_info("unloaded\n");
}

module_init(vs_mod_init);
module_exit(vs_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vs: Linux Virtual Server load balancer");
MODULE_VERSION(VS_VERSION);
