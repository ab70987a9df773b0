// SPDX-License-Identifier: GPL-2.0
/*
 * The panel's request bodies as web_api.c reads them (jansson, duplicate
 * keys refused): any bytes parse to an object or an error, and the
 * members the API reads are looked up in what came out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <jansson.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *j = json_loadb((const char *)data, size,
			       JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	const char *key;
	json_t *v, *ops;
	size_t i;

	if (!j)
		return 0;
	json_string_value(json_object_get(j, "user"));
	ops = json_object_get(j, "ops");
	for (i = 0; i < json_array_size(ops); i++)
		json_object_foreach(json_object_get(json_array_get(ops, i), "keys"), key, v)
			json_string_value(v);
	json_decref(j);
	return 0;
}
