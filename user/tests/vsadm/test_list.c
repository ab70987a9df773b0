// SPDX-License-Identifier: GPL-2.0
/*
 * vsadm's output against ipvsadm 1.31's, captured in the test VM
 * (build/probe/ipvs-probe.out): the probe's table is rebuilt here in the
 * order it was created and every listing must match byte for byte, except
 * the first line, which names vs. Also: K/M/G/T numbers, the sort order,
 * JSON, connections.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include "cli.h"
#include "list.h"
#include "tap.h"

#define VERSION_LINE "IP Virtual Server (vs) version 0.1.0 (size=4096)\n"

static struct vs_real d30[2], d53[1], d7[1];
static struct vs_virtual svcs[4];
static struct vs_table table = { svcs, 4 };
static const struct vs_info info = { .version = 0x000100,
				     .conn_tab_size = 4096 };

static struct vs_real dest(const char *a, uint16_t port, uint8_t fwd,
			   uint32_t weight, uint32_t u, uint32_t l)
{
	struct vs_real d = { .port = port, .fwd = fwd, .weight = weight,
			     .u_thresh = u, .l_thresh = l };

	d.addr.ip = inet_addr(a);
	return d;
}

static struct vs_virtual service(uint8_t proto, const char *a, uint16_t port,
				 uint32_t fwmark, const char *sched,
				 uint32_t timeout, uint8_t netmask)
{
	struct vs_virtual s = { .af = AF_INET, .protocol = proto, .port = port,
				.fwmark = fwmark, .timeout = timeout,
				.netmask = netmask };

	if (a)
		s.addr.ip = inet_addr(a);
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	if (timeout)
		s.flags = VS_SVC_F_PERSISTENT;
	return s;
}

/* The probe's table, in the order its script created it. */
static void build_probe_table(void)
{
	d30[0] = dest("192.168.0.121", 80, VS_FWD_DR, 1, 0, 0);
	d30[1] = dest("192.168.0.122", 80, VS_FWD_NAT, 3, 100, 50);
	d53[0] = dest("10.1.1.1", 5353, VS_FWD_NAT, 0, 0, 0);
	d7[0] = dest("10.1.1.2", 0, VS_FWD_DR, 1, 0, 0);
	svcs[0] = service(IPPROTO_TCP, "192.168.0.30", 80, 0, "wlc", 300, 24);
	svcs[0].dests = d30;
	svcs[0].n_dests = 2;
	svcs[1] = service(IPPROTO_UDP, "10.0.0.1", 53, 0, "rr", 0, 32);
	svcs[1].dests = d53;
	svcs[1].n_dests = 1;
	svcs[2] = service(0, NULL, 0, 7, "sh", 360, 32);
	svcs[2].dests = d7;
	svcs[2].n_dests = 1;
	svcs[3] = service(IPPROTO_TCP, "10.0.0.2", 0, 0, "lc", 60, 32);
}

/* What vsadm prints for the table with this format. */
static char *render(const struct vs_info *inf, const struct vs_table *t,
		    unsigned int fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	vsadm_print_table(f, inf, t, fmt);
	fclose(f);
	return buf;
}

static void check(unsigned int fmt, const char *want, const char *name)
{
	struct vs_table t = table;
	struct vs_virtual copy[4];
	char *got;

	memcpy(copy, svcs, sizeof(copy));
	t.svcs = copy;
	if (!(fmt & FMT_NOSORT))
		vsadm_sort_table(&t);
	got = render((fmt & FMT_RULE) ? NULL : &info, &t, fmt);
	is_str(got, want, name);
	free(got);
}

static void test_listings(void)
{
	check(FMT_NUMERIC, VERSION_LINE
	"Prot LocalAddress:Port Scheduler Flags\n"
	"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
	"TCP  192.168.0.30:80 wlc persistent 300 mask 255.255.255.0\n"
	"  -> 192.168.0.121:80             Route   1      0          0         \n"
	"  -> 192.168.0.122:80             Masq    3      0          0         \n"
	"TCP  10.0.0.2:0 lc persistent 60\n"
	"UDP  10.0.0.1:53 rr\n"
	"  -> 10.1.1.1:5353                Masq    0      0          0         \n"
	"FWM  7 sh persistent 360\n"
	"  -> 10.1.1.2:0                   Route   1      0          0         \n",
	"-L -n matches ipvsadm");
	check(0, VERSION_LINE
	"Prot LocalAddress:Port Scheduler Flags\n"
	"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
	"TCP  192.168.0.30:http wlc persistent 300 mask 255.255.255.0\n"
	"  -> 192.168.0.121:http           Route   1      0          0         \n"
	"  -> 192.168.0.122:http           Masq    3      0          0         \n"
	"TCP  10.0.0.2:0 lc persistent 60\n"
	"UDP  10.0.0.1:domain rr\n"
	"  -> 10.1.1.1:mdns                Masq    0      0          0         \n"
	"FWM  7 sh persistent 360\n"
	"  -> 10.1.1.2:0                   Route   1      0          0         \n",
	"-L (names) matches ipvsadm");
	check(FMT_NUMERIC | FMT_STATS, VERSION_LINE
	"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
	"  -> RemoteAddress:Port\n"
	"TCP  192.168.0.30:80                     0        0        0        0        0\n"
	"  -> 192.168.0.121:80                    0        0        0        0        0\n"
	"  -> 192.168.0.122:80                    0        0        0        0        0\n"
	"TCP  10.0.0.2:0                          0        0        0        0        0\n"
	"UDP  10.0.0.1:53                         0        0        0        0        0\n"
	"  -> 10.1.1.1:5353                       0        0        0        0        0\n"
	"FWM  7                                   0        0        0        0        0\n"
	"  -> 10.1.1.2:0                          0        0        0        0        0\n",
	"--stats matches ipvsadm");
	check(FMT_NUMERIC | FMT_STATS | FMT_EXACT, VERSION_LINE
	"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
	"  -> RemoteAddress:Port\n"
	"TCP  192.168.0.30:80                     0        0        0        0        0\n"
	"  -> 192.168.0.121:80                    0        0        0        0        0\n"
	"  -> 192.168.0.122:80                    0        0        0        0        0\n"
	"TCP  10.0.0.2:0                          0        0        0        0        0\n"
	"UDP  10.0.0.1:53                         0        0        0        0        0\n"
	"  -> 10.1.1.1:5353                       0        0        0        0        0\n"
	"FWM  7                                   0        0        0        0        0\n"
	"  -> 10.1.1.2:0                          0        0        0        0        0\n",
	"--exact --stats matches ipvsadm");
	check(FMT_NUMERIC | FMT_RATE, VERSION_LINE
	"Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
	"  -> RemoteAddress:Port\n"
	"TCP  192.168.0.30:80                     0        0        0        0        0\n"
	"  -> 192.168.0.121:80                    0        0        0        0        0\n"
	"  -> 192.168.0.122:80                    0        0        0        0        0\n"
	"TCP  10.0.0.2:0                          0        0        0        0        0\n"
	"UDP  10.0.0.1:53                         0        0        0        0        0\n"
	"  -> 10.1.1.1:5353                       0        0        0        0        0\n"
	"FWM  7                                   0        0        0        0        0\n"
	"  -> 10.1.1.2:0                          0        0        0        0        0\n",
	"--rate matches ipvsadm");
	check(FMT_NUMERIC | FMT_THRESHOLDS, VERSION_LINE
	"Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
	"  -> RemoteAddress:Port\n"
	"TCP  192.168.0.30:80 wlc persistent 300 mask 255.255.255.0\n"
	"  -> 192.168.0.121:80             0          0          0          0         \n"
	"  -> 192.168.0.122:80             100        50         0          0         \n"
	"TCP  10.0.0.2:0 lc persistent 60\n"
	"UDP  10.0.0.1:53 rr\n"
	"  -> 10.1.1.1:5353                0          0          0          0         \n"
	"FWM  7 sh persistent 360\n"
	"  -> 10.1.1.2:0                   0          0          0          0         \n",
	"--thresholds matches ipvsadm");
	check(FMT_NUMERIC | FMT_PCONN, VERSION_LINE
	"Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
	"  -> RemoteAddress:Port\n"
	"TCP  192.168.0.30:80 wlc persistent 300 mask 255.255.255.0\n"
	"  -> 192.168.0.121:80             1         0           0          0         \n"
	"  -> 192.168.0.122:80             3         0           0          0         \n"
	"TCP  10.0.0.2:0 lc persistent 60\n"
	"UDP  10.0.0.1:53 rr\n"
	"  -> 10.1.1.1:5353                0         0           0          0         \n"
	"FWM  7 sh persistent 360\n"
	"  -> 10.1.1.2:0                   1         0           0          0         \n",
	"--persistent-conn matches ipvsadm");
}

static void test_save(void)
{
	/* ipvsadm's -S, plus -x/-y where thresholds are set. */
	check(FMT_RULE | FMT_NUMERIC,
	"-A -t 192.168.0.30:80 -s wlc -p 300 -M 255.255.255.0\n"
	"-a -t 192.168.0.30:80 -r 192.168.0.121:80 -g -w 1\n"
	"-a -t 192.168.0.30:80 -r 192.168.0.122:80 -m -w 3 -x 100 -y 50\n"
	"-A -t 10.0.0.2:0 -s lc -p 60\n"
	"-A -u 10.0.0.1:53 -s rr\n"
	"-a -u 10.0.0.1:53 -r 10.1.1.1:5353 -m -w 0\n"
	"-A -f 7 -s sh -p 360\n"
	"-a -f 7 -r 10.1.1.2:0 -g -w 1\n",
	"-S -n: ipvsadm's lines, thresholds kept");
	check(FMT_RULE,
	"-A -t 192.168.0.30:http -s wlc -p 300 -M 255.255.255.0\n"
	"-a -t 192.168.0.30:http -r 192.168.0.121:http -g -w 1\n"
	"-a -t 192.168.0.30:http -r 192.168.0.122:http -m -w 3 -x 100 -y 50\n"
	"-A -t 10.0.0.2:0 -s lc -p 60\n"
	"-A -u 10.0.0.1:domain -s rr\n"
	"-a -u 10.0.0.1:domain -r 10.1.1.1:mdns -m -w 0\n"
	"-A -f 7 -s sh -p 360\n"
	"-a -f 7 -r 10.1.1.2:0 -g -w 1\n",
	"-S (names)");
	check(FMT_RULE | FMT_NUMERIC | FMT_NOSORT,
	"-A -t 192.168.0.30:80 -s wlc -p 300 -M 255.255.255.0\n"
	"-a -t 192.168.0.30:80 -r 192.168.0.121:80 -g -w 1\n"
	"-a -t 192.168.0.30:80 -r 192.168.0.122:80 -m -w 3 -x 100 -y 50\n"
	"-A -u 10.0.0.1:53 -s rr\n"
	"-a -u 10.0.0.1:53 -r 10.1.1.1:5353 -m -w 0\n"
	"-A -f 7 -s sh -p 360\n"
	"-a -f 7 -r 10.1.1.2:0 -g -w 1\n"
	"-A -t 10.0.0.2:0 -s lc -p 60\n",
	"--nosort keeps the kernel's order");
}

