// SPDX-License-Identifier: GPL-2.0
/*
 * The expiry slots: a connection filed at second @base with deadline @d
 * must be visited by the collector (which walks one slot per second,
 * starting after @base) in the first second at or after @d, or, for a
 * deadline beyond the slots' horizon, in the last second the slots reach,
 * to be filed again; a deadline already past is visited at once.
 */

static unsigned long first_visit(unsigned long expires, unsigned long base)
{
	unsigned int slot = slot_of(expires, base);
	unsigned long sec;

	for (sec = base + 1; sec % EXP_SLOTS != slot; sec++)
		;
	return sec;
}

/* Is @t the second the collector should first look at deadline @d? */
static bool right_visit(unsigned long t, unsigned long d, unsigned long base)
{
	unsigned long last = base + EXP_SLOTS - 1;

	if (d <= (base + 1) * HZ)
		return t == base + 1;
	if (d > last * HZ)
		return t == last;
	return t * HZ >= d && (t - 1) * HZ < d;
}

bool vs_expiry_selftest(void)
{
	const unsigned long first = sec_of(INITIAL_JIFFIES);
	const unsigned long bases[] = { first, first + 1, first + EXP_SLOTS - 1,
					first + EXP_SLOTS, 123456789 };
	static const long ahead[] = { -HZ * 1000, -HZ, -1, 0, 1, HZ / 2 - 1,
				      HZ / 2, HZ / 2 + 1, HZ, 10 * HZ,
				      10 * HZ + 1, (EXP_SLOTS - 2) * HZ,
				      (EXP_SLOTS - 1) * HZ, EXP_SLOTS * HZ,
				      100000L * HZ };
	unsigned int i, j, failed = 0;

	for (i = 0; i < ARRAY_SIZE(bases); i++) {
		for (j = 0; j < ARRAY_SIZE(ahead); j++) {
			unsigned long base = bases[i];
			unsigned long d = base * HZ + HZ / 2 + ahead[j];
			unsigned long t = first_visit(d, base);

			if (!right_visit(t, d, base)) {
				pr_err("self-test expiry: base %lu deadline %+ld: first visit at %lu\n",
				       base, ahead[j], t);
				failed++;
			}
		}
	}
	return !failed;
}
