// SPDX-License-Identifier: GPL-2.0
/*
 * The panel's static files. The pages hold no data and need no session:
 * the login form is one of them, and everything they show comes from the
 * API, which does. They are still behind web_allow (web.c).
 */
#include <string.h>

#include "web_assets.h"
#include "web_int.h"

int web_pages_serve(struct web_call *c)
{
	const char *path = c->path;
	const struct web_asset *a;

	if (!strcmp(path, "/"))
		path = "/index.html";
	else if (!strcmp(path, "/help"))
		path = "/help.html";
	for (a = web_assets; a->path; a++)
		if (!strcmp(a->path, path)) {
			c->type = a->type;
			c->static_data = a->data;
			c->static_len = a->len;
			return 0;
		}
	return -1;
}
