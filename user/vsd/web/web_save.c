// SPDX-License-Identifier: GPL-2.0
/*
 * Saving from the panel. The edits are made to the document of the
 * running configuration (conf_write.h), serial_no goes up by one, and the
 * text is judged by vsd_conf_parse() under the file's own name - the
 * parser `vsd -t` and reloads use - so a bad value is refused with the
 * very "file:line: ..." message a hand edit would get, and nothing is
 * written. A good text replaces the file atomically (the old one kept as
 * FILE.bak) and is applied by daemon_reload(), as SIGHUP would.
 *
 * Two guards against losing someone else's work: the client names the
 * serial it edited (another save since makes it 409), and a file changed
 * on disk but not reloaded is not overwritten.
 *
 * The panel edits only the keys on the lists below (403 for the rest):
 * not the ones that name programs vsd runs (send_program, active_cmd,
 * inactive_cmd, rsh_command), key files (heartbeat_key, web_key,
 * web_cert, web_passwd_file) or the panel's own reach (web_*). A panel
 * session is then no way to run a command on the director, nor to widen
 * who may reach the panel: those stay with whoever can write the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"
#include "conf_write.h"
#include "log.h"
#include "web_int.h"

/* ------------------------------------------------------------------ */
/* GET /api/config                                                      */

/* A key given on several lines (director) shows its values together. */
static json_t *kv_json(const struct conf_block *b)
{
	json_t *o = json_object();
	const char *prev;
	char *both;
	size_t i;

	for (i = 0; i < b->n_kv; i++) {
		prev = json_string_value(json_object_get(o, b->kv[i].key));
		if (prev && asprintf(&both, "%s %s", prev, b->kv[i].val) >= 0) {
			json_object_set_new(o, b->kv[i].key, json_text(both));
			free(both);
		} else {
			json_object_set_new(o, b->kv[i].key, json_text(b->kv[i].val));
		}
	}
	return o;
}

static json_t *block_json(const struct conf_block *b)
{
	json_t *servers = json_array();
	size_t i;

	for (i = 0; i < b->n_blocks; i++)
		json_array_append_new(servers, block_json(&b->blocks[i]));
	return json_pack("{s:o, s:o, s:o}", "name", json_text(b->name),
			 "keys", kv_json(b), "servers", servers);
}

void web_config_json(const struct vsd_web *w, struct strbuf *o)
{
	const struct vsd_conf *c = web_conf(w);
	struct conf_block root;
	json_t *virtuals;
	size_t i;

	if (conf_doc_from_model(c, &root)) {
		o->failed = true;
		return;
	}
	virtuals = json_array();
	for (i = 0; i < root.n_blocks; i++)
		json_array_append_new(virtuals, block_json(&root.blocks[i]));
	sb_json(o, json_pack("{s:o, s:I, s:o, s:o}",
			     "path", json_text(c->path),
			     "serial", (json_int_t)c->serial_no,
			     "global", kv_json(&root),
			     "virtuals", virtuals));
	conf_block_free(&root);
}

/* ------------------------------------------------------------------ */
/* Edits                                                                */

/* A JSON value as the file would hold it; NULL for null (the default). */
static int value_str(const json_t *v, char *buf, size_t len,
		     const char **out)
{
	if (json_is_null(v))
		*out = NULL;
	else if (json_is_string(v))
		*out = json_string_value(v);
	else if (json_is_boolean(v))
		*out = json_is_true(v) ? "1" : "0";
	else if (json_is_number(v) &&
		 snprintf(buf, len, "%.15g", json_number_value(v)) > 0)
		*out = buf;
	else
		return -1;
	return 0;
}

enum level { GLOBAL, VIRTUAL, SERVER };

static const char *const editable_global[] = {
	"service", "primary", "primary_private", "backup", "backup_private",
	"backup_active", "heartbeat", "heartbeat_port", "keepalive", "deadtime",
	"network", "nat_router", "nat_nmask", "debug_level", "monitor_links",
	"syncdaemon", "syncd_iface", "syncd_id", "tcp_timeout",
	"tcpfin_timeout", "udp_timeout", "hard_shutdown", "garp_repeat",
	"garp_interval", "preempt", "sync_port", "shutdown_action",
	"reconcile_interval", "check_interval", "connect_timeout", "retries",
	NULL
};

