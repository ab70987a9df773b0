/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_SELFTEST_H
#define _VS_SELFTEST_H

/*
 * Self-tests of the module's pure parts, built in with VS_SELFTEST (make
 * VS_SELFTEST=y) and run before anything else at load: a module that
 * fails one refuses to load. Each lives in selftest/ and is included at
 * the end of the file it tests, so it sees that file's static functions.
 */
#ifdef VS_SELFTEST
bool vs_expiry_selftest(void);
bool vs_tcp_selftest(void);
bool vs_hash_selftest(void);
bool vs_mh_selftest(void);

static inline int vs_selftests(void)
{
	bool ok = vs_expiry_selftest() & vs_tcp_selftest() &
		  vs_hash_selftest() & vs_mh_selftest();

	if (!ok)
		return -ENOTRECOVERABLE;
	pr_info("self-tests passed\n");
	return 0;
}
#else
static inline int vs_selftests(void)
{
	return 0;
}
#endif

#endif /* _VS_SELFTEST_H */
