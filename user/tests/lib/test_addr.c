// SPDX-License-Identifier: GPL-2.0
/* Addresses, ports, masks and numbers: parsing and printing (lib/addr.c). */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include "addr.h"
#include "tap.h"

static void test_numbers(void)
{
	uint64_t v = 0;
	uint32_t u = 0;

	ok(!vs_parse_u64("0", &v) && v == 0, "u64 0");
	ok(!vs_parse_u64("18446744073709551615", &v) && v == UINT64_MAX,
	   "u64 max");
	is_int(vs_parse_u64("18446744073709551616", &v), VS_PARSE_RANGE,
	       "u64 overflow is out of range");
	is_int(vs_parse_u64("-1", &v), VS_PARSE_RANGE, "negative is out of range");
	is_int(vs_parse_u64("-", &v), VS_PARSE_BAD, "a lone minus is bad");
	is_int(vs_parse_u64("", &v), VS_PARSE_BAD, "empty is bad");
	is_int(vs_parse_u64("12a", &v), VS_PARSE_BAD, "trailing junk is bad");
	is_int(vs_parse_u64("+1", &v), VS_PARSE_BAD, "a plus sign is bad");
	is_int(vs_parse_u64(" 1", &v), VS_PARSE_BAD, "a leading space is bad");
	ok(!vs_parse_u64("010", &v) && v == 10, "leading zero is decimal");
	ok(!vs_parse_u32_range("5", 1, 10, &u) && u == 5, "u32 in range");
	is_int(vs_parse_u32_range("11", 1, 10, &u), VS_PARSE_RANGE,
	       "u32 above range");
	is_int(vs_parse_u32_range("0", 1, 10, &u), VS_PARSE_RANGE,
	       "u32 below range");
}

static void test_hosts(void)
{
	union vs_addr a;

	ok(!vs_parse_ipv4("192.168.0.30", &a) && a.ip == inet_addr("192.168.0.30") &&
	   !a.ip6[1] && !a.ip6[2] && !a.ip6[3],
	   "dotted quad, other 12 bytes zero");
	is_int(vs_parse_ipv4("1.2.3.400", &a), VS_PARSE_BAD, "octet > 255");
	is_int(vs_parse_ipv4("1.2.3", &a), VS_PARSE_BAD, "three parts");
	is_int(vs_parse_ipv4("1.2.3.4.5", &a), VS_PARSE_BAD, "five parts");
	is_int(vs_parse_host("1.2.3.400", &a), VS_PARSE_BAD,
	       "a mistyped address is not looked up as a name");
	is_int(vs_parse_host("", &a), VS_PARSE_BAD, "empty host");
	is_int(vs_parse_host("::1", &a), VS_PARSE_IPV6, "IPv6 recognised");
	is_int(vs_parse_host("fe80::1", &a), VS_PARSE_IPV6, "IPv6 with letters");
	ok(!vs_parse_host("localhost", &a) && a.ip == inet_addr("127.0.0.1"),
	   "localhost resolves");
	ok(!vs_parse_host("0.0.0.0", &a) && a.ip == 0, "0.0.0.0");
}

static void test_ports(void)
{
	uint16_t p = 0;

	ok(!vs_parse_port("80", IPPROTO_TCP, &p) && p == 80, "port 80");
	ok(!vs_parse_port("0", IPPROTO_TCP, &p) && p == 0, "port 0");
	ok(!vs_parse_port("65535", IPPROTO_TCP, &p) && p == 65535, "port 65535");
	is_int(vs_parse_port("65536", IPPROTO_TCP, &p), VS_PARSE_RANGE,
	       "port 65536");
	is_int(vs_parse_port("-1", IPPROTO_TCP, &p), VS_PARSE_RANGE, "port -1");
	is_int(vs_parse_port("", IPPROTO_TCP, &p), VS_PARSE_BAD, "empty port");
	ok(!vs_parse_port("http", IPPROTO_TCP, &p) && p == 80, "http/tcp");
	ok(!vs_parse_port("http", IPPROTO_TCP, &p) && p == 80,
	   "http/tcp again (cached)");
	ok(!vs_parse_port("domain", IPPROTO_UDP, &p) && p == 53, "domain/udp");
	is_int(vs_parse_port("nosuchservice", IPPROTO_TCP, &p), VS_PARSE_BAD,
	       "unknown service name");
}

