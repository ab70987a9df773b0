// SPDX-License-Identifier: GPL-2.0
/*
 * Who may use the panel. Users are lines "user:role:hash" in
 * web_passwd_file (root's alone: a file others can read, or owned by
 * another user than root or vsd's own, is refused), the
 * hash made by crypt(3) with libxcrypt's preferred method (yescrypt on
 * Debian 12): slow and salted, so a stolen file is not a password list.
 * `vsd passwd` writes it.
 *
 * A login gives a session: a random cookie token and a random CSRF token
 * the pages send back in a header with every change. Sessions end after
 * 30 idle minutes, after 12 hours, at logout, and when the user's password
 * changes (the file is looked at on every request; as Piranha's tool
 * asked for the new password, as Red Hat's LVS guide, section 2.2, describes).
 *
 * Failed logins are limited per client address (5, then one per 12 s),
 * per user name (3, then one per 12 s: guesses spread over many
 * addresses gain nothing) and in all (crypt is slow on purpose, and vsd
 * has one thread).
 */
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "log.h"
#include "loop.h"
#include "strbuf.h"
#include "web_int.h"

#define MAX_SESSIONS	64
#define IDLE_US		(30ULL * 60 * 1000000)
#define LIFE_US		(12ULL * 3600 * 1000000)
#define MAX_USERS	64
#define IP_SLOTS	256
#define IP_BURST	5
#define IP_REFILL_US	(12ULL * 1000000)
#define USER_SLOTS	256
#define USER_BURST	3
#define USER_REFILL_US	(12ULL * 1000000)
#define ALL_BURST	20
#define ALL_REFILL_US	(500ULL * 1000)

struct user {
	char name[64];
	enum web_role role;
	char *hash;
};

/* A token bucket: `tokens` attempts now, one more every refill. */
struct bucket {
	uint32_t ip;
	char user[64];
	double tokens;
	uint64_t at;
};

const char web_limit_addr[] = "too many failed logins";
const char web_limit_user[] = "too many failed logins as";
const char web_limit_all[] = "too many logins from all addresses";

struct web_auth {
	struct user users[MAX_USERS];
	size_t n_users;
	struct stat seen;		/* the file as last read */
	bool loaded;
	const char *problem;		/* why no one can log in */
	struct web_session sessions[MAX_SESSIONS];
	struct bucket ips[IP_SLOTS];
	struct bucket names[USER_SLOTS];	/* by user name, known or not */
	struct bucket all;
	char *dummy;			/* hash for unknown users */
	struct crypt_data *cd;
};

int web_random_hex(char *out, size_t n)
{
	unsigned char buf[64];
	size_t i;

	if (n > sizeof(buf) || getrandom(buf, n, 0) != (ssize_t)n)
		return -1;
	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", buf[i]);
	return 0;
}

/* Equal strings, in a time that does not tell how much of them matched. */
static bool same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return !d;
}

/* ------------------------------------------------------------------ */
/* The password file                                                    */

static void drop_users(struct web_auth *a)
{
	size_t i;

	for (i = 0; i < a->n_users; i++)
		free(a->users[i].hash);
	a->n_users = 0;
}

static void parse_user(struct web_auth *a, char *line)
{
	char *user = strtok(line, ":"), *role = strtok(NULL, ":"),
	     *hash = strtok(NULL, "\n");
	struct user *u;

	if (!user || !role || !hash || *user == '#' || a->n_users == MAX_USERS ||
	    strlen(user) >= sizeof(u->name) ||
	    (strcmp(role, "admin") && strcmp(role, "read")))
		return;
	u = &a->users[a->n_users];
	snprintf(u->name, sizeof(u->name), "%s", user);
	u->role = role[0] == 'a' ? WEB_ADMIN : WEB_READ;
	u->hash = strdup(hash);
	if (u->hash)
		a->n_users++;
}

