// SPDX-License-Identifier: GPL-2.0
/*
 * vsd's checks on the host: escapes, regex and literal matching, %h
 * substitution without a shell (a server address cannot inject commands),
 * the health state machine, and real probes - TCP, send/expect, regex,
 * HTTP, UDP, program, load agent - run on the event loop against servers
 * on 127.0.0.1 (and ::1, for IPv6 real servers) served by the same loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check/check.h"
#include "check/health.h"
#include "conf.h"
#include "conf_argv.h"
#include "log.h"
#include "tap.h"

extern char **environ;

/* ------------------------------------------------------------------ */
/* Escapes and matching                                                 */

static void test_escapes(void)
{
	char out[64];
	size_t len = 0;

	ok(!vsd_unescape("GET / HTTP/1.0\\r\\n\\r\\n", out, &len) && len == 18 &&
	   !memcmp(out, "GET / HTTP/1.0\r\n\r\n", 18), "\\r \\n become CR LF");
	ok(!vsd_unescape("a\\tb\\\\c\\\"d\\qe", out, &len) &&
	   !strcmp(out, "a\tb\\c\"dqe") && len == 9,
	   "\\t, \\\\, \\\" and \\q (escapes the next character)");
	ok(vsd_unescape("trailing\\", out, &len) == -1, "a lone trailing backslash is an error");
	ok(!vsd_unescape_regex("^HTTP/1\\.[01] 200\\r$", out) &&
	   !strcmp(out, "^HTTP/1\\.[01] 200\r$"),
	   "regex: \\r becomes CR, \\. stays for regcomp");
	ok(!vsd_unescape_regex("a\\\\b\\\"", out) && !strcmp(out, "a\\\\b\""),
	   "regex: \\\\ stays a regex backslash, \\\" a quote");
}

static struct probe *fake_probe(const char *expect, bool regex)
{
	static struct probe p;

	if (p.has_re)
		regfree(&p.re);
	memset(&p, 0, sizeof(p));
	p.cc.expect = (char *)expect;
	p.cc.expect_len = strlen(expect);
	p.cc.use_regex = regex;
	p.has_re = regex && !regcomp(&p.re, expect, REG_EXTENDED | REG_NOSUB);
	return &p;
}

static void test_match(void)
{
	const char *reply = "HTTP/1.1 200 OK\r\nServer: x\r\n";
	struct probe *p;

	p = fake_probe("HTTP/1.", false);
	is_int(check_expect_match(p, reply, strlen(reply)), 1, "literal: a prefix matches");
	is_int(check_expect_match(p, "HTT", 3), -1, "literal: a short reply may still match");
	is_int(check_expect_match(p, "SMTP", 4), 0, "literal: a wrong byte fails at once");
	p = fake_probe("^HTTP/1\\.[01] 200", true);
	is_int(check_expect_match(p, reply, strlen(reply)), 1, "regex: matches");
	is_int(check_expect_match(p, "HTTP/1x1 200", 12), -1, "regex: '.' escaped is literal");
	p = fake_probe("Server: [a-z]+", true);
	is_int(check_expect_match(p, reply, strlen(reply)), 1, "regex: matches inside the reply");
	is_int(check_expect_match(p, "x\0Server: y", 11), 1,
	       "regex: a NUL in the reply does not hide what follows");
	fake_probe("", false);
}

/* ------------------------------------------------------------------ */
/* %h without a shell                                                   */

static char *run_argv(char **argv)
{
	static char out[512];
	posix_spawn_file_actions_t fa;
	int fds[2], status;
	ssize_t n, len = 0;
	pid_t pid;

	if (pipe(fds))
		return NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ))
		return NULL;
	close(fds[1]);
	while ((n = read(fds[0], out + len, sizeof(out) - 1 - (size_t)len)) > 0)
		len += n;
	close(fds[0]);
	waitpid(pid, &status, 0);
	posix_spawn_file_actions_destroy(&fa);
	out[len] = '\0';
	return out;
}

