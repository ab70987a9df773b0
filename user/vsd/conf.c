// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration parser: Piranha's lvs.cf, line by line.
 *
 *	key = value
 *	virtual NAME {
 *		key = value
 *		server NAME {
 *			key = value
 *		}
 *	}
 *
 * This file is the lexer: lines, blocks, escapes and the file itself. Every
 * key is in a table with its type, range and default (conf_keys.c), so
 * that an unknown key, a key given twice or a bad value is an error naming
 * the file, the line, the key and the value: keepalived's habit of warning
 * and going on is the complaint users have most about configuration.
 * Checks that need the whole block or the whole file are in conf_check.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "addr.h"
#include "atomic.h"
#include "conf_int.h"
#include "failover/hb.h"

/* ------------------------------------------------------------------ */
/* Diagnostics                                                          */

static void diag_add(char ***list, size_t *n, char *msg)
{
	char **l = realloc(*list, (*n + 1) * sizeof(**list));

	if (!l || !msg) {
		free(msg);
		return;
	}
	l[(*n)++] = msg;
	*list = l;
}

void conf_error_at(struct parser *p, int line, const char *fmt, ...)
{
	char *msg = NULL, *full = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg && (line ? asprintf(&full, "%s:%d: %s", p->path, line, msg) :
		    asprintf(&full, "%s: %s", p->path, msg)) < 0)
		full = NULL;
	free(msg);
	diag_add(&p->diag->errors, &p->diag->n_errors, full);
}

static void note_v(struct parser *p, int line, const char *fmt, va_list ap)
{
	char *msg = NULL, *full = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (msg && asprintf(&full, "%s:%d: %s", p->path, line, msg) < 0)
		full = NULL;
	free(msg);
	diag_add(&p->diag->notes, &p->diag->n_notes, full);
}

void conf_note(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note_v(p, p->line, fmt, ap);
	va_end(ap);
}

void conf_note_at(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note_v(p, line, fmt, ap);
	va_end(ap);
}

int conf_bad_value(struct parser *p, int line, const char *key,
		   const char *val, const char *expect)
{
	conf_error_at(p, line, "key '%s': bad value '%s' (expected %s)", key, val,
		expect);
	return -1;
}

void vsd_diag_free(struct vsd_diag *d)
{
	size_t i;

	for (i = 0; i < d->n_errors; i++)
		free(d->errors[i]);
	for (i = 0; i < d->n_notes; i++)
		free(d->notes[i]);
	free(d->errors);
	free(d->notes);
	memset(d, 0, sizeof(*d));
}

/* ------------------------------------------------------------------ */
/* Escapes                                                              */

int vsd_unescape(const char *in, char *out, size_t *len)
{
	char *o = out;

	for (; *in; in++) {
		if (*in != '\\') {
			*o++ = *in;
			continue;
		}
		switch (*++in) {
		case '\0':
			return -1;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		default:	/* \\, \" and Piranha's "escape the next one" */
			*o++ = *in;
		}
	}
	*o = '\0';
	*len = (size_t)(o - out);
	return 0;
}

int vsd_unescape_regex(const char *in, char *out)
{
	char *o = out;

	for (; *in; in++) {
		if (*in != '\\') {
			*o++ = *in;
			continue;
		}
		if (!in[1])
			return -1;
		in++;
		if (*in == 'n' || *in == 'r' || *in == 't') {
			*o++ = *in == 'n' ? '\n' : *in == 'r' ? '\r' : '\t';
		} else if (*in == '"') {
			*o++ = '"';	/* only quoted for the config file */
		} else {
			*o++ = '\\';
			*o++ = *in;
		}
	}
	*o = '\0';
	return 0;
}

/* ------------------------------------------------------------------ */
/* Blocks                                                               */

static void reset_seen(struct parser *p, enum scope sc)
{
	memset(p->seen[sc], 0, conf_keys_count(sc) * sizeof(int));
}

static bool valid_name(const char *n)
{
	if (!*n || strlen(n) > MAX_NAME)
		return false;
	for (; *n; n++)
		if (*n <= ' ' || *n == '{' || *n == '}' || *n == '"' ||
		    *n == '=' || *n == '#')
			return false;
	return true;
}

static void *grow(void *arr, size_t n, size_t size)
{
	void *p = realloc(arr, (n + 1) * size);

	if (p)
		memset((char *)p + n * size, 0, size);
	return p;
}

