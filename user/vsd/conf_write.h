/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing the configuration back: the model (conf.h) becomes a document -
 * blocks of "key = value" pairs whose values are exactly what a person
 * would type in the file (escapes unresolved, no quotes) - and the
 * document becomes lvs.cf text. parse -> write -> parse gives the same
 * model (user/tests/test_conf_write.c). The web panel edits the document,
 * not the model, so every value it takes is judged by the parser itself
 * (vsd_conf_parse on the rendered text), with the parser's own message.
 *
 * Comments and key order of a hand-written file are not kept: the writer
 * knows only the model.
 */
#ifndef _VSD_CONF_WRITE_H
#define _VSD_CONF_WRITE_H

#include <stddef.h>

#include "conf.h"
#include "strbuf.h"

struct conf_kv {
	char *key, *val;
};

/* The root block holds the global keys and the virtuals; a virtual holds
 * its keys and its servers. name is NULL for the root.
 */
struct conf_block {
	char *name;
	struct conf_kv *kv;
	size_t n_kv;
	struct conf_block *blocks;
	size_t n_blocks;
};

/* 0, or -1 (out of memory) with root freed. */
int conf_doc_from_model(const struct vsd_conf *c, struct conf_block *root);
void conf_block_free(struct conf_block *b);

const char *conf_kv_get(const struct conf_block *b, const char *key);
/* val NULL removes the key, every line of it (the parser's default
 * applies). 0 or -1.
 */
int conf_kv_set(struct conf_block *b, const char *key, const char *val);
/* One more line of a key that repeats (director). 0 or -1. */
int conf_kv_add(struct conf_block *b, const char *key, const char *val);
struct conf_block *conf_block_find(struct conf_block *b, const char *name);
/* A new empty block at the end; NULL when out of memory. */
struct conf_block *conf_block_add(struct conf_block *b, const char *name);
/* 0, or -1 when there is no such block. */
int conf_block_del(struct conf_block *b, const char *name);

/* lvs.cf text of the document. -1 with a message in err naming the key
 * and block of a value the file cannot hold (a control character, or
 * quotes that no quoting can keep).
 */
int conf_doc_render(const struct conf_block *root, struct strbuf *out,
		    char *err, size_t errlen);

/* The model as lvs.cf text: from_model + render. */
int vsd_conf_write(const struct vsd_conf *c, struct strbuf *out, char *err,
		   size_t errlen);

/* The value as the file holds it once more: escapes for send and expect
 * (regex rules with use_regex), as vsd_unescape*() resolve them.
 */
char *conf_escape_text(const char *s, bool regex);

#endif /* _VSD_CONF_WRITE_H */
