// SPDX-License-Identifier: GPL-2.0
/*
 * The panel's API routes with sessions: a vsd daemon (no kernel) with its
 * panel, a user logged in once, then each input is one request handed to
 * web_api() as web.c hands it a complete one. The first byte picks the
 * method and what the request carries (the session's cookie, its CSRF
 * token, a same-site or a foreign Origin, a JSON content type); the
 * path under /api/ runs to the first newline, the body is the rest. Saves
 * write the configuration in a temporary directory and reload it, as the
 * panel does. Every answer must be a status the API gives and, when it
 * is JSON, parse.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <jansson.h>

#include "check/check.h"
#include "conf.h"
#include "daemon.h"
#include "log.h"
#include "loop.h"
#include "web/web.h"
#include "web/web_int.h"

enum {
	F_POST = 1 << 0,
	F_COOKIE = 1 << 1,
	F_CSRF = 1 << 2,
	F_ORIGIN = 1 << 3,
	F_FOREIGN = 1 << 4,
	F_JSON = 1 << 5,
};

static const char conf_text[] =
	"serial_no = 1\n"
	"web_port = %u\n"
	"web_listen = 127.0.0.1\n"
	"web_passwd_file = %s/passwd\n"
	"virtual web {\n"
	"\taddress = 10.1.1.1\n\tport = 80\n\tcheck_type = none\n"
	"\tserver a {\n\t\taddress = 10.2.2.1\n\t}\n"
	"}\n";

static struct vsd_daemon daemon_;
static char token[65], csrf[65];
static char dir[] = "/tmp/vsd-fuzz-webXXXXXX";

static void remove_dir(void)
{
	static const char *const names[] = {
		"vsd.conf", "vsd.conf.bak", "passwd", "passwd.bak", NULL,
	};
	char path[64];
	int i;

	for (i = 0; names[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static struct web_call call(const char *method, const char *path,
			    const char *body, size_t len, unsigned int flags)
{
	struct web_call c = {
		.w = daemon_.web, .method = method, .path = path,
		.body = body, .body_len = len, .client = "127.0.0.1",
		.client_ip = htonl(0x7f000001), .host = "127.0.0.1:3636",
	};

	if (flags & F_COOKIE)
		c.cookie = token;
	if (flags & F_CSRF)
		c.csrf = csrf;
	if (flags & F_ORIGIN)
		c.origin = flags & F_FOREIGN ? "http://evil.example" : "http://127.0.0.1:3636";
	if (flags & F_JSON)
		c.content_type = "application/json";
	return c;
}

/* Log in as the fuzzer's admin: the cookie and the CSRF token. */
static void login(void)
{
	static const char body[] = "{\"user\":\"admin\",\"password\":\"fuzzing horse\"}";
	struct web_call c = call("POST", "/api/login", body, sizeof(body) - 1, F_JSON);
	const char *t;
	json_t *j;

	web_api(&c);
	t = strstr(c.set_cookie, "vsd_session=");
	if (!c.status && t && (j = json_loads(c.out.s, 0, NULL))) {
		snprintf(token, sizeof(token), "%.64s", t + 12);
		snprintf(csrf, sizeof(csrf), "%s",
			 json_string_value(json_object_get(j, "csrf")) ?: "");
		json_decref(j);
	}
	sb_free(&c.out);
}

static int fail(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_web: setup: %s: %s\n", what, why);
	return -1;
}

static int setup(void)
{
	char path[256], passwd[256], err[256];
	struct vsd_conf *conf;
	struct vsd_diag diag;
	struct loop *l;
	FILE *f;

	log_init(false, false, false);
	if (!mkdtemp(dir))
		return -1;
	atexit(remove_dir);
	snprintf(path, sizeof(path), "%s/vsd.conf", dir);
	snprintf(passwd, sizeof(passwd), "%s/passwd", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	/* The panel listens (a port of this process's own), but requests
	 * are handed to web_api() directly.
	 */
	fprintf(f, conf_text, 20000 + (unsigned int)getpid() % 20000, dir);
	fclose(f);
	if (web_passwd_set(passwd, "admin", "admin", "fuzzing horse", err, sizeof(err)))
		return fail("vsd passwd", err);
	l = loop_new();
	if (!l || check_init(l))
		return fail("loop", "");
	if (vsd_conf_parse(path, NULL, &conf, &diag))
		return fail("configuration", diag.n_errors ? diag.errors[0] : "");
	if (daemon_start(&daemon_, l, conf, true))
		return fail("daemon", "");
	if (daemon_web_start(&daemon_, err, sizeof(err)) || !daemon_.web)
		return fail("web", err);
	login();
	return token[0] ? 0 : fail("login", "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char path[128] = "/api/";
	const char *nl, *body;
	unsigned int flags;
	struct web_call c;
	size_t n;
	json_t *j;

	if (!ready)
		ready = setup() ? -1 : 1;
	if (ready < 0)
		abort();
	if (!size)
		return 0;
	flags = data[0];
	data++;
	size--;
	nl = memchr(data, '\n', size);
	n = nl ? (size_t)(nl - (const char *)data) : size;
	if (n > sizeof(path) - 6 || memchr(data, '\0', n))
		return 0;
	memcpy(path + 5, data, n);
	path[5 + n] = '\0';
	body = nl ? nl + 1 : "";
	c = call(flags & F_POST ? "POST" : "GET", path, body,
		 nl ? size - n - 1 : 0, flags);
	web_api(&c);
	/* 0: web.c sends 200 */
	if (c.status && (c.status < 200 || c.status > 503))
		abort();
	if (c.out.s && c.type && !strcmp(c.type, "application/json")) {
		j = json_loads(c.out.s, 0, NULL);
		if (!j) {
			fprintf(stderr, "fuzz_web: %s %s: not JSON: %s\n",
				c.method, c.path, c.out.s);
			abort();
		}
		json_decref(j);
	}
	sb_free(&c.out);
	if (!daemon_.web)
		abort();
	/* A logout (or too many) ends the session: start another. */
	if (!web_auth_session(daemon_.web->auth, daemon_.pool->conf->web_passwd_file, token))
		login();
	return 0;
}