static void test_one_service(void)
{
	struct vs_table t = { &svcs[0], 1 };
	char *got = render(NULL, &t, FMT_NUMERIC);

	is_str(got,
	"Prot LocalAddress:Port Scheduler Flags\n"
	"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
	"TCP  192.168.0.30:80 wlc persistent 300 mask 255.255.255.0\n"
	"  -> 192.168.0.121:80             Route   1      0          0         \n"
	"  -> 192.168.0.122:80             Masq    3      0          0         \n",
	"-L -t: no version line (ipvsadm)");
	free(got);
}

static void largenum(uint64_t v, bool exact, const char *want)
{
	char buf[64], name[96];

	vsadm_largenum(buf, sizeof(buf), v, exact);
	snprintf(name, sizeof(name), "%llu%s -> '%s'", (unsigned long long)v,
		 exact ? " exact" : "", want);
	is_str(buf, want, name);
}

static void test_largenum(void)
{
	largenum(0, false, "        0");
	largenum(99999999ULL, false, " 99999999");
	largenum(100000000ULL, false, "  100000K");
	largenum(999999999ULL, false, "  999999K");
	largenum(1000000000ULL, false, "    1000M");
	largenum(99999999999ULL, false, "   99999M");
	largenum(100000000000ULL, false, "     100G");
	largenum(99999999999999ULL, false, "   99999G");
	largenum(100000000000000ULL, false, "     100T");
	largenum(18446744073709551615ULL, false, "18446744T");
	largenum(5, true, "        5");
	largenum(12345678, true, " 12345678");
	largenum(123456789, true, " 123456789");
	largenum(100000000000000ULL, true, " 100000000000000");
}

static void test_big_stats(void)
{
	struct vs_virtual s = service(IPPROTO_TCP, "10.0.0.1", 80, 0, "rr", 0, 32);
	struct vs_real d = dest("10.0.0.2", 80, VS_FWD_DR, 1, 0, 0);
	struct vs_table t = { &s, 1 };
	char *got;

	s.stats.conns = 123;
	s.stats.inpkts = 150000000;
	s.stats.outpkts = 2000000000;
	s.stats.inbytes = 300000000000ULL;
	s.stats.outbytes = 500000000000000ULL;
	s.stats.cps = 7;
	s.stats.inbps = 250000000;
	d.stats = s.stats;
	d.stats.cps = 123456789;	/* a server's packet rates: never cut */
	s.dests = &d;
	s.n_dests = 1;
	got = render(&info, &t, FMT_NUMERIC | FMT_STATS);
	is_str(got, VERSION_LINE
	"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
	"  -> RemoteAddress:Port\n"
	"TCP  10.0.0.1:80                       123  150000K    2000M     300G     500T\n"
	"  -> 10.0.0.2:80                       123  150000K    2000M     300G     500T\n",
	"--stats abbreviates with K/M/G/T");
	free(got);
	got = render(&info, &t, FMT_NUMERIC | FMT_STATS | FMT_EXACT);
	is_str(got, VERSION_LINE
	"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
	"  -> RemoteAddress:Port\n"
	"TCP  10.0.0.1:80                       123 150000000 2000000000 300000000000 500000000000000\n"
	"  -> 10.0.0.2:80                       123 150000000 2000000000 300000000000 500000000000000\n",
	"--stats --exact widens the columns");
	free(got);
	got = render(&info, &t, FMT_NUMERIC | FMT_RATE);
	is_str(got, VERSION_LINE
	"Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
	"  -> RemoteAddress:Port\n"
	"TCP  10.0.0.1:80                         7        0        0  250000K        0\n"
	"  -> 10.0.0.2:80                  123456789        0        0  250000K        0\n",
	"--rate: service rates abbreviated, server packet rates not");
	free(got);
}

/* Names wider than the columns are cut where ipvsadm cuts them. */
static void test_truncation(void)
{
	struct vs_virtual s = service(IPPROTO_UDP, "255.255.255.255", 65535, 0,
				      "wlc", 0, 32);
	struct vs_real d = dest("255.255.255.254", 65535, VS_FWD_NAT, 1, 0, 0);
	struct vs_table t = { &s, 1 };
	char *got;

	s.dests = &d;
	s.n_dests = 1;
	got = render(NULL, &t, FMT_NUMERIC | FMT_STATS);
	is_str(got,
	"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
	"  -> RemoteAddress:Port\n"
	"UDP  255.255.255.255:65535               0        0        0        0        0\n"
	"  -> 255.255.255.254:65535               0        0        0        0        0\n",
	"widest IPv4 names fit");
	free(got);
}

static struct vs_virtual key(uint8_t proto, const char *a, uint16_t port,
			     uint32_t fwmark)
{
	return service(proto, a, port, fwmark, "rr", 0, 32);
}

static int cmp_svc(const struct vs_virtual *a, const struct vs_virtual *b)
{
	return vsadm_cmp_services(a, b);
}

static void test_sort(void)
{
	struct vs_virtual a, b;
	struct vs_virtual v[6];
	struct vs_real ds[4];
	struct vs_virtual s = { 0 };
	char name[64];
	size_t i;
	static const char *const want[] = {
		"TCP 192.168.0.30:80", "TCP 10.0.0.2:0", "TCP 10.0.0.2:443",
		"UDP 10.0.0.1:53", "FWM 3", "FWM 7",
	};

	a = key(IPPROTO_TCP, "192.168.0.30", 80, 0);
	b = key(IPPROTO_TCP, "10.0.0.2", 0, 0);
	ok(cmp_svc(&a, &b) < 0,
	   "192.168.0.30 sorts before 10.0.0.2 (ipvsadm's wrap-around)");
	a = key(IPPROTO_TCP, "10.0.0.2", 0, 0);
	b = key(IPPROTO_TCP, "130.0.0.1", 80, 0);
	ok(cmp_svc(&a, &b) < 0, "10.0.0.2 sorts before 130.0.0.1");
	a = key(IPPROTO_TCP, "10.0.0.2", 80, 0);
	b = key(IPPROTO_TCP, "10.0.0.10", 80, 0);
	ok(cmp_svc(&a, &b) < 0, "addresses compare as numbers");
	a = key(IPPROTO_TCP, "10.0.0.2", 443, 0);
	b = key(IPPROTO_TCP, "10.0.0.2", 80, 0);
	ok(cmp_svc(&a, &b) > 0, "then ports");
	a = key(IPPROTO_UDP, "1.1.1.1", 53, 0);
	b = key(IPPROTO_TCP, "9.9.9.9", 80, 0);
	ok(cmp_svc(&a, &b) > 0, "TCP before UDP");
	a = key(0, NULL, 0, 1);
	ok(cmp_svc(&a, &b) > 0, "fwmark services last");

	v[0] = key(0, NULL, 0, 7);
	v[1] = key(IPPROTO_UDP, "10.0.0.1", 53, 0);
	v[2] = key(IPPROTO_TCP, "10.0.0.2", 443, 0);
	v[3] = key(0, NULL, 0, 3);
	v[4] = key(IPPROTO_TCP, "10.0.0.2", 0, 0);
	v[5] = key(IPPROTO_TCP, "192.168.0.30", 80, 0);
	vsadm_msort(v, 6, sizeof(v[0]), vsadm_cmp_services);
	for (i = 0; i < 6; i++) {
		vsadm_svc_name(name, sizeof(name), &v[i]);
		is_str(name, want[i], "sorted services in ipvsadm's order");
	}

	ds[0] = dest("10.0.0.9", 80, VS_FWD_DR, 1, 0, 0);
	ds[1] = dest("10.0.0.10", 80, VS_FWD_DR, 1, 0, 0);
	ds[2] = dest("10.0.0.9", 79, VS_FWD_NAT, 1, 0, 0);
	ds[3] = dest("10.0.0.1", 8080, VS_FWD_NAT, 1, 0, 0);
	s.dests = ds;
	s.n_dests = 4;
	vsadm_sort_dests(&s);
	ok(ds[0].addr.ip == inet_addr("10.0.0.1") && ds[1].port == 79 &&
	   ds[2].port == 80 && ds[3].addr.ip == inet_addr("10.0.0.10"),
	   "servers sorted by address then port");
}

