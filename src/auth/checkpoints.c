/* checkpoints.c — signing the audit chain's head, judging checkpoints (stored or saved elsewhere)
 * against the chain as it stands, and publishing them. A checkpoint covers the head as it was just
 * before the checkpoint's own audit record, which the next checkpoint then covers. */
#include "checkpoints.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../anjia.h"
#include "../http/req.h"
#include "../rows.h"
#include "../store/store.h"
#include "../util/clock.h"
#include "../util/json_out.h"
#include "../util/strbuf.h"
#include "../util/timefmt.h"
#include "audit.h"
#include "keys.h"

size_t checkpoint_message(const struct checkpoint *c, char *out, size_t n)
{
	/* one field a line, each of a fixed alphabet without the line's end: no two checkpoints share
	 * a message */
	int len = snprintf(out, n, "anjia-audit-checkpoint-%d\nrecord_id=%lld\nhash=%s\nat=%lld\nkid=%s\n",
			   c->version, (long long)c->record_id, c->hash, (long long)c->at, c->kid);
	return len > 0 && (size_t)len < n ? (size_t)len : 0;
}

static void checkpoint_row_json(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kint(w, "version", stmt_int(st, 1));
	jw_kint(w, "record_id", stmt_int(st, 2));
	jw_kstr(w, "hash", stmt_text(st, 3));
	jw_ktime(w, "at", stmt_int(st, 4));
	jw_kstr(w, "kid", stmt_text(st, 5));
	jw_kstr(w, "signature", stmt_text(st, 6));
	jw_obj_end(w);
}

static int checkpoint_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT id, version, record_id, hash, at, kid, signature"
				       " FROM audit_checkpoints WHERE id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, checkpoint_row_json, sb);
}

/* A checkpoint's signing, for the write's body (store_write may run it more than once). */
struct signing {
	const struct actor *a;
	int64_t min_age, at;
	int written; /* 1 when the body wrote a checkpoint */
};