static void test_masks(void)
{
	uint8_t n = 99;
	char buf[32];

	ok(!vs_parse_netmask("255.255.255.0", &n) && n == 24, "/24 dotted");
	ok(!vs_parse_netmask("255.255.255.255", &n) && n == 32, "/32 dotted");
	ok(!vs_parse_netmask("0.0.0.0", &n) && n == 0, "/0 dotted");
	ok(!vs_parse_netmask("255.255.128.0", &n) && n == 17, "/17 dotted");
	ok(!vs_parse_netmask("24", &n) && n == 24, "prefix length 24");
	ok(!vs_parse_netmask("0", &n) && n == 0, "prefix length 0");
	is_int(vs_parse_netmask("33", &n), VS_PARSE_RANGE, "prefix length 33");
	is_int(vs_parse_netmask("255.0.255.0", &n), VS_PARSE_NONCONTIG,
	       "holes in the mask");
	is_int(vs_parse_netmask("0.0.0.255", &n), VS_PARSE_NONCONTIG,
	       "inverted mask");
	is_int(vs_parse_netmask("255.255.255.256", &n), VS_PARSE_BAD,
	       "bad dotted mask");
	is_int(vs_parse_netmask("abc", &n), VS_PARSE_BAD, "junk mask");
	vs_mask_str(24, buf, sizeof(buf));
	is_str(buf, "255.255.255.0", "mask /24 printed dotted");
	vs_mask_str(0, buf, sizeof(buf));
	is_str(buf, "0.0.0.0", "mask /0 printed");
	vs_mask_str(32, buf, sizeof(buf));
	is_str(buf, "255.255.255.255", "mask /32 printed");
	vs_mask_str(1, buf, sizeof(buf));
	is_str(buf, "128.0.0.0", "mask /1 printed");
}

static void test_split(void)
{
	char host[64];
	const char *port = (const char *)1;

	ok(!vs_split_hostport("1.2.3.4:80", host, sizeof(host), &port) &&
	   !strcmp(host, "1.2.3.4") && port && !strcmp(port, "80"), "host:port");
	ok(!vs_split_hostport("1.2.3.4", host, sizeof(host), &port) &&
	   !strcmp(host, "1.2.3.4") && !port, "host without port");
	ok(!vs_split_hostport("web:http", host, sizeof(host), &port) &&
	   !strcmp(host, "web") && !strcmp(port, "http"), "name:service");
	is_int(vs_split_hostport("[::1]:80", host, sizeof(host), &port),
	       VS_PARSE_IPV6, "bracketed IPv6");
	is_int(vs_split_hostport("::1", host, sizeof(host), &port),
	       VS_PARSE_IPV6, "bare IPv6");
	is_int(vs_split_hostport("[2001:db8::1]", host, sizeof(host), &port),
	       VS_PARSE_IPV6, "bracketed IPv6 without a port");
	is_int(vs_split_hostport("a:b:c", host, sizeof(host), &port),
	       VS_PARSE_BAD, "two colons but no IPv6");
	is_int(vs_split_hostport("[::1]x", host, sizeof(host), &port),
	       VS_PARSE_BAD, "junk after the bracket");
	is_int(vs_split_hostport("a-host-name-longer-than-the-buffer-given-to-split-"
				 "hostport-is-refused:80", host, sizeof(host), &port),
	       VS_PARSE_BAD, "too long a host");
}

