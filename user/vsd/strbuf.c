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

json_t *json_text(const char *s)
{
	json_t *j = json_string(s ? s : "");

	return j ? j : ascii_only(s);
}

json_t *json_secs(double s)
{
	return json_real((double)(long long)(s * 1000 + (s < 0 ? -0.5 : 0.5)) / 1000);
}

static int dump_cb(const char *buf, size_t size, void *data)
{
	put(data, buf, size);
	return 0;
}

void sb_json(struct strbuf *b, json_t *j)
{
	if (!j || json_dump_callback(j, dump_cb, b, JSON_COMPACT | JSON_ENCODE_ANY |
				     JSON_REAL_PRECISION(15)))
		b->failed = true;
	else
		put(b, "\n", 1);
	json_decref(j);
}

void sb_free(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}
