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

	sb_json(&b, json_text("web \"a\\b\"\n\t\x01" "end"));
	is_str(b.s, "\"web \\\"a\\\\b\\\"\\n\\t\\u0001end\"\n",
	       "quotes, backslashes and control characters escaped");
	b.len = 0;
	sb_json(&b, json_pack("[o, o, o]", json_text(""), json_text(NULL),
			      json_text("caf\xc3\xa9")));
	is_str(b.s, "[\"\",\"\",\"caf\xc3\xa9\"]\n",
	       "empty and NULL are \"\"; UTF-8 passes through");
	b.len = 0;
	sb_json(&b, json_text("no\xba utf-8\xc3"));
	is_str(b.s, "\"no? utf-8?\"\n", "bytes that are not UTF-8 become '?': the answer stays JSON");
	b.len = 0;
	sb_json(&b, json_pack("{s:o, s:o, s:o}", "t", json_secs(1796601181.8644),
			      "d", json_secs(0.0671), "n", json_secs(-1)));
	is_str(b.s, "{\"t\":1796601181.864,\"d\":0.067,\"n\":-1.0}\n",
	       "seconds to the millisecond, no float noise");
	b.len = 0;
	b.failed = false;
	sb_json(&b, NULL);
	ok(b.failed, "nothing to write (jansson out of memory) fails the buffer");
	sb_free(&b);
}

int main(void)
{
	test_growth();
	test_json();
	return tap_done();
}
