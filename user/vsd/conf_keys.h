/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parser's key tables, shared with the writer (conf_write.c): each key
 * names its field, type and range once, so a key added to the parser is
 * written back by the same entry, and the two cannot drift apart.
 */
#ifndef _VSD_CONF_KEYS_H
#define _VSD_CONF_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kind {
	K_BOOL,		/* 0 or 1 */
	K_UINT,		/* integer in [min, max] */
	K_DURATION,	/* seconds with up to 3 decimals, in [min, max] ms */
	K_IPV4,
	K_NETMASK,	/* dotted mask or prefix length */
	K_ENUM,		/* one of names[], stored as its index */
	K_TEXT,		/* raw text (escapes resolved when the block ends) */
	K_FUNC,		/* fn */
	K_OBSOLETE,	/* accepted, reported, ignored */
};

struct parser;
struct keydef;
typedef int (*key_fn)(struct parser *p, const struct keydef *k,
		      const char *val, void *obj);

struct keydef {
	const char *name;
	enum kind kind;
	size_t off, size;		/* the field; size 0: none */
	size_t has_off;			/* bool set when given, + 1; 0: none */
	size_t aux_off;			/* K_FUNC: a second field (device) */
	uint64_t min, max;
	const char *const *names;
	const char *expect;		/* for K_UINT, K_ENUM, K_FUNC */
	key_fn fn;
	bool repeat;			/* may be given on several lines */
};

/* Keys handled in struct parser rather than the model. */
#define PARSER_KEY ((size_t)-1)

enum vsd_key_scope { VSD_KEYS_GLOBAL, VSD_KEYS_VIRTUAL, VSD_KEYS_SERVER };

/* The table of a scope, ended by an entry whose name is NULL. */
const struct keydef *vsd_conf_keys(enum vsd_key_scope scope);

#endif /* _VSD_CONF_KEYS_H */
