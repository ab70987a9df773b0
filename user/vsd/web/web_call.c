// SPDX-License-Identifier: GPL-2.0
/*
 * Answers to a request (struct web_call) that every part of the panel
 * gives: an error as the API's JSON, with the retry time of a refused
 * login.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "web_int.h"

void web_error(struct web_call *c, unsigned int status, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	json_t *j;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	sb_free(&c->out);
	c->status = status;
	c->type = "application/json";
	j = json_pack("{s:o}", "error", json_text(msg ? msg : "out of memory"));
	if (c->retry_after)
		json_object_set_new(j, "retry_after", json_integer(c->retry_after));
	sb_json(&c->out, j);
	free(msg);
}
