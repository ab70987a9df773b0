/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the web panel: the server (web.c) hands each complete request to
 * the API (web_api.c) or the static files (web_pages.c) as a web_call;
 * web_auth.c keeps users, sessions and login limits; web_hist.c samples
 * connections for the plot; web_save.c turns edits into a new vsd.conf.
 */
#ifndef _VSD_WEB_INT_H
#define _VSD_WEB_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "loop.h"
#include "pool.h"
#include "strbuf.h"
#include "web.h"

struct web_auth;
struct web_hist;

enum web_role { WEB_READ, WEB_ADMIN };

struct web_session {
	char token[65];			/* the cookie */
	char csrf[65];			/* sent back on every change */
	char user[64];
	enum web_role role;
	char *hash;			/* the user's hash when logged in */
	uint64_t created, used;		/* monotonic us */
	bool in_use;
};

struct vsd_web {
	struct web_host host;
	struct MHD_Daemon *mhd;
	struct loop_io io;
	struct loop_timer timer;
	bool tls;
	uint16_t port;			/* as started */
	uint32_t listen;
	char *cert, *key;		/* paths as started */
	struct web_auth *auth;
	struct web_hist *hist;
};

/* One request, complete, and its answer. */
struct web_call {
	struct vsd_web *w;
	const char *method, *path;	/* path without the query */
	const char *body;
	size_t body_len;
	const char *content_type, *cookie, *csrf, *origin, *host; /* cookie: vsd_session's value */
	char client[16];		/* dotted IPv4 */
	uint32_t client_ip;
	struct web_session *s;		/* NULL: not logged in */
	/* the answer */
	unsigned int status;
	const char *type;
	struct strbuf out;
	const void *static_data;	/* instead of out: a file of the panel */
	size_t static_len;
	char set_cookie[256];
	unsigned int retry_after;
};

static inline const struct pool *web_pool(const struct vsd_web *w)
{
	return w->host.pool(w->host.arg);
}

static inline const struct vsd_conf *web_conf(const struct vsd_web *w)
{
	return web_pool(w)->conf;
}

/* web_call.c */
__attribute__((format(printf, 3, 4)))
void web_error(struct web_call *c, unsigned int status, const char *fmt, ...);

/* web_pages.c: 0 when path is one of the panel's files */
int web_pages_serve(struct web_call *c);

/* A member of a request object as a string: NULL if absent or not one. */
static inline const char *web_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* web_api.c */
void web_api(struct web_call *c);
/* One real server of the table as /api/table gives it (unit-tested). */
json_t *web_dest_json(const struct vs_virtual *s, const struct vs_real *d);

/* web_auth.c */
struct web_auth *web_auth_new(void);
void web_auth_free(struct web_auth *a);
struct web_session *web_auth_session(struct web_auth *a, const char *passwd,
				     const char *cookie);
/* 200 and *s, or 401 / 429 (retry_after) / 500 / 503 with why. A 429's
 * why is web_limit_addr (the client's address, which the caller names,
 * failed too often), web_limit_user (so did the user name, which the
 * caller names) or web_limit_all (too many logins from everywhere).
 */
extern const char web_limit_addr[], web_limit_user[], web_limit_all[];
/* The limits of the address and of all, before the body is even parsed. */
unsigned int web_auth_login_precheck(struct web_auth *a, uint32_t ip,
				     unsigned int *retry_after, const char **why);
unsigned int web_auth_login(struct web_auth *a, const char *passwd,
			    uint32_t ip, const char *user, const char *pass,
			    struct web_session **s, unsigned int *retry_after,
			    const char **why);
void web_auth_logout(struct web_auth *a, struct web_session *s);
bool web_auth_csrf_ok(const struct web_session *s, const char *token);
/* `vsd passwd`: set (or with role NULL, delete) a user. 0 or -1 + err. */
int web_passwd_set(const char *path, const char *user, const char *role,
		   const char *password, char *err, size_t errlen);
/* Random bytes as hex (2 * n chars + NUL into out). */
int web_random_hex(char *out, size_t n);

/* web_hist.c */
struct web_hist *web_hist_new(const struct web_host *host);
void web_hist_free(struct web_hist *h);
const struct vs_table *web_hist_table(struct web_hist *h);
void web_hist_json(const struct web_hist *h, struct strbuf *out);

/* web_save.c: apply the edits of body (POST /api/config) */
void web_save(struct web_call *c, const json_t *req);
void web_config_json(const struct vsd_web *w, struct strbuf *out);

#endif /* _VSD_WEB_INT_H */