static void test_printing(void)
{
	union vs_addr a = { .ip = inet_addr("10.1.1.1") };
	char buf[VS_HOSTPORT_MAX];

	vs_addr_str(&a, buf, sizeof(buf));
	is_str(buf, "10.1.1.1", "address printed");
	vs_hostport_str(buf, sizeof(buf), &a, 5353, IPPROTO_UDP, true);
	is_str(buf, "10.1.1.1:5353", "numeric host:port");
	a.ip = inet_addr("127.0.0.1");
	vs_hostport_str(buf, sizeof(buf), &a, 80, IPPROTO_TCP, false);
	is_str(buf, "localhost:http", "names: localhost:http");
	vs_hostport_str(buf, sizeof(buf), &a, 0, IPPROTO_TCP, false);
	is_str(buf, "localhost:0", "port 0 has no name");
	vs_hostport_str(buf, sizeof(buf), &a, 53, IPPROTO_UDP, false);
	is_str(buf, "localhost:domain", "names: udp port");
	is_str(vs_proto_name(IPPROTO_TCP), "TCP", "TCP");
	is_str(vs_proto_name(IPPROTO_UDP), "UDP", "UDP");
	is_str(vs_proto_name(0), "IP", "IP for fwmark templates");
	vs_name_cache_free();
}

static bool is_addr6(const union vs_addr *a, const char *s)
{
	union vs_addr want;

	memset(&want, 0, sizeof(want));
	return inet_pton(AF_INET6, s, want.bytes) == 1 &&
	       !memcmp(a, &want, sizeof(want));
}

/* The first address getaddrinfo gives name of family, or false. */
static bool resolves(const char *name, int family, union vs_addr *a)
{
	struct addrinfo hints = { .ai_family = family }, *res;

	if (getaddrinfo(name, NULL, &hints, &res))
		return false;
	memset(a, 0, sizeof(*a));
	if (family == AF_INET6)
		memcpy(a->bytes, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, 16);
	else
		a->ip = ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(res);
	return true;
}

static void test_hosts_af(void)
{
	union vs_addr a, want;
	uint16_t af = 0;

	ok(!vs_parse_host_af("2001:db8::1", AF_INET, &af, &a) &&
	   af == AF_INET6 && is_addr6(&a, "2001:db8::1"),
	   "IPv6 address: AF_INET6, 16 bytes");
	ok(!vs_parse_host_af("::", AF_INET, &af, &a) && af == AF_INET6 &&
	   is_addr6(&a, "::"), ":: is an IPv6 address");
	ok(!vs_parse_host_af("::ffff:1.2.3.4", AF_INET, &af, &a) &&
	   af == AF_INET6 && is_addr6(&a, "::ffff:1.2.3.4"),
	   "a v4-mapped address stays IPv6 (ipvsadm tries IPv6 first)");
	af = AF_INET6;
	ok(!vs_parse_host_af("192.168.0.30", AF_INET6, &af, &a) &&
	   af == AF_INET && a.ip == inet_addr("192.168.0.30") &&
	   !a.ip6[1] && !a.ip6[2] && !a.ip6[3],
	   "IPv4 address: AF_INET, whatever was preferred, 12 bytes zero");
	is_int(vs_parse_host_af("1.2.3.400", AF_INET, &af, &a), VS_PARSE_BAD,
	       "a mistyped IPv4 address is not looked up");
	is_int(vs_parse_host_af("2001:db8::1::2", AF_INET, &af, &a),
	       VS_PARSE_BAD, "a mistyped IPv6 address is not looked up");
	is_int(vs_parse_host_af("fe80::1%lo", AF_INET6, &af, &a), VS_PARSE_BAD,
	       "a scoped address is refused");
	is_int(vs_parse_host_af("", AF_INET, &af, &a), VS_PARSE_BAD, "empty");
	is_int(vs_parse_host_af("[::1]", AF_INET6, &af, &a), VS_PARSE_BAD,
	       "brackets are not part of an address");
	ok(!vs_parse_host_af("localhost", AF_INET, &af, &a) && af == AF_INET &&
	   a.ip == inet_addr("127.0.0.1"), "localhost as IPv4 when preferred");
	/* This machine's resolver decides whether localhost has an IPv6
	 * address; either way the one given is its, or the IPv4 one.
	 */
	if (resolves("localhost", AF_INET6, &want))
		ok(!vs_parse_host_af("localhost", AF_INET6, &af, &a) &&
		   af == AF_INET6 && !memcmp(&a, &want, sizeof(a)),
		   "localhost preferring IPv6: its IPv6 address");
	else
		ok(!vs_parse_host_af("localhost", AF_INET6, &af, &a) &&
		   af == AF_INET && a.ip == inet_addr("127.0.0.1"),
		   "localhost preferring IPv6, which it lacks: its IPv4 address");
	is_int(vs_parse_host_af("nosuchhost.invalid", AF_INET, &af, &a),
	       VS_PARSE_NOHOST, "an unknown name");
}

