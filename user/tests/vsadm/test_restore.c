// SPDX-License-Identifier: GPL-2.0
/*
 * vsadm -R without a kernel: every bad line reported with its number,
 * conflicts with the current table found before anything is sent, the
 * batching of a service with its servers, and the undo list.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include "restore.h"
#include "tap.h"

static char err[VSADM_ERR_MAX];

static void input(struct rinput *r, const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	vsadm_restore_read(f, r);
	fclose(f);
}

/* The messages vsadm_restore_check prints for text. */
static char *check_text(const char *text, size_t *bad);

/* A NUL byte would cut the line short: "-w 5" lost, weight 1 applied. */
static void nul_byte(void)
{
	static const char text[] = "-A -t 1.2.3.4:80\n-a -t 1.2.3.4:80 -r 10.0.0.1\0 -w 5\n";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct rinput r;
	char *buf = NULL;
	size_t len = 0, bad;
	FILE *out = open_memstream(&buf, &len);

	vsadm_restore_read(f, &r);
	fclose(f);
	bad = vsadm_restore_check(&r, out);
	fclose(out);
	is_int(bad, 1, "a line with a NUL byte is bad");
	is_str(buf, "vsadm: line 2: a NUL byte in the line\n", "and named");
	free(buf);
	vsadm_restore_free(&r);
}

static char *check_text(const char *text, size_t *bad)
{
	struct rinput r;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	input(&r, text);
	*bad = vsadm_restore_check(&r, out);
	fclose(out);
	vsadm_restore_free(&r);
	return buf;
}

static void test_check(void)
{
	size_t bad;
	char *out;

	out = check_text("-A -t 5.5.5.5:80\n-A -t bad\n", &bad);
	is_int(bad, 1, "one bad line");
	is_str(out, "vsadm: line 2: unknown host 'bad'\n",
	       "the bad line is named by number");
	free(out);
	out = check_text("# saved table\n"
			 "\n"
			 "-A -t 1.2.3.4:80 -s rr\n"
			 "   \t\n"
			 "-a -t 1.2.3.4:80 -r 10.0.0.1 -w 700000000000\n"
			 "-A -t 1.2.3.4:81 -s foo\n"
			 "-a -t 1.2.3.4:80 -r 10.0.0.2 -x 5 -y 6\n"
			 "-L -n\n", &bad);
	is_int(bad, 4, "every bad line is found");
	is_str(out,
	       "vsadm: line 5: weight '700000000000' out of range 0..2147483647\n"
	       "vsadm: line 6: unknown scheduler 'foo'\n"
	       "vsadm: line 7: lower threshold 6 is above upper threshold 5\n"
	       "vsadm: line 8: -L cannot be used in restore input\n",
	       "comments and blank lines count as lines");
	free(out);
	out = check_text("-A -t 1.2.3.4:80\r\n-a -t 1.2.3.4:80 -r 10.0.0.1\r\n",
			 &bad);
	ok(bad == 0 && !*out, "CRLF line ends are fine");
	free(out);
	out = check_text("", &bad);
	ok(bad == 0 && !*out, "empty input is fine");
	free(out);
	nul_byte();
}

static int plan_text(const char *text, const struct vs_table *cur,
		     struct plan *p)
{
	struct vs_timeouts to = { 900, 120, 300 };
	struct vs_table empty = { 0 };
	struct rinput r;
	int ret;

	input(&r, text);
	ret = vsadm_restore_plan(&r, cur ? cur : &empty, &to, p, err,
				 sizeof(err));
	vsadm_restore_free(&r);
	return ret;
}