static void test_json(void)
{
	struct vs_table t = table;
	char *got = render(&info, &t, FMT_JSON);

	ok(got && !strncmp(got, "{\n  \"version\": \"0.1.0\",\n", 24),
	   "JSON starts with the version");
	ok(strstr(got, "{\"protocol\": \"tcp\", \"address\": \"192.168.0.30\", "
			"\"port\": 80, \"fwmark\": null, \"scheduler\": \"wlc\", "
			"\"scheduler_flags\": [], \"persistent\": true, \"timeout\": 300, "
			"\"netmask\": \"255.255.255.0\", \"prefix_length\": 24") != NULL,
	   "JSON service fields");
	ok(strstr(got, "{\"address\": \"192.168.0.122\", \"port\": 80, "
			"\"forward\": \"masq\", \"weight\": 3, "
			"\"upper_threshold\": 100, \"lower_threshold\": 50") != NULL,
	   "JSON server fields");
	ok(strstr(got, "\"protocol\": \"fwmark\", \"address\": null, "
			"\"port\": null, \"fwmark\": 7") != NULL,
	   "JSON fwmark service");
	ok(strstr(got, "\"servers\": []") != NULL, "JSON service without servers");
	free(got);
	t.n = 0;
	got = render(&info, &t, FMT_JSON);
	ok(got && strstr(got, "\"services\": []\n}\n") != NULL, "JSON empty table");
	free(got);
}

/* -b as ipvsadm 1.31 prints it (print_sched_flags): by the scheduler's
 * names, before persistence; a flag the scheduler has no name for leaves
 * "()" and "-b " as ipvsadm's do.
 */
static void test_sched_flags(void)
{
	struct vs_virtual s[4];
	struct vs_table t = { s, 4 };
	char *got;

	s[0] = service(IPPROTO_TCP, "10.0.0.4", 80, 0, "sh", 0, 32);
	s[0].flags = VS_SVC_F_SH_FALLBACK | VS_SVC_F_SH_PORT;
	s[1] = service(IPPROTO_TCP, "10.0.0.5", 80, 0, "mh", 60, 32);
	s[1].flags |= VS_SVC_F_MH_PORT;
	s[2] = service(IPPROTO_UDP, "10.0.0.6", 53, 0, "rr", 0, 32);
	s[2].flags = VS_SVC_F_SCHED2 | VS_SVC_F_SCHED3;
	s[3] = service(0, NULL, 0, 9, "sh", 0, 32);
	s[3].flags = VS_SVC_F_SCHED3;
	got = render(NULL, &t, FMT_NUMERIC | FMT_NOSORT);
	is_str(got,
	"Prot LocalAddress:Port Scheduler Flags\n"
	"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
	"TCP  10.0.0.4:80 sh (sh-fallback,sh-port)\n"
	"TCP  10.0.0.5:80 mh (mh-port) persistent 60\n"
	"UDP  10.0.0.6:53 rr (flag-2,flag-3)\n"
	"FWM  9 sh ()\n", "-L -n shows the flags by the scheduler's names");
	free(got);
	got = render(NULL, &t, FMT_RULE | FMT_NUMERIC | FMT_NOSORT);
	is_str(got,
	"-A -t 10.0.0.4:80 -s sh -b sh-fallback,sh-port\n"
	"-A -t 10.0.0.5:80 -s mh -p 60 -b mh-port\n"
	"-A -u 10.0.0.6:53 -s rr -b flag-2,flag-3\n"
	"-A -f 9 -s sh -b \n", "-S writes -b after -p");
	free(got);
	got = render(&info, &t, FMT_JSON | FMT_NOSORT);
	ok(got && strstr(got, "\"scheduler\": \"sh\", \"scheduler_flags\": "
			      "[\"sh-fallback\", \"sh-port\"]"),
	   "JSON lists the flags");
	ok(got && strstr(got, "\"scheduler\": \"rr\", \"scheduler_flags\": "
			      "[\"flag-2\", \"flag-3\"]"),
	   "JSON: flag-N for other schedulers");
	free(got);
}

static void test_timeouts_and_conns(void)
{
	struct vs_timeouts to = { 900, 120, 300 };
	struct vs_connection c[2] = { { 0 } };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	vsadm_print_timeouts(f, &to, 0);
	vsadm_print_timeouts(f, &to, FMT_JSON);
	fclose(f);
	is_str(buf, "Timeout (tcp tcpfin udp): 900 120 300\n"
		    "{\"tcp\": 900, \"tcpfin\": 120, \"udp\": 300}\n",
	       "timeouts, text and JSON");
	free(buf);

	c[0].protocol = IPPROTO_TCP;
	c[0].caddr.ip = inet_addr("10.0.0.99");
	c[0].cport = 40000;
	c[0].vaddr.ip = inet_addr("192.168.0.30");
	c[0].vport = 80;
	c[0].daddr.ip = inet_addr("192.168.0.121");
	c[0].dport = 80;
	c[0].state = VS_TCP_S_ESTABLISHED;
	c[0].expires_ms = 899500;
	c[1] = c[0];
	c[1].protocol = IPPROTO_UDP;
	c[1].state = VS_UDP_S_NORMAL;
	c[1].expires_ms = 5000;
	buf = NULL;
	f = open_memstream(&buf, &len);
	vsadm_print_conns(f, c, 2, FMT_NUMERIC);
	fclose(f);
	is_str(buf, "IPVS connection entries\n"
	"pro expire state       source             virtual            destination\n"
	"TCP 14:59  ESTABLISHED 10.0.0.99:40000    192.168.0.30:80    192.168.0.121:80\n"
	"UDP 00:05  UDP         10.0.0.99:40000    192.168.0.30:80    192.168.0.121:80\n",
	"-c layout (ipvsadm)");
	free(buf);
}

/* ------------------------------------------------------------------ */
/* IPv6                                                                 */

/*
 * Linked with --wrap=getnameinfo (Makefile): IPv6 addresses get names from
 * this table and never from DNS, so the listings with names are the same
 * everywhere; IPv4 ones go to the real lookup, as in the tests above,
 * except those in the table (one, for the tunnels' listings).
 */
int __real_getnameinfo(const struct sockaddr *sa, socklen_t salen,
		       char *host, socklen_t hostlen, char *serv,
		       socklen_t servlen, int flags);
int __wrap_getnameinfo(const struct sockaddr *sa, socklen_t salen,
		       char *host, socklen_t hostlen, char *serv,
		       socklen_t servlen, int flags);

int __wrap_getnameinfo(const struct sockaddr *sa, socklen_t salen,
		       char *host, socklen_t hostlen, char *serv,
		       socklen_t servlen, int flags)
{
	static const char *const names[][2] = {
		{ "2001:db8::1", "a-long-name-for-the-vip.example.com" },
		{ "2001:db8::2", "real-server-two.example.com" },
		{ "2001:db8::53",
		  "a-very-long-host-name-for-the-dns-server.subdomain.example.com" },
		{ "2001:db8::20", "a-gre-server-behind-ipv4.example.com" },
		{ "2001:db8::30", "a-gue-server-with-a-long-name.example.com" },
		{ "10.0.0.8", "an-ipv4-tunnel-server.example.com" },
	};
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	char a[INET6_ADDRSTRLEN];
	size_t i;

	if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
	else
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(a, names[i][0])) {
			snprintf(host, hostlen, "%s", names[i][1]);
			return 0;
		}
	}
	if (sa->sa_family != AF_INET6)
		return __real_getnameinfo(sa, salen, host, hostlen, serv,
					  servlen, flags);
	return EAI_NONAME;
}

static union vs_addr addr6(const char *s)
{
	union vs_addr a;

	inet_pton(AF_INET6, s, a.bytes);
	return a;
}

static struct vs_real dest6(const char *a, uint16_t port, uint8_t fwd,
			    uint32_t weight, uint32_t u, uint32_t l)
{
	struct vs_real d = dest("0.0.0.0", port, fwd, weight, u, l);

	d.addr = addr6(a);
	return d;
}

static struct vs_virtual service6(uint8_t proto, const char *a,
				  uint16_t port, uint32_t fwmark,
				  const char *sched, uint32_t timeout,
				  uint8_t netmask)
{
	struct vs_virtual s = service(proto, NULL, port, fwmark, sched,
				      timeout, netmask);

	s.af = AF_INET6;
	if (a)
		s.addr = addr6(a);
	return s;
}

/*
 * A table of both families, in the order it was created: every expected
 * listing below follows ipvsadm 1.31's print_service_entry() and
 * list_all(), with libipvs's ipvs_cmp_services() and ipvs_cmp_dests()
 * order, worked out from their sources and not from vsadm's.
 */
static struct vs_real v6_d80[3], v6_d53[1], v6_d7[1], v6_d443[1], v4_d80[1];
static struct vs_virtual v6_svcs[6];

static void build_v6_table(void)
{
	v6_d80[0] = dest6("2001:db8:0:0:1::10", 8080, VS_FWD_NAT, 3, 100, 50);
	v6_d80[1] = dest6("2001:db8::2", 80, VS_FWD_DR, 1, 0, 0);
	v6_d80[2] = dest6("2001:db8:9000::3", 80, VS_FWD_DR, 1, 0, 0);
	v6_d53[0] = dest6("2001:db8::53", 5353, VS_FWD_NAT, 0, 0, 0);
	v4_d80[0] = dest("192.168.0.121", 80, VS_FWD_DR, 1, 0, 0);
	v6_d7[0] = dest6("2001:db8::7", 0, VS_FWD_DR, 1, 0, 0);
	v6_d443[0] = dest6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 65535,
			   VS_FWD_NAT, 1, 0, 0);
	v6_svcs[0] = service6(IPPROTO_TCP, "2001:db8::1", 80, 0, "wlc", 300, 64);
	v6_svcs[0].dests = v6_d80;
	v6_svcs[0].n_dests = 3;
	v6_svcs[1] = service6(IPPROTO_UDP, "2001:db8::1", 53, 0, "rr", 0, 128);
	v6_svcs[1].dests = v6_d53;
	v6_svcs[1].n_dests = 1;
	v6_svcs[2] = service(IPPROTO_TCP, "192.168.0.30", 80, 0, "wlc", 0, 32);
	v6_svcs[2].dests = v4_d80;
	v6_svcs[2].n_dests = 1;
	v6_svcs[3] = service6(0, NULL, 0, 7, "sh", 360, 128);
	v6_svcs[3].dests = v6_d7;
	v6_svcs[3].n_dests = 1;
	v6_svcs[4] = service(0, NULL, 0, 7, "rr", 0, 32);
	v6_svcs[5] = service6(IPPROTO_TCP, "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe",
			      443, 0, "lc", 0, 128);
	v6_svcs[5].dests = v6_d443;
	v6_svcs[5].n_dests = 1;
}