static void test_argv(void)
{
	const char *evil = "1.2.3.4; touch /tmp/vsd-pwned $(touch /tmp/vsd-pwned) `touch /tmp/vsd-pwned`";
	char **argv;

	ok(!vsd_exec_argv("/usr/local/bin/check %h", "10.11.12.1", 80, &argv) &&
	   !strcmp(argv[0], "/usr/local/bin/check") &&
	   !strcmp(argv[1], "10.11.12.1") && !argv[2], "%%h becomes the address");
	vsd_exec_argv_free(argv);
	ok(!vsd_exec_argv("/bin/c  --url=http://%h:%p/x  \"two words\" 100%% %x",
			  "10.0.0.1", 8080, &argv) &&
	   !strcmp(argv[1], "--url=http://10.0.0.1:8080/x") &&
	   !strcmp(argv[2], "two words") && !strcmp(argv[3], "100%") &&
	   !strcmp(argv[4], "%x") && !argv[5],
	   "%%p, %%%%, unknown %% kept, quoted words, repeated blanks");
	vsd_exec_argv_free(argv);
	ok(vsd_exec_argv("/bin/c \"open", "h", 1, &argv) == -1 && !argv,
	   "unbalanced quote refused");
	ok(vsd_exec_argv("   ", "h", 1, &argv) == -1, "empty template refused");

	unlink("/tmp/vsd-pwned");
	ok(!vsd_exec_argv("/usr/bin/printf [%s] %h", evil, 1, &argv) &&
	   argv[2] && !strcmp(argv[2], evil) && !argv[3],
	   "a hostile 'address' stays one argument");
	is_str(run_argv(argv), "[1.2.3.4; touch /tmp/vsd-pwned $(touch /tmp/vsd-pwned) `touch /tmp/vsd-pwned`]",
	       "the program gets it verbatim");
	ok(access("/tmp/vsd-pwned", F_OK) != 0, "and no command ran");
	vsd_exec_argv_free(argv);
}

/* ------------------------------------------------------------------ */
/* Health                                                               */

#define S(x) ((uint64_t)(x) * 1000000)

static void test_health(void)
{
	struct health h = { 0 };
	uint64_t to = S(3), re = S(5);

	ok(health_feed(&h, true, S(1), to, re) && h.state == HEALTH_UP,
	   "unknown -> up on the first pass");
	ok(!health_feed(&h, true, S(2), to, re), "up stays up, no transition");
	ok(health_feed(&h, false, S(3), to, re) && h.state == HEALTH_FAILING,
	   "a failure: failing, still in the pool");
	ok(health_in_pool(h.state), "failing is in the pool");
	ok(!health_feed(&h, false, S(4), to, re) && h.state == HEALTH_FAILING,
	   "failing 2 s after the last pass: not yet down (timeout 3 s)");
	ok(health_feed(&h, false, S(5), to, re) && h.state == HEALTH_DOWN,
	   "failing 3 s after the last pass: down");
	ok(health_feed(&h, true, S(6), to, re) && h.state == HEALTH_RETURNING,
	   "a pass while down: returning, not in the pool");
	ok(!health_in_pool(h.state), "returning is out of the pool");
	ok(!health_feed(&h, true, S(10), to, re), "4 s of passes: still returning (reentry 5 s)");
	ok(health_feed(&h, true, S(11), to, re) && h.state == HEALTH_UP,
	   "5 s of passes: up");
	health_feed(&h, false, S(12), to, re);
	health_feed(&h, true, S(13), to, re);
	is_int(h.state, HEALTH_UP, "failing -> up on a pass");
	h = (struct health){ 0 };
	ok(health_feed(&h, false, S(1), to, re) && h.state == HEALTH_DOWN,
	   "unknown -> down on the first failure");
	health_feed(&h, true, S(2), to, re);
	ok(health_feed(&h, false, S(3), to, re) && h.state == HEALTH_DOWN,
	   "a failure while returning: down again, reentry starts over");
	h = (struct health){ .state = HEALTH_UP, .last_pass = S(1) };
	ok(health_feed(&h, false, S(1), 0, 0) && h.state == HEALTH_DOWN,
	   "timeout 0: down at the first failure");
	ok(health_feed(&h, true, S(2), 0, 0) && h.state == HEALTH_UP,
	   "reentry 0: up at the first pass");
}