static void open_virtual(struct parser *p, const char *name)
{
	struct vsd_conf *c = p->conf;
	struct vsd_virtual_conf *vs = grow(c->virtuals, c->n_virtuals,
					   sizeof(*vs));
	struct vflags *vf = vs ? grow(p->vf, c->n_virtuals, sizeof(*vf)) : NULL;
	struct vsd_virtual_conf *v;

	if (vs)
		c->virtuals = vs;
	if (!vs || !vf) {
		error(p, "out of memory");
		return;
	}
	p->vf = vf;
	vf[c->n_virtuals].check_type = CHECK_AUTO;
	v = &c->virtuals[c->n_virtuals++];
	v->name = strdup(name);
	v->line = p->line;
	v->active = true;
	v->protocol = 0;	/* index into proto_names: tcp */
	v->port = DEF_PORT;
	strcpy(v->sched, DEF_SCHED);
	v->pmask = 32;
	v->vip_nmask = 32;
	v->slow_start = true;
	v->agent_port = DEF_AGENT_PORT;
	v->load_interval = DEF_LOAD_INTERVAL;
	v->check.timeout = DEF_TIMEOUT;
	v->check.reentry = DEF_REENTRY;
	v->check.interval = UNSET;
	v->check.connect_timeout = UNSET;
	v->check.http_status = DEF_HTTP_STATUS;
	p->v = v;
	reset_seen(p, S_VIRTUAL);
}

static void open_server(struct parser *p, const char *name)
{
	struct vsd_virtual_conf *v = p->v;
	struct vsd_server_conf *ss = grow(v->servers, v->n_servers, sizeof(*ss));
	int *pl = ss ? grow(cur_vf(p)->port_lines, v->n_servers, sizeof(int))
		     : NULL;
	int *al = pl ? grow(cur_vf(p)->addr_lines, v->n_servers, sizeof(int))
		     : NULL;
	struct vsd_server_conf *s;

	if (ss)
		v->servers = ss;
	if (pl)
		cur_vf(p)->port_lines = pl;
	if (!ss || !pl || !al) {
		error(p, "out of memory");
		return;
	}
	cur_vf(p)->addr_lines = al;
	s = &v->servers[v->n_servers++];
	s->name = strdup(name);
	s->line = p->line;
	s->active = true;
	s->weight = 1;
	p->s = s;
	reset_seen(p, S_SERVER);
}

static void open_block(struct parser *p, const char *word, const char *name)
{
	if (!strcmp(word, "failover")) {
		error(p, "failover services (Piranha's 'failover' blocks) are not supported");
		return;
	}
	if (!valid_name(name)) {
		error(p, "bad %s name '%s' (expected 1 to 64 characters, no spaces, quotes, braces, '=' or '#')",
		      word, name);
		return;
	}
	if (!strcmp(word, "virtual")) {
		if (p->v)
			error(p, "'virtual %s' inside another block (virtual '%s' opened on line %d is not closed)",
			      name, p->v->name, p->v->line);
		else
			open_virtual(p, name);
	} else {
		if (!p->v || p->s)
			error(p, "'server %s' outside a virtual block", name);
		else
			open_server(p, name);
	}
}

/* ------------------------------------------------------------------ */
/* Lines                                                                */

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			 e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* The value after '=': "quoted" (backslash keeps a quote inside; escapes
 * stay for the key to resolve) or bare up to a " #" comment.
 */
/*
 * What the writer cannot write back, the parser does not take either (a
 * panel save would fail on it forever): no control characters in a
 * value. A tab between words of a plain value is a blank; in a quoted
 * one it is written \t.
 */
static int check_controls(struct parser *p, const char *key, char *v,
			  bool quoted)
{
	for (; *v; v++) {
		unsigned char ch = (unsigned char)*v;

		if (ch == '\t' && !quoted) {
			*v = ' ';
		} else if (ch < 0x20 || ch == 0x7f) {
			error(p, "key '%s': a control character (0x%02x) in the value; write \\t, \\n or \\r inside quotes",
			      key, ch);
			return -1;
		}
	}
	return 0;
}

static int split_value(struct parser *p, const char *key, char *s,
		       char **val)
{
	char *e, *hash;

	s = trim(s);
	if (*s == '"') {
		for (e = s + 1; *e && *e != '"'; e++)
			if (*e == '\\' && e[1])
				e++;
		if (*e != '"') {
			error(p, "key '%s': no closing quote in %s", key, s);
			return -1;
		}
		*e = '\0';
		if (*trim(e + 1) && *trim(e + 1) != '#') {
			error(p, "key '%s': text after the closing quote: '%s'",
			      key, trim(e + 1));
			return -1;
		}
		*val = s + 1;
		return check_controls(p, key, *val, true);
	}
	for (hash = s; (hash = strchr(hash, '#')); hash++)
		if (hash > s && (hash[-1] == ' ' || hash[-1] == '\t')) {
			*hash = '\0';
			break;
		}
	*val = trim(s);
	return check_controls(p, key, *val, false);
}