static void check6(unsigned int fmt, const char *want, const char *name)
{
	struct vs_virtual copy[6];
	struct vs_real d80[3], d53[1], d7[1], d443[1], d4[1];
	struct vs_table t = { copy, 6 };
	char *got;

	/* sorting works on copies: the next check starts from creation order */
	memcpy(copy, v6_svcs, sizeof(copy));
	memcpy(d80, v6_d80, sizeof(d80));
	memcpy(d53, v6_d53, sizeof(d53));
	memcpy(d7, v6_d7, sizeof(d7));
	memcpy(d443, v6_d443, sizeof(d443));
	memcpy(d4, v4_d80, sizeof(d4));
	copy[0].dests = d80;
	copy[1].dests = d53;
	copy[2].dests = d4;
	copy[3].dests = d7;
	copy[5].dests = d443;
	if (!(fmt & FMT_NOSORT))
		vsadm_sort_table(&t);
	got = render((fmt & FMT_RULE) ? NULL : &info, &t, fmt);
	is_str(got, want, name);
	free(got);
}

/*
 * ipvsadm: an IPv6 address in brackets (addrport_to_anyname), IPv6 names
 * not cut to the 33 and 28 columns (print_service_entry cuts only
 * "se->af != AF_INET6" ones), "mask N" as a prefix length, "FWM  7 IPv6";
 * IPv4 services before IPv6 ones, and IPv6 addresses compared word by
 * word with ipvsadm's signed wrap-around: 2001:db8:ffff:... sorts before
 * 2001:db8::1, and 2001:db8:9000::3 before 2001:db8::2.
 */
static void test_v6_listings(void)
{
	check6(FMT_NUMERIC, VERSION_LINE
	"Prot LocalAddress:Port Scheduler Flags\n"
	"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
	"TCP  192.168.0.30:80 wlc\n"
	"  -> 192.168.0.121:80             Route   1      0          0         \n"
	"TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:443 lc\n"
	"  -> [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 Masq    1      0          0         \n"
	"TCP  [2001:db8::1]:80 wlc persistent 300 mask 64\n"
	"  -> [2001:db8:9000::3]:80        Route   1      0          0         \n"
	"  -> [2001:db8::2]:80             Route   1      0          0         \n"
	"  -> [2001:db8::1:0:0:10]:8080    Masq    3      0          0         \n"
	"UDP  [2001:db8::1]:53 rr\n"
	"  -> [2001:db8::53]:5353          Masq    0      0          0         \n"
	"FWM  7 rr\n"
	"FWM  7 IPv6 sh persistent 360\n"
	"  -> [2001:db8::7]:0              Route   1      0          0         \n",
	"IPv6: -L -n as ipvsadm prints it");
	/* Names in brackets too; the last server's is cut at 59 characters
	 * (addrport_to_anyname's 60-byte buffer), not at 28.
	 */
	check6(0, VERSION_LINE
	"Prot LocalAddress:Port Scheduler Flags\n"
	"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
	"TCP  192.168.0.30:http wlc\n"
	"  -> 192.168.0.121:http           Route   1      0          0         \n"
	"TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:https lc\n"
	"  -> [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 Masq    1      0          0         \n"
	"TCP  [a-long-name-for-the-vip.example.com]:http wlc persistent 300 mask 64\n"
	"  -> [2001:db8:9000::3]:http      Route   1      0          0         \n"
	"  -> [real-server-two.example.com]:http Route   1      0          0         \n"
	"  -> [2001:db8::1:0:0:10]:http-alt Masq    3      0          0         \n"
	"UDP  [a-long-name-for-the-vip.example.com]:domain rr\n"
	"  -> [a-very-long-host-name-for-the-dns-server.subdomain.example Masq    0      0          0         \n"
	"FWM  7 rr\n"
	"FWM  7 IPv6 sh persistent 360\n"
	"  -> [2001:db8::7]:0              Route   1      0          0         \n",
	"IPv6: -L with names as ipvsadm prints them");
	/* "%-33s" and "  -> %-28s" pad short names and let long ones run on */
	check6(FMT_NUMERIC | FMT_STATS, VERSION_LINE
	"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
	"  -> RemoteAddress:Port\n"
	"TCP  192.168.0.30:80                     0        0        0        0        0\n"
	"  -> 192.168.0.121:80                    0        0        0        0        0\n"
	"TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:443        0        0        0        0        0\n"
	"  -> [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535        0        0        0        0        0\n"
	"TCP  [2001:db8::1]:80                    0        0        0        0        0\n"
	"  -> [2001:db8:9000::3]:80               0        0        0        0        0\n"
	"  -> [2001:db8::2]:80                    0        0        0        0        0\n"
	"  -> [2001:db8::1:0:0:10]:8080           0        0        0        0        0\n"
	"UDP  [2001:db8::1]:53                    0        0        0        0        0\n"
	"  -> [2001:db8::53]:5353                 0        0        0        0        0\n"
	"FWM  7                                   0        0        0        0        0\n"
	"FWM  7 IPv6                              0        0        0        0        0\n"
	"  -> [2001:db8::7]:0                     0        0        0        0        0\n",
	"IPv6: --stats as ipvsadm prints it");
	check6(FMT_NUMERIC | FMT_RATE, VERSION_LINE
	"Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
	"  -> RemoteAddress:Port\n"
	"TCP  192.168.0.30:80                     0        0        0        0        0\n"
	"  -> 192.168.0.121:80                    0        0        0        0        0\n"
	"TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:443        0        0        0        0        0\n"
	"  -> [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535        0        0        0        0        0\n"
	"TCP  [2001:db8::1]:80                    0        0        0        0        0\n"
	"  -> [2001:db8:9000::3]:80               0        0        0        0        0\n"
	"  -> [2001:db8::2]:80                    0        0        0        0        0\n"
	"  -> [2001:db8::1:0:0:10]:8080           0        0        0        0        0\n"
	"UDP  [2001:db8::1]:53                    0        0        0        0        0\n"
	"  -> [2001:db8::53]:5353                 0        0        0        0        0\n"
	"FWM  7                                   0        0        0        0        0\n"
	"FWM  7 IPv6                              0        0        0        0        0\n"
	"  -> [2001:db8::7]:0                     0        0        0        0        0\n",
	"IPv6: --rate as ipvsadm prints it");
	check6(FMT_NUMERIC | FMT_THRESHOLDS, VERSION_LINE
	"Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n"
	"  -> RemoteAddress:Port\n"
	"TCP  192.168.0.30:80 wlc\n"
	"  -> 192.168.0.121:80             0          0          0          0         \n"
	"TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:443 lc\n"
	"  -> [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 0          0          0          0         \n"
	"TCP  [2001:db8::1]:80 wlc persistent 300 mask 64\n"
	"  -> [2001:db8:9000::3]:80        0          0          0          0         \n"
	"  -> [2001:db8::2]:80             0          0          0          0         \n"
	"  -> [2001:db8::1:0:0:10]:8080    100        50         0          0         \n"
	"UDP  [2001:db8::1]:53 rr\n"
	"  -> [2001:db8::53]:5353          0          0          0          0         \n"
	"FWM  7 rr\n"
	"FWM  7 IPv6 sh persistent 360\n"
	"  -> [2001:db8::7]:0              0          0          0          0         \n",
	"IPv6: --thresholds as ipvsadm prints it");
	check6(FMT_NUMERIC | FMT_PCONN, VERSION_LINE
	"Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n"
	"  -> RemoteAddress:Port\n"
	"TCP  192.168.0.30:80 wlc\n"
	"  -> 192.168.0.121:80             1         0           0          0         \n"
	"TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:443 lc\n"
	"  -> [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 1         0           0          0         \n"
	"TCP  [2001:db8::1]:80 wlc persistent 300 mask 64\n"
	"  -> [2001:db8:9000::3]:80        1         0           0          0         \n"
	"  -> [2001:db8::2]:80             1         0           0          0         \n"
	"  -> [2001:db8::1:0:0:10]:8080    3         0           0          0         \n"
	"UDP  [2001:db8::1]:53 rr\n"
	"  -> [2001:db8::53]:5353          0         0           0          0         \n"
	"FWM  7 rr\n"
	"FWM  7 IPv6 sh persistent 360\n"
	"  -> [2001:db8::7]:0              1         0           0          0         \n",
	"IPv6: --persistent-conn as ipvsadm prints it");
}