/* ------------------------------------------------------------------ */
/* Live probes                                                          */

static struct loop *L;

/* A server on 127.0.0.1 or ::1: answers each connection (or datagram)
 * with reply, after the first bytes of the request (kept in req), or at
 * once (banner).
 */
struct fake_srv {
	struct loop_io io;
	const char *reply;
	bool banner, udp;
	uint16_t port;
	int accepts;
	char req[512];
};

struct fake_conn {
	struct loop_io io;
	struct fake_srv *srv;
};

static void conn_io(struct loop_io *io, uint32_t ev)
{
	struct fake_conn *c = (struct fake_conn *)io;
	char buf[1024];
	ssize_t n = recv(io->fd, buf, sizeof(buf), 0);

	(void)ev;
	if (n > 0 && !c->srv->req[0])
		snprintf(c->srv->req, sizeof(c->srv->req), "%.*s", (int)n, buf);
	if (n > 0 && !c->srv->banner) {
		send(io->fd, c->srv->reply, strlen(c->srv->reply), MSG_NOSIGNAL);
		shutdown(io->fd, SHUT_WR);
		return;
	}
	if (n < 0 && errno == EAGAIN)
		return;
	loop_io_del(L, io);
	close(io->fd);
	free(c);
}

static void srv_io(struct loop_io *io, uint32_t ev)
{
	struct fake_srv *s = (struct fake_srv *)io;
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	struct fake_conn *c;
	char buf[512];
	int fd;

	(void)ev;
	if (s->udp) {
		if (recvfrom(io->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen) >= 0)
			sendto(io->fd, s->reply, strlen(s->reply), 0,
			       (struct sockaddr *)&from, flen);
		return;
	}
	fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK);
	if (fd < 0)
		return;
	s->accepts++;
	c = calloc(1, sizeof(*c));
	c->srv = s;
	c->io.fd = fd;
	c->io.fn = conn_io;
	if (s->banner) {
		send(fd, s->reply, strlen(s->reply), MSG_NOSIGNAL);
		shutdown(fd, SHUT_WR);
	}
	loop_io_add(L, &c->io, EPOLLIN);
}

static void srv_start_af(struct fake_srv *s, const char *reply, bool banner,
			 bool udp, int af)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6,
				    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr *sp = af == AF_INET6 ? (struct sockaddr *)&sa6 :
			      (struct sockaddr *)&sa;
	socklen_t len = af == AF_INET6 ? sizeof(sa6) : sizeof(sa);

	memset(s, 0, sizeof(*s));
	s->reply = reply;
	s->banner = banner;
	s->udp = udp;
	s->io.fd = socket(af, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK, 0);
	bind(s->io.fd, sp, len);
	if (!udp)
		listen(s->io.fd, 16);
	getsockname(s->io.fd, sp, &len);
	s->port = ntohs(af == AF_INET6 ? sa6.sin6_port : sa.sin_port);
	s->io.fn = srv_io;
	loop_io_add(L, &s->io, EPOLLIN);
}

static void srv_start(struct fake_srv *s, const char *reply, bool banner, bool udp)
{
	srv_start_af(s, reply, banner, udp, AF_INET);
}

static void srv_stop(struct fake_srv *s)
{
	loop_io_del(L, &s->io);
	close(s->io.fd);
}

/* A port nothing listens on (bound, then closed). */
static uint16_t dead_port(bool udp)
{
	struct fake_srv s;
	uint16_t port;

	srv_start(&s, "", false, udp);
	port = s.port;
	srv_stop(&s);
	return port;
}

struct waiter {
	struct probe_sub sub;
	int verdicts;
	bool pass;
	char reason[160];
};

static void on_verdict(struct probe_sub *s, struct probe *p, bool changed)
{
	struct waiter *w = (struct waiter *)s;

	(void)changed;
	w->verdicts++;
	w->pass = p->last_pass;
	snprintf(w->reason, sizeof(w->reason), "%s", p->reason);
	loop_stop(L);
}

static void on_deadline(struct loop_timer *t)
{
	(void)t;
	loop_stop(L);
}

