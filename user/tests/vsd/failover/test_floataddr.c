// SPDX-License-Identifier: GPL-2.0
/*
 * Floating addresses: a device name and an address of either family make
 * one, and an IPv6 one is announced by a neighbour advertisement whose
 * every field a receiving kernel checks (RFC 4861 7.1.2) is right. The
 * checksum is compared with one computed apart (Python's struct, summed by
 * hand) for the same address and MAC.
 */
#include <arpa/inet.h>
#include <string.h>

#include "failover/floataddr.h"
#include "tap.h"

static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x11 };

static void advert(void)
{
	struct in6_addr target, all_nodes;
	uint8_t buf[128], small[40];
	size_t len;

	inet_pton(AF_INET6, "2001:db8:26::10", &target);
	inet_pton(AF_INET6, "ff02::1", &all_nodes);
	len = vsd_na_build(buf, sizeof(buf), &target, mac);
	is_int((long long)len, 72, "NA: 40-byte IPv6 header, 24-byte advert, 8-byte option");
	is_int(buf[0] >> 4, 6, "NA: IPv6");
	is_int(buf[4] << 8 | buf[5], 32, "NA: payload length 32");
	is_int(buf[6], 58, "NA: next header ICMPv6");
	is_int(buf[7], 255, "NA: hop limit 255, or receivers drop it");
	ok(!memcmp(buf + 8, &target, 16), "NA: from the address itself");
	ok(!memcmp(buf + 24, &all_nodes, 16), "NA: to all nodes");
	is_int(buf[40], 136, "NA: type 136");
	is_int(buf[41], 0, "NA: code 0");
	is_int(buf[42] << 8 | buf[43], 0xf8b0, "NA: checksum as computed apart");
	is_int(buf[44], 0x20, "NA: Override, not Solicited, not Router");
	ok(!memcmp(buf + 48, &target, 16), "NA: target is the address");
	is_int(buf[64], 2, "NA: option target link-layer address");
	is_int(buf[65], 1, "NA: option length 1 (8 bytes)");
	ok(!memcmp(buf + 66, mac, 6), "NA: the device's MAC");
	is_int((long long)vsd_na_build(small, sizeof(small), &target, mac), 0,
	       "NA: no room, nothing built");
}

static void init(void)
{
	struct vsd_float f;
	union vs_addr a;

	memset(&a, 0, sizeof(a));
	inet_pton(AF_INET6, "2001:db8::1", &a);
	ok(!vsd_float_init(&f, "eth0", AF_INET6, &a, 128), "IPv6 float on eth0");
	is_str(f.ifname, "eth0", "its device");
	is_str(f.text, "2001:db8::1", "its address in messages");
	is_int(f.af, AF_INET6, "its family");
	memset(&a, 0, sizeof(a));
	inet_pton(AF_INET, "192.168.1.10", &a.ip);
	ok(!vsd_float_init(&f, "eth0:1", AF_INET, &a, 24), "IPv4 float on eth0:1");
	is_str(f.ifname, "eth0", "the device under the label");
	is_str(f.text, "192.168.1.10", "its address in messages");
	ok(vsd_float_init(&f, ":1", AF_INET, &a, 24), "no device name: refused");
}

int main(void)
{
	advert();
	init();
	return tap_done();
}
