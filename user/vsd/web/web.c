// SPDX-License-Identifier: GPL-2.0
/*
 * The web panel's HTTP server: libmicrohttpd with MHD_USE_EPOLL and no
 * thread of its own. Its epoll fd sits in vsd's loop; when it is readable,
 * or when MHD's own timeout (idle connections, TLS handshakes, connections
 * with data already buffered) comes due, MHD_run() does the work. Every
 * request is checked against web_allow before anything else, the login
 * and help pages included (Red Hat's LVS guide, section 2.4, warns that Piranha's
 * .htaccess protected only some of its pages).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "atomic.h"
#include "log.h"
#include "web.h"
#include "web_int.h"

#define MAX_BODY	(256 * 1024)
/* A login is read before anyone is known: a user name and a password. */
#define MAX_LOGIN_BODY	1024
#define MAX_CONNS	64
#define MAX_PER_IP	16
#define IDLE_TIMEOUT_S	30

struct req {
	char *body;
	size_t len, limit;
	bool too_big;
};

/* ------------------------------------------------------------------ */
/* The loop                                                             */

static void pump(struct vsd_web *w)
{
	MHD_UNSIGNED_LONG_LONG ms;

	MHD_run(w->mhd);
	if (MHD_get_timeout(w->mhd, &ms) == MHD_YES)
		loop_timer_in(w->host.loop, &w->timer, ms * 1000);
	else
		loop_timer_cancel(w->host.loop, &w->timer);
}

static void on_io(struct loop_io *io, uint32_t events)
{
	(void)events;
	pump((struct vsd_web *)((char *)io - offsetof(struct vsd_web, io)));
}

static void on_timer(struct loop_timer *t)
{
	pump((struct vsd_web *)((char *)t - offsetof(struct vsd_web, timer)));
}

/* ------------------------------------------------------------------ */
/* Answers                                                              */

static void add_headers(struct web_call *c, struct MHD_Response *r)
{
	char num[16];

	MHD_add_response_header(r, "Content-Type", c->type ? c->type : "application/json");
	MHD_add_response_header(r, "Cache-Control", c->static_data ? "no-cache" : "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	/* No inline script, nothing from elsewhere: the machine has no
	 * internet, and an injected string could not run anyway.
	 */
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; script-src 'self'; style-src 'self'; "
				"img-src 'self' data:; frame-ancestors 'none'; form-action 'self'");
	if (c->w->tls)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
	if (c->set_cookie[0])
		MHD_add_response_header(r, "Set-Cookie", c->set_cookie);
	if (c->retry_after) {
		snprintf(num, sizeof(num), "%u", c->retry_after);
		MHD_add_response_header(r, "Retry-After", num);
	}
}

static enum MHD_Result send_answer(struct MHD_Connection *conn, struct web_call *c)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (c->out.failed)
		web_error(c, 500, "out of memory");
	if (c->static_data)
		r = MHD_create_response_from_buffer(c->static_len, (void *)c->static_data,
						    MHD_RESPMEM_PERSISTENT);
	else
		r = MHD_create_response_from_buffer(c->out.len, c->out.s ? c->out.s : "",
						    MHD_RESPMEM_MUST_COPY);
	sb_free(&c->out);
	if (!r)
		return MHD_NO;
	add_headers(c, r);
	ret = MHD_queue_response(conn, c->status ? c->status : 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Requests                                                             */

static bool allowed(const struct vsd_web *w, uint32_t ip)
{
	const struct vsd_conf *conf = web_conf(w);
	unsigned int i;

	for (i = 0; i < conf->n_web_allow; i++) {
		uint32_t mask = conf->web_allow[i].plen ?
				htonl(~0U << (32 - conf->web_allow[i].plen)) : 0;

		if ((ip & mask) == (conf->web_allow[i].ip & mask))
			return true;
	}
	return false;
}

/*
 * web_allow at accept time: an address outside it never gets a connection
 * slot, so it cannot fill them (MAX_CONNS) and keep the admin out.
 */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr,
				     socklen_t len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;

	return len >= sizeof(*sin) && sin->sin_family == AF_INET &&
	       allowed(cls, sin->sin_addr.s_addr) ? MHD_YES : MHD_NO;
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

static void start_call(struct vsd_web *w, struct MHD_Connection *conn,
		       const char *url, const char *method, struct web_call *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr_in *sin = ci ? (const void *)ci->client_addr : NULL;

	memset(c, 0, sizeof(*c));
	c->w = w;
	c->method = method;
	c->path = url;
	if (sin && sin->sin_family == AF_INET)
		c->client_ip = sin->sin_addr.s_addr;
	inet_ntop(AF_INET, &c->client_ip, c->client, sizeof(c->client));
	c->content_type = header(conn, "Content-Type");
	/* libmicrohttpd parses the Cookie header: this cookie by its name. */
	c->cookie = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "vsd_session");
	c->csrf = header(conn, "X-CSRF-Token");
	c->origin = header(conn, "Origin");
	c->host = header(conn, "Host");
}