static bool changed(const struct stat *a, const struct stat *b)
{
	return a->st_ino != b->st_ino || a->st_dev != b->st_dev ||
	       a->st_size != b->st_size || a->st_mtim.tv_sec != b->st_mtim.tv_sec ||
	       a->st_mtim.tv_nsec != b->st_mtim.tv_nsec || a->st_mode != b->st_mode ||
	       a->st_uid != b->st_uid;
}

/* Read the file again when it changed since the last look. */
static void refresh(struct web_auth *a, const char *path)
{
	struct stat st;
	char line[1024];
	FILE *f;

	if (stat(path, &st)) {
		drop_users(a);
		a->loaded = false;
		a->problem = "no password is set: run `vsd passwd` as root";
		return;
	}
	if (a->loaded && !changed(&st, &a->seen))
		return;
	drop_users(a);
	a->seen = st;
	a->loaded = true;
	a->problem = NULL;
	if (st.st_mode & 077) {
		a->problem = "the password file is readable by others: chmod 600 it";
		log_err("web: %s is readable by others: no one can log in until it is chmod 600",
			path);
		return;
	}
	/* another user could write it: make himself admin */
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		a->problem = "the password file is not root's: chown root it";
		log_err("web: %s belongs to uid %u, not root: no one can log in until it is chown root",
			path, (unsigned int)st.st_uid);
		return;
	}
	f = fopen_regular(path);
	if (!f) {
		a->problem = "the password file cannot be read";
		return;
	}
	while (fgets(line, sizeof(line), f))
		parse_user(a, line);
	fclose(f);
}