static void test_split_af(void)
{
	char host[64];
	const char *port = (const char *)1;

	ok(!vs_split_hostport_af("[2001:db8::1]:80", host, sizeof(host), &port) &&
	   !strcmp(host, "2001:db8::1") && port && !strcmp(port, "80"),
	   "[v6]:port");
	ok(!vs_split_hostport_af("[2001:db8::1]", host, sizeof(host), &port) &&
	   !strcmp(host, "2001:db8::1") && !port, "[v6] without a port");
	ok(!vs_split_hostport_af("[2001:db8::1]:", host, sizeof(host), &port) &&
	   port && !*port, "[v6]: gives an empty port, for the caller to refuse");
	ok(!vs_split_hostport_af("2001:db8::1", host, sizeof(host), &port) &&
	   !strcmp(host, "2001:db8::1") && !port, "bare v6: no port");
	ok(!vs_split_hostport_af("2001:db8::1:80", host, sizeof(host), &port) &&
	   !strcmp(host, "2001:db8::1:80") && !port,
	   "2001:db8::1:80 is an address (ipvsadm's reading too)");
	ok(!vs_split_hostport_af("1.2.3.4:80", host, sizeof(host), &port) &&
	   !strcmp(host, "1.2.3.4") && !strcmp(port, "80"), "IPv4 host:port");
	ok(!vs_split_hostport_af("web:http", host, sizeof(host), &port) &&
	   !strcmp(host, "web") && !strcmp(port, "http"), "name:service");
	ok(!vs_split_hostport_af("web", host, sizeof(host), &port) &&
	   !strcmp(host, "web") && !port, "a name alone");
	is_int(vs_split_hostport_af("[1.2.3.4]:80", host, sizeof(host), &port),
	       VS_PARSE_BAD, "brackets around IPv4 (ipvsadm drops the port)");
	is_int(vs_split_hostport_af("[web]:80", host, sizeof(host), &port),
	       VS_PARSE_BAD, "brackets around a name");
	is_int(vs_split_hostport_af("[::1]x", host, sizeof(host), &port),
	       VS_PARSE_BAD, "junk after the bracket");
	is_int(vs_split_hostport_af("[::1", host, sizeof(host), &port),
	       VS_PARSE_BAD, "no closing bracket");
	is_int(vs_split_hostport_af("a:b:c", host, sizeof(host), &port),
	       VS_PARSE_BAD, "two colons but no IPv6");
	is_int(vs_split_hostport_af("2001:db8::1", host, 6, &port),
	       VS_PARSE_BAD, "a bare address longer than the buffer");
	is_int(vs_split_hostport_af("[2001:db8::1]:80", host, 6, &port),
	       VS_PARSE_BAD, "a bracketed address longer than the buffer");
}

