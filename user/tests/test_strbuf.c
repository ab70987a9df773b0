// SPDX-License-Identifier: GPL-2.0
/*
 * vsd's growing string: appends across many reallocations keep every
 * byte in order, a piece that does not fit the room left is formatted
 * again in full, and JSON strings escape exactly quotes, backslashes and
 * control characters.
 */
#include "strbuf.h"
#include "tap.h"

static void test_growth(void)
{
	struct strbuf b = { 0 };
	char want[64 * 1024];
	size_t at = 0;
	int i;

	for (i = 0; i < 5000; i++) {
		sb_printf(&b, "%d,", i);
		at += (size_t)snprintf(want + at, sizeof(want) - at, "%d,", i);
	}
	ok(b.s && !b.failed && b.len == at && !strcmp(b.s, want),
	   "5000 appends through every growth: %zu bytes, all in order", b.len);
	b.len = b.cap - 3;	/* room for 2 characters and the NUL */
	b.s[b.len] = '\0';
	at = b.len;
	sb_printf(&b, "%s", "longer than the room");
	is_str(b.s + at, "longer than the room",
	       "a piece longer than the room left is whole after growing");
	sb_free(&b);
}

static void test_json(void)
{
	struct strbuf b = { 0 };

	sb_json_str(&b, "web \"a\\b\"\n\t\x01" "end");
	is_str(b.s, "\"web \\\"a\\\\b\\\"\\n\\t\\u0001end\"",
	       "quotes, backslashes and control characters escaped");
	b.len = 0;
	sb_json_str(&b, "");
	sb_json_str(&b, NULL);
	sb_json_str(&b, "caf\xc3\xa9");
	is_str(b.s, "\"\"\"\"\"caf\xc3\xa9\"",
	       "empty and NULL are \"\"; UTF-8 passes through");
	b.len = 0;
	sb_json_str(&b, "no\xba utf-8\xc3");
	is_str(b.s, "\"no? utf-8?\"", "bytes that are not UTF-8 become '?': the answer stays JSON");
	sb_free(&b);
}

int main(void)
{
	test_growth();
	test_json();
	return tap_done();
}
