/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP for the host unit tests: one "ok N - name" line per check,
 * the plan at the end, diagnostics as "# " lines; exit 1 if any failed.
 */
#ifndef _VS_TAP_H
#define _VS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count, tap_failed;

static void tap_diag_block(const char *label, const char *text)
{
	const char *p = text, *nl;

	printf("#   %s:\n", label);
	while (*p) {
		nl = strchr(p, '\n');
		printf("#     |%.*s|\n", nl ? (int)(nl - p) : (int)strlen(p), p);
		if (!nl)
			break;
		p = nl + 1;
	}
}

static __attribute__((format(printf, 2, 3), unused))
int ok(int pass, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return pass;
}

/* Strings equal; on failure both are shown line by line. */
static __attribute__((unused))
int is_str(const char *got, const char *want, const char *name)
{
	int pass = got && want && !strcmp(got, want);

	ok(pass, "%s", name);
	if (!pass) {
		tap_diag_block("got", got ? got : "(null)");
		tap_diag_block("want", want ? want : "(null)");
	}
	return pass;
}

static __attribute__((unused))
int is_int(long long got, long long want, const char *name)
{
	int pass = got == want;

	ok(pass, "%s", name);
	if (!pass)
		printf("#   got %lld, want %lld\n", got, want);
	return pass;
}

static __attribute__((unused)) int tap_done(void)
{
	printf("1..%d\n", tap_count);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif /* _VS_TAP_H */