static void test_batching(void)
{
	struct plan p;
	int ret;

	ret = plan_text("-A -t 1.2.3.4:80 -s rr\n"
			"-a -t 1.2.3.4:80 -r 10.0.0.1 -w 2\n"
			"# comment\n"
			"-a -t 1.2.3.4:80 -r 10.0.0.2:8080 -m\n"
			"-A -u 1.2.3.4:53\n"
			"-a -u 1.2.3.4:53 -r 10.0.0.3 -m\n"
			"-A -f 7 -p\n", NULL, &p);
	is_int(ret, 0, "a good restore plans");
	is_int(p.n, 3, "three services, three messages");
	ok(p.ops[0].kind == VS_OP_ADD_SERVICE && p.ops[0].svc.n_dests == 2 &&
	   p.ops[0].svc.dests[1].port == 8080 &&
	   p.ops[0].svc.dests[1].fwd == VS_FWD_NAT,
	   "servers ride in their service's NEW_SERVICE");
	ok(p.op_line[0] == 1 && p.dest_lines[0][0] == 2 &&
	   p.dest_lines[0][1] == 4, "each server keeps its line number");
	ok(p.ops[1].svc.n_dests == 1 && p.op_line[1] == 5 &&
	   p.dest_lines[1][0] == 6, "second service and its server");
	ok(p.ops[2].svc.fwmark == 7 && !p.ops[2].svc.n_dests, "fwmark service");
	ok(p.n_undo == 3 && p.undo[0].u.kind == VS_OP_DEL_SERVICE &&
	   p.undo[2].op == 2, "each new service is undone by deleting it");
	vsadm_plan_free(&p);

	ret = plan_text("-A -t 1.2.3.4:80\n"
			"-a -t 1.2.3.4:80 -r 10.0.0.1\n"
			"-A -t 1.2.3.4:81\n"
			"-a -t 1.2.3.4:80 -r 10.0.0.2\n", NULL, &p);
	ok(!ret && p.n == 3 && p.ops[2].kind == VS_OP_ADD_DEST &&
	   p.op_line[2] == 4 && p.undo[2].u.kind == VS_OP_DEL_DEST,
	   "a server after another service is its own message");
	vsadm_plan_free(&p);
}

static void test_merge_limit(void)
{
	char *text = malloc(64 * 400), *w = text;
	struct plan p;
	int i, ret;

	w += sprintf(w, "-A -t 1.2.3.4:80 -s rr\n");
	for (i = 0; i < 300; i++)
		w += sprintf(w, "-a -t 1.2.3.4:80 -r 10.0.%d.%d\n", i / 250,
			     i % 250 + 1);
	ret = plan_text(text, NULL, &p);
	ok(!ret && p.ops[0].svc.n_dests == RESTORE_MERGE_MAX &&
	   p.n == 1 + 300 - RESTORE_MERGE_MAX,
	   "at most RESTORE_MERGE_MAX servers in one message");
	ok(p.ops[1].kind == VS_OP_ADD_DEST && p.op_line[1] == 258,
	   "the rest as separate messages with their lines");
	vsadm_plan_free(&p);
	free(text);
}

/* The current table: TCP 1.2.3.4:80 with server 10.0.0.1:80. */
static struct vs_table current(struct vs_virtual *s, struct vs_real *d)
{
	struct vs_table t = { s, 1 };

	memset(s, 0, sizeof(*s));
	memset(d, 0, sizeof(*d));
	s->af = AF_INET;
	s->protocol = IPPROTO_TCP;
	s->addr.ip = inet_addr("1.2.3.4");
	s->port = 80;
	strcpy(s->sched, "wlc");
	s->netmask = 32;
	d->addr.ip = inet_addr("10.0.0.1");
	d->port = 80;
	d->fwd = VS_FWD_DR;
	d->weight = 4;
	d->u_thresh = 10;
	s->dests = d;
	s->n_dests = 1;
	return t;
}

static void conflict(const char *text, const char *msg, const char *name)
{
	struct vs_virtual s;
	struct vs_real d;
	struct vs_table t = current(&s, &d);
	struct plan p;
	int ret = plan_text(text, &t, &p);

	if (!ok(ret == EXIT_RUNTIME && !strcmp(err, msg), "%s", name))
		printf("#   ret %d, '%s', want '%s'\n", ret, err, msg);
	vsadm_plan_free(&p);
}

