// SPDX-License-Identifier: GPL-2.0
/* Addresses, ports, masks and numbers: parsing and printing (lib/addr.c). */
#include <arpa/inet.h>
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

int main(void)
{
	test_numbers();
	test_hosts();
	test_ports();
	test_masks();
	test_split();
	test_printing();
	return tap_done();
}
