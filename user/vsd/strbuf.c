// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static bool reserve(struct strbuf *b, size_t more)
{
	size_t cap;
	char *s;

	if (b->failed)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = (b->len + more + 1) * 2;
	s = realloc(b->s, cap);
	if (!s) {
		b->failed = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

/* Status of thousands of servers is thousands of calls: one formatting
 * pass when the text fits, as it does but when the buffer grows.
 */
void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	va_list ap;
	int n;

	if (b->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(room ? b->s + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		if (!reserve(b, (size_t)n)) {
			if (room)	/* the truncated attempt is not kept */
				b->s[b->len] = '\0';
			return;
		}
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

static void put(struct strbuf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sb_json_str(struct strbuf *b, const char *s)
{
	size_t plain;

	put(b, "\"", 1);
	while (s && *s) {
		plain = strcspn(s, "\"\\\x01\x02\x03\x04\x05\x06\x07\x08\x09"
				"\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14"
				"\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f");
		put(b, s, plain);
		s += plain;
		if (!*s)
			break;
		if (*s == '"' || *s == '\\')
			sb_printf(b, "\\%c", *s);
		else
			sb_printf(b, "\\u%04x", (unsigned char)*s);
		s++;
	}
	put(b, "\"", 1);
}

void sb_free(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}