static void test_conflicts(void)
{
	struct vs_virtual s;
	struct vs_real d;
	struct vs_table t = current(&s, &d);
	struct plan p;
	int ret;

	conflict("-A -t 1.2.3.4:80\n",
		 "line 1: service TCP 1.2.3.4:80 already exists",
		 "an existing service");
	conflict("-A -t 1.2.3.4:81\n-A -t 1.2.3.4:81\n",
		 "line 2: service TCP 1.2.3.4:81 already exists",
		 "a service twice in the input");
	conflict("\n-a -t 9.9.9.9:80 -r 1.1.1.1\n",
		 "line 2: no such service TCP 9.9.9.9:80",
		 "a server of a missing service");
	conflict("-a -t 1.2.3.4:80 -r 10.0.0.1\n",
		 "line 1: server 10.0.0.1:80 already exists in service TCP 1.2.3.4:80",
		 "an existing server");
	conflict("-A -t 1.2.3.5:80\n-a -t 1.2.3.5:80 -r 10.0.0.1\n"
		 "-a -t 1.2.3.5:80 -r 10.0.0.1\n",
		 "line 3: server 10.0.0.1:80 already exists in service TCP 1.2.3.5:80",
		 "a server twice in a batched service");
	conflict("-e -t 1.2.3.4:80 -r 10.0.0.2\n",
		 "line 1: no such server 10.0.0.2:80 in service TCP 1.2.3.4:80",
		 "editing a missing server");
	conflict("-d -t 1.2.3.4:80 -r 10.0.0.1:81 \n",
		 "line 1: no such server 10.0.0.1:81 in service TCP 1.2.3.4:80",
		 "deleting a missing server");
	conflict("-D -t 1.2.3.4:80\n-D -t 1.2.3.4:80\n",
		 "line 2: no such service TCP 1.2.3.4:80",
		 "deleting a service twice");
	conflict("-E -f 5\n", "line 1: no such service FWM 5",
		 "editing a missing service");
	conflict("-Z -u 1.2.3.4:80\n", "line 1: no such service UDP 1.2.3.4:80",
		 "zeroing a missing service");
	conflict("-C\n-a -t 1.2.3.4:80 -r 10.0.0.1\n",
		 "line 2: no such service TCP 1.2.3.4:80",
		 "-C empties the model too");

	ret = plan_text("-C\n-A -t 1.2.3.4:80\n-a -t 1.2.3.4:80 -r 10.0.0.1\n",
			&t, &p);
	ok(!ret && p.n == 2 && p.ops[0].kind == VS_OP_FLUSH &&
	   p.ops[1].svc.n_dests == 1, "-C then the same table again is fine");
	ok(p.n_undo == 2 && p.undo[0].op == 0 &&
	   p.undo[0].u.kind == VS_OP_ADD_SERVICE &&
	   p.undo[0].u.svc.n_dests == 1 && p.undo[0].u.svc.dests[0].weight == 4 &&
	   p.undo[0].u.svc.dests[0].u_thresh == 10,
	   "undoing -C recreates the old services with their servers");
	vsadm_plan_free(&p);

	ret = plan_text("-e -t 1.2.3.4:80 -r 10.0.0.1 -w 9\n"
			"-E -t 1.2.3.4:80 -s rr -p 30\n"
			"-d -t 1.2.3.4:80 -r 10.0.0.1\n"
			"-D -t 1.2.3.4:80\n"
			"--set 10 0 0\n"
			"--set 0 0 0\n", &t, &p);
	is_int(ret, 0, "edits and deletes of existing objects plan");
	ok(p.n == 5, "--set 0 0 0 sends nothing");
	ok(p.undo[0].u.kind == VS_OP_EDIT_DEST && p.undo[0].u.dest.weight == 4 &&
	   p.undo[0].u.dest.u_thresh == 10, "undo of -e restores the old server");
	ok(p.undo[1].u.kind == VS_OP_EDIT_SERVICE &&
	   !strcmp(p.undo[1].u.svc.sched, "wlc") && !p.undo[1].u.svc.flags,
	   "undo of -E restores the old service");
	ok(p.undo[2].u.kind == VS_OP_ADD_DEST && p.undo[2].u.dest.weight == 9,
	   "undo of -d re-adds the server as it was then");
	ok(p.undo[3].u.kind == VS_OP_ADD_SERVICE &&
	   !strcmp(p.undo[3].u.svc.sched, "rr") && p.undo[3].u.svc.timeout == 30 &&
	   !p.undo[3].u.svc.n_dests, "undo of -D recreates the service as it was then");
	ok(p.undo[4].u.kind == VS_OP_SET_TIMEOUTS && p.undo[4].u.timeouts.tcp == 900 &&
	   !p.undo[4].u.timeouts.udp, "undo of --set restores what it changed");
	vsadm_plan_free(&p);
}

