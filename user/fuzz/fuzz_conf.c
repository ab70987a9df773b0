// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration parser and its writer: any text either fails with
 * diagnostics or gives a model the writer renders, and what the writer
 * renders parses again to text that renders the same (the panel's save
 * path depends on it).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_write.h"
#include "strbuf.h"

static char *render(const struct vsd_conf *c)
{
	struct strbuf sb = { 0 };
	char err[256];

	if (vsd_conf_write(c, &sb, err, sizeof(err))) {
		sb_free(&sb);
		return NULL;
	}
	return sb.s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vsd_conf *a = NULL, *b = NULL;
	char *text = malloc(size + 1), *t1 = NULL, *t2 = NULL;
	struct vsd_diag d;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!vsd_conf_parse("fuzz.conf", text, &a, &d)) {
		t1 = render(a);
		if (!t1)
			abort();	/* parsed, but cannot be written back */
		vsd_diag_free(&d);
		if (vsd_conf_parse("fuzz.conf", t1, &b, &d))
			abort();	/* written, but does not parse back */
		t2 = render(b);
		if (!t2 || strcmp(t1, t2))
			abort();	/* a second round changes the text */
	}
	vsd_diag_free(&d);
	vsd_conf_free(a);
	vsd_conf_free(b);
	free(t1);
	free(t2);
	free(text);
	return 0;
}