/* ipvsadm's -S: "-M 64", "-f 7 -6" (print_service_entry's FMT_RULE). */
static void test_v6_save(void)
{
	check6(FMT_RULE | FMT_NUMERIC,
	"-A -t 192.168.0.30:80 -s wlc\n"
	"-a -t 192.168.0.30:80 -r 192.168.0.121:80 -g -w 1\n"
	"-A -t [2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:443 -s lc\n"
	"-a -t [2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:443 -r [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 -m -w 1\n"
	"-A -t [2001:db8::1]:80 -s wlc -p 300 -M 64\n"
	"-a -t [2001:db8::1]:80 -r [2001:db8:9000::3]:80 -g -w 1\n"
	"-a -t [2001:db8::1]:80 -r [2001:db8::2]:80 -g -w 1\n"
	"-a -t [2001:db8::1]:80 -r [2001:db8::1:0:0:10]:8080 -m -w 3 -x 100 -y 50\n"
	"-A -u [2001:db8::1]:53 -s rr\n"
	"-a -u [2001:db8::1]:53 -r [2001:db8::53]:5353 -m -w 0\n"
	"-A -f 7 -s rr\n"
	"-A -f 7 -6 -s sh -p 360\n"
	"-a -f 7 -6 -r [2001:db8::7]:0 -g -w 1\n",
	"IPv6: -S -n as ipvsadm writes it (and thresholds)");
	/* ipvsadm would cut the mdns server's name at 59 characters here
	 * too, making a line that restores nothing; vsadm -S does not cut.
	 */
	check6(FMT_RULE,
	"-A -t 192.168.0.30:http -s wlc\n"
	"-a -t 192.168.0.30:http -r 192.168.0.121:http -g -w 1\n"
	"-A -t [2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:https -s lc\n"
	"-a -t [2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:https -r [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 -m -w 1\n"
	"-A -t [a-long-name-for-the-vip.example.com]:http -s wlc -p 300 -M 64\n"
	"-a -t [a-long-name-for-the-vip.example.com]:http -r [2001:db8:9000::3]:http -g -w 1\n"
	"-a -t [a-long-name-for-the-vip.example.com]:http -r [real-server-two.example.com]:http -g -w 1\n"
	"-a -t [a-long-name-for-the-vip.example.com]:http -r [2001:db8::1:0:0:10]:http-alt -m -w 3 -x 100 -y 50\n"
	"-A -u [a-long-name-for-the-vip.example.com]:domain -s rr\n"
	"-a -u [a-long-name-for-the-vip.example.com]:domain -r [a-very-long-host-name-for-the-dns-server.subdomain.example.com]:mdns -m -w 0\n"
	"-A -f 7 -s rr\n"
	"-A -f 7 -6 -s sh -p 360\n"
	"-a -f 7 -6 -r [2001:db8::7]:0 -g -w 1\n",
	"IPv6: -S with names, none cut");
	check6(FMT_RULE | FMT_NUMERIC | FMT_NOSORT,
	"-A -t [2001:db8::1]:80 -s wlc -p 300 -M 64\n"
	"-a -t [2001:db8::1]:80 -r [2001:db8::1:0:0:10]:8080 -m -w 3 -x 100 -y 50\n"
	"-a -t [2001:db8::1]:80 -r [2001:db8::2]:80 -g -w 1\n"
	"-a -t [2001:db8::1]:80 -r [2001:db8:9000::3]:80 -g -w 1\n"
	"-A -u [2001:db8::1]:53 -s rr\n"
	"-a -u [2001:db8::1]:53 -r [2001:db8::53]:5353 -m -w 0\n"
	"-A -t 192.168.0.30:80 -s wlc\n"
	"-a -t 192.168.0.30:80 -r 192.168.0.121:80 -g -w 1\n"
	"-A -f 7 -6 -s sh -p 360\n"
	"-a -f 7 -6 -r [2001:db8::7]:0 -g -w 1\n"
	"-A -f 7 -s rr\n"
	"-A -t [2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:443 -s lc\n"
	"-a -t [2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:443 -r [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535 -m -w 1\n",
	"IPv6: --nosort keeps the creation order");
}

/* -L -t [2001:db8::1]:80: list_service() prints no version line. */
static void test_v6_one_service(void)
{
	struct vs_virtual s = v6_svcs[3];
	struct vs_table t = { &s, 1 };
	char *got;

	s.netmask = 48;
	got = render(NULL, &t, FMT_NUMERIC);
	is_str(got,
	"Prot LocalAddress:Port Scheduler Flags\n"
	"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
	"FWM  7 IPv6 sh persistent 360 mask 48\n"
	"  -> [2001:db8::7]:0              Route   1      0          0         \n",
	"IPv6 fwmark service with a mask: 'mask 48'");
	free(got);
	got = render(NULL, &t, FMT_NUMERIC | FMT_RULE);
	is_str(got,
	"-A -f 7 -6 -s sh -p 360 -M 48\n"
	"-a -f 7 -6 -r [2001:db8::7]:0 -g -w 1\n",
	"IPv6 fwmark service with a mask: '-M 48'");
	free(got);
}

static void test_v6_sort(void)
{
	struct vs_virtual a, b;
	struct vs_real ds[4];
	struct vs_virtual s = { .af = AF_INET6 };

	a = service6(IPPROTO_TCP, "::1", 80, 0, "rr", 0, 128);
	b = key(IPPROTO_UDP, "9.9.9.9", 80, 0);
	ok(cmp_svc(&a, &b) > 0, "IPv4 services, UDP too, before IPv6 ones");
	a = service6(0, NULL, 0, 7, "rr", 0, 128);
	b = key(0, NULL, 0, 7);
	ok(cmp_svc(&a, &b) > 0 && cmp_svc(&b, &a) < 0,
	   "fwmark 7 IPv4 before fwmark 7 IPv6");
	b = key(0, NULL, 0, 8);
	ok(cmp_svc(&a, &b) < 0, "fwmark 7 IPv6 before fwmark 8 IPv4");
	a = service6(IPPROTO_TCP, "2001:db8::1", 80, 0, "rr", 0, 128);
	b = service6(IPPROTO_TCP, "2001:db8::10", 80, 0, "rr", 0, 128);
	ok(cmp_svc(&a, &b) < 0, "IPv6: the last word decides");
	b = service6(IPPROTO_TCP, "2001:db8:ffff::", 80, 0, "rr", 0, 128);
	ok(cmp_svc(&a, &b) > 0,
	   "IPv6: 2001:db8:ffff:: before 2001:db8::1 (a word's wrap-around)");
	b = service6(IPPROTO_TCP, "2001:db8::1", 79, 0, "rr", 0, 128);
	ok(cmp_svc(&a, &b) > 0, "IPv6: then the port");
	a = service6(IPPROTO_TCP, "102:304::", 80, 0, "rr", 0, 128);
	b = key(IPPROTO_TCP, "1.2.3.4", 80, 0);
	ok(cmp_svc(&a, &b) > 0 && cmp_svc(&b, &a) < 0,
	   "TCP 1.2.3.4:80 and TCP [102:304::]:80 differ: the family first");

	ds[0] = dest6("2001:db8::10", 80, VS_FWD_DR, 1, 0, 0);
	ds[1] = dest6("fe80::1", 80, VS_FWD_DR, 1, 0, 0);
	ds[2] = dest6("2001:db8::10", 79, VS_FWD_NAT, 1, 0, 0);
	ds[3] = dest6("2001:db8::9", 8080, VS_FWD_NAT, 1, 0, 0);
	s.dests = ds;
	s.n_dests = 4;
	vsadm_sort_dests(&s);
	ok(ds[0].addr.bytes[0] == 0xfe && ds[1].port == 8080 &&
	   ds[2].port == 79 && ds[3].port == 80,
	   "IPv6 servers: fe80::1 (more than 2^31 above 2001:...) first, then by address and port");
}

static void test_v6_json(void)
{
	struct vs_table t = { v6_svcs, 6 };
	char *got = render(&info, &t, FMT_JSON | FMT_NOSORT);

	ok(got && strstr(got, "{\"protocol\": \"tcp\", \"address\": \"2001:db8::1\", "
			      "\"port\": 80, \"fwmark\": null") != NULL,
	   "JSON: an IPv6 address is a string, without brackets");
	ok(got && strstr(got, "\"persistent\": true, \"timeout\": 300, "
			      "\"netmask\": \"ffff:ffff:ffff:ffff::\", "
			      "\"prefix_length\": 64, \"af\": \"inet6\"") != NULL,
	   "JSON: an IPv6 netmask, its prefix length and the family");
	ok(got && strstr(got, "\"address\": \"2001:db8::1\", \"port\": 53, "
			      "\"fwmark\": null, \"scheduler\": \"rr\", "
			      "\"scheduler_flags\": [], \"persistent\": false, "
			      "\"timeout\": 0, \"netmask\": "
			      "\"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\", "
			      "\"prefix_length\": 128, \"af\": \"inet6\"") != NULL,
	   "JSON: a non-persistent IPv6 service has the whole /128");
	ok(got && strstr(got, "{\"address\": \"2001:db8::1:0:0:10\", \"port\": 8080, "
			      "\"forward\": \"masq\"") != NULL,
	   "JSON: an IPv6 server");
	ok(got && strstr(got, "\"address\": \"192.168.0.30\", \"port\": 80, "
			      "\"fwmark\": null, \"scheduler\": \"wlc\", "
			      "\"scheduler_flags\": [], \"persistent\": false, "
			      "\"timeout\": 0, \"netmask\": \"255.255.255.255\", "
			      "\"prefix_length\": 32, \"af\": \"inet\"") != NULL,
	   "JSON: an IPv4 service says inet");
	ok(got && strstr(got, "\"fwmark\": 7, \"scheduler\": \"sh\", "
			      "\"scheduler_flags\": [], \"persistent\": true, "
			      "\"timeout\": 360, \"netmask\": "
			      "\"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\", "
			      "\"prefix_length\": 128, \"af\": \"inet6\"") != NULL &&
	   strstr(got, "\"fwmark\": 7, \"scheduler\": \"rr\", "
		       "\"scheduler_flags\": [], \"persistent\": false, "
		       "\"timeout\": 0, \"netmask\": \"255.255.255.255\", "
		       "\"prefix_length\": 32, \"af\": \"inet\"") != NULL,
	   "JSON: fwmark 7 of both families told apart by af");
	free(got);
}

static struct vs_connection conn6(uint8_t proto, const char *c, uint16_t cp,
				  const char *v, uint16_t vp, const char *d,
				  uint16_t dp, uint8_t state, uint32_t ms)
{
	struct vs_connection x = {
		.af = AF_INET6, .protocol = proto, .cport = cp, .vport = vp,
		.dport = dp, .state = state, .expires_ms = ms,
	};

	x.caddr = addr6(c);
	x.vaddr = addr6(v);
	x.daddr = addr6(d);
	return x;
}

static char *render_conns(const struct vs_connection *c, size_t n,
			  unsigned int fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	vsadm_print_conns(f, c, n, fmt);
	fclose(f);
	return buf;
}

/*
 * ipvsadm's print_conn(): "%-3s %-6s %-11s %-18s %-18s %s" over
 * addrport_to_anyname() names, which IPv6 ones overflow.
 */