/* The current table of test_v6(): TCP [2001:db8::1]:80 (not persistent,
 * /128) with server [2001:db8::2]:80, and IPv4 fwmark 5.
 */
static struct vs_table current6(struct vs_virtual *s, struct vs_real *d)
{
	struct vs_table t = { s, 2 };

	memset(s, 0, 2 * sizeof(*s));
	memset(d, 0, sizeof(*d));
	s[0].af = AF_INET6;
	s[0].protocol = IPPROTO_TCP;
	inet_pton(AF_INET6, "2001:db8::1", s[0].addr.bytes);
	s[0].port = 80;
	strcpy(s[0].sched, "wlc");
	s[0].netmask = 128;
	inet_pton(AF_INET6, "2001:db8::2", d->addr.bytes);
	d->port = 80;
	d->fwd = VS_FWD_DR;
	d->weight = 1;
	s[0].dests = d;
	s[0].n_dests = 1;
	s[1].af = AF_INET;
	s[1].fwmark = 5;
	strcpy(s[1].sched, "rr");
	s[1].netmask = 32;
	return t;
}

static void conflict6(const char *text, const char *msg, const char *name)
{
	struct vs_virtual s[2];
	struct vs_real d;
	struct vs_table t = current6(s, &d);
	struct plan p;
	int ret = plan_text(text, &t, &p);

	if (!ok(ret == EXIT_RUNTIME && !strcmp(err, msg), "%s", name))
		printf("#   ret %d, '%s', want '%s'\n", ret, err, msg);
	vsadm_plan_free(&p);
}