static struct vsd_check_conf base_conf(enum vsd_check_type type)
{
	struct vsd_check_conf c = {
		.type = type, .protocol = IPPROTO_TCP, .interval = 100,
		.connect_timeout = 500, .timeout = 0, .reentry = 0,
		.http_status = 200,
	};

	return c;
}

/* One verdict of a probe for cc on 127.0.0.1:port or [::1]:port. */
static bool verdict_af(struct vsd_check_conf *cc, uint16_t af, uint16_t port,
		       char *reason)
{
	union vs_addr a = { .ip = htonl(INADDR_LOOPBACK) };
	struct loop_timer deadline = { .fn = on_deadline };
	struct waiter w = { .sub.fn = on_verdict };
	struct probe *p;

	if (af == AF_INET6)
		memcpy(a.bytes, &in6addr_loopback, sizeof(a.bytes));
	p = probe_get(cc, af, &a, port);
	probe_subscribe(p, &w.sub);
	loop_timer_in(L, &deadline, 3000000);
	loop_run(L);
	loop_timer_cancel(L, &deadline);
	probe_unsubscribe(p, &w.sub);
	strcpy(reason, w.verdicts ? w.reason : "no verdict");
	return w.verdicts && w.pass;
}

static bool verdict(struct vsd_check_conf *cc, uint16_t port, char *reason)
{
	return verdict_af(cc, AF_INET, port, reason);
}

static void set_text(char **f, size_t *len, const char *s)
{
	*f = (char *)s;
	if (len)
		*len = strlen(s);
}

static void test_tcp(void)
{
	struct vsd_check_conf c = base_conf(VSD_CHECK_CONNECT);
	struct fake_srv s;
	char why[160];

	srv_start(&s, "HTTP/1.0 200 OK\r\n\r\nrs1\n", false, false);
	ok(verdict(&c, s.port, why), "connect: a listening port passes");
	is_str(why, "connected", "reason: connected");
	ok(!verdict(&c, dead_port(false), why), "connect: a closed port fails");
	is_str(why, "connect: Connection refused", "reason: connection refused");

	set_text(&c.send, &c.send_len, "GET / HTTP/1.0\r\n\r\n");
	set_text(&c.expect, &c.expect_len, "HTTP/1.0 200");
	ok(verdict(&c, s.port, why), "send/expect literal: passes");
	set_text(&c.expect, &c.expect_len, "HTTP/1.0 404");
	ok(!verdict(&c, s.port, why), "send/expect literal: a different reply fails");
	is_str(why, "expect: got 'HTTP/1.0 200 OK\\r\\n\\r\\nrs1\\n'", "reason shows the reply");

	c.use_regex = true;
	set_text(&c.expect, &c.expect_len, "rs[0-9]$");
	ok(!verdict(&c, s.port, why), "regex without REG_NEWLINE: '$' is the end of the reply");
	set_text(&c.expect, &c.expect_len, "^HTTP/1\\.[01] 2[0-9][0-9] .*rs1");
	ok(verdict(&c, s.port, why), "send/expect regex: passes");
	set_text(&c.expect, &c.expect_len, "rs2");
	ok(!verdict(&c, s.port, why), "send/expect regex: no match fails at the end of the reply");
	srv_stop(&s);

	srv_start(&s, "220 ftp ready\r\n", true, false);
	c = base_conf(VSD_CHECK_CONNECT);
	set_text(&c.expect, &c.expect_len, "220");
	ok(verdict(&c, s.port, why), "banner (no send, expect 220): passes");
	srv_stop(&s);
}