static void dispatch(struct web_call *c, const struct req *r)
{
	c->body = r->body ? r->body : "";
	c->body_len = r->len;
	if (r->too_big)
		web_error(c, 413, "the request body is larger than %zu bytes", r->limit);
	else if (!strncmp(c->path, "/api/", 5))
		web_api(c);
	else if (strcmp(c->method, "GET") && strcmp(c->method, "HEAD"))
		web_error(c, 405, "method %s not allowed here", c->method);
	else if (web_pages_serve(c))
		web_error(c, 404, "no such page: %s", c->path);
}

static bool add_body(struct req *r, const char *data, size_t n)
{
	char *b;

	if (r->too_big || r->len + n > r->limit) {
		r->too_big = true;
		return true;
	}
	b = realloc(r->body, r->len + n + 1);
	if (!b)
		return false;
	memcpy(b + r->len, data, n);
	r->len += n;
	b[r->len] = '\0';
	r->body = b;
	return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **ctx)
{
	struct vsd_web *w = cls;
	struct req *r = *ctx;
	struct web_call c;

	(void)version;
	if (!r) {
		start_call(w, conn, url, method, &c);
		if (!allowed(w, c.client_ip)) {
			/* refused before the body is even read */
			web_error(&c, 403, "forbidden: %s is not in web_allow", c.client);
			return send_answer(conn, &c);
		}
		*ctx = r = calloc(1, sizeof(*r));
		if (r)
			r->limit = strcmp(url, "/api/login") ? MAX_BODY : MAX_LOGIN_BODY;
		return r ? MHD_YES : MHD_NO;
	}
	if (*upload_size) {
		if (!add_body(r, upload, *upload_size))
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	start_call(w, conn, url, method, &c);
	dispatch(&c, r);
	return send_answer(conn, &c);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **ctx,
			 enum MHD_RequestTerminationCode toe)
{
	struct req *r = *ctx;

	(void)cls;
	(void)conn;
	(void)toe;
	if (r) {
		free(r->body);
		free(r);
	}
	*ctx = NULL;
}

/* MHD's last word, for the reason when MHD_start_daemon() fails */
static char mhd_said[256];

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];
	size_t n;

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	log_warn("web: %s", buf);
	if (n && buf[n - 1] == '.')
		buf[--n] = '\0';
	snprintf(mhd_said, sizeof(mhd_said), "%s", buf);
}

/* ------------------------------------------------------------------ */
/* Start and stop                                                       */

static char *read_pem(const char *path)
{
	FILE *f = fopen_regular(path);
	char *buf = NULL;
	size_t len = 0;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && n < (1 << 20) &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc((size_t)n + 1)))
		len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

/*
 * The listening socket is vsd's own, so that a failure has its errno: MHD
 * reports any as EADDRNOTAVAIL. SO_REUSEADDR (a restart need not wait for
 * the old connections' TIME_WAIT) but not SO_REUSEPORT: a second vsd on
 * the same port fails here instead of sharing the connections.
 */
static int listen_socket(const struct vsd_conf *conf)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET, .sin_port = htons(conf->web_port),
		.sin_addr.s_addr = conf->web_listen.ip,
	};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int on = 1, err;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(fd, SOMAXCONN)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/*
 * GnuTLS: TLS 1.2 and 1.3 only, and only key exchanges with forward
 * secrecy (ECDHE; no static RSA, no finite-field DHE with its weak groups).
 */
#define TLS_PRIORITIES \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-RSA:-DHE-RSA:-DHE-DSS:%SERVER_PRECEDENCE"

static struct MHD_Daemon *start_mhd(struct vsd_web *w, int fd,
				    const char *cert, const char *key)
{
	struct MHD_OptionItem opts[] = {
		{ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, NULL },
		{ MHD_OPTION_LISTEN_SOCKET, fd, NULL },
		{ MHD_OPTION_CONNECTION_LIMIT, MAX_CONNS, NULL },
		{ MHD_OPTION_PER_IP_CONNECTION_LIMIT, MAX_PER_IP, NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, IDLE_TIMEOUT_S, NULL },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL },
		{ cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)key },
		{ MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES },
		{ MHD_OPTION_END, 0, NULL },
	};
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			     (cert ? MHD_USE_TLS : 0);

	return MHD_start_daemon(flags, 0, accept_policy, w, on_request, w,
				MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
}