static void test_v6(void)
{
	struct vs_virtual s[2];
	struct vs_real d;
	struct vs_table t = current6(s, &d);
	struct plan p;
	size_t bad;
	char *out;
	int ret;

	out = check_text("-A -t [2001:db8::1]:80 -s wlc -p 300 -M 64\n"
			 "-A -f 7 -6 -s sh -p 360 -M 129\n"
			 "-a -t [2001:db8::1]:80 -r 10.0.0.1\n"
			 "-A -t 2001:db8::1::1\n", &bad);
	is_int(bad, 3, "IPv6: the bad lines are found");
	is_str(out,
	       "vsadm: line 2: IPv6 netmask '129' out of range 1..128\n"
	       "vsadm: line 3: real server '10.0.0.1' is IPv4 but the service is IPv6 (only tunneling, -i, mixes them)\n"
	       "vsadm: line 4: bad address '2001:db8::1::1'\n",
	       "IPv6: each bad line named");
	free(out);

	/* What ipvsadm -S -n writes for IPv6 services reads back. */
	ret = plan_text("-A -t [2001:db8::10]:80 -s wlc -p 300 -M 64\n"
			"-a -t [2001:db8::10]:80 -r [2001:db8::2]:80 -g -w 1\n"
			"-a -t [2001:db8::10]:80 -r [2001:db8::1:0:0:10]:8080 -m -w 3\n"
			"-A -f 7 -6 -s sh -p 360\n"
			"-a -f 7 -6 -r [2001:db8::7]:0 -g -w 1\n", NULL, &p);
	is_int(ret, 0, "IPv6: ipvsadm -S lines plan");
	ok(p.n == 2 && p.ops[0].kind == VS_OP_ADD_SERVICE &&
	   p.ops[0].svc.af == AF_INET6 && p.ops[0].svc.netmask == 64 &&
	   p.ops[0].svc.n_dests == 2 && p.ops[0].svc.dests[1].port == 8080 &&
	   p.ops[0].svc.dests[1].addr.bytes[9] == 1,
	   "IPv6: a service with its servers in one NEW_SERVICE");
	ok(p.ops[1].svc.af == AF_INET6 && p.ops[1].svc.fwmark == 7 &&
	   p.ops[1].svc.netmask == 128 && p.ops[1].svc.n_dests == 1,
	   "IPv6: fwmark 7 -6 with its server");
	vsadm_plan_free(&p);

	/* The family is part of a service's key. */
	ret = plan_text("-A -f 5 -6\n"
			"-A -t [102:304::]:80\n"
			"-A -t 1.2.3.4:80\n"
			"-a -t [102:304::]:80 -r [2001:db8::9]\n"
			"-a -t 1.2.3.4:80 -r 10.0.0.9\n", &t, &p);
	ok(!ret && p.n == 5 && p.ops[0].svc.af == AF_INET6 &&
	   p.ops[1].svc.af == AF_INET6 && p.ops[2].svc.af == AF_INET &&
	   p.ops[3].kind == VS_OP_ADD_DEST && p.ops[3].svc.af == AF_INET6 &&
	   p.ops[4].kind == VS_OP_ADD_DEST && p.ops[4].svc.af == AF_INET,
	   "fwmark 5 IPv6 beside fwmark 5 IPv4; TCP [102:304::]:80 beside 1.2.3.4:80");
	vsadm_plan_free(&p);
	conflict6("-A -f 5\n", "line 1: service FWM 5 already exists",
		  "IPv4 fwmark 5 exists");
	conflict6("-A -f 5 -6\n-A -f 5 -6\n",
		  "line 2: service FWM 5 IPv6 already exists",
		  "IPv6 fwmark 5 twice");
	conflict6("-A -t [2001:db8::1]:80 -p\n",
		  "line 1: service TCP [2001:db8::1]:80 already exists",
		  "an existing IPv6 service");
	conflict6("-a -t [2001:db8::1]:80 -r [2001:db8::2]\n",
		  "line 1: server [2001:db8::2]:80 already exists in service TCP [2001:db8::1]:80",
		  "an existing IPv6 server");
	conflict6("-d -t [2001:db8::1]:80 -r [2001:db8::3]\n",
		  "line 1: no such server [2001:db8::3]:80 in service TCP [2001:db8::1]:80",
		  "a missing IPv6 server");
	conflict6("-a -f 6 -6 -r 2001:db8::2\n",
		  "line 1: no such service FWM 6 IPv6", "a missing IPv6 fwmark service");
	conflict6("-D -t [2001:db8::1]:81\n",
		  "line 1: no such service TCP [2001:db8::1]:81",
		  "a missing IPv6 service");

	ret = plan_text("-E -t [2001:db8::1]:80 -s rr -p 30 -M 56\n"
			"-D -t [2001:db8::1]:80\n", &t, &p);
	ok(!ret && p.n == 2 && p.ops[0].svc.netmask == 56 &&
	   p.ops[0].svc.af == AF_INET6, "-E of an IPv6 service plans");
	ok(p.undo[0].u.kind == VS_OP_EDIT_SERVICE &&
	   p.undo[0].u.svc.af == AF_INET6 && p.undo[0].u.svc.netmask == 128 &&
	   !p.undo[0].u.svc.timeout,
	   "undo of -E gives back the IPv6 service's /128");
	ok(p.undo[1].u.kind == VS_OP_ADD_SERVICE &&
	   p.undo[1].u.svc.af == AF_INET6 && p.undo[1].u.svc.netmask == 56 &&
	   p.undo[1].u.svc.n_dests == 1,
	   "undo of -D recreates the IPv6 service and its server");
	vsadm_plan_free(&p);
}

/*
 * The current table of test_tunnels(): TCP [2001:db8::1]:80 with an IPv4
 * gue server 10.0.0.1:80 (port 6080, checksum), as a dump gives it.
 */
static struct vs_table current_tun(struct vs_virtual *s, struct vs_real *d)
{
	struct vs_table t = current6(s, d);

