// SPDX-License-Identifier: GPL-2.0
/*
 * vsadm's input: the input as -R lines (read, then checked line by line,
 * as vsadm -R does before it touches the kernel), and its first line split
 * on blanks as a command line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netdb.h>

#include "cli.h"
#include "restore.h"

/*
 * Linked with --wrap=getaddrinfo: host names are not looked up, so a run
 * neither waits on DNS nor depends on the network it runs in.
 */
int __real_getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res);
int __wrap_getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res);

int __wrap_getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo h = hints ? *hints : (struct addrinfo){ 0 };

	h.ai_flags |= AI_NUMERICHOST;
	return __real_getaddrinfo(node, service, &h, res);
}

static void command_line(const uint8_t *data, size_t size)
{
	char *line = strndup((const char *)data, size), *save = NULL, *tok;
	char *argv[64], err[512];
	struct vsadm_cmd cmd;
	int argc = 0;

	if (!line)
		return;
	line[strcspn(line, "\n")] = '\0';
	for (tok = strtok_r(line, " \t", &save); tok && argc < 64;
	     tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	vsadm_parse(argc, argv, false, &cmd, err, sizeof(err));
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *out;
	FILE *in = fmemopen((void *)data, size, "r");
	struct rinput r;

	if (!out)
		out = fopen("/dev/null", "w");
	if (!in || !out)
		return 0;
	if (!vsadm_restore_read(in, &r))
		vsadm_restore_check(&r, out);
	fclose(in);
	vsadm_restore_free(&r);
	command_line(data, size);
	return 0;
}