static void test_v6_conns(void)
{
	struct vs_connection c[4];
	char *got;

	c[0] = conn6(IPPROTO_TCP, "2001:db8::99", 40000, "2001:db8::1", 80,
		     "2001:db8::2", 80, VS_TCP_S_ESTABLISHED, 899500);
	c[1] = conn6(IPPROTO_UDP, "2001:db8::99", 40000, "2001:db8::1", 53,
		     "2001:db8::53", 5353, VS_UDP_S_NORMAL, 5000);
	c[2] = conn6(0, "2001:db8::99", 0, "::", 0, "2001:db8::7", 0,
		     VS_TCP_S_NONE, 300000);
	c[2].fwmark = 7;
	c[2].flags = VS_CONN_F_TEMPLATE;
	memset(&c[3], 0, sizeof(c[3]));
	c[3].af = AF_INET;
	c[3].protocol = IPPROTO_TCP;
	c[3].caddr.ip = inet_addr("10.0.0.99");
	c[3].cport = 40000;
	c[3].vaddr.ip = inet_addr("192.168.0.30");
	c[3].vport = 80;
	c[3].daddr.ip = inet_addr("192.168.0.121");
	c[3].dport = 80;
	c[3].state = VS_TCP_S_ESTABLISHED;
	c[3].expires_ms = 899500;
	got = render_conns(c, 4, FMT_NUMERIC);
	is_str(got, "IPVS connection entries\n"
	"pro expire state       source             virtual            destination\n"
	"TCP 14:59  ESTABLISHED [2001:db8::99]:40000 [2001:db8::1]:80   [2001:db8::2]:80\n"
	"UDP 00:05  UDP         [2001:db8::99]:40000 [2001:db8::1]:53   [2001:db8::53]:5353\n"
	"IP  05:00  NONE        [2001:db8::99]:0   [::]:0             [2001:db8::7]:0\n"
	"TCP 14:59  ESTABLISHED 10.0.0.99:40000    192.168.0.30:80    192.168.0.121:80\n",
	"IPv6: -L -c -n as ipvsadm prints it");
	free(got);
	got = render_conns(c, 4, 0);
	is_str(got, "IPVS connection entries\n"
	"pro expire state       source             virtual            destination\n"
	"TCP 14:59  ESTABLISHED [2001:db8::99]:40000 [a-long-name-for-the-vip.example.com]:http [real-server-two.example.com]:http\n"
	"UDP 00:05  UDP         [2001:db8::99]:40000 [a-long-name-for-the-vip.example.com]:domain [a-very-long-host-name-for-the-dns-server.subdomain.example\n"
	"IP  05:00  NONE        [2001:db8::99]:0   [::]:0             [2001:db8::7]:0\n"
	"TCP 14:59  ESTABLISHED 10.0.0.99:40000    192.168.0.30:http  192.168.0.121:http\n",
	"IPv6: -L -c with names, cut at 59 characters as ipvsadm cuts them");
	free(got);
	got = render_conns(c, 1, FMT_JSON);
	is_str(got, "{\n  \"connections\": [\n"
	"    {\"protocol\": \"tcp\", \"af\": \"inet6\", \"client\": \"2001:db8::99\", "
	"\"client_port\": 40000, \"virtual\": \"2001:db8::1\", \"virtual_port\": 80, "
	"\"server\": \"2001:db8::2\", \"server_port\": 80, \"fwmark\": 0, "
	"\"state\": \"ESTABLISHED\", \"expires_ms\": 899500, \"template\": false, "
	"\"forward\": \"route\", \"server_af\": \"inet6\"}\n  ]\n}\n",
	"IPv6: -L -c --json");
	free(got);
	got = render_conns(&c[3], 1, FMT_JSON);
	ok(got && strstr(got, "{\"protocol\": \"tcp\", \"af\": \"inet\", "
			      "\"client\": \"10.0.0.99\"") != NULL,
	   "IPv4: -L -c --json says inet");
	free(got);
}


/* ------------------------------------------------------------------ */
/* Tunnels                                                              */

static struct vs_real tunnel(struct vs_real d, uint16_t af, uint8_t type,
			     uint16_t port, uint16_t flags)
{
	d.af = af;
	d.fwd = VS_FWD_TUNNEL;
	d.tun_type = type;
	d.tun_port = port;
	d.tun_flags = flags;
	return d;
}

/*
 * Servers of every kind, of both families on both sides, in the order
 * they were created; dumps give every server its af (libvs.c).
 */
static struct vs_real tun_d40[5], tun_d443[3], tun_d9[2];
static struct vs_virtual tun_svcs[3];

static void build_tun_table(void)
{
	struct vs_real dr = dest("0.0.0.0", 80, VS_FWD_DR, 1, 0, 0);

	tun_d40[0] = tunnel(dest("10.0.0.6", 80, 0, 2, 100, 50), AF_INET,
			    VS_TUN_GUE, 6080, VS_TUN_F_CSUM);
	tun_d40[1] = tunnel(dest6("2001:db8::20", 80, 0, 1, 0, 0), AF_INET6,
			    VS_TUN_GRE, 0, 0);
	tun_d40[2] = dest("10.0.0.4", 80, VS_FWD_DR, 1, 0, 0);
	tun_d40[3] = tunnel(dest("10.0.0.5", 80, 0, 1, 0, 0), AF_INET,
			    VS_TUN_IPIP, 0, 0);
	tun_d40[4] = dest("10.0.0.7", 8080, VS_FWD_NAT, 1, 0, 0);
	tun_d40[2].af = tun_d40[4].af = AF_INET;
	tun_d443[0] = tunnel(dest6("2001:db8::30", 443, 0, 1, 0, 0), AF_INET6,
			     VS_TUN_GUE, 6081, VS_TUN_F_REMCSUM);
	tun_d443[1] = dest6("2001:db8::31", 443, VS_FWD_DR, 1, 0, 0);
	tun_d443[1].af = AF_INET6;
	tun_d443[2] = tunnel(dest("10.0.0.8", 443, 0, 1, 0, 0), AF_INET,
			     VS_TUN_IPIP, 0, 0);
	tun_d9[0] = tunnel(dest6("2001:db8::40", 0, 0, 1, 0, 0), AF_INET6,
			   VS_TUN_GRE, 0, VS_TUN_F_CSUM);
	dr = dest("10.0.0.9", 0, VS_FWD_DR, 1, 0, 0);
	dr.af = AF_INET;
	tun_d9[1] = dr;
	tun_svcs[0] = service6(IPPROTO_TCP, "2001:db8::1", 443, 0, "rr", 0, 128);
	tun_svcs[0].dests = tun_d443;
	tun_svcs[0].n_dests = 3;
	tun_svcs[1] = service(0, NULL, 0, 9, "rr", 0, 32);
	tun_svcs[1].dests = tun_d9;
	tun_svcs[1].n_dests = 2;
	tun_svcs[2] = service(IPPROTO_TCP, "192.168.0.40", 80, 0, "wlc", 0, 32);
	tun_svcs[2].dests = tun_d40;
	tun_svcs[2].n_dests = 5;
}

static void check_tun(unsigned int fmt, const char *want, const char *name)
{
	struct vs_virtual copy[3];
	struct vs_real d40[5], d443[3], d9[2];
	struct vs_table t = { copy, 3 };
	char *got;

	memcpy(copy, tun_svcs, sizeof(copy));
	memcpy(d40, tun_d40, sizeof(d40));
	memcpy(d443, tun_d443, sizeof(d443));
	memcpy(d9, tun_d9, sizeof(d9));
	copy[0].dests = d443;
	copy[1].dests = d9;
	copy[2].dests = d40;
	if (!(fmt & FMT_NOSORT))
		vsadm_sort_table(&t);
	got = render((fmt & FMT_RULE) ? NULL : &info, &t, fmt);
	is_str(got, want, name);
	free(got);
}

/*
 * Expected text from ipvsadm 1.31's printf formats, not from vsadm's:
 * print_title() and print_service_entry() ("  -> %-28s %-7s %-6d %-10u
 * %-10u", with --tun-info "  -> %-28s %-7s %-13s %-6d %-10u %-10u" and
 * fwd_tun_info()'s "ipip", "gue:%d:%s", "gre:%s" or "n/a"; fwd_name()'s
 * "Tunnel"). A server is named in its own family (addrport_to_anyname
 * with e->af) and cut at 28 when it is not IPv6, whatever its service.
 * Order: ipvs_cmp_services(), then ipvs_cmp_dests() by the first
 * server's family (IPv4 10.0.0.x before 2001:db8:: either way here).
 */