static int sign_write(struct store *s, void *arg)
{
	struct signing *g = arg;
	struct checkpoint c = {0, CHECKPOINT_VERSION, 0, "", g->at, "", ""};
	int64_t last_record = -1, last_at = 0, id = 0;
	int rc;
	g->written = 0;
	/* read inside the write transaction, so two servers cannot both find it due */
	struct stmt *st = store_sql(s, "SELECT last_id, last_hash FROM audit_head WHERE id = 1");
	if ((rc = stmt_step(st)) == STORE_ROW) {
		c.record_id = stmt_int(st, 0);
		str_copy(c.hash, sizeof c.hash, stmt_text(st, 1) ? stmt_text(st, 1) : "");
	}
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc < 0 ? rc : AJ_ESTORE;
	st = store_sql(s, "SELECT record_id, at FROM audit_checkpoints ORDER BY id DESC LIMIT 1");
	if ((rc = stmt_step(st)) == STORE_ROW) {
		last_record = stmt_int(st, 0);
		last_at = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc < 0)
		return rc;
	/* the last checkpoint's own audit record (last_record + 1) is not a move of the head: without
	 * this, each checkpoint would make the next one due */
	int moved = last_record < 0 ? c.record_id > 0 : c.record_id > last_record + 1;
	if (!moved || (last_record >= 0 && c.at - last_at < g->min_age)) {
		/* nothing due: no write, and the public answers' cache stays current */
		return STORE_WRITE_NOTHING;
	}
	char msg[CHECKPOINT_MESSAGE_MAX];
	unsigned char sig[64];
	str_copy(c.kid, sizeof c.kid, keys_kid());
	size_t n = checkpoint_message(&c, msg, sizeof msg);
	keys_sign(msg, n, sig);
	sodium_bin2base64(c.signature, sizeof c.signature, sig, sizeof sig, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	st = store_sql(s, "INSERT INTO audit_checkpoints (version, record_id, hash, at, kid, signature)"
			  " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
	stmt_bind_int(st, 1, c.version);
	stmt_bind_int(st, 2, c.record_id);
	stmt_bind_text(st, 3, c.hash);
	stmt_bind_int(st, 4, c.at);
	stmt_bind_text(st, 5, c.kid);
	stmt_bind_text(st, 6, c.signature);
	if ((rc = stmt_one_int(st, &id)) != AJ_OK)
		return rc;
	g->written = 1;
	return audit_append_state(s, g->a, "audit.checkpoint", "audit_checkpoint", id, checkpoint_state);
}

int checkpoint_sign(struct store *s, const struct actor *a, int64_t min_age, int *written)
{
	*written = 0;
	if (!keys_ready())
		return AJ_OK;
	struct signing g = {.a = a, .min_age = min_age, .at = clock_now()};
	int rc = store_write(s, sign_write, &g);
	*written = rc == AJ_OK && g.written;
	return rc;
}

/* 1 when c's signature holds under pk and c names pk's key. */
static int signature_holds(const struct checkpoint *c, const unsigned char *pk)
{
	char kid[KEYS_KID_LEN], msg[CHECKPOINT_MESSAGE_MAX];
	unsigned char sig[64];
	size_t len = 0, n;
	keys_kid_of(pk, kid);
	if (strcmp(kid, c->kid) != 0 || !(n = checkpoint_message(c, msg, sizeof msg)))
		return 0;
	if (sodium_base642bin(sig, sizeof sig, c->signature, strlen(c->signature), NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || len != sizeof sig)
		return 0;
	return keys_verify_with(pk, msg, n, sig);
}

int checkpoint_judge(struct store *s, const struct checkpoint *c, const unsigned char *pk, int listed)
{
	if (pk && !signature_holds(c, pk))
		return CHECKPOINT_FORGED;
	struct stmt *st = store_sql(s, "SELECT hash FROM audit_log WHERE id = $1");
	stmt_bind_int(st, 1, c->record_id);
	int rc = stmt_step(st), verdict = CHECKPOINT_MATCHES;
	if (rc == STORE_DONE)
		verdict = CHECKPOINT_MISSING;
	else if (rc == STORE_ROW && (!stmt_text(st, 0) || strcmp(stmt_text(st, 0), c->hash) != 0))
		verdict = CHECKPOINT_DIFFERS;
	stmt_done(st);
	if (rc < 0)
		return rc;
	if (verdict != CHECKPOINT_MATCHES || !listed)
		return verdict;
	int64_t n = 0;
	st = store_sql(s, "SELECT count(*) FROM audit_checkpoints WHERE id = $1 AND record_id = $2 AND hash = $3"
			  " AND signature = $4");
	stmt_bind_int(st, 1, c->id);
	stmt_bind_int(st, 2, c->record_id);
	stmt_bind_text(st, 3, c->hash);
	stmt_bind_text(st, 4, c->signature);
	if ((rc = stmt_one_int(st, &n)) != AJ_OK)
		return rc;
	return n ? CHECKPOINT_MATCHES : CHECKPOINT_UNLISTED;
}

int checkpoints_check_stored(struct store *s, const unsigned char *pk, struct checkpoint_check *out)
{
	memset(out, 0, sizeof *out);
	struct stmt *st = store_sql(s, "SELECT id, version, record_id, hash, at, kid, signature"
				       " FROM audit_checkpoints ORDER BY record_id, id");
	int rc;
	/* judged after the walk, so the statement is not stepped while the judge reads the chain */
	struct checkpoint *all = NULL;
	size_t n = 0, cap = 0;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			all = xrealloc(all, cap * sizeof *all);
		}
		struct checkpoint *c = &all[n++];
		c->id = stmt_int(st, 0);
		c->version = (int)stmt_int(st, 1);
		c->record_id = stmt_int(st, 2);
		str_copy(c->hash, sizeof c->hash, stmt_text(st, 3) ? stmt_text(st, 3) : "");
		c->at = stmt_int(st, 4);
		str_copy(c->kid, sizeof c->kid, stmt_text(st, 5) ? stmt_text(st, 5) : "");
		str_copy(c->signature, sizeof c->signature, stmt_text(st, 6) ? stmt_text(st, 6) : "");
	}
	stmt_done(st);
	for (size_t i = 0; rc == STORE_DONE && i < n; i++) {
		int v = checkpoint_judge(s, &all[i], pk, 0);
		if (v < 0) {
			rc = v;
			break;
		}
		out->checked++;
		if (v == CHECKPOINT_MATCHES) {
			out->good_upto = all[i].record_id;
		} else {
			out->bad = all[i];
			out->verdict = v;
			break;
		}
	}
	free(all);
	return rc < 0 ? rc : AJ_OK;
}

/* 1 when s is exactly n characters of lower-case hex. */
static int is_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

/* Reads one saved item; the name of the field at fault, or NULL. */
static const char *parse_item(json_t *o, struct checkpoint *c)
{
	json_t *v;
	const char *text;
	memset(c, 0, sizeof *c);
	if (!json_is_object(o))
		return "item";
	if (!json_is_integer(v = json_object_get(o, "id")) || (c->id = json_integer_value(v)) < 1)
		return "id";
	if (!json_is_integer(v = json_object_get(o, "version")) || json_integer_value(v) != CHECKPOINT_VERSION)
		return "version";
	c->version = CHECKPOINT_VERSION;
	if (!json_is_integer(v = json_object_get(o, "record_id")) || (c->record_id = json_integer_value(v)) < 1)
		return "record_id";
	if (!(text = json_string_value(json_object_get(o, "hash"))) || !is_hex(text, 64))
		return "hash";
	str_copy(c->hash, sizeof c->hash, text);
	if (!(text = json_string_value(json_object_get(o, "at"))) || time_parse_iso(text, &c->at) != 0)
		return "at";
	if (!(text = json_string_value(json_object_get(o, "kid"))) || !is_hex(text, 16))
		return "kid";
	str_copy(c->kid, sizeof c->kid, text);
	if (!(text = json_string_value(json_object_get(o, "signature"))) ||
	    str_copy(c->signature, sizeof c->signature, text) != 0)
		return "signature";
	return NULL;
}

int checkpoints_parse(const char *text, size_t len, struct checkpoint **out, size_t *n, char *why, size_t why_n)
{
	json_error_t jerr;
	*out = NULL;
	*n = 0;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(why, why_n, "not JSON (line %d: %s)", jerr.line, jerr.text);
		return AJ_EINVAL;
	}
	json_t *items = json_is_array(root) ? root : json_object_get(root, "items");
	if (!json_is_array(items)) {
		snprintf(why, why_n, "neither a list of checkpoints nor an answer with \"items\"");
		json_decref(root);
		return AJ_EINVAL;
	}
	size_t count = json_array_size(items);
	struct checkpoint *all = xcalloc(count ? count : 1, sizeof *all);
	for (size_t i = 0; i < count; i++) {
		const char *field = parse_item(json_array_get(items, i), &all[i]);
		if (field) {
			snprintf(why, why_n, "item %zu is not a checkpoint of version %d (field %s)", i + 1,
				 CHECKPOINT_VERSION, field);
			free(all);
			json_decref(root);
			return AJ_EINVAL;
		}
	}
	json_decref(root);
	*out = all;
	*n = count;
	return AJ_OK;
}

void api_public_audit_checkpoints(struct req *r)
{
	struct page pg = req_page(r);
	int64_t total = 0;
	int rc = stmt_one_int(store_sql(r->store, "SELECT count(*) FROM audit_checkpoints"), &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	struct stmt *st = store_sql(r->store, "SELECT id, version, record_id, hash, at, kid, signature"
					      " FROM audit_checkpoints ORDER BY id DESC LIMIT $1 OFFSET $2");
	stmt_bind_int(st, 1, pg.per_page);
	stmt_bind_int(st, 2, pg.offset);
	/* written out here rather than by rows_reply_list, so a failure is never marked public */
	struct jw *w = req_list_begin(r);
	while ((rc = stmt_step(st)) == STORE_ROW)
		checkpoint_row_json(w, st);
	stmt_done(st);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	req_list_end(r, &pg, total);
	/* anyone may keep them, and a minute's staleness costs nothing: checkpoints are an hour apart */
	req_header_static(r, "Cache-Control", "public, max-age=60");
	req_send(r, 200);
}
