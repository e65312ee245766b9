/* audit.c — appending to and verifying the chain. The head row (audit_head) is updated with each
 * append: it serialises appenders under PostgreSQL as well, and lets verification notice records
 * removed from the end; the signed checkpoints (checkpoints.c) catch a history hashed anew. */
#include "audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "../store/store.h"
#include "../util/clock.h"
#include "../util/digest.h"
#include "../util/json_out.h"
#include "../util/strbuf.h"
#include "checkpoints.h"
#include "keys.h"

static const char zero_hash[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* Text fields are length-prefixed so no choice of values can make two records hash alike. */
void audit_record_hash(const char *prev_hash, int64_t id, int64_t at, int64_t actor_id,
		       const char *actor_label, const char *action, const char *entity,
		       int64_t entity_id, const char *digest, char out[65])
{
	struct strbuf sb;
	strbuf_init(&sb, 1 << 16);
	strbuf_addf(&sb, "anjia-audit-1|%s|%lld|%lld|%lld|%zu:%s|%zu:%s|%zu:%s|%lld|%s", prev_hash,
		    (long long)id, (long long)at, (long long)actor_id, strlen(actor_label), actor_label,
		    strlen(action), action, strlen(entity), entity, (long long)entity_id, digest);
	sha256_hex(sb.buf, sb.len, out);
	strbuf_free(&sb);
}

int audit_append(struct store *s, const struct actor *a, const char *action, const char *entity,
		 int64_t entity_id, const char *state, size_t state_len)
{
	char digest[SHA256_HEX_LEN], prev[SHA256_HEX_LEN], hash[SHA256_HEX_LEN];
	/* one writer at a time extends the chain: the update takes the head (on PostgreSQL its row stays
	 * locked until the commit, and a writer waiting for it reads the head the first one left), moves
	 * its id on and reads the hash the new record follows; the new hash is set below */
	struct stmt *st = store_sql(s, "UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 RETURNING last_id, last_hash");
	int rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_done(st);
		return rc < 0 ? rc : AJ_ESTORE;
	}
	int64_t id = stmt_int(st, 0);
	str_copy(prev, sizeof prev, stmt_text(st, 1) ? stmt_text(st, 1) : zero_hash);
	stmt_done(st);

	if (state)
		sha256_hex(state, state_len, digest);
	else
		str_copy(digest, sizeof digest, zero_hash);
	int64_t at = clock_now();
	const char *label = a->label ? a->label : "";
	audit_record_hash(prev, id, at, a->user_id, label, action, entity, entity_id, digest, hash);

	st = store_sql(s, "INSERT INTO audit_log (id, at, actor_id, actor_label, action, entity,"
			  " entity_id, digest, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, at);
	stmt_bind_id(st, 3, a->user_id);
	stmt_bind_text(st, 4, label);
	stmt_bind_text(st, 5, action);
	stmt_bind_text(st, 6, entity);
	stmt_bind_id(st, 7, entity_id);
	stmt_bind_text(st, 8, digest);
	stmt_bind_text(st, 9, prev);
	stmt_bind_text(st, 10, hash);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE audit_head SET last_hash = $1 WHERE id = 1");
	stmt_bind_text(st, 1, hash);
	return stmt_exec(st);
}

int audit_append_state(struct store *s, const struct actor *a, const char *action, const char *entity,
		       int64_t id, int (*state)(struct store *s, int64_t id, struct strbuf *sb))
{
	struct strbuf sb;
	strbuf_init(&sb, 1 << 20);
	int rc = state(s, id, &sb);
	if (rc == AJ_OK)
		rc = audit_append(s, a, action, entity, id, sb.buf, sb.len);
	strbuf_free(&sb);
	return rc;
}

static void bad(struct audit_result *r, int64_t id, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Records the first failure only. */
static void bad(struct audit_result *r, int64_t id, const char *code, const char *fmt, ...)
{
	if (r->first_bad)
		return;
	r->ok = 0;
	r->first_bad = id;
	r->reason_code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof r->reason, fmt, ap);
	va_end(ap);
}

/* Records the first stored checkpoint that fails, naming it and the records it puts in doubt. */
static void bad_checkpoint(struct audit_result *r, const struct checkpoint_check *cc)
{
	const struct checkpoint *c = &cc->bad;
	if (!r->ok)
		return; /* the walk's own finding comes first */
	r->checkpoint = c->id;
	if (cc->verdict == CHECKPOINT_FORGED)
		bad(r, c->record_id, "checkpoint_forged",
		    "checkpoint %lld (record %lld) does not carry the association's signature", (long long)c->id,
		    (long long)c->record_id);
	else if (cc->verdict == CHECKPOINT_MISSING)
		bad(r, c->record_id, "checkpoint_mismatch",
		    "checkpoint %lld signed record %lld, which the chain no longer has", (long long)c->id,
		    (long long)c->record_id);
	else
		bad(r, c->record_id, "checkpoint_mismatch",
		    "checkpoint %lld signed record %lld with another hash: a record after %lld and up to %lld"
		    " was rewritten", (long long)c->id, (long long)c->record_id, (long long)cc->good_upto,
		    (long long)c->record_id);
}

int audit_verify(struct store *s, struct audit_result *out)
{
	unsigned char pk[32];
	char b64[KEYS_PUBLIC_B64_LEN];
	size_t n = 0;
	if (!keys_ready())
		return audit_verify_key(s, NULL, out);
	keys_public_b64(b64);
	if (sodium_base642bin(pk, sizeof pk, b64, strlen(b64), NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || n != sizeof pk)
		return AJ_ESTORE;
	return audit_verify_key(s, pk, out);
}

static int verify_chain(struct store *s, const unsigned char *pk, struct audit_result *out);

/* The chain, its head and its checkpoints as of one moment: the server may be appending. */
int audit_verify_key(struct store *s, const unsigned char *pk, struct audit_result *out)
{
	int rc = store_read_begin(s);
	if (rc == AJ_OK)
		rc = verify_chain(s, pk, out);
	store_read_end(s);
	return rc;
}

static int verify_chain(struct store *s, const unsigned char *pk, struct audit_result *out)
{
	char prev[SHA256_HEX_LEN], hash[SHA256_HEX_LEN];
	memset(out, 0, sizeof *out);
	out->ok = 1;
	str_copy(prev, sizeof prev, zero_hash);
	int64_t expect = 1;

	struct stmt *st = store_sql(s, "SELECT id, at, actor_id, actor_label, action, entity, entity_id,"
				       " digest, prev_hash, hash FROM audit_log ORDER BY id");
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		int64_t id = stmt_int(st, 0);
		const char *label = stmt_text(st, 3), *action = stmt_text(st, 4);
		const char *entity = stmt_text(st, 5), *digest = stmt_text(st, 7);
		const char *row_prev = stmt_text(st, 8), *row_hash = stmt_text(st, 9);
		out->entries++;
		if (id != expect)
			bad(out, id, "records_missing", "record %lld does not follow the one before it (records missing)",
			    (long long)id);
		else if (!row_prev || strcmp(row_prev, prev) != 0)
			bad(out, id, "broken_link", "record %lld does not link to the record before it", (long long)id);
		audit_record_hash(prev, id, stmt_int(st, 1), stmt_int(st, 2), label ? label : "",
				  action ? action : "", entity ? entity : "", stmt_int(st, 6),
				  digest ? digest : "", hash);
		if (!row_hash || strcmp(row_hash, hash) != 0)
			bad(out, id, "record_altered", "record %lld was altered", (long long)id);
		/* carry on from the stored hash, so one altered row is reported once */
		str_copy(prev, sizeof prev, row_hash ? row_hash : "");
		expect = id + 1;
	}
	stmt_done(st);
	if (rc < 0)
		return rc;

	st = store_sql(s, "SELECT last_id, last_hash FROM audit_head WHERE id = 1");
	if ((rc = stmt_step(st)) == STORE_ROW) {
		int64_t last = stmt_int(st, 0);
		const char *h = stmt_text(st, 1);
		if (last != expect - 1)
			bad(out, last > expect - 1 ? expect : last + 1, "records_missing",
			    "the chain ends at record %lld but its head names another",
			    (long long)(expect - 1));
		else if (!h || strcmp(h, prev) != 0)
			bad(out, last, "head_mismatch", "the chain's head does not match record %lld", (long long)last);
	} else if (rc == STORE_DONE) {
		bad(out, 1, "head_missing", "the chain's head is missing");
	}
	stmt_done(st);
	if (rc < 0)
		return rc;

	/* a chain rewritten and hashed again from some record on still walks; what was signed does not */
	struct checkpoint_check cc;
	if ((rc = checkpoints_check_stored(s, pk, &cc)) != AJ_OK)
		return rc;
	out->checkpoints = cc.checked;
	out->signatures_checked = pk != NULL;
	if (cc.bad.id)
		bad_checkpoint(out, &cc);
	return AJ_OK;
}

int audit_row_state(struct stmt *st, void (*row)(struct jw *w, struct stmt *st), struct strbuf *sb)
{
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		struct jw w;
		jw_init(&w, sb);
		row(&w, st);
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}
