/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A growing string for replies that can be large (status of thousands of
 * servers). Out of memory marks it failed rather than failing each call.
 */
#ifndef _VSD_STRBUF_H
#define _VSD_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

struct strbuf {
	char *s;
	size_t len, cap;
	bool failed;
};

__attribute__((format(printf, 2, 3)))
void sb_printf(struct strbuf *b, const char *fmt, ...);
/*
 * The JSON answers are built with jansson and written here: j (whose
 * reference this takes; NULL marks b failed) compact, reals with up to 15
 * significant digits, and a newline.
 */
void sb_json(struct strbuf *b, json_t *j);
/* A JSON string of s for jansson: NULL as "", bytes not UTF-8 as '?'. */
json_t *json_text(const char *s);
/* Seconds (times, durations) to the millisecond. */
json_t *json_secs(double s);
void sb_free(struct strbuf *b);

#endif /* _VSD_STRBUF_H */