static void test_masks_af(void)
{
	uint8_t n = 0;
	char buf[INET6_ADDRSTRLEN];

	ok(!vs_parse_netmask_af("64", AF_INET6, &n) && n == 64, "IPv6 /64");
	ok(!vs_parse_netmask_af("128", AF_INET6, &n) && n == 128, "IPv6 /128");
	ok(!vs_parse_netmask_af("1", AF_INET6, &n) && n == 1, "IPv6 /1");
	is_int(vs_parse_netmask_af("0", AF_INET6, &n), VS_PARSE_RANGE,
	       "IPv6 /0 is out of range (ipvsadm: 1..128)");
	is_int(vs_parse_netmask_af("129", AF_INET6, &n), VS_PARSE_RANGE,
	       "IPv6 /129");
	is_int(vs_parse_netmask_af("255.255.255.0", AF_INET6, &n), VS_PARSE_BAD,
	       "a dotted mask for IPv6");
	is_int(vs_parse_netmask_af("ffff:ffff::", AF_INET6, &n), VS_PARSE_BAD,
	       "an IPv6 mask written as an address");
	ok(!vs_parse_netmask_af("255.255.255.0", AF_INET, &n) && n == 24,
	   "AF_INET: a dotted mask, as before");
	is_int(vs_parse_netmask_af("64", AF_INET, &n), VS_PARSE_RANGE,
	       "AF_INET: /64 out of range");
	vs_mask_str_af(AF_INET6, 64, buf, sizeof(buf));
	is_str(buf, "ffff:ffff:ffff:ffff::", "IPv6 mask /64");
	vs_mask_str_af(AF_INET6, 65, buf, sizeof(buf));
	is_str(buf, "ffff:ffff:ffff:ffff:8000::", "IPv6 mask /65");
	vs_mask_str_af(AF_INET6, 127, buf, sizeof(buf));
	is_str(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "IPv6 mask /127");
	vs_mask_str_af(AF_INET6, 128, buf, sizeof(buf));
	is_str(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "IPv6 mask /128");
	vs_mask_str_af(AF_INET6, 0, buf, sizeof(buf));
	is_str(buf, "::", "IPv6 mask /0");
	vs_mask_str_af(AF_INET, 20, buf, sizeof(buf));
	is_str(buf, "255.255.240.0", "AF_INET mask /20");
}

static void test_printing_af(void)
{
	union vs_addr a;
	char buf[VS_HOSTPORT_MAX];

	memset(&a, 0, sizeof(a));
	inet_pton(AF_INET6, "2001:0db8:0000:0000:0001:0000:0000:0010", a.bytes);
	vs_addr_str_af(AF_INET6, &a, buf, sizeof(buf));
	is_str(buf, "2001:db8::1:0:0:10",
	       "IPv6 printed as inet_ntop compresses it (ipvsadm's way)");
	vs_addr_str_af(AF_INET, &a, buf, sizeof(buf));
	is_str(buf, "32.1.13.184", "the same bytes as IPv4: the first four");
	vs_hostport_str_af(buf, sizeof(buf), AF_INET6, &a, 8080, IPPROTO_TCP,
			   true);
	is_str(buf, "[2001:db8::1:0:0:10]:8080", "IPv6 numeric [addr]:port");
	vs_hostport_str_af(buf, sizeof(buf), AF_INET, &a, 8080, IPPROTO_TCP,
			   true);
	is_str(buf, "32.1.13.184:8080", "IPv4 numeric without brackets");
	vs_addr_str_af(AF_INET6, &a, buf, 8);
	is_str(buf, "?", "too small a buffer");

	/* The name cache must tell the families apart: 7f00:1:: starts with
	 * the four bytes of 127.0.0.1, which is localhost.
	 */
	memset(&a, 0, sizeof(a));
	a.ip = inet_addr("127.0.0.1");
	vs_hostport_str_af(buf, sizeof(buf), AF_INET, &a, 80, IPPROTO_TCP,
			   false);
	is_str(buf, "localhost:http", "IPv4 127.0.0.1 named");
	inet_pton(AF_INET6, "7f00:1::", a.bytes);
	vs_hostport_str_af(buf, sizeof(buf), AF_INET6, &a, 80, IPPROTO_TCP,
			   false);
	is_str(buf, "[7f00:1::]:http",
	       "IPv6 7f00:1:: is not localhost; brackets, port by name");
	vs_hostport_str_af(buf, sizeof(buf), AF_INET6, &a, 53, IPPROTO_UDP,
			   false);
	is_str(buf, "[7f00:1::]:domain", "IPv6 with a UDP port name");
	vs_name_cache_free();
}

int main(void)
{
	test_numbers();
	test_hosts();
	test_ports();
	test_masks();
	test_split();
	test_printing();
	test_hosts_af();
	test_split_af();
	test_masks_af();
	test_printing_af();
	return tap_done();
}