static void test_tun_listings(void)
{
	check_tun(FMT_NUMERIC, VERSION_LINE
	"Prot LocalAddress:Port Scheduler Flags\n"
	"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
	"TCP  192.168.0.40:80 wlc\n"
	"  -> 10.0.0.4:80                  Route   1      0          0         \n"
	"  -> 10.0.0.5:80                  Tunnel  1      0          0         \n"
	"  -> 10.0.0.6:80                  Tunnel  2      0          0         \n"
	"  -> 10.0.0.7:8080                Masq    1      0          0         \n"
	"  -> [2001:db8::20]:80            Tunnel  1      0          0         \n"
	"TCP  [2001:db8::1]:443 rr\n"
	"  -> 10.0.0.8:443                 Tunnel  1      0          0         \n"
	"  -> [2001:db8::30]:443           Tunnel  1      0          0         \n"
	"  -> [2001:db8::31]:443           Route   1      0          0         \n"
	"FWM  9 rr\n"
	"  -> 10.0.0.9:0                   Route   1      0          0         \n"
	"  -> [2001:db8::40]:0             Tunnel  1      0          0         \n",
	"tunnels: -L -n as ipvsadm prints it (Forward Tunnel)");
	check_tun(0, VERSION_LINE
	"Prot LocalAddress:Port Scheduler Flags\n"
	"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
	"TCP  192.168.0.40:http wlc\n"
	"  -> 10.0.0.4:http                Route   1      0          0         \n"
	"  -> 10.0.0.5:http                Tunnel  1      0          0         \n"
	"  -> 10.0.0.6:http                Tunnel  2      0          0         \n"
	"  -> 10.0.0.7:http-alt            Masq    1      0          0         \n"
	"  -> [a-gre-server-behind-ipv4.example.com]:http Tunnel  1      0          0         \n"
	"TCP  [a-long-name-for-the-vip.example.com]:https rr\n"
	"  -> an-ipv4-tunnel-server.exampl Tunnel  1      0          0         \n"
	"  -> [a-gue-server-with-a-long-name.example.com]:https Tunnel  1      0          0         \n"
	"  -> [2001:db8::31]:https         Route   1      0          0         \n"
	"FWM  9 rr\n"
	"  -> 10.0.0.9:0                   Route   1      0          0         \n"
	"  -> [2001:db8::40]:0             Tunnel  1      0          0         \n",
	"tunnels: -L with names, each in its server's family");
	check_tun(FMT_NUMERIC | FMT_TUN_INFO, VERSION_LINE
	"Prot LocalAddress:Port Scheduler Flags\n"
	"  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n"
	"TCP  192.168.0.40:80 wlc\n"
	"  -> 10.0.0.4:80                  Route   n/a           1      0          0         \n"
	"  -> 10.0.0.5:80                  Tunnel  ipip          1      0          0         \n"
	"  -> 10.0.0.6:80                  Tunnel  gue:6080:+c   2      0          0         \n"
	"  -> 10.0.0.7:8080                Masq    n/a           1      0          0         \n"
	"  -> [2001:db8::20]:80            Tunnel  gre:-c        1      0          0         \n"
	"TCP  [2001:db8::1]:443 rr\n"
	"  -> 10.0.0.8:443                 Tunnel  ipip          1      0          0         \n"
	"  -> [2001:db8::30]:443           Tunnel  gue:6081:r+c  1      0          0         \n"
	"  -> [2001:db8::31]:443           Route   n/a           1      0          0         \n"
	"FWM  9 rr\n"
	"  -> 10.0.0.9:0                   Route   n/a           1      0          0         \n"
	"  -> [2001:db8::40]:0             Tunnel  gre:+c        1      0          0         \n",
	"tunnels: -L -n --tun-info as ipvsadm prints it");
	check_tun(FMT_TUN_INFO, VERSION_LINE
	"Prot LocalAddress:Port Scheduler Flags\n"
	"  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n"
	"TCP  192.168.0.40:http wlc\n"
	"  -> 10.0.0.4:http                Route   n/a           1      0          0         \n"
	"  -> 10.0.0.5:http                Tunnel  ipip          1      0          0         \n"
	"  -> 10.0.0.6:http                Tunnel  gue:6080:+c   2      0          0         \n"
	"  -> 10.0.0.7:http-alt            Masq    n/a           1      0          0         \n"
	"  -> [a-gre-server-behind-ipv4.example.com]:http Tunnel  gre:-c        1      0          0         \n"
	"TCP  [a-long-name-for-the-vip.example.com]:https rr\n"
	"  -> an-ipv4-tunnel-server.exampl Tunnel  ipip          1      0          0         \n"
	"  -> [a-gue-server-with-a-long-name.example.com]:https Tunnel  gue:6081:r+c  1      0          0         \n"
	"  -> [2001:db8::31]:https         Route   n/a           1      0          0         \n"
	"FWM  9 rr\n"
	"  -> 10.0.0.9:0                   Route   n/a           1      0          0         \n"
	"  -> [2001:db8::40]:0             Tunnel  gre:+c        1      0          0         \n",
	"tunnels: -L --tun-info with names");
}

/*
 * ipvsadm's -S: print_tunnel_rule() writes "-i -w %d --tun-type %s",
 * gue's "--tun-port %d" and, for gue and gre, the checksum option
 * (tun_flags_opts[], --tun-nocsum included); vsadm adds -x and -y after
 * them, where thresholds are set.
 */
static void test_tun_save(void)
{
	check_tun(FMT_RULE | FMT_NUMERIC,
	"-A -t 192.168.0.40:80 -s wlc\n"
	"-a -t 192.168.0.40:80 -r 10.0.0.4:80 -g -w 1\n"
	"-a -t 192.168.0.40:80 -r 10.0.0.5:80 -i -w 1 --tun-type ipip\n"
	"-a -t 192.168.0.40:80 -r 10.0.0.6:80 -i -w 2 --tun-type gue --tun-port 6080 --tun-csum -x 100 -y 50\n"
	"-a -t 192.168.0.40:80 -r 10.0.0.7:8080 -m -w 1\n"
	"-a -t 192.168.0.40:80 -r [2001:db8::20]:80 -i -w 1 --tun-type gre --tun-nocsum\n"
	"-A -t [2001:db8::1]:443 -s rr\n"
	"-a -t [2001:db8::1]:443 -r 10.0.0.8:443 -i -w 1 --tun-type ipip\n"
	"-a -t [2001:db8::1]:443 -r [2001:db8::30]:443 -i -w 1 --tun-type gue --tun-port 6081 --tun-remcsum\n"
	"-a -t [2001:db8::1]:443 -r [2001:db8::31]:443 -g -w 1\n"
	"-A -f 9 -s rr\n"
	"-a -f 9 -r 10.0.0.9:0 -g -w 1\n"
	"-a -f 9 -r [2001:db8::40]:0 -i -w 1 --tun-type gre --tun-csum\n",
	"tunnels: -S -n as ipvsadm writes it (and thresholds)");
	check_tun(FMT_RULE,
	"-A -t 192.168.0.40:http -s wlc\n"
	"-a -t 192.168.0.40:http -r 10.0.0.4:http -g -w 1\n"
	"-a -t 192.168.0.40:http -r 10.0.0.5:http -i -w 1 --tun-type ipip\n"
	"-a -t 192.168.0.40:http -r 10.0.0.6:http -i -w 2 --tun-type gue --tun-port 6080 --tun-csum -x 100 -y 50\n"
	"-a -t 192.168.0.40:http -r 10.0.0.7:http-alt -m -w 1\n"
	"-a -t 192.168.0.40:http -r [a-gre-server-behind-ipv4.example.com]:http -i -w 1 --tun-type gre --tun-nocsum\n"
	"-A -t [a-long-name-for-the-vip.example.com]:https -s rr\n"
	"-a -t [a-long-name-for-the-vip.example.com]:https -r an-ipv4-tunnel-server.example.com:https -i -w 1 --tun-type ipip\n"
	"-a -t [a-long-name-for-the-vip.example.com]:https -r [a-gue-server-with-a-long-name.example.com]:https -i -w 1 --tun-type gue --tun-port 6081 --tun-remcsum\n"
	"-a -t [a-long-name-for-the-vip.example.com]:https -r [2001:db8::31]:https -g -w 1\n"
	"-A -f 9 -s rr\n"
	"-a -f 9 -r 10.0.0.9:0 -g -w 1\n"
	"-a -f 9 -r [2001:db8::40]:0 -i -w 1 --tun-type gre --tun-csum\n",
	"tunnels: -S with names, none cut");
}

/* What vsadm -S -n writes, vsadm -R reads back to the same servers. */
static void test_tun_save_parses(void)
{
	static const char *const lines[] = {
		"-a -t 192.168.0.40:80 -r 10.0.0.6:80 -i -w 2 --tun-type gue --tun-port 6080 --tun-csum -x 100 -y 50",
		"-a -t [2001:db8::1]:443 -r 10.0.0.8:443 -i -w 1 --tun-type ipip",
		"-a -f 9 -r [2001:db8::40]:0 -i -w 1 --tun-type gre --tun-csum",
	};
	const struct vs_real *want[] = { &tun_d40[0], &tun_d443[2], &tun_d9[0] };
	struct vsadm_cmd c;
	char buf[256], *argv[32], *save, *tok, err[VSADM_ERR_MAX];
	size_t i;
	int argc;

	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "%s", lines[i]);
		save = NULL;
		argc = 0;
		for (tok = strtok_r(buf, " ", &save); tok && argc < 32;
		     tok = strtok_r(NULL, " ", &save))
			argv[argc++] = tok;
		ok(!vsadm_parse(argc, argv, true, &c, err, sizeof(err)) &&
		   c.dest.af == want[i]->af && c.dest.fwd == VS_FWD_TUNNEL &&
		   c.dest.tun_type == want[i]->tun_type &&
		   c.dest.tun_port == want[i]->tun_port &&
		   c.dest.tun_flags == want[i]->tun_flags &&
		   c.dest.weight == want[i]->weight &&
		   c.dest.u_thresh == want[i]->u_thresh &&
		   !memcmp(&c.dest.addr, &want[i]->addr, sizeof(c.dest.addr)),
		   "-S line %zu reads back as the server it was written from",
		   i + 1);
	}
}

/*
 * ipvs_cmp_dests() with a server of the other family: an IPv4 one
 * compares the first 32 bits only, so 32.1.13.184:80 and
 * [2001:db8::1]:79 differ by port (80 > 79) seen from the IPv4 one and
 * by the address (::1 > ::) seen from the IPv6 one. glibc's merge sort
 * asks cmp(left, right) and keeps left unless it is above right: two
 * servers come out IPv6 first when the IPv4 one came first, and the
 * other way round. That is ipvsadm's order, odd as it is.
 */
