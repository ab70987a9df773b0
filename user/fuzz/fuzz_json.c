// SPDX-License-Identifier: GPL-2.0
/* The panel's request bodies: any bytes parse to a tree or an error. */
#include <stdint.h>
#include <stdlib.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[128];
	struct json *j = json_parse((const char *)data, size, err, sizeof(err));

	if (j) {
		json_str(j, "user");
		json_get(j, "ops");
		json_free(j);
	}
	return 0;
}