	memset(d, 0, sizeof(*d));
	d->af = AF_INET;
	d->addr.ip = inet_addr("10.0.0.1");
	d->port = 80;
	d->fwd = VS_FWD_TUNNEL;
	d->weight = 2;
	d->tun_type = VS_TUN_GUE;
	d->tun_port = 6080;
	d->tun_flags = VS_TUN_F_CSUM;
	d->set = VS_HAS_FWD | VS_HAS_WEIGHT | VS_HAS_U_THRESH |
		 VS_HAS_L_THRESH | VS_HAS_TUNNEL;
	t.n = 1;
	return t;
}

static void conflict_tun(const char *text, const char *msg, const char *name)
{
	struct vs_virtual s[2];
	struct vs_real d;
	struct vs_table t = current_tun(s, &d);
	struct plan p;
	int ret = plan_text(text, &t, &p);

	if (!ok(ret == EXIT_RUNTIME && !strcmp(err, msg), "%s", name))
		printf("#   ret %d, '%s', want '%s'\n", ret, err, msg);
	vsadm_plan_free(&p);
}

static void test_tunnels(void)
{
	struct vs_virtual s[2];
	struct vs_real d;
	struct vs_table t = current_tun(s, &d);
	const struct vs_real *r;
	struct plan p;
	size_t bad;
	char *out;
	int ret;

	out = check_text("-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gue\n"
			 "-a -t 1.2.3.4:80 -r [2001:db8::2] -g\n"
			 "-a -t 1.2.3.4:80 -r 10.0.0.1 --tun-csum\n"
			 "-a -t 1.2.3.4:80 -r 10.0.0.1 -i --tun-type gre --tun-remcsum\n",
			 &bad);
	is_int(bad, 4, "tunnels: the bad lines are found");
	is_str(out,
	       "vsadm: line 1: tunnel type gue needs a port (--tun-port)\n"
	       "vsadm: line 2: real server '[2001:db8::2]' is IPv6 but the service is IPv4 (only tunneling, -i, mixes them)\n"
	       "vsadm: line 3: option '--tun-csum' needs tunneling (-i)\n"
	       "vsadm: line 4: option '--tun-remcsum' cannot be used with tunnel type gre\n",
	       "tunnels: each bad line named");
	free(out);

	/* vsadm -S -n's lines (test_list.c) batch with their service. */
	ret = plan_text("-A -t [2001:db8::10]:443 -s rr\n"
			"-a -t [2001:db8::10]:443 -r 10.0.0.8:443 -i -w 1 --tun-type ipip\n"
			"-a -t [2001:db8::10]:443 -r [2001:db8::30]:443 -i -w 1 --tun-type gue --tun-port 6081 --tun-remcsum\n"
			"-A -t 192.168.0.40:80 -s wlc\n"
			"-a -t 192.168.0.40:80 -r [2001:db8::20]:80 -i -w 1 --tun-type gre --tun-nocsum -x 10 -y 5\n",
			NULL, &p);
	is_int(ret, 0, "tunnels: ipvsadm -S lines plan");
	if (!ok(!ret && p.n == 2 && p.ops[0].svc.n_dests == 2 &&
		p.ops[1].svc.n_dests == 1,
		"tunnels: each service with its servers in one NEW_SERVICE")) {
		vsadm_plan_free(&p);
		return;
	}
	r = p.ops[0].svc.dests;
	ok(r[0].af == AF_INET && r[0].fwd == VS_FWD_TUNNEL &&
	   r[0].tun_type == VS_TUN_IPIP && (r[0].set & VS_HAS_TUNNEL) &&
	   r[1].af == AF_INET6 && r[1].tun_type == VS_TUN_GUE &&
	   r[1].tun_port == 6081 && r[1].tun_flags == VS_TUN_F_REMCSUM,
	   "tunnels: an IPv4 ipip and an IPv6 gue server, their encapsulation set");
	r = p.ops[1].svc.dests;
	ok(r[0].af == AF_INET6 && r[0].tun_type == VS_TUN_GRE &&
	   r[0].u_thresh == 10, "tunnels: an IPv6 gre server of an IPv4 service");
	vsadm_plan_free(&p);

	/* The family is part of a server's key: 10.0.0.1 is not [a00:1::]. */
	ret = plan_text("-a -t [2001:db8::1]:80 -r [a00:1::]:80\n"
			"-d -t [2001:db8::1]:80 -r 10.0.0.1:80\n"
			"-a -t [2001:db8::1]:80 -r 10.0.0.1:80 -i --tun-type gre\n",
			&t, &p);
	ok(!ret && p.n == 3 && p.ops[0].kind == VS_OP_ADD_DEST &&
	   p.ops[1].kind == VS_OP_DEL_DEST && p.ops[1].dest.af == AF_INET,
	   "tunnels: [a00:1::] beside the IPv4 10.0.0.1, which -d finds as IPv4");
	ok(!ret && p.n_undo == 3 && p.undo[1].u.kind == VS_OP_ADD_DEST &&
	   p.undo[1].u.dest.tun_type == VS_TUN_GUE &&
	   p.undo[1].u.dest.tun_port == 6080 &&
	   (p.undo[1].u.dest.set & VS_HAS_TUNNEL) &&
	   p.undo[1].u.dest.af == AF_INET,
	   "tunnels: undo of -d re-adds the gue server, encapsulation and family");
	vsadm_plan_free(&p);

	ret = plan_text("-e -t [2001:db8::1]:80 -r 10.0.0.1 -i -w 5\n"
			"-D -t [2001:db8::1]:80\n", &t, &p);
	ok(!ret && p.n == 2 && p.ops[0].dest.tun_type == VS_TUN_IPIP &&
	   !p.ops[0].dest.tun_port && (p.ops[0].dest.set & VS_HAS_TUNNEL),
	   "tunnels: -e -i of the gue server sends ipip, port 0 (ipvsadm's -e)");
	ok(!ret && p.n_undo == 2 && p.undo[0].u.kind == VS_OP_EDIT_DEST &&
	   p.undo[0].u.dest.tun_type == VS_TUN_GUE &&
	   p.undo[0].u.dest.tun_port == 6080 &&
	   p.undo[0].u.dest.tun_flags == VS_TUN_F_CSUM &&
	   (p.undo[0].u.dest.set & VS_HAS_TUNNEL),
	   "tunnels: undo of -e gives back gue, its port and checksum");
	ok(!ret && p.n_undo == 2 && p.undo[1].u.kind == VS_OP_ADD_SERVICE &&
	   p.undo[1].u.svc.n_dests == 1 &&
	   p.undo[1].u.svc.dests[0].af == AF_INET &&
	   p.undo[1].u.svc.dests[0].tun_type == VS_TUN_IPIP &&
	   (p.undo[1].u.svc.dests[0].set & VS_HAS_TUNNEL),
	   "tunnels: undo of -D recreates the service with its tunnel as edited");
	vsadm_plan_free(&p);

	ret = plan_text("-C\n", &t, &p);
	ok(!ret && p.n_undo == 1 && p.undo[0].u.svc.n_dests == 1 &&
	   p.undo[0].u.svc.dests[0].tun_port == 6080 &&
	   (p.undo[0].u.svc.dests[0].set & VS_HAS_TUNNEL),
	   "tunnels: undo of -C recreates the gue server with its port");
	vsadm_plan_free(&p);

	conflict_tun("-a -t [2001:db8::1]:80 -r 10.0.0.1 -i\n",
		     "line 1: server 10.0.0.1:80 already exists in service TCP [2001:db8::1]:80",
		     "tunnels: an existing IPv4 server of an IPv6 service, named as IPv4");
	conflict_tun("-e -t [2001:db8::1]:80 -r [a00:1::] -g\n",
		     "line 1: no such server [a00:1::]:80 in service TCP [2001:db8::1]:80",
		     "tunnels: [a00:1::] is not the IPv4 server of the same bytes");
	conflict_tun("-d -t [2001:db8::1]:80 -r 10.0.0.2\n",
		     "line 1: no such server 10.0.0.2:80 in service TCP [2001:db8::1]:80",
		     "tunnels: a missing IPv4 server of an IPv6 service");
}

int main(void)
{
	test_check();
	test_batching();
	test_merge_limit();
	test_conflicts();
	test_v6();
	test_tunnels();
	return tap_done();
}
