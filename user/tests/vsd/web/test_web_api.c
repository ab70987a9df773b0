// SPDX-License-Identifier: GPL-2.0
/*
 * The panel's view of the table's servers (/api/table): addresses of
 * either family as vsadm -L -n prints them, the forwarding method by
 * ipvsadm's name ("tunnel", not "masq", for a tunneled server) and a
 * tunnel's encapsulation in vsd.conf's words, its outer source included.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "web/web_int.h"
#include "tap.h"

static char *dest_text(const struct vs_virtual *s, const struct vs_real *d)
{
	json_t *j = web_dest_json(s, d);
	char *t = j ? json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT) : NULL;

	json_decref(j);
	return t;
}

int main(void)
{
	struct vs_virtual s6 = { .af = AF_INET6, .protocol = IPPROTO_TCP, .port = 443 };
	struct vs_virtual s4 = { .af = AF_INET, .protocol = IPPROTO_TCP, .port = 80 };
	struct vs_real d = {
		.af = AF_INET6, .port = 443, .fwd = VS_FWD_TUNNEL, .weight = 3,
		.tun_type = VS_TUN_GUE, .tun_port = 6080, .tun_flags = VS_TUN_F_REMCSUM,
		.active_conns = 2, .inact_conns = 1,
	};
	char *t;

	inet_pton(AF_INET6, "2001:db8:12::1", d.addr.bytes);
	t = dest_text(&s6, &d);
	is_str(t, "{\"active\":2,\"address\":\"[2001:db8:12::1]:443\",\"cps\":0,"
	       "\"forward\":\"tunnel\",\"inactive\":1,\"inbps\":0,\"inpps\":0,"
	       "\"outbps\":0,\"outpps\":0,"
	       "\"tunnel\":{\"checksum\":\"remcsum\",\"port\":6080,\"source\":null,"
	       "\"type\":\"gue\"},\"weight\":3}",
	       "an IPv6 GUE tunnel server: bracketed address, forward tunnel, its encapsulation");
	free(t);

	/* a source, in the server's family; all zeros (an edit removed it) is none */
	inet_pton(AF_INET6, "2001:db8::1", d.tun_src.bytes);
	d.set |= VS_HAS_TUN_SRC;
	t = dest_text(&s4, &d);
	ok(t && strstr(t, "\"source\":\"2001:db8::1\""),
	   "an IPv6 server's outer source, under an IPv4 service");
	free(t);
	memset(&d.tun_src, 0, sizeof(d.tun_src));
	t = dest_text(&s6, &d);
	ok(t && strstr(t, "\"source\":null"), "an all-zero source is none");
	free(t);
	d.set &= ~VS_HAS_TUN_SRC;

	/* an IPv6 server tunneled from an IPv4 service, and the reverse */
	t = dest_text(&s4, &d);
	ok(t && strstr(t, "\"address\":\"[2001:db8:12::1]:443\""),
	   "its own family, not its service's, decides the brackets");
	free(t);
	memset(&d.addr, 0, sizeof(d.addr));
	inet_pton(AF_INET, "10.0.0.1", &d.addr.ip);
	d.af = AF_INET;
	d.port = 443;
	d.tun_type = VS_TUN_GRE;
	d.tun_port = 0;
	d.tun_flags = VS_TUN_F_CSUM;
	t = dest_text(&s6, &d);
	ok(t && strstr(t, "\"address\":\"10.0.0.1:443\"") &&
	   strstr(t, "\"tunnel\":{\"checksum\":\"csum\",\"port\":0,\"source\":null,"
		     "\"type\":\"gre\"}"),
	   "an IPv4 GRE server of an IPv6 service");
	free(t);
	inet_pton(AF_INET, "10.0.0.9", &d.tun_src.ip);
	d.set |= VS_HAS_TUN_SRC;
	t = dest_text(&s6, &d);
	ok(t && strstr(t, "\"source\":\"10.0.0.9\""),
	   "an IPv4 server's source is IPv4, whatever the service's family");
	free(t);

	d.fwd = VS_FWD_NAT;
	d.af = 0;
	t = dest_text(&s4, &d);
	ok(t && strstr(t, "\"forward\":\"masq\"") && !strstr(t, "tunnel") &&
	   strstr(t, "\"address\":\"10.0.0.1:443\""), "NAT is masq, without a tunnel");
	free(t);
	d.fwd = VS_FWD_DR;
	t = dest_text(&s4, &d);
	ok(t && strstr(t, "\"forward\":\"route\""), "direct routing is route");
	free(t);
	return tap_done();
}
