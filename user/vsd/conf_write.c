// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration writer. Most keys are written from the parser's own
 * table entry (conf_keys.h): the field, its kind and, for the default, the
 * same field in a model the parser made of an almost empty file - so a
 * default is never restated here and a value equal to it is left out, as
 * a person would. The keys whose value is not one field (address with a
 * device, sorry server, escaped texts, derived defaults) have a writer
 * of their own below.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "conf_keys.h"
#include "conf_write.h"

/* The parser's defaults: one virtual with one server, nothing else. */
static const char defaults_text[] =
	"virtual d {\n address = 127.0.0.1\n server s {\n  address = 127.0.0.2\n }\n}\n";

/* Written even when they hold the default, as Piranha's tool did: a
 * reader of the file should not need the manual for these.
 */
static const char *const always[] = {
	"serial_no", "service", "network",			/* global */
	"active", "address", "port", "protocol", "scheduler",	/* virtual */
	"weight", NULL						/* server */
};

struct writer {
	const struct vsd_conf *c;
	const struct vsd_virtual_conf *v;	/* the virtual being written */
	const struct vsd_conf *def;
	struct conf_block *b;
	int err;
};

/* ------------------------------------------------------------------ */
/* The document                                                         */

static void *grow(void *arr, size_t n, size_t size)
{
	void *p = realloc(arr, (n + 1) * size);

	if (p)
		memset((char *)p + n * size, 0, size);
	return p;
}

const char *conf_kv_get(const struct conf_block *b, const char *key)
{
	size_t i;

	for (i = 0; i < b->n_kv; i++)
		if (!strcmp(b->kv[i].key, key))
			return b->kv[i].val;
	return NULL;
}

/* Every line of the key: a repeated one (director) goes whole. */
static int kv_remove(struct conf_block *b, const char *key)
{
	size_t i;

	for (i = 0; i < b->n_kv; )
		if (!strcmp(b->kv[i].key, key)) {
			free(b->kv[i].key);
			free(b->kv[i].val);
			memmove(&b->kv[i], &b->kv[i + 1],
				(b->n_kv - i - 1) * sizeof(*b->kv));
			b->n_kv--;
		} else {
			i++;
		}
	return 0;
}

int conf_kv_add(struct conf_block *b, const char *key, const char *val)
{
	struct conf_kv *kv = grow(b->kv, b->n_kv, sizeof(*kv));

	if (!kv)
		return -1;
	b->kv = kv;
	kv[b->n_kv].key = strdup(key);
	kv[b->n_kv].val = strdup(val);
	if (!kv[b->n_kv].key || !kv[b->n_kv].val) {
		free(kv[b->n_kv].key);
		free(kv[b->n_kv].val);
		return -1;
	}
	b->n_kv++;
	return 0;
}

int conf_kv_set(struct conf_block *b, const char *key, const char *val)
{
	struct conf_kv *kv;
	char *copy;
	size_t i;

	if (!val)
		return kv_remove(b, key);
	copy = strdup(val);
	if (!copy)
		return -1;
	for (i = 0; i < b->n_kv; i++)
		if (!strcmp(b->kv[i].key, key)) {
			free(b->kv[i].val);
			b->kv[i].val = copy;
			return 0;
		}
	kv = grow(b->kv, b->n_kv, sizeof(*kv));
	if (!kv || !(kv[b->n_kv].key = strdup(key))) {
		if (kv)
			b->kv = kv;
		free(copy);
		return -1;
	}
	kv[b->n_kv++].val = copy;
	b->kv = kv;
	return 0;
}

struct conf_block *conf_block_find(struct conf_block *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->n_blocks; i++)
		if (!strcmp(b->blocks[i].name, name))
			return &b->blocks[i];
	return NULL;
}

struct conf_block *conf_block_add(struct conf_block *b, const char *name)
{
	struct conf_block *nb = grow(b->blocks, b->n_blocks, sizeof(*nb));

	if (!nb)
		return NULL;
	b->blocks = nb;
	nb[b->n_blocks].name = strdup(name);
	if (!nb[b->n_blocks].name)
		return NULL;
	return &nb[b->n_blocks++];
}

void conf_block_free(struct conf_block *b)
{
	size_t i;

	for (i = 0; i < b->n_kv; i++) {
		free(b->kv[i].key);
		free(b->kv[i].val);
	}
	for (i = 0; i < b->n_blocks; i++)
		conf_block_free(&b->blocks[i]);
	free(b->kv);
	free(b->blocks);
	free(b->name);
	memset(b, 0, sizeof(*b));
}

