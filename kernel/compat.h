/* SPDX-License-Identifier: GPL-2.0 */
/* Differences between the kernels vs builds for: Debian's 6.1 and 6.12. */
#ifndef _VS_COMPAT_H
#define _VS_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#include <net/gso.h>
#endif

/* The request attributes of a generic netlink dump. */
static inline struct nlattr **vs_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* 6.6 counts the entries of a sysctl table instead of ending it with {}. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define vs_register_net_sysctl(net, path, tbl, n) \
	register_net_sysctl_sz(net, path, tbl, n)
#else
#define vs_register_net_sysctl(net, path, tbl, n) \
	register_net_sysctl(net, path, tbl)
#endif

#endif /* _VS_COMPAT_H */