static void parse_block_open(struct parser *p, char *s)
{
	char word[16], name[256], brace[4], extra;
	int n = sscanf(s, "%15s %255s %3s %c", word, name, brace, &extra);

	if (n == 3 && !strcmp(brace, "{")) {
		open_block(p, word, name);
		return;
	}
	/* "virtual NAME{" */
	if (n == 2 && name[strlen(name) - 1] == '{' && strlen(name) > 1) {
		name[strlen(name) - 1] = '\0';
		open_block(p, word, name);
		return;
	}
	error(p, "expected '%s NAME {', got '%s'", word, s);
}

static void parse_close(struct parser *p)
{
	if (p->s) {
		p->s = NULL;
	} else if (p->v) {
		conf_close_virtual(p);
	} else {
		error(p, "'}' without an open block");
	}
}

static bool is_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	return !strncmp(s, w, n) && (s[n] == ' ' || s[n] == '\t' ||
				     s[n] == '{' || !s[n]);
}

static void parse_line(struct parser *p, char *line)
{
	char *s = trim(line), *eq, *key, *val;

	if (!*s || *s == '#')
		return;
	if (!strcmp(s, "}")) {
		parse_close(p);
		return;
	}
	if (is_word(s, "virtual") || is_word(s, "server") ||
	    is_word(s, "failover")) {
		parse_block_open(p, s);
		return;
	}
	eq = strchr(s, '=');
	if (!eq) {
		error(p, "expected 'key = value', 'virtual NAME {', 'server NAME {' or '}', got '%s'",
		      s);
		return;
	}
	*eq = '\0';
	key = trim(s);
	if (!*key || strpbrk(key, " \t")) {
		error(p, "bad key '%s' (expected one word before '=')", key);
		return;
	}
	if (split_value(p, key, eq + 1, &val) == 0)
		conf_key_value(p, key, val);
}

/* ------------------------------------------------------------------ */

static char *read_file(const char *path, int *err)
{
	FILE *f = fopen_regular(path);
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		*err = errno;
		return NULL;
	}
	do {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = 2 * cap + 8192);

			if (!nb) {
				free(buf);
				fclose(f);
				*err = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n == 4096);
	*err = ferror(f) ? EIO : 0;
	fclose(f);
	if (*err) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		free(buf);
		*err = EILSEQ;
		return NULL;
	}
	return buf;
}

static int parser_init(struct parser *p, const char *path,
		       struct vsd_diag *diag)
{
	enum scope sc;

	memset(p, 0, sizeof(*p));
	p->path = path;
	p->diag = diag;
	p->def_interval = p->def_connect = p->def_retries = UNSET;
	p->conf = calloc(1, sizeof(*p->conf));
	if (!p->conf)
		return -1;
	for (sc = 0; sc < S_COUNT; sc++) {
		p->seen[sc] = calloc(conf_keys_count(sc) + 1, sizeof(int));
		if (!p->seen[sc])
			return -1;
	}
	p->conf->path = strdup(path);
	p->conf->heartbeat_port = DEF_HEARTBEAT_PORT;
	p->conf->keepalive = DEF_KEEPALIVE;
	p->conf->deadtime = DEF_DEADTIME;
	p->conf->garp_repeat = 5;
	p->conf->garp_interval = 1000;
	p->conf->preempt = true;
	p->conf->syncdaemon = true;
	p->conf->network = VSD_NET_NAT;
	p->conf->nat_nmask = 24;
	p->conf->reconcile_interval = DEF_RECONCILE;
	p->conf->shutdown = VSD_SHUTDOWN_KEEP;
	p->conf->web_port = VSD_WEB_PORT;
	p->conf->web_listen.ip = htonl(INADDR_LOOPBACK);
	p->conf->web_allow[0] = (struct vsd_cidr){ .ip = htonl(0x7f000001), .plen = 32 };
	p->conf->n_web_allow = 1;
	p->conf->web_passwd_file = strdup(VSD_WEB_PASSWD_DEFAULT);
	p->conf->announce_table = VSD_ANNOUNCE_TABLE;
	p->conf->drain_timeout = DEF_DRAIN_TIMEOUT;
	return 0;
}

static void parser_done(struct parser *p)
{
	enum scope sc;

	size_t i;

	for (sc = 0; sc < S_COUNT; sc++)
		free(p->seen[sc]);
	for (i = 0; p->conf && i < p->conf->n_virtuals; i++) {
		free(p->vf[i].port_lines);
		free(p->vf[i].addr_lines);
	}
	free(p->vf);
}

static void parse_text(struct parser *p, char *text)
{
	char *line = text, *nl;

	for (p->line = 1; line; p->line++, line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		parse_line(p, line);
		if (!nl)
			break;
	}
	if (p->s)
		conf_error_at(p, p->s->line, "server '%s' is not closed with '}'",
			p->s->name);
	if (p->v) {
		if (!p->s)
			conf_error_at(p, p->v->line, "virtual '%s' is not closed with '}'",
				p->v->name);
		p->s = NULL;
		conf_close_virtual(p);
	}
	conf_check_file(p);
}

