// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON API under /api/ (Documentation/vsd-web.rst): the pages use
 * nothing else, so a script can do all they do. Everything but login needs
 * a session; a change (POST) also needs the session's CSRF token in
 * X-CSRF-Token and an Origin (when the browser sends one) of this server,
 * and every change but logout the admin role.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "log.h"
#include "web_int.h"

struct route {
	const char *name;
	bool post;		/* a change: CSRF token, same origin */
	bool admin;		/* ... and the admin role */
	void (*fn)(struct web_call *c, const json_t *req);
};

static const char *passwd_path(const struct web_call *c)
{
	return web_conf(c->w)->web_passwd_file;
}

static const char *role_name(enum web_role r)
{
	return r == WEB_ADMIN ? "admin" : "read";
}

/* ------------------------------------------------------------------ */
/* Sessions                                                             */

static void session_json(struct web_call *c)
{
	sb_json(&c->out, json_pack("{s:o, s:s, s:s, s:b}",
				   "user", json_text(c->s->user),
				   "role", role_name(c->s->role),
				   "csrf", c->s->csrf,
				   "tls", c->w->tls));
}

/* The browser tells where a request comes from; a page of another site
 * must not drive this one (SameSite cookies and the token say so too).
 */
static bool same_origin(const struct web_call *c)
{
	char want[300];

	if (!c->origin)
		return true;	/* not a browser: the token decides */
	snprintf(want, sizeof(want), "%s://%s", c->w->tls ? "https" : "http",
		 c->host ? c->host : "");
	return !strcmp(c->origin, want);
}

static bool is_json(const struct web_call *c)
{
	return c->content_type && !strncmp(c->content_type, "application/json", 16);
}

/* A refused login's answer; user is NULL before the body is read. */
static void login_refused(struct web_call *c, unsigned int st, const char *why,
			  const char *user)
{
	if (user)
		log_warn("web: login of '%s' from %s refused: %s", user, c->client, why);
	else
		log_warn("web: a login from %s refused: %s", c->client, why);
	if (why == web_limit_addr)
		web_error(c, st, "%s from %s: try again in %u s", why,
			  c->client, c->retry_after);
	else if (why == web_limit_user)
		web_error(c, st, "%s %.64s: try again in %u s", why, user,
			  c->retry_after);
	else if (st == 429)
		web_error(c, st, "%s: try again in %u s", why, c->retry_after);
	else
		web_error(c, st, "%s", why);
}

static void login(struct web_call *c, const json_t *req)
{
	const char *user = web_json_str(req, "user"), *pass = web_json_str(req, "password");
	const char *why;
	unsigned int st;

	if (!user || !pass) {
		web_error(c, 400, "expected {\"user\": ..., \"password\": ...}");
		return;
	}
	st = web_auth_login(c->w->auth, passwd_path(c), c->client_ip, user, pass,
			    &c->s, &c->retry_after, &why);
	if (st != 200) {
		login_refused(c, st, why, user);
		return;
	}
	log_notice("web: %s (%s) logged in from %s", c->s->user,
		   role_name(c->s->role), c->client);
	snprintf(c->set_cookie, sizeof(c->set_cookie),
		 "vsd_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200%s",
		 c->s->token, c->w->tls ? "; Secure" : "");
	session_json(c);
}

/* Over a limit that needs no user name: refused before the body is parsed. */
static bool login_limited(struct web_call *c)
{
	const char *why;
	unsigned int st = web_auth_login_precheck(c->w->auth, c->client_ip,
						  &c->retry_after, &why);

	if (st == 200)
		return false;
	login_refused(c, st, why, NULL);
	return true;
}

static void logout(struct web_call *c, const json_t *req)
{
	(void)req;
	log_notice("web: %s logged out", c->s->user);
	web_auth_logout(c->w->auth, c->s);
	c->s = NULL;
	snprintf(c->set_cookie, sizeof(c->set_cookie),
		 "vsd_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
		 c->w->tls ? "; Secure" : "");
	sb_json(&c->out, json_pack("{s:b}", "ok", true));
}

