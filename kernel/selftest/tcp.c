// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP state table: the walks a NAT connection (both directions seen)
 * and a direct-routing one (input only) take through IPVS's states, what
 * RST does, flags that change nothing, and a table closed over the TCP
 * states.
 */

struct tcp_step {
	enum vs_dir_tcp dir;
	u8 flags;
	u8 state;	/* the state after the segment */
};

#define IN VS_DIR_TCP_INPUT
#define OUT VS_DIR_TCP_OUTPUT
#define IN_ONLY VS_DIR_TCP_INPUT_ONLY
#define SYNACK (TCPHDR_SYN | TCPHDR_ACK)
#define FINACK (TCPHDR_FIN | TCPHDR_ACK)

static const struct tcp_step nat_close_by_client[] = {
	{ IN, TCPHDR_SYN, sSR }, { OUT, SYNACK, sSR }, { IN, TCPHDR_ACK, sES },
	{ OUT, TCPHDR_ACK, sES }, { IN, FINACK, sCW }, { OUT, TCPHDR_ACK, sCW },
	{ OUT, FINACK, sTW }, { IN, TCPHDR_ACK, sTW },
};

static const struct tcp_step nat_close_by_server[] = {
	{ IN, TCPHDR_SYN, sSR }, { OUT, SYNACK, sSR }, { IN, TCPHDR_ACK, sES },
	{ OUT, FINACK, sFW }, { IN, TCPHDR_ACK, sFW }, { IN, FINACK, sTW },
};

static const struct tcp_step nat_reset[] = {
	{ IN, TCPHDR_SYN, sSR }, { OUT, SYNACK, sSR }, { IN, TCPHDR_ACK, sES },
	{ IN, TCPHDR_RST, sCL },
};

static const struct tcp_step dr_close[] = {
	{ IN_ONLY, TCPHDR_SYN, sSR }, { IN_ONLY, TCPHDR_ACK, sES },
	{ IN_ONLY, TCPHDR_ACK, sES }, { IN_ONLY, FINACK, sFW },
	{ IN_ONLY, TCPHDR_ACK, sFW }, { IN_ONLY, TCPHDR_RST, sCL },
};

/* No flag the table reads: the state stays. */
static const struct tcp_step dr_no_flags[] = {
	{ IN_ONLY, TCPHDR_SYN, sSR }, { IN_ONLY, TCPHDR_PSH, sSR },
	{ IN_ONLY, TCPHDR_ACK, sES }, { IN_ONLY, TCPHDR_URG, sES },
};

static bool walk(const char *name, const struct tcp_step *steps,
		 unsigned int n)
{
	u8 state = sNO;
	unsigned int i;

	for (i = 0; i < n; i++) {
		u8 next = vs_tcp_next_state(state, steps[i].dir, steps[i].flags);

		if (next != steps[i].state) {
			pr_err("self-test tcp: %s step %u: state %u, not %u\n",
			       name, i + 1, next, steps[i].state);
			return false;
		}
		state = next;
	}
	return true;
}

#define WALK(steps) walk(#steps, steps, ARRAY_SIZE(steps))

static bool table_closed(void)
{
	static const u8 flags[] = { TCPHDR_SYN, TCPHDR_FIN, TCPHDR_ACK,
				    TCPHDR_RST, SYNACK, FINACK };
	unsigned int dir, f;
	u8 st;

	for (dir = 0; dir < VS_DIR_TCP_MAX; dir++)
		for (f = 0; f < ARRAY_SIZE(flags); f++)
			for (st = sNO; st <= sSA; st++)
				if (vs_tcp_next_state(st, dir, flags[f]) > sSA) {
					pr_err("self-test tcp: dir %u flags %#x state %u leaves TCP\n",
					       dir, flags[f], st);
					return false;
				}
	/* UDP's state is not the TCP table's to change. */
	if (vs_tcp_next_state(VS_UDP_S_NORMAL, IN, TCPHDR_RST) != VS_UDP_S_NORMAL) {
		pr_err("self-test tcp: the UDP state changed\n");
		return false;
	}
	return true;
}

static bool reuse(void)
{
	u8 st;

	for (st = sNO; st <= sSA; st++)
		if (vs_tcp_reusable(st) != (st == sTW || st == sCL)) {
			pr_err("self-test tcp: state %u reusable is wrong\n", st);
			return false;
		}
	return true;
}

bool vs_tcp_selftest(void)
{
	return WALK(nat_close_by_client) & WALK(nat_close_by_server) &
	       WALK(nat_reset) & WALK(dr_close) & WALK(dr_no_flags) &
	       table_closed() & reuse();
}