int conf_block_del(struct conf_block *b, const char *name)
{
	struct conf_block *x = conf_block_find(b, name);
	size_t i;

	if (!x)
		return -1;
	i = (size_t)(x - b->blocks);
	conf_block_free(x);
	memmove(x, x + 1, (b->n_blocks - i - 1) * sizeof(*x));
	b->n_blocks--;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Values                                                               */

char *conf_escape_text(const char *s, bool regex)
{
	char *out = malloc(2 * strlen(s) + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		if (*s == '\\' && regex && s[1]) {
			/* a regex keeps its backslash pairs as they were */
			*o++ = *s++;
			*o++ = *s;
			continue;
		}
		switch (*s) {
		case '\n': *o++ = '\\'; *o++ = 'n'; break;
		case '\r': *o++ = '\\'; *o++ = 'r'; break;
		case '\t': *o++ = '\\'; *o++ = 't'; break;
		case '"': *o++ = '\\'; *o++ = '"'; break;
		case '\\': *o++ = '\\'; *o++ = '\\'; break;
		default: *o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

static uint64_t get_uint(const void *obj, const struct keydef *k)
{
	const char *f = (const char *)obj + k->off;

	switch (k->size) {
	case 1: return *(const uint8_t *)f;
	case 2: return *(const uint16_t *)f;
	case 4: return *(const uint32_t *)f;
	case 8: return *(const uint64_t *)f;
	}
	return 0;
}

static const char *get_text(const void *obj, const struct keydef *k)
{
	return *(char *const *)((const char *)obj + k->off);
}

static uint32_t get_ip(const void *obj, const struct keydef *k)
{
	return ((const union vs_addr *)((const char *)obj + k->off))->ip;
}

/* Milliseconds as the parser reads them: "2", "0.5", "1.25". */
static void duration_str(uint64_t ms, char *buf, size_t len)
{
	unsigned int frac = (unsigned int)(ms % 1000);
	int digits = 3;

	if (!frac) {
		snprintf(buf, len, "%llu", (unsigned long long)(ms / 1000));
		return;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, len, "%llu.%0*u", (unsigned long long)(ms / 1000), digits, frac);
}

static void ip_str(uint32_t ip, char *buf, size_t len)
{
	union vs_addr a = { .ip = ip };

	vs_addr_str(&a, buf, len);
}

/* The value of a plain field as the parser reads it. */
static void field_str(const void *obj, const struct keydef *k, char *buf,
		      size_t len)
{
	uint64_t u = k->kind == K_IPV4 || k->kind == K_TEXT ? 0 : get_uint(obj, k);

	switch (k->kind) {
	case K_BOOL:
		snprintf(buf, len, "%d", u ? 1 : 0);
		break;
	case K_DURATION:
		duration_str(u, buf, len);
		break;
	case K_IPV4:
		ip_str(get_ip(obj, k), buf, len);
		break;
	case K_NETMASK:
		vs_mask_str((uint8_t)u, buf, len);
		break;
	case K_ENUM:
		snprintf(buf, len, "%s", k->names[u]);
		break;
	default:
		snprintf(buf, len, "%llu", (unsigned long long)u);
	}
}

static bool same_field(const void *a, const void *b, const struct keydef *k)
{
	const char *sa, *sb;

	switch (k->kind) {
	case K_TEXT:
		sa = get_text(a, k);
		sb = get_text(b, k);
		return sa == sb || (sa && sb && !strcmp(sa, sb));
	case K_IPV4:
		return get_ip(a, k) == get_ip(b, k);
	default:
		return get_uint(a, k) == get_uint(b, k);
	}
}

static bool has_flag(const void *obj, const struct keydef *k)
{
	return *((const bool *)((const char *)obj + k->has_off - 1));
}

static bool is_always(const char *name)
{
	size_t i;

	for (i = 0; always[i]; i++)
		if (!strcmp(always[i], name))
			return true;
	return false;
}

static void put(struct writer *w, const char *key, const char *val)
{
	if (!w->err && conf_kv_set(w->b, key, val))
		w->err = -1;
}

static void put_owned(struct writer *w, const char *key, char *val)
{
	if (!val)
		w->err = -1;
	else
		put(w, key, val);
	free(val);
}

/* ------------------------------------------------------------------ */
/* Keys that are not one plain field                                    */

static void addr_dev(struct writer *w, const char *key, uint16_t af,
		     const union vs_addr *addr, const char *dev)
{
	char a[INET6_ADDRSTRLEN], buf[128];

	vs_addr_str_af(af, addr, a, sizeof(a));
	snprintf(buf, sizeof(buf), "%s%s%s", a, dev ? " " : "", dev ? dev : "");
	put(w, key, buf);
}

static void web_allow(struct writer *w)
{
	const struct vsd_conf *c = w->c, *d = w->def;
	char buf[VSD_WEB_ALLOW_MAX * 20] = "", a[16];
	size_t len = 0;
	unsigned int i;

	if (c->n_web_allow == d->n_web_allow &&
	    !memcmp(c->web_allow, d->web_allow, c->n_web_allow * sizeof(*c->web_allow)))
		return;
	for (i = 0; i < c->n_web_allow; i++) {
		ip_str(c->web_allow[i].ip, a, sizeof(a));
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "", a);
		if (c->web_allow[i].plen != 32)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "/%u",
						c->web_allow[i].plen);
	}
	put(w, "web_allow", buf);
}

/* One line per director, in the file's order. */
static void directors(struct writer *w)
{
	char a[16];
	unsigned int i;

	for (i = 0; i < w->c->n_directors && !w->err; i++) {
		ip_str(w->c->directors[i], a, sizeof(a));
		if (conf_kv_add(w->b, "director", a))
			w->err = -1;
	}
}

static bool global_special(struct writer *w, const char *name)
{
	const struct vsd_conf *c = w->c;

	if (!strcmp(name, "service"))
		put(w, name, "lvs");
	else if (!strcmp(name, "network"))
		put(w, name, c->network == VSD_NET_DIRECT ? "direct" :
			     c->network == VSD_NET_TUNNEL ? "tunnel" : "nat");
	else if (!strcmp(name, "nat_router")) {
		if (c->has_nat_router)
			addr_dev(w, name, AF_INET, &c->nat_router, c->nat_router_dev);
	} else if (!strcmp(name, "web_allow"))
		web_allow(w);
	else if (!strcmp(name, "director"))
		directors(w);
	else
		return false;
	return true;
}

static enum vsd_check_type auto_check(const struct vsd_check_conf *c)
{
	return c->program ? VSD_CHECK_PROGRAM : c->http_url ? VSD_CHECK_HTTP
							    : VSD_CHECK_CONNECT;
}

static void check_keys(struct writer *w, const char *name)
{
	const struct vsd_check_conf *c = &w->v->check, *d = &w->def->virtuals[0].check;
	char buf[32];

	if (!strcmp(name, "check_type")) {
		if (c->type != auto_check(c))
			put(w, name, vsd_check_type_name(c->type));
	} else if (!strcmp(name, "check_interval")) {
		duration_str(c->interval, buf, sizeof(buf));
		if (c->interval != d->interval)
			put(w, name, buf);
	} else if (c->interval != d->interval ||	/* connect_timeout */
		   c->connect_timeout != d->connect_timeout) {
		/* its default follows the interval: written with it */
		duration_str(c->connect_timeout, buf, sizeof(buf));
		put(w, name, buf);
	}
}

static void sorry(struct writer *w)
{
	const struct vsd_virtual_conf *v = w->v;
	char a[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 16];
	bool v6 = v->sorry_af == AF_INET6;

	if (!v->has_sorry)
		return;
	vs_addr_str_af(v->sorry_af, &v->sorry_addr, a, sizeof(a));
	if (v->sorry_port == (v->fwmark ? 0 : v->port))
		snprintf(buf, sizeof(buf), "%s", a);
	else
		snprintf(buf, sizeof(buf), "%s%s%s:%u", v6 ? "[" : "", a,
			 v6 ? "]" : "", v->sorry_port);
	put(w, "sorry_server", buf);
}

/* A dotted mask for IPv4 (as Piranha wrote it), a prefix length for
 * IPv6; left out at the family's default, the whole address.
 */
static void pmask(struct writer *w)
{
	const struct vsd_virtual_conf *v = w->v;
	char buf[INET6_ADDRSTRLEN];

	if (v->pmask == (v->af == AF_INET6 ? 128 : 32))
		return;
	if (v->af == AF_INET6)
		snprintf(buf, sizeof(buf), "%u", v->pmask);
	else
		vs_mask_str(v->pmask, buf, sizeof(buf));
	put(w, "pmask", buf);
}

static bool virtual_special(struct writer *w, const char *name)
{
	const struct vsd_virtual_conf *v = w->v;
	const struct vsd_check_conf *c = &v->check;

	if (!strcmp(name, "address")) {
		if (v->has_addr)
			addr_dev(w, name, v->af, &v->addr, v->dev);
	} else if (!strcmp(name, "pmask")) {
		pmask(w);
	} else if (!strcmp(name, "protocol"))
		put(w, name, v->protocol == IPPROTO_UDP ? "udp" : "tcp");
	else if (!strcmp(name, "scheduler"))
		put(w, name, v->sched);
	else if (!strcmp(name, "scheduler_flags")) {
		char buf[64];

		vsd_sched_flags_str(v->sched, v->sched_flags, buf, sizeof(buf));
		if (*buf)
			put(w, name, buf);
	}
	else if (!strcmp(name, "sorry_server"))
		sorry(w);
	else if (!strcmp(name, "tunnel_source")) {
		if (v->has_tun_src)
			addr_dev(w, name, v->tun_src_af, &v->tun_src, NULL);
	} else if (!strcmp(name, "load_monitor")) {
		if (v->load_monitor == VSD_LOAD_AGENT)
			put(w, name, "agent");
	} else if (!strcmp(name, "http_url") || !strcmp(name, "http_host")) {
		const char *s = name[5] == 'u' ? c->http_url : c->http_host;

		if (s)
			put(w, name, s);
	} else if (!strcmp(name, "send") || !strcmp(name, "expect") ||
		   !strcmp(name, "http_regex")) {
		const char *s = name[0] == 's' ? c->send : name[0] == 'e' ?
				c->expect : c->http_regex;
		bool regex = name[0] == 'h' || (name[0] == 'e' && c->use_regex);

		if (s)
			put_owned(w, name, conf_escape_text(s, regex));
	} else if (!strcmp(name, "check_type") || !strcmp(name, "check_interval") ||
		   !strcmp(name, "connect_timeout"))
		check_keys(w, name);
	else
		return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Blocks                                                               */

static bool special(struct writer *w, enum vsd_key_scope sc, const void *obj,
		    const struct keydef *k)
{
	const struct vsd_server_conf *s = obj;
	char buf[16];

	if (sc == VSD_KEYS_GLOBAL)
		return global_special(w, k->name);
	if (sc == VSD_KEYS_VIRTUAL)
		return virtual_special(w, k->name);
	if (!strcmp(k->name, "address")) {
		if (s->af)
			addr_dev(w, k->name, s->af, &s->addr, NULL);
		return true;
	}
	if (strcmp(k->name, "port"))
		return false;
	/* A server's port defaults to its virtual's. */
	if (s->port != (w->v->fwmark ? 0 : w->v->port)) {
		snprintf(buf, sizeof(buf), "%u", s->port);
		put(w, k->name, buf);
	}
	return true;
}

static void write_keys(struct writer *w, enum vsd_key_scope sc,
		       const void *obj, const void *def)
{
	const struct keydef *k;
	char buf[64];

	for (k = vsd_conf_keys(sc); k->name && !w->err; k++) {
		if (k->kind == K_OBSOLETE || special(w, sc, obj, k))
			continue;
		if (k->off == PARSER_KEY || k->kind == K_FUNC)
			continue;	/* parser defaults: in each virtual */
		if (k->has_off ? !has_flag(obj, k) :
		    !is_always(k->name) && same_field(obj, def, k))
			continue;
		if (k->kind == K_TEXT) {
			if (get_text(obj, k))
				put(w, k->name, get_text(obj, k));
			continue;
		}
		field_str(obj, k, buf, sizeof(buf));
		put(w, k->name, buf);
	}
}

static int write_virtual(struct writer *w, struct conf_block *root,
			 const struct vsd_virtual_conf *v)
{
	const struct vsd_virtual_conf *dv = &w->def->virtuals[0];
	struct conf_block *vb = conf_block_add(root, v->name), *sb;
	size_t i;

	if (!vb)
		return -1;
	w->v = v;
	w->b = vb;
	write_keys(w, VSD_KEYS_VIRTUAL, v, dv);
	for (i = 0; i < v->n_servers && !w->err; i++) {
		sb = conf_block_add(vb, v->servers[i].name);
		if (!sb)
			return -1;
		w->b = sb;
		write_keys(w, VSD_KEYS_SERVER, &v->servers[i], &dv->servers[0]);
	}
	return w->err;
}

int conf_doc_from_model(const struct vsd_conf *c, struct conf_block *root)
{
	struct writer w = { .c = c };
	struct vsd_conf *def;
	struct vsd_diag diag;
	size_t i;

	memset(root, 0, sizeof(*root));
	if (vsd_conf_parse("defaults", defaults_text, &def, &diag)) {
		vsd_diag_free(&diag);
		return -1;
	}
	vsd_diag_free(&diag);
	w.def = def;
	w.b = root;
	write_keys(&w, VSD_KEYS_GLOBAL, c, def);
	for (i = 0; i < c->n_virtuals && !w.err; i++)
		w.err = write_virtual(&w, root, &c->virtuals[i]);
	vsd_conf_free(def);
	if (w.err)
		conf_block_free(root);
	return w.err;
}

/* ------------------------------------------------------------------ */
/* Text                                                                 */

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Does `"s"` read back as s? Not when a quote is left unescaped or a
 * backslash at the end escapes the closing quote.
 */
static bool quote_safe(const char *s)
{
	for (; *s; s++) {
		if (*s == '"')
			return false;
		if (*s == '\\' && !*++s)
			return false;
	}
	return true;
}

/* Does s read back unquoted? Not with blanks at its ends (trimmed), a
 * leading quote, or " #" (a comment).
 */
static bool bare_safe(const char *s)
{
	size_t n = strlen(s);

	if (!n || s[0] == ' ' || s[0] == '\t' || s[0] == '"' ||
	    s[n - 1] == ' ' || s[n - 1] == '\t')
		return false;
	return !strstr(s, " #") && !strstr(s, "\t#");
}

/* Texts are quoted as Piranha's tool did; other values only when they
 * must be.
 */
static bool wants_quotes(const char *key, const char *s)
{
	static const char *const texts[] = {
		"send", "expect", "send_program", "http_regex", NULL
	};
	size_t i;

	for (i = 0; texts[i]; i++)
		if (!strcmp(key, texts[i]))
			return true;
	return !*s || strpbrk(s, "\\#\"");
}

static bool valid_key(const char *k)
{
	if (!*k)
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_'))
			return false;
	return true;
}

static int render_kv(const struct conf_kv *kv, const char *indent,
		     const char *where, struct strbuf *out, char *err,
		     size_t errlen)
{
	const char *v = kv->val;
	bool q = wants_quotes(kv->key, v);

	if (!valid_key(kv->key)) {
		snprintf(err, errlen, "%s: bad key '%s' (expected lower-case letters, digits and '_')",
			 where, kv->key);
		return -1;
	}
	if (has_control(v)) {
		snprintf(err, errlen, "%s: key '%s': bad value (control characters cannot be written; use \\n, \\r or \\t in send and expect)",
			 where, kv->key);
		return -1;
	}
	if (q && !quote_safe(v))
		q = false;
	else if (!q && !bare_safe(v))
		q = true;
	if ((q && !quote_safe(v)) || (!q && !bare_safe(v))) {
		snprintf(err, errlen, "%s: key '%s': bad value '%s' (neither quoted nor bare it would read back the same; escape quotes as \\\")",
			 where, kv->key, v);
		return -1;
	}
	sb_printf(out, q ? "%s%s = \"%s\"\n" : "%s%s = %s\n", indent, kv->key, v);
	return 0;
}

static int render_block(const struct conf_block *b, int depth,
			struct strbuf *out, char *err, size_t errlen)
{
	static const char *const word[] = { "", "virtual", "server" };
	static const char *const indent[] = { "", "\t", "\t\t" };
	char where[128];
	size_t i;

	if (depth) {
		snprintf(where, sizeof(where), "%s '%s'", word[depth], b->name);
		if (!*b->name || has_control(b->name) || strpbrk(b->name, " \t{}\"=#")) {
			snprintf(err, errlen, "bad %s name '%s' (expected 1 to 64 characters, no spaces, quotes, braces, '=' or '#')",
				 word[depth], b->name);
			return -1;
		}
		sb_printf(out, "%s%s %s {\n", indent[depth - 1], word[depth], b->name);
	} else {
		snprintf(where, sizeof(where), "the global section");
	}
	for (i = 0; i < b->n_kv; i++)
		if (render_kv(&b->kv[i], indent[depth], where, out, err, errlen))
			return -1;
	for (i = 0; i < b->n_blocks; i++) {
		if (!depth)
			sb_printf(out, "\n");
		if (render_block(&b->blocks[i], depth + 1, out, err, errlen))
			return -1;
	}
	if (depth)
		sb_printf(out, "%s}\n", indent[depth - 1]);
	return 0;
}

int conf_doc_render(const struct conf_block *root, struct strbuf *out,
		    char *err, size_t errlen)
{
	sb_printf(out, "# Written by vsd from its configuration model: comments of a\n"
		       "# hand-written file are not kept (the previous file is kept as\n"
		       "# FILE.bak when vsd saves). See vsd.conf(5).\n");
	if (render_block(root, 0, out, err, errlen))
		return -1;
	if (out->failed) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int vsd_conf_write(const struct vsd_conf *c, struct strbuf *out, char *err,
		   size_t errlen)
{
	struct conf_block root;
	int ret;

	if (conf_doc_from_model(c, &root)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ret = conf_doc_render(&root, out, err, errlen);
	conf_block_free(&root);
	return ret;
}
