/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON reader for the web API's request bodies (vsd writes JSON
 * with strbuf). Bounded: depth 16, strings without NUL, input at most what
 * the web server accepted. Numbers are doubles.
 */
#ifndef _VSD_JSON_H
#define _VSD_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };

struct json {
	enum json_type type;
	bool b;
	double num;
	char *str;
	/* arrays and objects: n items; objects name them in keys */
	struct json *items;
	char **keys;
	size_t n;
};

/* NULL with a message in err (position and what was expected). */
struct json *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(struct json *j);
/* The member key of an object, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);
/* The member as a string, or NULL when absent or not a string. */
const char *json_str(const struct json *obj, const char *key);

#endif /* _VSD_JSON_H */