int vsd_conf_parse(const char *path, const char *text, struct vsd_conf **out,
		   struct vsd_diag *diag)
{
	struct parser p;
	char *buf;
	int err = 0;

	*out = NULL;
	memset(diag, 0, sizeof(*diag));
	buf = text ? strdup(text) : read_file(path, &err);
	if (!buf) {
		struct parser q = { .path = path, .diag = diag };

		conf_error_at(&q, 0, "cannot read: %s", err == EILSEQ ?
			"it holds a NUL byte" : err == EINVAL ?
			"not a regular file" : strerror(err ? err : ENOMEM));
		return -1;
	}
	if (parser_init(&p, path, diag)) {
		error(&p, "out of memory");
		free(buf);
		parser_done(&p);
		vsd_conf_free(p.conf);
		return -1;
	}
	parse_text(&p, buf);
	free(buf);
	parser_done(&p);
	if (diag->n_errors) {
		vsd_conf_free(p.conf);
		return -1;
	}
	*out = p.conf;
	return 0;
}

/* ------------------------------------------------------------------ */

int vsd_conf_digest(const char *path, uint8_t out[VSD_HB_DIGEST_LEN])
{
	FILE *f = fopen_regular(path);
	char *text = NULL;
	size_t len = 0;
	int ret = -1;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);

		if (n >= 0 && (text = malloc((size_t)n + 1)) && !fseek(f, 0, SEEK_SET))
			len = fread(text, 1, (size_t)n, f);
		if (text && len == (size_t)n) {
			vsd_hb_digest(text, len, out);
			ret = 0;
		}
	}
	free(text);
	fclose(f);
	return ret;
}

void vsd_virtual_key(const struct vsd_virtual_conf *v, struct vs_virtual *s)
{
	memset(s, 0, sizeof(*s));
	s->af = v->af == AF_INET6 ? AF_INET6 : AF_INET;
	if (v->fwmark) {
		s->fwmark = v->fwmark;
		return;
	}
	s->protocol = v->protocol;
	s->addr = v->addr;
	s->port = v->port;
}

uint16_t vsd_tun_flags(const struct vsd_virtual_conf *v)
{
	if (v->fwd != VS_FWD_TUNNEL)
		return 0;
	return v->tun_csum == VSD_CSUM_CSUM ? VS_TUN_F_CSUM :
	       v->tun_csum == VSD_CSUM_REMCSUM ? VS_TUN_F_REMCSUM : 0;
}

const char *vsd_check_type_name(enum vsd_check_type t)
{
	static const char *const names[] = {
		[VSD_CHECK_CONNECT] = "connect", [VSD_CHECK_HTTP] = "http",
		[VSD_CHECK_PROGRAM] = "program", [VSD_CHECK_NONE] = "none",
		[VSD_CHECK_AGENT] = "agent",
	};

	return names[t];
}

static char *dup_n(const char *s, size_t n)
{
	char *d;

	if (!s)
		return NULL;
	d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

void vsd_check_conf_copy(struct vsd_check_conf *d,
			 const struct vsd_check_conf *s)
{
	*d = *s;
	d->send = dup_n(s->send, s->send_len);
	d->expect = dup_n(s->expect, s->expect_len);
	d->program = s->program ? strdup(s->program) : NULL;
	d->http_url = s->http_url ? strdup(s->http_url) : NULL;
	d->http_host = s->http_host ? strdup(s->http_host) : NULL;
	d->http_regex = s->http_regex ? strdup(s->http_regex) : NULL;
}

void vsd_check_conf_free(struct vsd_check_conf *c)
{
	free(c->send);
	free(c->expect);
	free(c->program);
	free(c->http_url);
	free(c->http_host);
	free(c->http_regex);
}

void vsd_conf_free(struct vsd_conf *c)
{
	size_t i, j;

	if (!c)
		return;
	for (i = 0; i < c->n_virtuals; i++) {
		struct vsd_virtual_conf *v = &c->virtuals[i];

		for (j = 0; j < v->n_servers; j++)
			free(v->servers[j].name);
		free(v->servers);
		free(v->name);
		free(v->dev);
		vsd_check_conf_free(&v->check);
	}
	free(c->virtuals);
	free(c->path);
	free(c->nat_router_dev);
	free(c->syncd_iface);
	free(c->active_cmd);
	free(c->inactive_cmd);
	free(c->heartbeat_key);
	free(c->web_cert);
	free(c->web_key);
	free(c->web_passwd_file);
	free(c);
}