static void test_http(void)
{
	struct vsd_check_conf c = base_conf(VSD_CHECK_HTTP);
	struct fake_srv s;
	char why[160];

	srv_start(&s, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nrs1\n", false, false);
	c.http_url = "/health";
	ok(verdict(&c, s.port, why), "http: status 200 passes");
	is_str(why, "http status 200", "reason: the status");
	c.http_status = 204;
	ok(!verdict(&c, s.port, why), "http: another status fails");
	is_str(why, "http: status 200 (expected 204)", "reason names both");
	c.http_status = 200;
	c.http_regex = "^rs[0-9]$";
	ok(!verdict(&c, s.port, why), "http: body regex sees the body only, '$' at its end");
	c.http_regex = "^rs1";
	ok(verdict(&c, s.port, why), "http: body regex matching the body passes");
	is_str(why, "http status 200, body matches", "reason: body matches");
	c.http_regex = "rs2";
	ok(!verdict(&c, s.port, why), "http: body regex not matching fails");
	is_str(why, "http: body does not match http_regex", "reason: body");
	srv_stop(&s);
	srv_start(&s, "SSH-2.0-OpenSSH\r\n", true, false);
	c.http_regex = NULL;
	ok(!verdict(&c, s.port, why), "http: not HTTP fails");
	is_str(why, "http: bad status line 'SSH-2.0-OpenSSH\\r'", "reason: bad status line");
	srv_stop(&s);
}

static void test_udp(void)
{
	struct vsd_check_conf c = base_conf(VSD_CHECK_CONNECT);
	struct fake_srv s;
	char why[160];

	c.protocol = IPPROTO_UDP;
	srv_start(&s, "pong rs1", false, true);
	set_text(&c.send, &c.send_len, "ping");
	set_text(&c.expect, &c.expect_len, "pong");
	ok(verdict(&c, s.port, why), "udp send/expect: passes");
	set_text(&c.expect, &c.expect_len, "nope");
	ok(!verdict(&c, s.port, why), "udp: a different reply fails");
	ok(!verdict(&c, dead_port(true), why), "udp: a closed port fails");
	is_str(why, "refused (ICMP port unreachable)", "reason: ICMP refusal");
	c.expect = NULL;
	c.expect_len = 0;
	c.connect_timeout = 200;
	ok(verdict(&c, s.port, why), "udp without expect: an answer passes");
	srv_stop(&s);
}

static void test_program(void)
{
	struct vsd_check_conf c = base_conf(VSD_CHECK_PROGRAM);
	struct timespec ts = { .tv_nsec = 900 * 1000000 };
	char why[160];

	c.program = "/bin/echo OK %h:%p";
	set_text(&c.expect, &c.expect_len, "OK 127.0.0.1:4242");
	ok(verdict(&c, 4242, why), "program: output matches expect with %%h:%%p");
	set_text(&c.expect, &c.expect_len, "OK 10.");
	ok(!verdict(&c, 4242, why), "program: other output fails");
	is_str(why, "program output 'OK 127.0.0.1:4242.' does not match expect",
	       "reason shows the output");
	c.expect = NULL;
	c.expect_len = 0;
	c.program = "/bin/false";
	ok(!verdict(&c, 1, why), "program: non-zero exit fails");
	is_str(why, "program exited with status 1, output ''", "reason: exit status");
	unlink("/tmp/vsd-killed");
	c.program = "/bin/sh -c \"sleep 0.5; touch /tmp/vsd-killed\"";
	c.connect_timeout = 150;
	ok(!verdict(&c, 1, why), "program: running past connect_timeout fails");
	is_str(why, "timeout after 0.15s", "reason: timeout");
	nanosleep(&ts, NULL);
	ok(access("/tmp/vsd-killed", F_OK) != 0,
	   "program: the whole process group was killed at the timeout");
	c.program = "/nonexistent";
	ok(!verdict(&c, 1, why), "program: a missing program fails");
	is_str(why, "cannot run /nonexistent: No such file or directory", "reason: cannot run");
}

static void test_retries(void)
{
	struct vsd_check_conf c = base_conf(VSD_CHECK_CONNECT);
	struct fake_srv s;
	char why[160];

	srv_start(&s, "500 busy\r\n", true, false);
	set_text(&c.expect, &c.expect_len, "220");
	c.retries = 2;
	ok(!verdict(&c, s.port, why), "retries: a failing server still fails");
	is_int(s.accepts, 3, "retries = 2: three attempts make one verdict");
	srv_stop(&s);

	unlink("/tmp/vsd-retry");
	c = base_conf(VSD_CHECK_PROGRAM);
	c.program = "/bin/sh -c \"[ -e /tmp/vsd-retry ] || { touch /tmp/vsd-retry; exit 1; }\"";
	ok(!verdict(&c, 1, why), "a program failing once: with retries = 0 the check fails");
	unlink("/tmp/vsd-retry");
	c.retries = 1;
	ok(verdict(&c, 1, why), "with retries = 1 the same single failure is absorbed");
	unlink("/tmp/vsd-retry");
}

/* IPv6 real servers: real sockets on ::1, the same kinds of checks. */
static void test_ipv6(void)
{
	struct vsd_check_conf c = base_conf(VSD_CHECK_CONNECT);
	union vs_addr a = { .ip = 0 };
	struct probe_sub s1 = { .fn = on_verdict };
	struct fake_srv s, dead;
	struct probe *p, *q;
	char why[160];

	srv_start_af(&s, "HTTP/1.0 200 OK\r\n\r\nrs6\n", false, false, AF_INET6);
	ok(verdict_af(&c, AF_INET6, s.port, why), "ipv6 connect: [::1] listening passes");
	is_str(why, "connected", "ipv6 connect: reason connected");
	srv_start_af(&dead, "", false, false, AF_INET6);
	srv_stop(&dead);
	ok(!verdict_af(&c, AF_INET6, dead.port, why), "ipv6 connect: a closed port fails");
	is_str(why, "connect: Connection refused", "ipv6 connect: reason refused");
	set_text(&c.send, &c.send_len, "GET / HTTP/1.0\r\n\r\n");
	set_text(&c.expect, &c.expect_len, "HTTP/1.0 200");
	ok(verdict_af(&c, AF_INET6, s.port, why), "ipv6 send/expect passes");

	c = base_conf(VSD_CHECK_HTTP);
	c.http_url = "/h6";
	s.req[0] = '\0';
	ok(verdict_af(&c, AF_INET6, s.port, why), "ipv6 http: status 200 passes");
	snprintf(why, sizeof(why), "GET /h6 HTTP/1.0\r\nHost: [::1]:%u\r\n", s.port);
	ok(!strncmp(s.req, why, strlen(why)), "ipv6 http: Host is [::1]:port");
	if (strncmp(s.req, why, strlen(why)))
		printf("#   request: %.80s\n", s.req);
	srv_stop(&s);

	srv_start_af(&s, "pong6", false, true, AF_INET6);
	c = base_conf(VSD_CHECK_CONNECT);
	c.protocol = IPPROTO_UDP;
	set_text(&c.send, &c.send_len, "ping");
	set_text(&c.expect, &c.expect_len, "pong6");
	ok(verdict_af(&c, AF_INET6, s.port, why), "ipv6 udp send/expect passes");
	srv_stop(&s);

	c = base_conf(VSD_CHECK_PROGRAM);
	c.program = "/bin/echo OK %h %p";
	set_text(&c.expect, &c.expect_len, "OK ::1 4243");
	ok(verdict_af(&c, AF_INET6, 4243, why),
	   "ipv6 program: %%h is the plain address (no brackets)");

	/* The same bytes in two families are two servers, two probes. */
	c = base_conf(VSD_CHECK_CONNECT);
	a.ip = htonl(0x0a000001);
	p = probe_get(&c, AF_INET, &a, 80);
	probe_subscribe(p, &s1);
	q = probe_get(&c, AF_INET6, &a, 80);
	ok(p != q && !strcmp(q->addr_str, "a00:1::") && !strcmp(p->addr_str, "10.0.0.1"),
	   "10.0.0.1 and [a00:1::] are different probes");
	probe_unsubscribe(q, NULL);
	probe_unsubscribe(p, &s1);
}

static void test_agent_sharing(void)
{
	struct vsd_check_conf c = base_conf(VSD_CHECK_AGENT), d;
	union vs_addr a = { .ip = htonl(INADDR_LOOPBACK) };
	struct probe_sub s1 = { .fn = on_verdict }, s2 = { .fn = on_verdict };
	struct probe *p, *q;
	struct fake_srv s;
	char why[160];

	srv_start(&s, "0.42 0.30 0.20 1/123 4567\n", true, false);
	ok(verdict(&c, s.port, why), "agent: a /proc/loadavg line passes");
	is_str(why, "load 0.42", "agent: the 1-minute load is read");
	srv_stop(&s);

	c = base_conf(VSD_CHECK_CONNECT);
	d = c;
	p = probe_get(&c, AF_INET, &a, 80);
	probe_subscribe(p, &s1);
	q = probe_get(&d, AF_INET, &a, 80);
	probe_subscribe(q, &s2);
	ok(p == q, "identical checks of one server share one probe");
	set_text(&d.expect, &d.expect_len, "x");
	q = probe_get(&d, AF_INET, &a, 80);
	ok(p != q, "a different expect is a different probe");
	probe_unsubscribe(q, NULL);
	is_int(check_count(), 1, "an unsubscribed probe is freed");
	probe_unsubscribe(p, &s1);
	is_int(check_count(), 1, "a probe lives while one subscriber remains");
	probe_unsubscribe(p, &s2);
	is_int(check_count(), 0, "and goes with the last");
}

static void noop_verdict(struct probe_sub *s, struct probe *p, bool changed)
{
	(void)s;
	(void)p;
	(void)changed;
}

/* Accepts on every 127/8 address at one port, stamped. */
struct stamp_srv {
	struct loop_io io;
	uint16_t port;
	unsigned int n;
	uint64_t at[512];
};

static void stamp_io(struct loop_io *io, uint32_t ev)
{
	struct stamp_srv *s = (struct stamp_srv *)io;
	int fd = accept4(io->fd, NULL, NULL, 0);

	(void)ev;
	if (fd < 0)
		return;
	if (s->n < sizeof(s->at) / sizeof(s->at[0]))
		s->at[s->n++] = loop_now();
	close(fd);
}

static void test_grid_spread(void)
{
	enum { N = 100 };
	struct vsd_check_conf c = base_conf(VSD_CHECK_CONNECT);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct loop_timer deadline = { .fn = on_deadline };
	struct probe_sub subs[N];
	struct probe *p[N];
	struct stamp_srv s = { 0 };
	socklen_t len = sizeof(sa);
	unsigned int i, early = 0, between = 0, unchecked = 0, more = 0;
	uint64_t t0;

	s.io.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	bind(s.io.fd, (struct sockaddr *)&sa, sizeof(sa));
	listen(s.io.fd, 256);
	getsockname(s.io.fd, (struct sockaddr *)&sa, &len);
	s.port = ntohs(sa.sin_port);
	s.io.fn = stamp_io;
	loop_io_add(L, &s.io, EPOLLIN);

	c.interval = 2000;
	t0 = loop_now();
	for (i = 0; i < N; i++) {
		union vs_addr a = { .ip = htonl(0x7f000002 + i) };

		subs[i] = (struct probe_sub){ .fn = noop_verdict };
		p[i] = probe_get(&c, AF_INET, &a, s.port);
		probe_subscribe(p[i], &subs[i]);
	}
	loop_timer_in(L, &deadline, 1950000);
	loop_run(L);
	for (i = 0; i < s.n; i++) {
		uint64_t t = s.at[i] - t0;

		if (t < 1100000)
			early++;
		else
			between++;
	}
	for (i = 0; i < N; i++) {
		unchecked += p[i]->runs == 0;
		more += p[i]->runs > 2;
	}
	ok(early >= N && !unchecked, "every server's first check within the first second");
	ok(!more, "none checked more than twice in one interval");
	/* The grid's phase is random over the whole 2 s interval, so about
	 * half the servers are due again in its second half.
	 */
	ok(between >= N / 5, "checks in the interval's second half too");
	printf("# checks in [0, 1.1 s): %u, in [1.1 s, 1.95 s): %u\n", early, between);
	for (i = 0; i < N; i++)
		probe_unsubscribe(p[i], &subs[i]);
	loop_io_del(L, &s.io);
	close(s.io.fd);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_escapes();
	test_match();
	test_argv();
	test_health();
	L = loop_new();
	check_init(L);
	test_tcp();
	test_http();
	test_udp();
	test_program();
	test_retries();
	test_ipv6();
	test_agent_sharing();
	test_grid_spread();
	check_exit();
	loop_free(L);
	return tap_done();
}
