// SPDX-License-Identifier: GPL-2.0
/*
 * vsadm: the vs table from the command line, with ipvsadm's options and
 * output so an LVS admin's fingers and scripts keep working.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cli.h"
#include "errors.h"
#include "list.h"
#include "restore.h"

#ifndef VS_VERSION
#define VS_VERSION "unknown"
#endif

static int sys_fail(struct vs_handle *h, int err)
{
	char msg[VSADM_ERR_MAX];

	vsadm_sys_errmsg(msg, sizeof(msg), err, vs_errmsg(h));
	fprintf(stderr, "vsadm: %s\n", msg);
	return EXIT_RUNTIME;
}

static int open_handle(struct vs_handle **h)
{
	int ret = vs_open(h);

	return ret ? sys_fail(NULL, ret) : 0;
}

/* One change; its refusal becomes one line naming the object. */
static int change(struct vs_handle *h, struct vs_op *op)
{
	char msg[VSADM_ERR_MAX];
	int ret = vs_apply(h, op, 1, true);

	if (ret < 0)
		return sys_fail(h, ret);
	if (op->err) {
		vsadm_op_errmsg(msg, sizeof(msg), op, op->err, op->msg,
				op->bad_dest);
		fprintf(stderr, "vsadm: %s\n", msg);
	}
	ret = op->err ? EXIT_RUNTIME : EXIT_OK;
	vs_op_clear(op);
	return ret;
}

static int do_change(struct vs_handle *h, const struct vsadm_cmd *c)
{
	static const enum vs_op_kind kinds[] = {
		[CMD_ADD_SVC] = VS_OP_ADD_SERVICE,
		[CMD_EDIT_SVC] = VS_OP_EDIT_SERVICE,
		[CMD_DEL_SVC] = VS_OP_DEL_SERVICE,
		[CMD_FLUSH] = VS_OP_FLUSH,
		[CMD_ADD_DEST] = VS_OP_ADD_DEST,
		[CMD_EDIT_DEST] = VS_OP_EDIT_DEST,
		[CMD_DEL_DEST] = VS_OP_DEL_DEST,
		[CMD_ZERO] = VS_OP_ZERO,
		[CMD_SET_TIMEOUTS] = VS_OP_SET_TIMEOUTS,
	};
	struct vs_op op = {
		.kind = kinds[c->kind], .svc = c->svc, .dest = c->dest,
		.timeouts = c->timeouts, .bad_dest = -1,
	};

	if (c->kind == CMD_ZERO && !c->has_svc)
		op.kind = VS_OP_ZERO_ALL;
	/* --set 0 0 0 changes nothing, as with ipvsadm; but it still needs
	 * the right to, like any other command.
	 */
	if (c->kind == CMD_SET_TIMEOUTS && !c->timeouts.tcp &&
	    !c->timeouts.tcp_fin && !c->timeouts.udp) {
		struct vs_timeouts t;
		int ret = vs_get_timeouts(h, &t);

		return ret ? sys_fail(h, ret) : EXIT_OK;
	}
	return change(h, &op);
}

static int list_one(struct vs_handle *h, const struct vsadm_cmd *c)
{
	struct vs_table t = { 0 };
	struct vs_virtual svc;
	char name[96];
	int ret = vs_get_service(h, &c->svc, &svc);

	if (ret == -ESRCH) {
		vsadm_svc_name(name, sizeof(name), &c->svc);
		fprintf(stderr, "vsadm: no such service %s\n", name);
		return EXIT_RUNTIME;
	}
	if (ret)
		return sys_fail(h, ret);
	if (!(c->fmt & FMT_NOSORT))
		vsadm_sort_dests(&svc);
	t.svcs = &svc;
	t.n = 1;
	vsadm_print_table(stdout, NULL, &t, c->fmt);
	vs_service_free(&svc);
	return EXIT_OK;
}

static int list_conns(struct vs_handle *h, const struct vsadm_cmd *c)
{
	struct vs_connection *conns;
	size_t n;
	int ret = vs_dump_conns(h, c->has_svc ? &c->svc : NULL, &conns, &n);

	if (ret)
		return sys_fail(h, ret);
	vsadm_print_conns(stdout, conns, n, c->fmt);
	free(conns);
	return EXIT_OK;
}