static const char *const editable_virtual[] = {
	"active", "address", "vip_nmask", "sorry_server", "fwmark", "protocol",
	"port", "scheduler", "persistent", "pmask", "send", "expect",
	"use_regex", "load_monitor", "timeout", "reentry", "quiesce_server",
	"check_type", "check_interval", "connect_timeout", "retries",
	"check_port", "http_url", "http_host", "http_status", "http_regex",
	"agent_port", "load_interval", "slow_start", "ipv6", "tunnel_type",
	"tunnel_port", "tunnel_checksum", "tunnel_source", "scheduler_flags",
	NULL
};

static const char *const editable_server[] = {
	"address", "active", "weight", "port", NULL
};

static bool editable(enum level level, const char *key)
{
	const char *const *k = level == GLOBAL ? editable_global :
			       level == VIRTUAL ? editable_virtual : editable_server;

	for (; *k; k++)
		if (!strcmp(*k, key))
			return true;
	return false;
}

/* -1: a bad request (400); -2: a key the panel may not change (403). */
static int set_keys(struct conf_block *b, enum level level,
		    const json_t *keys, char *err, size_t errlen)
{
	const char *val, *key;
	const json_t *v;
	char num[64];

	if (!json_is_object(keys)) {
		snprintf(err, errlen, "expected \"keys\": {\"key\": \"value\" or null, ...}");
		return -1;
	}
	json_object_foreach((json_t *)keys, key, v) {
		if (!strcmp(key, "serial_no")) {
			snprintf(err, errlen, "serial_no is vsd's to set: each save adds one");
			return -1;
		}
		if (!editable(level, key)) {
			snprintf(err, errlen, "'%.64s' cannot be changed from the panel (programs, key files and the panel's own settings are changed in the file itself)",
				 key);
			return -2;
		}
		if (value_str(v, num, sizeof(num), &val)) {
			snprintf(err, errlen, "key '%.64s': expected a string, a number, true, false or null",
				 key);
			return -1;
		}
		if (conf_kv_set(b, key, val)) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

/* The block an op names: the global section, a virtual, or a server. */
static struct conf_block *target(struct conf_block *root, const json_t *op,
				 struct conf_block **parent, const char **name,
				 char *err, size_t errlen)
{
	const char *v = web_json_str(op, "virtual"), *s = web_json_str(op, "server");
	struct conf_block *vb;

	*parent = NULL;
	*name = NULL;
	if (!v) {
		if (s)
			snprintf(err, errlen, "\"server\" needs \"virtual\"");
		return s ? NULL : root;
	}
	vb = conf_block_find(root, v);
	*parent = root;
	*name = v;
	if (!s || !vb) {
		if (!vb && s)
			snprintf(err, errlen, "no virtual '%s'", v);
		return vb;
	}
	*parent = vb;
	*name = s;
	return conf_block_find(vb, s);
}

static int add_op(struct conf_block *parent, struct conf_block *b,
		  const char *name, const json_t *op, char *err, size_t errlen)
{
	enum level level = parent && parent->name ? SERVER : VIRTUAL;
	const char *what = parent && parent->name ? "server" : "virtual";

	if (!name || b) {
		snprintf(err, errlen, name ? "%s '%s' exists already" :
			 "add needs \"virtual\" (and \"server\" for a server)", what, name);
		return -1;
	}
	b = conf_block_add(parent, name);
	if (!b) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return json_object_get(op, "keys") ?
	       set_keys(b, level, json_object_get(op, "keys"), err, errlen) : 0;
}

static int rename_op(struct conf_block *parent, struct conf_block *b,
		     const json_t *op, char *err, size_t errlen)
{
	const char *to = web_json_str(op, "name");
	char *copy;

	if (!parent || !to) {
		snprintf(err, errlen, "rename needs a virtual (or server) and \"name\"");
		return -1;
	}
	if (conf_block_find(parent, to)) {
		snprintf(err, errlen, "'%s' exists already", to);
		return -1;
	}
	copy = strdup(to);
	if (!copy)
		return -1;
	free(b->name);
	b->name = copy;
	return 0;
}

static int apply_op(struct conf_block *root, const json_t *op, char *err,
		    size_t errlen)
{
	const char *kind = web_json_str(op, "op"), *name;
	struct conf_block *parent, *b;

	err[0] = '\0';
	b = target(root, op, &parent, &name, err, errlen);
	if (err[0])
		return -1;
	if (kind && !strcmp(kind, "add"))
		return add_op(parent, b, name, op, err, errlen);
	if (!b) {
		snprintf(err, errlen, "no %s '%s'", parent == root ? "virtual" : "server", name);
		return -1;
	}
	if (kind && !strcmp(kind, "set"))
		return set_keys(b, b == root ? GLOBAL : parent == root ? VIRTUAL : SERVER,
				json_object_get(op, "keys"), err, errlen);
	if (kind && !strcmp(kind, "rename"))
		return rename_op(parent, b, op, err, errlen);
	if (kind && !strcmp(kind, "delete") && parent)
		return conf_block_del(parent, name);
	snprintf(err, errlen, "unknown op '%s' (expected set, add, delete or rename)",
		 kind ? kind : "");
	return -1;
}

/* ------------------------------------------------------------------ */
/* Checks                                                               */

/* The file on disk still holds what vsd runs: nothing there to lose. */
static int disk_unchanged(struct web_call *c, const struct vsd_conf *running)
{
	struct strbuf a = { 0 }, b = { 0 };
	struct vsd_conf *disk;
	struct vsd_diag diag;
	char err[256];
	int ret = -1;

	if (vsd_conf_parse(web_conf(c->w)->path, NULL, &disk, &diag)) {
		web_error(c, 409, "%s does not load as it is now (%s): fix it, or reload, before saving here",
			  web_conf(c->w)->path, diag.n_errors ? diag.errors[0] : "?");
		vsd_diag_free(&diag);
		return -1;
	}
	vsd_diag_free(&diag);
	if (vsd_conf_write(disk, &a, err, sizeof(err)) ||
	    vsd_conf_write(running, &b, err, sizeof(err)))
		web_error(c, 500, "%s", err);
	else if (strcmp(a.s, b.s))
		web_error(c, 409, "%s was changed on disk (serial_no %llu) since vsd loaded it: reload it first, or those changes would be lost",
			  web_conf(c->w)->path, (unsigned long long)disk->serial_no);
	else
		ret = 0;
	vsd_conf_free(disk);
	sb_free(&a);
	sb_free(&b);
	return ret;
}

/* The line of text a "file:N: ..." message points at. */
static json_t *context_json(const char *path, const char *msg, const char *text)
{
	size_t n = strlen(path);
	const char *l = text, *nl;
	json_t *line_text;
	long line, i;

	if (strncmp(msg, path, n) || msg[n] != ':' || (line = strtol(msg + n + 1, NULL, 10)) < 1)
		return json_null();
	for (i = 1; i < line && l; i++)
		l = (nl = strchr(l, '\n')) ? nl + 1 : NULL;
	nl = l ? strchr(l, '\n') : NULL;
	line_text = json_null();
	if (l) {
		char *copy = strndup(l, nl ? (size_t)(nl - l) : strlen(l));

		json_decref(line_text);
		line_text = json_text(copy);
		free(copy);
	}
	return json_pack("{s:I, s:o}", "line", (json_int_t)line, "text", line_text);
}

static void refuse(struct web_call *c, const struct vsd_diag *diag, const char *text)
{
	const char *path = web_conf(c->w)->path;
	json_t *errors = json_array(), *context = json_array();
	size_t i;

	sb_free(&c->out);
	c->status = 400;
	for (i = 0; i < diag->n_errors; i++) {
		json_array_append_new(errors, json_text(diag->errors[i]));
		json_array_append_new(context, context_json(path, diag->errors[i], text));
	}
	sb_json(&c->out, json_pack("{s:o, s:o, s:o, s:b}",
		"error", json_text(diag->n_errors ? diag->errors[0] : "out of memory"),
		"errors", errors, "context", context, "written", false));
}

/* ------------------------------------------------------------------ */
/* POST /api/config                                                     */

static int edit(struct web_call *c, const json_t *req, struct strbuf *text)
{
	const struct vsd_conf *running = web_conf(c->w);
	const json_t *ops = json_object_get(req, "ops");
	struct conf_block root;
	char err[512], serial[24];
	size_t i;
	int ret = -1;

	if (!json_is_array(ops)) {
		web_error(c, 400, "expected {\"serial\": N, \"ops\": [...]}");
		return -1;
	}
	if (conf_doc_from_model(running, &root)) {
		web_error(c, 500, "out of memory");
		return -1;
	}
	for (i = 0; i < json_array_size(ops); i++) {
		int bad = apply_op(&root, json_array_get(ops, i), err, sizeof(err));

		if (bad) {
			web_error(c, bad == -2 ? 403 : 400, "op %zu: %s", i + 1, err);
			goto out;
		}
	}
	snprintf(serial, sizeof(serial), "%llu", (unsigned long long)running->serial_no + 1);
	if (conf_kv_set(&root, "serial_no", serial) ||
	    conf_doc_render(&root, text, err, sizeof(err)))
		web_error(c, 400, "%s", err);
	else
		ret = 0;
out:
	conf_block_free(&root);
	return ret;
}

static int validate(struct web_call *c, const char *text, struct vsd_diag *notes)
{
	struct vsd_conf *conf;

	if (vsd_conf_parse(web_conf(c->w)->path, text, &conf, notes)) {
		refuse(c, notes, text);
		vsd_diag_free(notes);
		return -1;
	}
	vsd_conf_free(conf);
	return 0;
}

static void saved(struct web_call *c, const struct vsd_diag *notes)
{
	const struct web_host *h = &c->w->host;
	struct strbuf msg = { 0 };
	int ret = h->reload(h->arg, &msg);
	json_t *notes_json = json_array();
	size_t i;

	c->status = ret ? 500 : 200;
	for (i = 0; i < notes->n_notes; i++)
		json_array_append_new(notes_json, json_text(notes->notes[i]));
	sb_json(&c->out, json_pack("{s:b, s:b, s:I, s:o, s:o}",
		"ok", !ret, "written", true,
		"serial", (json_int_t)web_conf(c->w)->serial_no,
		"message", json_text(msg.s), "notes", notes_json));
	sb_free(&msg);
}

void web_save(struct web_call *c, const json_t *req)
{
	const struct vsd_conf *running = web_conf(c->w);
	const json_t *serial = json_object_get(req, "serial");
	const char *path = web_conf(c->w)->path;
	struct strbuf text = { 0 };
	struct vsd_diag notes;
	char err[512];

	if (!json_is_number(serial)) {
		web_error(c, 400, "expected {\"serial\": N, \"ops\": [...]}: the serial_no the edits were made to");
		return;
	}
	if (json_number_value(serial) != (double)running->serial_no) {
		web_error(c, 409, "the configuration changed since (serial_no is %llu now, not %.0f): look again before saving",
			  (unsigned long long)running->serial_no, json_number_value(serial));
		return;
	}
	if (disk_unchanged(c, running) || edit(c, req, &text) ||
	    validate(c, text.s, &notes)) {
		sb_free(&text);
		return;
	}
	if (atomic_write(path, text.s, text.len, 0644, true, err, sizeof(err))) {
		web_error(c, 500, "%s (nothing written)", err);
	} else {
		log_notice("web: %s saved %s (serial %llu) from %s", c->s->user, path,
			   (unsigned long long)running->serial_no + 1, c->client);
		saved(c, &notes);
	}
	vsd_diag_free(&notes);
	sb_free(&text);
}
