/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A growing string for replies that can be large (status of thousands of
 * servers). Out of memory marks it failed rather than failing each call.
 */
#ifndef _VSD_STRBUF_H
#define _VSD_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *s;
	size_t len, cap;
	bool failed;
};

__attribute__((format(printf, 2, 3)))
void sb_printf(struct strbuf *b, const char *fmt, ...);
/* s as a JSON string, quotes included. */
void sb_json_str(struct strbuf *b, const char *s);
void sb_free(struct strbuf *b);

#endif /* _VSD_STRBUF_H */