static int list_timeouts(struct vs_handle *h, const struct vsadm_cmd *c)
{
	struct vs_timeouts t;
	int ret = vs_get_timeouts(h, &t);

	if (ret)
		return sys_fail(h, ret);
	vsadm_print_timeouts(stdout, &t, c->fmt);
	return EXIT_OK;
}

/* -L and -S: the whole table in one dump. */
static int list_all(struct vs_handle *h, const struct vsadm_cmd *c)
{
	struct vs_info info;
	struct vs_table t;
	int ret = 0;

	if (!(c->fmt & FMT_RULE))
		ret = vs_get_info(h, &info);
	if (!ret)
		ret = vs_dump_table(h, &t);
	if (ret)
		return sys_fail(h, ret);
	if (!(c->fmt & FMT_NOSORT))
		vsadm_sort_table(&t);
	vsadm_print_table(stdout, (c->fmt & FMT_RULE) ? NULL : &info, &t,
			  c->fmt);
	vs_table_free(&t);
	return EXIT_OK;
}

static int do_list(struct vs_handle *h, const struct vsadm_cmd *c)
{
	if (c->fmt & FMT_TIMEOUT)
		return list_timeouts(h, c);
	if (c->fmt & FMT_CONN)
		return list_conns(h, c);
	if (c->has_svc && c->kind == CMD_LIST)
		return list_one(h, c);
	return list_all(h, c);
}

static int do_restore(void)
{
	struct vs_timeouts to;
	struct vs_handle *h = NULL;
	char err[VSADM_ERR_MAX];
	struct rinput r;
	struct vs_table t = { 0 };
	struct plan p = { 0 };
	int ret;

	ret = vsadm_restore_read(stdin, &r);
	if (ret) {
		fprintf(stderr, "vsadm: cannot read the input: %s\n",
			strerror(-ret));
		return EXIT_RUNTIME;
	}
	ret = EXIT_USAGE;
	if (vsadm_restore_check(&r, stderr))
		goto out;
	ret = open_handle(&h);
	if (ret)
		goto out;
	ret = vs_get_timeouts(h, &to) ?: vs_dump_table(h, &t);
	if (ret) {
		ret = sys_fail(h, ret);
		goto out;
	}
	ret = vsadm_restore_plan(&r, &t, &to, &p, err, sizeof(err));
	if (ret)
		fprintf(stderr, "vsadm: %s\n", err);
	else
		ret = vsadm_restore_apply(h, &p, stderr);
out:
	vsadm_plan_free(&p);
	vs_table_free(&t);
	vs_close(h);
	vsadm_restore_free(&r);
	return ret;
}

static int run(const struct vsadm_cmd *c)
{
	struct vs_handle *h;
	int ret = open_handle(&h);

	if (ret)
		return ret;
	if (c->kind == CMD_LIST || c->kind == CMD_SAVE)
		ret = do_list(h, c);
	else
		ret = do_change(h, c);
	vs_close(h);
	return ret;
}

int main(int argc, char **argv)
{
	char err[VSADM_ERR_MAX];
	struct vsadm_cmd cmd;
	int ret;

	ret = vsadm_parse(argc - 1, argv + 1, false, &cmd, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "vsadm: %s\n", err);
		return ret;
	}
	switch (cmd.kind) {
	case CMD_HELP:
		printf("vsadm v%s\n", VS_VERSION);
		vsadm_usage(stdout);
		return EXIT_OK;
	case CMD_VERSION:
		printf("vsadm v%s (vs generic netlink protocol version %d)\n",
		       VS_VERSION, VS_GENL_VERSION);
		return EXIT_OK;
	case CMD_RESTORE:
		ret = do_restore();
		break;
	default:
		ret = run(&cmd);
		break;
	}
	vs_name_cache_free();
	if (fflush(stdout) && !ret) {
		fprintf(stderr, "vsadm: cannot write the output: %s\n",
			strerror(errno));
		ret = EXIT_RUNTIME;
	}
	return ret;
}
