// SPDX-License-Identifier: GPL-2.0
/*
 * Command templates of the configuration (send_program, active_cmd,
 * inactive_cmd) as argument vectors: conf.c checks them when it reads the
 * file, the check and the role commands build the argv they run.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_argv.h"

struct sbuf {
	char *s;
	size_t len, cap;
};

static int sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *ns = realloc(b->s, cap);

		if (!ns)
			return -1;
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

/* One word of the template with %h, %p and %% replaced. */
static char *substitute(const char *w, size_t n, const char *host,
			uint16_t port)
{
	struct sbuf b = { 0 };
	char pstr[8];
	size_t i;
	int ret = sb_add(&b, "", 0);

	snprintf(pstr, sizeof(pstr), "%u", port);
	for (i = 0; i < n && !ret; i++) {
		if (!host || w[i] != '%' || i + 1 == n) {
			ret = sb_add(&b, &w[i], 1);
			continue;
		}
		switch (w[++i]) {
		case 'h':
			ret = sb_add(&b, host, strlen(host));
			break;
		case 'p':
			ret = sb_add(&b, pstr, strlen(pstr));
			break;
		case '%':
			ret = sb_add(&b, "%", 1);
			break;
		default:
			ret = sb_add(&b, &w[i - 1], 2);
		}
	}
	if (ret) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* The next word of t into raw (quotes removed); NULL at the end. */
static const char *next_word(const char *t, struct sbuf *raw, int *err)
{
	bool quoted = false;

	while (*t == ' ' || *t == '\t')
		t++;
	if (!*t)
		return NULL;
	raw->len = 0;
	sb_add(raw, "", 0);
	for (; *t && (quoted || (*t != ' ' && *t != '\t')); t++) {
		if (*t == '"') {
			quoted = !quoted;
			continue;
		}
		if (quoted && *t == '\\' && (t[1] == '"' || t[1] == '\\'))
			t++;
		if (sb_add(raw, t, 1))
			*err = -1;
	}
	if (quoted)
		*err = -1;
	return t;
}

int vsd_exec_argv(const char *tmpl, const char *host, uint16_t port,
		  char ***argv)
{
	struct sbuf raw = { 0 };
	char **v = NULL, **nv;
	size_t n = 0;
	int err = 0;
	const char *t = tmpl;

	*argv = NULL;
	while (!err && (t = next_word(t, &raw, &err))) {
		nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv) {
			err = -1;
			break;
		}
		v = nv;
		v[n] = substitute(raw.s, raw.len, host, port);
		v[n + 1] = NULL;
		if (!v[n++])
			err = -1;
	}
	free(raw.s);
	if (err || !n) {
		if (v)
			vsd_exec_argv_free(v);
		return -1;
	}
	*argv = v;
	return 0;
}

void vsd_exec_argv_free(char **argv)
{
	char **a;

	for (a = argv; a && *a; a++)
		free(*a);
	free(argv);
}

