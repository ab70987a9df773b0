// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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

/* Not UTF-8 (a path or a name off the wire): its other bytes become '?'. */
static json_t *ascii_only(const char *s)
{
	char *copy = strdup(s), *p;
	json_t *j;

	if (!copy)
		return NULL;
	for (p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

/* Encoded by jansson, so that any bytes make a valid JSON string. */
void sb_json_str(struct strbuf *b, const char *s)
{
	json_t *j = json_string(s ? s : "");
	char *out;

	if (!j)
		j = ascii_only(s);
	out = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	if (out)
		put(b, out, strlen(out));
	else
		b->failed = true;
	free(out);
	json_decref(j);
}

void sb_free(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}