static const struct user *find_user(const struct web_auth *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->n_users; i++)
		if (!strcmp(a->users[i].name, name))
			return &a->users[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Sessions                                                             */

static void end_session(struct web_session *s)
{
	free(s->hash);
	memset(s, 0, sizeof(*s));
}

/* Alive: not idle too long, not too old, its user's password unchanged. */
static bool alive(const struct web_auth *a, const struct web_session *s,
		  uint64_t now)
{
	const struct user *u = find_user(a, s->user);

	return s->in_use && now - s->used < IDLE_US && now - s->created < LIFE_US &&
	       u && u->role == s->role && !strcmp(u->hash, s->hash);
}

struct web_session *web_auth_session(struct web_auth *a, const char *passwd,
				     const char *cookie)
{
	uint64_t now = loop_now();
	const char *token = cookie;	/* the vsd_session cookie's value */
	size_t i;

	if (!token || strlen(token) != 64 || strspn(token, "0123456789abcdef") != 64)
		return NULL;
	refresh(a, passwd);
	for (i = 0; i < MAX_SESSIONS; i++) {
		struct web_session *s = &a->sessions[i];

		if (!s->in_use || !same_secret(s->token, token))
			continue;
		if (!alive(a, s, now)) {
			end_session(s);
			return NULL;
		}
		s->used = now;
		return s;
	}
	return NULL;
}

/* A free slot, or the one used least recently. */
static struct web_session *new_session(struct web_auth *a, const struct user *u)
{
	struct web_session *s = &a->sessions[0];
	size_t i;

	for (i = 0; i < MAX_SESSIONS; i++) {
		if (!a->sessions[i].in_use) {
			s = &a->sessions[i];
			break;
		}
		if (a->sessions[i].used < s->used)
			s = &a->sessions[i];
	}
	end_session(s);
	if (web_random_hex(s->token, 32) || web_random_hex(s->csrf, 32) ||
	    !(s->hash = strdup(u->hash)))
		return NULL;
	snprintf(s->user, sizeof(s->user), "%s", u->name);
	s->role = u->role;
	s->created = s->used = loop_now();
	s->in_use = true;
	return s;
}

void web_auth_logout(struct web_auth *a, struct web_session *s)
{
	(void)a;
	end_session(s);
}

bool web_auth_csrf_ok(const struct web_session *s, const char *token)
{
	return s && token && same_secret(s->csrf, token);
}

/* ------------------------------------------------------------------ */
/* Login                                                                */

static bool take(struct bucket *b, unsigned int burst, uint64_t refill,
		 uint64_t now, unsigned int *wait_s)
{
	b->tokens += (double)(now - b->at) / (double)refill;
	if (b->tokens > burst)
		b->tokens = burst;
	b->at = now;
	if (b->tokens >= 1)
		return true;
	*wait_s = (unsigned int)(((1 - b->tokens) * (double)refill) / 1e6) + 1;
	return false;
}

static struct bucket *ip_bucket(struct web_auth *a, uint32_t ip, uint64_t now)
{
	struct bucket *oldest = &a->ips[0];
	size_t i;

	for (i = 0; i < IP_SLOTS; i++) {
		if (a->ips[i].at && a->ips[i].ip == ip)
			return &a->ips[i];
		if (a->ips[i].at < oldest->at)
			oldest = &a->ips[i];
	}
	*oldest = (struct bucket){ .ip = ip, .tokens = IP_BURST, .at = now };
	return oldest;
}

/* Names longer than a slot's share its bucket with their first 63 bytes. */
static struct bucket *user_bucket(struct web_auth *a, const char *user,
				  uint64_t now)
{
	struct bucket *oldest = &a->names[0];
	size_t i;

	for (i = 0; i < USER_SLOTS; i++) {
		if (a->names[i].at &&
		    !strncmp(a->names[i].user, user, sizeof(a->names[i].user) - 1))
			return &a->names[i];
		if (a->names[i].at < oldest->at)
			oldest = &a->names[i];
	}
	*oldest = (struct bucket){ .tokens = USER_BURST, .at = now };
	snprintf(oldest->user, sizeof(oldest->user), "%s", user);
	return oldest;
}

static bool verify(struct web_auth *a, const struct user *u, const char *pass)
{
	const char *hash = u ? u->hash : a->dummy;
	const char *out;

	memset(a->cd, 0, sizeof(*a->cd));
	out = crypt_r(pass, hash ? hash : "*", a->cd);
	/* an unknown user costs the same time as a known one */
	return u && out && out[0] != '*' && same_secret(out, u->hash);
}

unsigned int web_auth_login_precheck(struct web_auth *a, uint32_t ip,
				     unsigned int *retry_after, const char **why)
{
	uint64_t now = loop_now();

	*retry_after = 0;
	if (!take(ip_bucket(a, ip, now), IP_BURST, IP_REFILL_US, now, retry_after)) {
		*why = web_limit_addr;
		return 429;
	}
	if (!take(&a->all, ALL_BURST, ALL_REFILL_US, now, retry_after)) {
		*why = web_limit_all;
		return 429;
	}
	return 200;
}

unsigned int web_auth_login(struct web_auth *a, const char *passwd,
			    uint32_t ip, const char *user, const char *pass,
			    struct web_session **s, unsigned int *retry_after,
			    const char **why)
{
	uint64_t now = loop_now();
	struct bucket *b = ip_bucket(a, ip, now);
	struct bucket *ub = user_bucket(a, user, now);
	const struct user *u;

	*s = NULL;
	*retry_after = 0;
	if (!take(b, IP_BURST, IP_REFILL_US, now, retry_after)) {
		*why = web_limit_addr;
		return 429;
	}
	if (!take(ub, USER_BURST, USER_REFILL_US, now, retry_after)) {
		*why = web_limit_user;
		return 429;
	}
	if (!take(&a->all, ALL_BURST, ALL_REFILL_US, now, retry_after)) {
		*why = web_limit_all;
		return 429;
	}
	refresh(a, passwd);
	if (a->problem) {
		*why = a->problem;
		return 503;
	}
	u = find_user(a, user);
	a->all.tokens -= 1;
	if (!verify(a, u, pass)) {
		b->tokens -= 1;	/* only failures count against an address */
		ub->tokens -= 1;	/* and a name */
		*why = "wrong user name or password";
		return 401;
	}
	*s = new_session(a, u);
	*why = "out of memory";
	return *s ? 200 : 500;
}

/* ------------------------------------------------------------------ */

struct web_auth *web_auth_new(void)
{
	struct web_auth *a = calloc(1, sizeof(*a));
	char pw[33], *salt;

	if (!a)
		return NULL;
	a->cd = calloc(1, sizeof(*a->cd));
	a->all = (struct bucket){ .tokens = ALL_BURST, .at = loop_now() };
	salt = crypt_gensalt_ra(NULL, 0, NULL, 0);
	if (!a->cd || !salt || web_random_hex(pw, 16)) {
		free(salt);
		web_auth_free(a);
		return NULL;
	}
	a->dummy = strdup(crypt_r(pw, salt, a->cd));
	free(salt);
	return a;
}

void web_auth_free(struct web_auth *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < MAX_SESSIONS; i++)
		end_session(&a->sessions[i]);
	drop_users(a);
	free(a->dummy);
	free(a->cd);
	free(a);
}