/* 0, or -errno and why (for the log and the starting command). */
static int listen_mhd(struct vsd_web *w, const struct vsd_conf *conf,
		      const char *addr, char *why, size_t len)
{
	char *cert = NULL, *key = NULL;
	const union MHD_DaemonInfo *di;
	int fd, err;

	if (w->tls) {
		struct stat st;

		/* As the password file and the heartbeat key: root's eyes only. */
		if (!stat(conf->web_key, &st) && (st.st_mode & 077)) {
			snprintf(why, len, "%s can be read by others: chmod 600 it",
				 conf->web_key);
			return -EACCES;
		}
		cert = read_pem(conf->web_cert);
		key = read_pem(conf->web_key);
		if (!cert || !key) {
			snprintf(why, len, "cannot read %s: %s", !cert ? conf->web_cert :
				 conf->web_key, strerror(errno));
			free(cert);
			free(key);
			return -EIO;
		}
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			snprintf(why, len, "this libmicrohttpd has no TLS");
			free(cert);
			free(key);
			return -ENOTSUP;
		}
	}
	fd = listen_socket(conf);
	if (fd < 0) {
		snprintf(why, len, "cannot listen on %s:%u: %s", addr, conf->web_port,
			 strerror(-fd));
		free(cert);
		free(key);
		return fd;
	}
	mhd_said[0] = '\0';
	w->mhd = start_mhd(w, fd, cert, key);
	free(cert);
	free(key);
	if (!w->mhd) {
		/* MHD may have closed it already; nothing else runs meanwhile */
		if (fcntl(fd, F_GETFD) >= 0)
			close(fd);
		snprintf(why, len, "libmicrohttpd cannot serve on %s:%u%s%s", addr,
			 conf->web_port, mhd_said[0] ? ": " : "", mhd_said);
		return -EIO;
	}
	di = MHD_get_daemon_info(w->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	w->io.fd = di ? di->epoll_fd : -1;
	w->io.fn = on_io;
	w->timer.fn = on_timer;
	err = w->io.fd < 0 ? -EIO : loop_io_add(w->host.loop, &w->io, EPOLLIN);
	if (err)
		snprintf(why, len, "cannot poll libmicrohttpd: %s", strerror(-err));
	return err;
}

static struct vsd_web *web_new(const struct web_host *host,
			       const struct vsd_conf *conf)
{
	struct vsd_web *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->host = *host;
	w->tls = conf->web_cert && conf->web_key;
	w->port = conf->web_port;
	w->listen = conf->web_listen.ip;
	w->cert = conf->web_cert ? strdup(conf->web_cert) : NULL;
	w->key = conf->web_key ? strdup(conf->web_key) : NULL;
	w->auth = web_auth_new();
	w->hist = web_hist_new(&w->host);
	if (!w->auth || !w->hist) {
		web_stop(w);
		return NULL;
	}
	return w;
}

struct vsd_web *web_start(const struct web_host *host, int *err, char *why,
			  size_t len)
{
	const struct vsd_conf *conf = host->pool(host->arg)->conf;
	struct vsd_web *w;
	char a[16];

	*err = 0;
	if (!vsd_web_enabled(conf))
		return NULL;
	w = web_new(host, conf);
	if (!w) {
		*err = -ENOMEM;
		snprintf(why, len, "%s", strerror(ENOMEM));
		return NULL;
	}
	inet_ntop(AF_INET, &conf->web_listen.ip, a, sizeof(a));
	*err = listen_mhd(w, conf, a, why, len);
	if (*err) {
		web_stop(w);
		return NULL;
	}
	log_notice("web: panel on %s://%s:%u/", w->tls ? "https" : "http", a,
		   conf->web_port);
	return w;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

void web_reloaded(const struct vsd_web *w, const struct vsd_conf *c)
{

	/* no panel running: one added waits for a restart too */
	if (!w ? vsd_web_enabled(c) :
	    !vsd_web_enabled(c) || c->web_port != w->port ||
	    c->web_listen.ip != w->listen || !same_str(c->web_cert, w->cert) ||
	    !same_str(c->web_key, w->key))
		log_warn("web: changes of web_port, web_listen, web_cert and web_key take effect when vsd restarts");
}

void web_stop(struct vsd_web *w)
{
	if (!w)
		return;
	if (w->mhd) {
		loop_io_del(w->host.loop, &w->io);
		loop_timer_cancel(w->host.loop, &w->timer);
		MHD_stop_daemon(w->mhd);
	}
	web_hist_free(w->hist);
	web_auth_free(w->auth);
	free(w->cert);
	free(w->key);
	free(w);
}