static void test_tun_sort(void)
{
	struct vs_virtual s = service6(IPPROTO_TCP, "2001:db8::1", 80, 0,
				       "rr", 0, 128);
	struct vs_real ds[2], v4, v6;

	v4 = tunnel(dest("32.1.13.184", 80, 0, 1, 0, 0), AF_INET,
		    VS_TUN_IPIP, 0, 0);
	v6 = dest6("2001:db8::1", 79, VS_FWD_DR, 1, 0, 0);
	v6.af = AF_INET6;
	ok(vsadm_cmp_dests(&v4, &v6) > 0 && vsadm_cmp_dests(&v6, &v4) > 0,
	   "an IPv4 server compares its first word only, an IPv6 one all four");
	ds[0] = v4;
	ds[1] = v6;
	s.dests = ds;
	s.n_dests = 2;
	vsadm_sort_dests(&s);
	ok(ds[0].af == AF_INET6 && ds[1].af == AF_INET,
	   "created IPv4 then IPv6: sorted IPv6 first (cmp(v4, v6) > 0)");
	ds[0] = v6;
	ds[1] = v4;
	vsadm_sort_dests(&s);
	ok(ds[0].af == AF_INET && ds[1].af == AF_INET6,
	   "created IPv6 then IPv4: sorted IPv4 first (cmp(v6, v4) > 0)");
	v6.port = 80;
	ok(vsadm_cmp_dests(&v4, &v6) == 0 && vsadm_cmp_dests(&v6, &v4) > 0,
	   "same port: equal seen from the IPv4 server, above from the IPv6 one");
	ds[0] = v6;
	ds[1] = v4;
	vsadm_sort_dests(&s);
	ok(ds[0].af == AF_INET && ds[1].af == AF_INET6,
	   "same port, created IPv6 then IPv4: IPv4 first (cmp(v6, v4) > 0)");
	ds[0] = v4;
	ds[1] = v6;
	vsadm_sort_dests(&s);
	ok(ds[0].af == AF_INET && ds[1].af == AF_INET6,
	   "same port, created IPv4 then IPv6: IPv4 stays first (cmp 0 keeps left)");
}

/* A --tun-src in each listing that shows tunnels: -S, --tun-info, JSON. */
static void test_tun_src(void)
{
	struct vs_real d[2];
	struct vs_virtual v = service(IPPROTO_TCP, "192.168.0.40", 80, 0, "rr", 0, 32);
	struct vs_table t = { &v, 1 };
	char *got;

	d[0] = tunnel(dest("10.0.0.5", 80, 0, 1, 0, 0), AF_INET, VS_TUN_IPIP, 0, 0);
	inet_pton(AF_INET, "10.0.0.99", &d[0].tun_src);
	d[0].set |= VS_HAS_TUN_SRC;
	d[1] = tunnel(dest6("2001:db8::20", 80, 0, 1, 0, 0), AF_INET6,
		      VS_TUN_GUE, 6080, VS_TUN_F_CSUM);
	inet_pton(AF_INET6, "2001:db8::99", &d[1].tun_src);
	d[1].set |= VS_HAS_TUN_SRC;
	v.dests = d;
	v.n_dests = 2;
	got = render(NULL, &t, FMT_RULE | FMT_NUMERIC | FMT_NOSORT);
	is_str(got, "-A -t 192.168.0.40:80 -s rr\n"
	       "-a -t 192.168.0.40:80 -r 10.0.0.5:80 -i -w 1 --tun-type ipip --tun-src 10.0.0.99\n"
	       "-a -t 192.168.0.40:80 -r [2001:db8::20]:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum --tun-src 2001:db8::99\n",
	       "-S: --tun-src after the tunnel options, in the server's family");
	free(got);
	got = render(&info, &t, FMT_NUMERIC | FMT_TUN_INFO | FMT_NOSORT);
	ok(got && strstr(got, "  -> 10.0.0.5:80                  Tunnel  ipip@10.0.0.99 1 ") &&
	   strstr(got, "  -> [2001:db8::20]:80            Tunnel  gue:6080:+c@2001:db8::99 1 "),
	   "--tun-info: the source after an @");
	free(got);
	got = render(&info, &t, FMT_JSON | FMT_NOSORT);
	ok(got && strstr(got, "\"csum\": null, \"src\": \"10.0.0.99\"}") &&
	   strstr(got, "\"csum\": \"csum\", \"src\": \"2001:db8::99\"}"),
	   "JSON: \"src\" in the tunnel");
	free(got);
}

/* JSON: "forward": "tunnel", the server's "af" and its "tunnel". */
static void test_tun_json(void)
{
	struct vs_table t = { tun_svcs, 3 };
	char *got = render(&info, &t, FMT_JSON | FMT_NOSORT);

	ok(got && strstr(got, "{\"address\": \"10.0.0.6\", \"port\": 80, "
			      "\"forward\": \"tunnel\", \"weight\": 2, "
			      "\"upper_threshold\": 100, \"lower_threshold\": 50, "
			      "\"active_conns\": 0, \"inactive_conns\": 0, "
			      "\"persistent_conns\": 0, \"af\": \"inet\", "
			      "\"tunnel\": {\"type\": \"gue\", \"port\": 6080, "
			      "\"csum\": \"csum\", \"src\": null}, \"stats\": {") != NULL,
	   "JSON: a gue server with its port and checksum");
	ok(got && strstr(got, "{\"address\": \"2001:db8::20\", \"port\": 80, "
			      "\"forward\": \"tunnel\"") != NULL &&
	   strstr(got, "\"af\": \"inet6\", \"tunnel\": {\"type\": \"gre\", "
		       "\"port\": null, \"csum\": \"nocsum\", \"src\": null}") != NULL,
	   "JSON: an IPv6 gre server of an IPv4 service, without checksum");
	ok(got && strstr(got, "{\"address\": \"10.0.0.8\", \"port\": 443, "
			      "\"forward\": \"tunnel\"") != NULL &&
	   strstr(got, "\"af\": \"inet\", \"tunnel\": {\"type\": \"ipip\", "
		       "\"port\": null, \"csum\": null, \"src\": null}") != NULL,
	   "JSON: an IPv4 ipip server of an IPv6 service");
	ok(got && strstr(got, "\"tunnel\": {\"type\": \"gue\", \"port\": 6081, "
			      "\"csum\": \"remcsum\", \"src\": null}") != NULL &&
	   strstr(got, "\"tunnel\": {\"type\": \"gre\", \"port\": null, "
		       "\"csum\": \"csum\", \"src\": null}") != NULL,
	   "JSON: remcsum and csum");
	ok(got && strstr(got, "{\"address\": \"10.0.0.7\", \"port\": 8080, "
			      "\"forward\": \"masq\"") != NULL &&
	   strstr(got, "\"persistent_conns\": 0, \"af\": \"inet\", "
		       "\"tunnel\": null, \"stats\"") != NULL,
	   "JSON: a server that is not tunneled has \"tunnel\": null");
	free(got);
}

/*
 * ipvsadm's print_conn(): the destination in its own family (daf), which
 * /proc/net/ip_vs_conn gives; no forwarding column. JSON says both.
 */
static void test_tun_conns(void)
{
	struct vs_connection c[2];
	char *got;

	c[0] = conn6(IPPROTO_TCP, "2001:db8::99", 40000, "2001:db8::1", 443,
		     "::", 443, VS_TCP_S_ESTABLISHED, 899500);
	memset(&c[0].daddr, 0, sizeof(c[0].daddr));
	c[0].daddr.ip = inet_addr("10.0.0.8");
	c[0].daf = AF_INET;
	c[0].fwd = VS_FWD_TUNNEL;
	memset(&c[1], 0, sizeof(c[1]));
	c[1].af = c[1].daf = AF_INET;
	c[1].protocol = IPPROTO_TCP;
	c[1].caddr.ip = inet_addr("10.0.0.99");
	c[1].cport = 40000;
	c[1].vaddr.ip = inet_addr("192.168.0.40");
	c[1].vport = 80;
	c[1].daddr = addr6("2001:db8::20");
	c[1].daf = AF_INET6;
	c[1].dport = 80;
	c[1].state = VS_TCP_S_SYN_RECV;
	c[1].expires_ms = 10000;
	c[1].fwd = VS_FWD_TUNNEL;
	got = render_conns(c, 2, FMT_NUMERIC);
	is_str(got,
	"IPVS connection entries\n"
	"pro expire state       source             virtual            destination\n"
	"TCP 14:59  ESTABLISHED [2001:db8::99]:40000 [2001:db8::1]:443  10.0.0.8:443\n"
	"TCP 00:10  SYN_RECV    10.0.0.99:40000    192.168.0.40:80    [2001:db8::20]:80\n",
	"tunnels: -L -c -n, each server in its own family");
	free(got);
	got = render_conns(c, 2, 0);
	is_str(got,
	"IPVS connection entries\n"
	"pro expire state       source             virtual            destination\n"
	"TCP 14:59  ESTABLISHED [2001:db8::99]:40000 [a-long-name-for-the-vip.example.com]:https an-ipv4-tunnel-server.example.com:https\n"
	"TCP 00:10  SYN_RECV    10.0.0.99:40000    192.168.0.40:http  [a-gre-server-behind-ipv4.example.com]:http\n",
	"tunnels: -L -c with names");
	free(got);
	got = render_conns(c, 2, FMT_JSON);
	ok(got && strstr(got, "\"server\": \"10.0.0.8\", \"server_port\": 443, "
			      "\"fwmark\": 0, \"state\": \"ESTABLISHED\", "
			      "\"expires_ms\": 899500, \"template\": false, "
			      "\"forward\": \"tunnel\", \"server_af\": \"inet\"}") != NULL &&
	   strstr(got, "\"af\": \"inet6\", \"client\": \"2001:db8::99\"") != NULL,
	   "tunnels: -L -c --json: an IPv6 connection's IPv4 server");
	ok(got && strstr(got, "\"server\": \"2001:db8::20\", \"server_port\": 80") &&
	   strstr(got, "\"forward\": \"tunnel\", \"server_af\": \"inet6\"}"),
	   "tunnels: -L -c --json: an IPv4 connection's IPv6 server");
	free(got);
}

int main(void)
{
	build_probe_table();
	test_listings();
	test_save();
	test_one_service();
	test_largenum();
	test_big_stats();
	test_truncation();
	test_sort();
	test_json();
	test_sched_flags();
	test_timeouts_and_conns();
	build_v6_table();
	test_v6_listings();
	test_v6_save();
	test_v6_one_service();
	test_v6_sort();
	test_v6_json();
	test_v6_conns();
	build_tun_table();
	test_tun_listings();
	test_tun_save();
	test_tun_save_parses();
	test_tun_sort();
	test_tun_json();
	test_tun_src();
	test_tun_conns();
	return tap_done();
}