/* ------------------------------------------------------------------ */
/* vsd passwd                                                           */

static bool valid_user(const char *u)
{
	size_t n = strlen(u);

	if (!n || n > 63)
		return false;
	for (; *u; u++)
		if (!((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') ||
		      (*u >= '0' && *u <= '9') || *u == '_' || *u == '-' || *u == '.'))
			return false;
	return true;
}

/* Every line but user's, then (unless deleting) user's new one; *found
 * whether user had a line.
 */
static int new_file(const char *path, const char *user, const char *line,
		    struct strbuf *out, bool *found)
{
	FILE *f = fopen_regular(path);
	char buf[1024];
	size_t n = strlen(user);

	*found = false;
	if (!f && errno != ENOENT)
		return -1;
	while (f && fgets(buf, sizeof(buf), f)) {
		if (strncmp(buf, user, n) || buf[n] != ':')
			sb_printf(out, "%s", buf);
		else
			*found = true;
	}
	if (f)
		fclose(f);
	if (line)
		sb_printf(out, "%s\n", line);
	return 0;
}

static char *hash_password(const char *password)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	char *salt = crypt_gensalt_ra(NULL, 0, NULL, 0), *out = NULL;
	const char *h;

	if (cd && salt) {
		h = crypt_r(password, salt, cd);
		if (h && h[0] != '*')
			out = strdup(h);
	}
	free(salt);
	free(cd);
	return out;
}

int web_passwd_set(const char *path, const char *user, const char *role,
		   const char *password, char *err, size_t errlen)
{
	struct strbuf out = { 0 };
	char *hash = NULL, *line = NULL;
	bool found;
	int ret = -1;

	if (!valid_user(user)) {
		snprintf(err, errlen, "bad user name '%s' (expected 1 to 63 letters, digits, '_', '-' or '.')",
			 user);
		return -1;
	}
	if (role && strcmp(role, "admin") && strcmp(role, "read")) {
		snprintf(err, errlen, "bad role '%s' (expected admin or read)", role);
		return -1;
	}
	if (role && (!(hash = hash_password(password)) ||
		     asprintf(&line, "%s:%s:%s", user, role, hash) < 0)) {
		snprintf(err, errlen, "cannot hash the password: %s", strerror(errno));
		line = NULL;
		goto out;
	}
	if (new_file(path, user, line, &out, &found) || out.failed) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (!role && !found) {
		snprintf(err, errlen, "no user '%s' in %s", user, path);
		goto out;
	}
	/* root's alone, before the new hash is in it */
	if (chmod(path, 0600) && errno != ENOENT) {
		snprintf(err, errlen, "cannot chmod 600 %s: %s", path, strerror(errno));
		goto out;
	}
	ret = atomic_write(path, out.s ? out.s : "", out.len, 0600, false, err, errlen);
out:
	free(hash);
	free(line);
	sb_free(&out);
	return ret;
}
