// SPDX-License-Identifier: GPL-2.0
/*
 * Recursive descent over RFC 8259 JSON. Every failure names the byte
 * offset, so a script author sees where the body went wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define MAX_DEPTH 16

struct jp {
	const char *s, *end;
	const char *start;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct jp *p, const char *what)
{
	if (!p->failed)
		snprintf(p->err, p->errlen, "bad JSON at byte %zu: %s",
			 (size_t)(p->s - p->start), what);
	p->failed = true;
}

static void ws(struct jp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' ||
				 *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static bool lit(struct jp *p, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(p->end - p->s) < n || memcmp(p->s, word, n))
		return false;
	p->s += n;
	return true;
}

static int hex4(struct jp *p, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++, p->s++) {
		char c = p->s < p->end ? *p->s : 0;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (unsigned int)((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* \uXXXX, with a surrogate pair as one code point. */
static int unicode(struct jp *p, char **o)
{
	unsigned int cp, lo;

	if (hex4(p, &cp))
		return -1;
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (!lit(p, "\\u") || hex4(p, &lo) || lo < 0xdc00 || lo >= 0xe000)
			return -1;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if ((cp >= 0xdc00 && cp < 0xe000) || !cp) {
		return -1;	/* a lone low surrogate, or NUL */
	}
	*o = utf8(*o, cp);
	return 0;
}

static int escape(struct jp *p, char **o)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;

	if (p->s >= p->end)
		return -1;
	if (*p->s == 'u') {
		p->s++;
		return unicode(p, o);
	}
	e = strchr(from, *p->s);
	if (!e || !*p->s)
		return -1;
	*(*o)++ = to[e - from];
	p->s++;
	return 0;
}

static char *string(struct jp *p)
{
	/* Escapes never grow: the raw length bounds the result. */
	char *out, *o;

	p->s++;		/* the opening quote */
	out = malloc((size_t)(p->end - p->s) + 1);
	if (!out) {
		fail(p, "out of memory");
		return NULL;
	}
	for (o = out; p->s < p->end && *p->s != '"';) {
		unsigned char c = (unsigned char)*p->s;

		if (c < 0x20) {
			fail(p, "a control character in a string");
			break;
		}
		p->s++;
		if (c != '\\')
			*o++ = (char)c;
		else if (escape(p, &o))
			fail(p, "a bad escape in a string");
		if (p->failed)
			break;
	}
	if (!p->failed && p->s >= p->end)
		fail(p, "a string without its closing quote");
	if (p->failed) {
		free(out);
		return NULL;
	}
	p->s++;
	*o = '\0';
	return out;
}

static void number(struct jp *p, struct json *j)
{
	char buf[64], *endp;
	size_t n = 0;

	while (p->s + n < p->end && n < sizeof(buf) - 1 &&
	       strchr("+-0123456789.eE", p->s[n]))
		n++;
	memcpy(buf, p->s, n);
	buf[n] = '\0';
	j->num = strtod(buf, &endp);
	if (!n || *endp)
		fail(p, "a bad number");
	j->type = JSON_NUM;
	p->s += n;
}

static void value(struct jp *p, struct json *j, int depth);

static bool add_item(struct jp *p, struct json *j, char *key)
{
	struct json *items = realloc(j->items, (j->n + 1) * sizeof(*items));
	char **keys = j->type == JSON_OBJ ?
		      realloc(j->keys, (j->n + 1) * sizeof(*keys)) : NULL;

	if (items)
		j->items = items;
	if (keys)
		j->keys = keys;
	if (!items || (j->type == JSON_OBJ && !keys)) {
		fail(p, "out of memory");
		free(key);
		return false;
	}
	memset(&items[j->n], 0, sizeof(*items));
	if (keys)
		keys[j->n] = key;
	j->n++;
	return true;
}

/* Arrays and objects: items separated by commas up to close. */
static void container(struct jp *p, struct json *j, char close, int depth)
{
	char *key = NULL;

	j->type = close == ']' ? JSON_ARR : JSON_OBJ;
	p->s++;
	ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		return;
	}
	while (!p->failed) {
		ws(p);
		if (j->type == JSON_OBJ) {
			if (p->s >= p->end || *p->s != '"') {
				fail(p, "expected a member name");
				return;
			}
			if (!(key = string(p)))
				return;
			ws(p);
			if (!lit(p, ":")) {
				free(key);
				fail(p, "expected ':'");
				return;
			}
		}
		if (!add_item(p, j, key))
			return;
		value(p, &j->items[j->n - 1], depth + 1);
		ws(p);
		if (lit(p, ","))
			continue;
		if (p->s < p->end && *p->s == close) {
			p->s++;
			return;
		}
		fail(p, close == ']' ? "expected ',' or ']'" : "expected ',' or '}'");
	}
}

static void value(struct jp *p, struct json *j, int depth)
{
	ws(p);
	if (depth > MAX_DEPTH) {
		fail(p, "nested too deep");
	} else if (p->s >= p->end) {
		fail(p, "expected a value");
	} else if (*p->s == '{' || *p->s == '[') {
		container(p, j, *p->s == '{' ? '}' : ']', depth);
	} else if (*p->s == '"') {
		j->str = string(p);
		j->type = JSON_STR;
	} else if (lit(p, "true") || lit(p, "false")) {
		j->type = JSON_BOOL;
		j->b = p->s[-1] == 'e' && p->s[-2] == 'u';
	} else if (lit(p, "null")) {
		j->type = JSON_NULL;
	} else {
		number(p, j);
	}
}

static void json_clear(struct json *j)
{
	size_t i;

	for (i = 0; i < j->n; i++) {
		json_clear(&j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
	free(j->str);
}

void json_free(struct json *j)
{
	if (!j)
		return;
	json_clear(j);
	free(j);
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct jp p = { .s = text, .end = text + len, .start = text,
			.err = err, .errlen = errlen };
	struct json *j = calloc(1, sizeof(*j));

	if (!j) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	value(&p, j, 0);
	ws(&p);
	if (!p.failed && p.s != p.end)
		fail(&p, "text after the value");
	if (p.failed) {
		json_free(j);
		return NULL;
	}
	return j;
}

const struct json *json_get(const struct json *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != JSON_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

const char *json_str(const struct json *obj, const char *key)
{
	const struct json *j = json_get(obj, key);

	return j && j->type == JSON_STR ? j->str : NULL;
}
