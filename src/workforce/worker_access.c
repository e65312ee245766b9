/* worker_access.c — who may see which worker, and how a worker is shown to others: the company a
 * caller is confined to, the visibility check, a worker's sub-lists, the masked name, years since a
 * day, the trade codes. What every module that shows workers uses, below the registry itself. */
#include "worker_access.h"

#include <string.h>

#include "auth/keys.h"
#include "http/req.h"
#include "http/schema.h"
#include "rows.h"
#include "store/store.h"
#include "util/idcard.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

void worker_mask_name(const char *name, char *out, size_t n)
{
	/* the first character, a star for each hidden one, the last: 张*华, 欧**华; 张* for two */
	const char *starts[64];
	size_t k = 0;
	for (const char *p = name; *p && k < 64; p++)
		if (((unsigned char)*p & 0xC0) != 0x80)
			starts[k++] = p;
	if (k <= 1) {
		str_copy(out, n, name);
		return;
	}
	struct strbuf sb;
	strbuf_init(&sb, n);
	strbuf_add(&sb, starts[0], (size_t)(starts[1] - starts[0]));
	for (size_t i = 0; i < (k > 2 ? k - 2 : 1); i++)
		strbuf_addc(&sb, '*');
	if (k > 2)
		strbuf_adds(&sb, starts[k - 1]);
	str_copy(out, n, strbuf_str(&sb));
	strbuf_free(&sb);
}

int worker_find_by_card(struct store *s, const char *id_number, const char *name, int64_t *id)
{
	struct idcard card;
	char hash[KEYS_HASH_LEN];
	if (!idcard_parse(id_number, time_today(), &card))
		return AJ_EINVAL;
	keys_lookup_hash(card.norm, hash);
	struct stmt *st = store_sql(s, "SELECT id FROM workers WHERE id_hash = $1 AND name = $2");
	stmt_bind_text(st, 1, hash);
	stmt_bind_text(st, 2, name);
	return stmt_one_int(st, id);
}

int64_t worker_company_scope(struct req *r)
{
	switch (r->user.role) {
	case ROLE_ASSOCIATION_ADMIN:
	case ROLE_CS_AGENT:
		return 0;
	default:
		return r->user.org_id ? r->user.org_id : -1;
	}
}

int worker_visible(struct req *r, int64_t id)
{
	int64_t found = 0;
	struct stmt *st;
	if (r->user.role == ROLE_WORKER) {
		st = store_sql(r->store, "SELECT id FROM workers WHERE id = $1 AND user_id = $2");
		stmt_bind_int(st, 2, r->user.user_id);
	} else {
		st = store_sql(r->store, "SELECT id FROM workers WHERE id = $1 AND ($2 = 0 OR company_id = $2)");
		stmt_bind_int(st, 2, worker_company_scope(r));
	}
	stmt_bind_int(st, 1, id);
	return stmt_one_int(st, &found);
}

int worker_years_since(const char *date)
{
	int64_t d;
	if (!date || parse_date(date, &d) != 0)
		return 0;
	int64_t today = time_today();
	char a[11], b[11];
	time_format_date(d, a);
	time_format_date(today, b);
	int years = (b[0] - '0') * 1000 + (b[1] - '0') * 100 + (b[2] - '0') * 10 + (b[3] - '0') -
		    ((a[0] - '0') * 1000 + (a[1] - '0') * 100 + (a[2] - '0') * 10 + (a[3] - '0'));
	if (strcmp(b + 5, a + 5) < 0)
		years--;
	return years < 0 ? 0 : years;
}

void worker_trades_json(struct store *s, int64_t id, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT trade FROM worker_trades WHERE worker_id = $1 ORDER BY trade");
	stmt_bind_int(st, 1, id);
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW)
		jw_str(w, stmt_text(st, 0));
	stmt_done(st);
	jw_arr_end(w);
}

void worker_sublist(struct req *r, struct stmt *count, struct stmt *list,
		    void (*row)(struct jw *w, struct stmt *st))
{
	struct page pg = req_page(r);
	int64_t total = 0;
	int rc = worker_visible(r, r->id[0]);
	if (rc == AJ_OK) {
		stmt_bind_int(count, 1, r->id[0]);
		rc = stmt_one_int(count, &total);
	}
	if (rc) {
		req_fail(r, rc);
		return;
	}
	stmt_bind_int(list, 1, r->id[0]);
	stmt_bind_int(list, 2, pg.per_page);
	stmt_bind_int(list, 3, pg.offset);
	rows_reply_list(r, list, row, &pg, total);
}

void jw_kworker(struct jw *w, const char *key, struct stmt *st, int id_col, int name_col, int full)
{
	jw_key(w, key);
	if (stmt_is_null(st, id_col)) {
		jw_null(w);
		return;
	}
	char masked[96];
	worker_mask_name(stmt_text(st, name_col), masked, sizeof masked);
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, id_col));
	jw_kstr(w, "name", full ? stmt_text(st, name_col) : masked);
	jw_kstr(w, "masked_name", masked);
	jw_obj_end(w);
}