static void session(struct web_call *c, const json_t *req)
{
	(void)req;
	session_json(c);
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */

static void status(struct web_call *c, const json_t *req)
{
	(void)req;
	c->w->host.status(c->w->host.arg, &c->out);
}

static void history(struct web_call *c, const json_t *req)
{
	(void)req;
	web_hist_json(c->w->hist, &c->out);
}

static void config(struct web_call *c, const json_t *req)
{
	(void)req;
	web_config_json(c->w, &c->out);
}

static const char *virtual_name(const struct pool *p, const struct vs_virtual *s)
{
	size_t i;

	for (i = 0; i < p->n_svcs; i++)
		if (vs_service_same(&p->svcs[i].key, s))
			return p->svcs[i].vc->name;
	return NULL;
}

static json_t *stats_json(json_t *o, const struct vs_traffic *st)
{
	json_object_set_new(o, "cps", json_integer((json_int_t)st->cps));
	json_object_set_new(o, "inpps", json_integer((json_int_t)st->inpps));
	json_object_set_new(o, "outpps", json_integer((json_int_t)st->outpps));
	json_object_set_new(o, "inbps", json_integer((json_int_t)st->inbps));
	json_object_set_new(o, "outbps", json_integer((json_int_t)st->outbps));
	return o;
}

/* ipvsadm's names of the forwarding methods (-L's Forward column). */
static const char *fwd_name(uint8_t fwd)
{
	return fwd == VS_FWD_DR ? "route" : fwd == VS_FWD_TUNNEL ? "tunnel" :
	       "masq";
}

/* The outer source (of af, the server's family), null without one. An
 * all-zero one is none: what an edit that removed it leaves in the
 * in-memory table of --no-kernel.
 */
static json_t *tun_src_json(const struct vs_real *d, uint16_t af)
{
	static const union vs_addr none;
	char a[INET6_ADDRSTRLEN];

	if (!(d->set & VS_HAS_TUN_SRC) || !memcmp(&d->tun_src, &none, sizeof(none)))
		return json_null();
	vs_addr_str_af(af, &d->tun_src, a, sizeof(a));
	return json_string(a);
}

/* A tunnel's encapsulation, in vsd.conf's words (tunnel_*). */
static json_t *tunnel_json(const struct vs_real *d, uint16_t af)
{
	static const char *const types[] = { "ipip", "gue", "gre" };

	return json_pack("{s:s, s:I, s:s, s:o}",
			 "type", d->tun_type <= VS_TUN_MAX ? types[d->tun_type] : "?",
			 "port", (json_int_t)d->tun_port,
			 "checksum", d->tun_flags & VS_TUN_F_REMCSUM ? "remcsum" :
				     d->tun_flags & VS_TUN_F_CSUM ? "csum" : "nocsum",
			 "source", tun_src_json(d, af));
}

/* "address" is "10.0.0.1:80" or "[2001:db8::1]:80", as vsadm -L -n. */
json_t *web_dest_json(const struct vs_virtual *s, const struct vs_real *d)
{
	char hp[VS_HOSTPORT_MAX];
	json_t *o;

	vs_hostport_str_af(hp, sizeof(hp), vs_real_af(s, d), &d->addr, d->port,
			   IPPROTO_TCP, true);
	o = json_pack("{s:s, s:s, s:I, s:I, s:I}",
		      "address", hp,
		      "forward", fwd_name(d->fwd),
		      "weight", (json_int_t)d->weight,
		      "active", (json_int_t)d->active_conns,
		      "inactive", (json_int_t)d->inact_conns);
	if (o && d->fwd == VS_FWD_TUNNEL)
		json_object_set_new(o, "tunnel", tunnel_json(d, vs_real_af(s, d)));
	return stats_json(o, &d->stats);
}

static json_t *service_json(const struct pool *p, const struct vs_virtual *s)
{
	const char *name = virtual_name(p, s);
	json_t *o, *servers = json_array();
	char hp[VS_HOSTPORT_MAX];
	size_t j;

	if (s->fwmark)
		snprintf(hp, sizeof(hp), "FWM %u", s->fwmark);
	else
		vs_hostport_str_af(hp + 4, sizeof(hp) - 4, s->af, &s->addr,
				   s->port, s->protocol, true);
	if (!s->fwmark)
		memcpy(hp, s->protocol == IPPROTO_UDP ? "UDP " : "TCP ", 4);
	for (j = 0; j < s->n_dests; j++)
		json_array_append_new(servers, web_dest_json(s, &s->dests[j]));
	o = json_pack("{s:o, s:s, s:o, s:I, s:I}",
		      "virtual", name ? json_text(name) : json_null(),
		      "service", hp,
		      "scheduler", json_text(s->sched),
		      "persistent", (json_int_t)(s->flags & VS_SVC_F_PERSISTENT ? s->timeout : 0),
		      "conns", (json_int_t)s->stats.conns);
	stats_json(o, &s->stats);
	json_object_set_new(o, "servers", servers);
	return o;
}

/* The routing table as it is now, vsd's services named. */
static void table(struct web_call *c, const json_t *req)
{
	const struct vs_table *t = web_hist_table(c->w->hist);
	json_t *services = json_array();
	size_t i;

	(void)req;
	for (i = 0; i < t->n; i++)
		json_array_append_new(services, service_json(web_pool(c->w), &t->svcs[i]));
	sb_json(&c->out, json_pack("{s:b, s:o}", "kernel", !c->w->host.own_table,
				   "services", services));
}

/* ------------------------------------------------------------------ */
/* Actions                                                              */

static void reload(struct web_call *c, const json_t *req)
{
	struct strbuf msg = { 0 };
	int ret;

	(void)req;
	log_notice("web: %s asked for a reload from %s", c->s->user, c->client);
	ret = c->w->host.reload(c->w->host.arg, &msg);
	c->status = ret ? 400 : 200;
	sb_json(&c->out, json_pack("{s:b, s:o}", "ok", !ret, "message", json_text(msg.s)));
	sb_free(&msg);
}

static void role(struct web_call *c, const json_t *req)
{
	const struct web_host *h = &c->w->host;
	bool take = !strcmp(c->path, "/api/takeover");

	(void)req;
	if (h->role(h->arg, take) == -ENOENT) {
		web_error(c, 409, "no failover configured (heartbeat = 0 or no heartbeat_key)");
		return;
	}
	log_notice("web: %s asked for %s from %s", c->s->user,
		   take ? "a takeover" : "a release", c->client);
	sb_json(&c->out, json_pack("{s:b, s:o}", "ok", true,
				   "failover", h->failover(h->arg)));
}

static void save(struct web_call *c, const json_t *req)
{
	web_save(c, req);
}

static const struct route routes[] = {
	{ "session", false, false, session },
	{ "status", false, false, status },
	{ "table", false, false, table },
	{ "history", false, false, history },
	{ "config", false, false, config },
	/* a read user may end its own session */
	{ "logout", true, false, logout },
	{ "config", true, true, save },
	{ "reload", true, true, reload },
	{ "takeover", true, true, role },
	{ "release", true, true, role },
	{ NULL, false, false, NULL }
};

/* ------------------------------------------------------------------ */

/*
 * The body as a JSON object, by jansson: duplicate keys refused, strings
 * with NUL refused (jansson's default), nothing after the value.
 */
static json_t *body_json(struct web_call *c)
{
	json_error_t err;
	json_t *j;

	if (!is_json(c)) {
		web_error(c, 415, "expected a body of Content-Type application/json");
		return NULL;
	}
	j = json_loadb(c->body, c->body_len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (!j)
		web_error(c, 400, "bad JSON at byte %d: %s", err.position, err.text);
	else if (!json_is_object(j))
		web_error(c, 400, "expected a JSON object");
	else
		return j;
	json_decref(j);
	return NULL;
}

static const struct route *find_route(const char *name, bool post)
{
	const struct route *r;

	for (r = routes; r->name; r++)
		if (!strcmp(r->name, name) && r->post == post)
			return r;
	return NULL;
}

/* A change: the origin, the token, the role (if r needs it), the body. */
static json_t *change_allowed(struct web_call *c, const struct route *r)
{
	if (!same_origin(c)) {
		web_error(c, 403, "cross-site request refused (Origin %s)", c->origin);
		return NULL;
	}
	if (!web_auth_csrf_ok(c->s, c->csrf)) {
		web_error(c, 403, "missing or wrong CSRF token (header X-CSRF-Token, from GET /api/session)");
		return NULL;
	}
	if (r->admin && c->s->role != WEB_ADMIN) {
		web_error(c, 403, "%s may only look: changes need the admin role", c->s->user);
		return NULL;
	}
	return c->body_len ? body_json(c) : json_object();
}

void web_api(struct web_call *c)
{
	const char *name = c->path + 5;
	bool post = !strcmp(c->method, "POST");
	const struct route *r;
	json_t *req = NULL;

	c->type = "application/json";
	if (!post && strcmp(c->method, "GET") && strcmp(c->method, "HEAD")) {
		web_error(c, 405, "method %s not allowed (GET or POST)", c->method);
		return;
	}
	if (!strcmp(name, "login")) {
		/* no session needed, so the same answer with one or without */
		if (!post)
			web_error(c, 405, "method %s not allowed (POST /api/login)",
				  c->method);
		else if (!same_origin(c))
			web_error(c, 403, "cross-site request refused (Origin %s)", c->origin);
		else if (!login_limited(c) && (req = body_json(c)))
			login(c, req);
		json_decref(req);
		return;
	}
	c->s = web_auth_session(c->w->auth, passwd_path(c), c->cookie);
	r = find_route(name, post);
	if (!c->s) {
		web_error(c, 401, "not logged in");
	} else if (!r) {
		if (find_route(name, !post))
			web_error(c, 405, "method %s not allowed (%s /api/%s)",
				  c->method, post ? "GET" : "POST", name);
		else
			web_error(c, 404, "no %s /api/%s", c->method, name);
	} else if (!post) {
		r->fn(c, NULL);
	} else if ((req = change_allowed(c, r))) {
		r->fn(c, req);
	}
	json_decref(req);
}
