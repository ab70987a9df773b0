// SPDX-License-Identifier: GPL-2.0
/*
 * vs: a Linux Virtual Server load balancer. Module init and exit only:
 * subsystems start in dependency order and stop in exact reverse.
 */

#include <linux/module.h>

#include "pernet.h"
#include "version.h"

static int __init vs_mod_init(void)
{
	int ret;

	ret = vs_pernet_init();
	if (ret < 0)
		goto err_pernet;

	pr_info("vs " VS_VERSION " loaded\n");
	return 0;

err_pernet:
	return ret;
}

static void __exit vs_mod_exit(void)
{
	vs_pernet_uninit();
	rcu_barrier();
	pr_info("vs unloaded\n");
}

module_init(vs_mod_init);
module_exit(vs_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vs: Linux Virtual Server load balancer");
MODULE_VERSION(VS_VERSION);
