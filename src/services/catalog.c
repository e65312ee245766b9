/* catalog.c — categories, their items and indicators, price guides, service items, and the
 * public company profile that shows a company's prices and figures. */
#include "catalog.h"

#include <string.h>

#include "auth/audit.h"
#include "disclosure/figures.h"
#include "http/req.h"
#include "http/schema.h"
#include "notify.h"
#include "rows.h"
#include "services/satisfaction.h"
#include "standards.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/timefmt.h"
#include "workforce/trades.h"

const char *const units[] = {"hour", "visit", "day", "month", NULL};
static const char *const phases[] = {"pre", "in", "post", NULL};
static const char *const truth[] = {"true", "false", NULL};

SCHEMA(category_body, S_STR("code", F_REQ, 2, 30), S_STR("name_zh", F_REQ, 2, 40), S_STR("name_en", F_REQ, 2, 60),
       S_ENUM("trade", F_REQ, trade_codes));
SCHEMA(category_patch_body, S_STR("name_zh", 0, 2, 40), S_STR("name_en", 0, 2, 60), S_BOOL("active", 0));
SCHEMA(category_item_body, S_ENUM("phase", F_REQ, phases), S_STR("text", F_REQ, 2, 100),
       S_STR("text_en", F_NULL, 0, 160), S_STR("indicator", F_NULL, 1, 30));
SCHEMA(indicator_body, S_STR("code", F_REQ, 2, 30), S_STR("name_zh", F_REQ, 2, 40), S_STR("name_en", F_REQ, 2, 60));
SCHEMA(price_guide_body, S_INT("category_id", F_REQ, 1, INT64_MAX), S_ENUM("unit", F_REQ, units),
       S_INT("min_fen", F_REQ, 0, 100000000), S_INT("max_fen", F_REQ, 0, 100000000));
SCHEMA(categories_query, S_ENUM("all", 0, truth), S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));
SCHEMA(service_item_body, S_INT("category_id", F_REQ, 1, INT64_MAX), S_STR("title", F_REQ, 2, 60),
       S_ENUM("unit", F_REQ, units), S_INT("price_fen", F_REQ, 0, 100000000), S_TEXT("description", F_NULL, 1000),
       S_STR("title_en", F_NULL, 2, 80));
SCHEMA(service_item_patch_body, S_STR("title", 0, 2, 60), S_INT("price_fen", 0, 0, 100000000),
       S_TEXT("description", F_NULL, 1000), S_BOOL("active", 0), S_STR("title_en", F_NULL, 2, 80));
SCHEMA(service_items_query, S_INT("category_id", 0, 1, INT64_MAX), S_ENUM("active", 0, truth),
       S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));

static int code_ok(const char *c)
{
	for (; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return 0;
	return 1;
}

/* ---- categories ---- */

void category_indicators_json(struct store *s, int64_t category_id, struct jw *w)
{
	jw_key(w, "indicators");
	jw_arr(w);
	struct stmt *st = store_sql(s, "SELECT id, code, name_zh, name_en FROM category_indicators WHERE category_id = $1"
				       " ORDER BY id");
	stmt_bind_int(st, 1, category_id);
	while (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_kint(w, "id", stmt_int(st, 0));
		jw_kstr(w, "code", stmt_text(st, 1));
		jw_kstr(w, "name_zh", stmt_text(st, 2));
		jw_kstr(w, "name_en", stmt_text(st, 3));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
}

int category_json(struct store *s, int64_t id, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT id, code, name_zh, name_en, trade, active FROM categories WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_done(st);
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	}
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "code", stmt_text(st, 1));
	jw_kstr(w, "name_zh", stmt_text(st, 2));
	jw_kstr(w, "name_en", stmt_text(st, 3));
	jw_kstr(w, "trade", stmt_text(st, 4));
	jw_kbool(w, "active", (int)stmt_int(st, 5));
	stmt_done(st);

	jw_key(w, "items");
	jw_obj(w);
	for (int p = 0; phases[p]; p++) {
		jw_key(w, phases[p]);
		jw_arr(w);
		st = store_sql(s, "SELECT id, text, text_en, indicator FROM category_items WHERE category_id = $1"
				  " AND phase = $2 AND active = 1 ORDER BY position, id");
		stmt_bind_int(st, 1, id);
		stmt_bind_text(st, 2, phases[p]);
		while (stmt_step(st) == STORE_ROW) {
			jw_obj(w);
			jw_kint(w, "id", stmt_int(st, 0));
			jw_kstr(w, "text", stmt_text(st, 1));
			jw_kstr(w, "text_en", stmt_text(st, 2));
			if (p == 1)
				jw_kstr(w, "indicator", stmt_text(st, 3));
			jw_obj_end(w);
		}
		stmt_done(st);
		jw_arr_end(w);
	}
	jw_obj_end(w);

	category_indicators_json(s, id, w);

	jw_key(w, "price_guides");
	jw_arr(w);
	st = store_sql(s, "SELECT unit, min_fen, max_fen FROM price_guides WHERE category_id = $1"
			  " ORDER BY CASE unit WHEN 'hour' THEN 1 WHEN 'visit' THEN 2 WHEN 'day' THEN 3 ELSE 4 END");
	stmt_bind_int(st, 1, id);
	while (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_kstr(w, "unit", stmt_text(st, 0));
		jw_kint(w, "min_fen", stmt_int(st, 1));
		jw_kint(w, "max_fen", stmt_int(st, 2));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
	jw_obj_end(w);
	return AJ_OK;
}

static int category_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct jw w;
	jw_init(&w, sb);
	return category_json(s, id, &w);
}

/* A category's edit — created, changed, an item or an indicator added or retired, a price guide
 * set — for the write's body (store_write may run it more than once: it sets its outputs afresh). */
struct category_edit {
	const struct actor *a;
	int64_t id, item_id, *out_id;
	const struct category_in *in;
	const char *phase, *text, *text_en, *indicator, *code, *name_zh, *name_en, *unit;
	int64_t min_fen, max_fen;
	int active;                    /* 0 or 1, or -1 to leave it */
	struct fault *f;
};

static int create_write(struct store *s, void *arg)
{
	struct category_edit *e = arg;
	const struct category_in *in = e->in;
	*e->f = (struct fault){0};
	int64_t now = clock_now();
	struct stmt *st = store_sql(s, "INSERT INTO categories (code, name_zh, name_en, trade, active, created_at,"
				       " updated_at) VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id");
	stmt_bind_text(st, 1, in->code);
	stmt_bind_text(st, 2, in->name_zh);
	stmt_bind_text(st, 3, in->name_en);
	stmt_bind_text(st, 4, in->trade);
	stmt_bind_int(st, 5, now);
	int rc = stmt_one_int(st, e->out_id);
	if (rc) {
		if (rc == AJ_ECONFLICT)
			FAULT(e->f, "code_taken", "code");
		return rc;
	}
	return audit_append_state(s, e->a, "category.create", "category", *e->out_id, category_state);
}

int category_create(struct store *s, const struct actor *a, const struct category_in *in, int64_t *id,
		    struct fault *f)
{
	if (!code_ok(in->code)) {
		FAULT(f, "invalid_characters", "code");
		return AJ_EINVAL;
	}
	struct category_edit e = {.a = a, .in = in, .out_id = id, .f = f};
	return store_write(s, create_write, &e);
}

/* Whether a category exists; AJ_ENOTFOUND otherwise. */
static int category_exists(struct store *s, int64_t id)
{
	int64_t found;
	struct stmt *st = store_sql(s, "SELECT id FROM categories WHERE id = $1");
	stmt_bind_int(st, 1, id);
	return stmt_one_int(st, &found);
}

static int add_item_write(struct store *s, void *arg)
{
	struct category_edit *e = arg;
	*e->f = (struct fault){0};
	int rc = category_exists(s, e->id);
	if (rc)
		return rc;
	if (e->indicator && strcmp(e->phase, "in") != 0) {
		FAULT(e->f, "indicator_not_allowed", "indicator");
		return AJ_ERULE;
	}
	if (e->indicator) {
		int64_t found;
		struct stmt *st = store_sql(s, "SELECT id FROM category_indicators WHERE category_id = $1 AND code = $2");
		stmt_bind_int(st, 1, e->id);
		stmt_bind_text(st, 2, e->indicator);
		if (stmt_one_int(st, &found) != AJ_OK) {
			FAULT(e->f, "indicator_unknown", "indicator");
			return AJ_ERULE;
		}
	}
	struct stmt *st = store_sql(s, "INSERT INTO category_items (category_id, phase, position, text, text_en, indicator,"
				       " active) VALUES ($1, $2, (SELECT coalesce(max(position), 0) + 1 FROM category_items"
				       " WHERE category_id = $1 AND phase = $2), $3, $4, $5, 1)");
	stmt_bind_int(st, 1, e->id);
	stmt_bind_text(st, 2, e->phase);
	stmt_bind_text(st, 3, e->text);
	stmt_bind_text(st, 4, e->text_en);
	stmt_bind_text(st, 5, e->indicator);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	return audit_append_state(s, e->a, "category.item_add", "category", e->id, category_state);
}

int category_add_item(struct store *s, const struct actor *a, int64_t category_id, const char *phase,
		      const char *text, const char *text_en, const char *indicator, struct fault *f)
{
	struct category_edit e = {.a = a, .id = category_id, .phase = phase, .text = text, .text_en = text_en,
				  .indicator = indicator, .f = f};
	return store_write(s, add_item_write, &e);
}

static int add_indicator_write(struct store *s, void *arg)
{
	struct category_edit *e = arg;
	*e->f = (struct fault){0};
	int rc = category_exists(s, e->id);
	if (rc)
		return rc;
	struct stmt *st = store_sql(s, "INSERT INTO category_indicators (category_id, code, name_zh, name_en)"
				       " VALUES ($1, $2, $3, $4)");
	stmt_bind_int(st, 1, e->id);
	stmt_bind_text(st, 2, e->code);
	stmt_bind_text(st, 3, e->name_zh);
	stmt_bind_text(st, 4, e->name_en);
	if ((rc = stmt_exec(st)) != AJ_OK) {
		if (rc == AJ_ECONFLICT)
			FAULT(e->f, "code_taken", "code");
		return rc;
	}
	return audit_append_state(s, e->a, "category.indicator_add", "category", e->id, category_state);
}

int category_add_indicator(struct store *s, const struct actor *a, int64_t category_id, const char *code,
			   const char *name_zh, const char *name_en, struct fault *f)
{
	if (!code_ok(code)) {
		FAULT(f, "invalid_characters", "code");
		return AJ_EINVAL;
	}
	struct category_edit e = {.a = a, .id = category_id, .code = code, .name_zh = name_zh, .name_en = name_en,
				  .f = f};
	return store_write(s, add_indicator_write, &e);
}

static int price_guide_write(struct store *s, void *arg)
{
	struct category_edit *e = arg;
	int rc = category_exists(s, e->id);
	if (rc)
		return rc;
	struct stmt *st = store_sql(s, "INSERT INTO price_guides (category_id, unit, min_fen, max_fen) VALUES ($1, $2, $3, $4)"
				       " ON CONFLICT (category_id, unit) DO UPDATE SET min_fen = $3, max_fen = $4");
	stmt_bind_int(st, 1, e->id);
	stmt_bind_text(st, 2, e->unit);
	stmt_bind_int(st, 3, e->min_fen);
	stmt_bind_int(st, 4, e->max_fen);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	return audit_append_state(s, e->a, "price_guide.set", "category", e->id, category_state);
}

int price_guide_set(struct store *s, const struct actor *a, int64_t category_id, const char *unit,
		    int64_t min_fen, int64_t max_fen, struct fault *f)
{
	if (min_fen > max_fen) {
		FAULT(f, "invalid_range", "max_fen");
		return AJ_ERULE;
	}
	struct category_edit e = {.a = a, .id = category_id, .unit = unit, .min_fen = min_fen, .max_fen = max_fen, .f = f};
	return store_write(s, price_guide_write, &e);
}

static void reply_category(struct req *r, int64_t id, int status)
{
	int rc = category_json(r->store, id, req_jw(r));
	if (rc)
		req_fail(r, rc);
	else
		req_send(r, status);
}

void api_public_categories(struct req *r)
{
	int all = req_qstr(r, "all") && strcmp(req_qstr(r, "all"), "true") == 0 && r->user.user_id;
	struct page pg = req_page(r);
	int64_t total = 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM categories WHERE ($1 = 1 OR active = 1)");
	stmt_bind_int(st, 1, all);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT id FROM categories WHERE ($1 = 1 OR active = 1) ORDER BY id LIMIT $2 OFFSET $3");
	stmt_bind_int(st, 1, all);
	stmt_bind_int(st, 2, pg.per_page);
	stmt_bind_int(st, 3, pg.offset);
	int64_t ids[100];
	int n = 0;
	rc = stmt_ints(st, ids, 100, &n);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	struct jw *w = req_list_begin(r);
	for (int i = 0; i < n; i++)
		category_json(r->store, ids[i], w);
	req_list_end(r, &pg, total);
	req_header_static(r, "Cache-Control", "public, max-age=60");
	req_send(r, 200);
}

void api_public_category(struct req *r)
{
	reply_category(r, r->id[0], 200);
}

void api_categories_create(struct req *r)
{
	struct category_in in = {req_str(r, "code"), req_str(r, "name_zh"), req_str(r, "name_en"), req_str(r, "trade")};
	struct fault f = {0};
	struct actor a = req_actor(r);
	int64_t id;
	int rc = category_create(r->store, &a, &in, &id, &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_category(r, id, 201);
}

static int update_write(struct store *s, void *arg)
{
	struct category_edit *e = arg;
	int rc = category_exists(s, e->id);
	if (rc)
		return rc;
	struct stmt *st = store_sql(s, "UPDATE categories SET name_zh = coalesce($2, name_zh), name_en = coalesce($3, name_en),"
				       " active = CASE WHEN $4 >= 0 THEN $4 ELSE active END, updated_at = $5 WHERE id = $1");
	stmt_bind_int(st, 1, e->id);
	stmt_bind_text(st, 2, e->name_zh);
	stmt_bind_text(st, 3, e->name_en);
	stmt_bind_int(st, 4, e->active);
	stmt_bind_int(st, 5, clock_now());
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	return audit_append_state(s, e->a, "category.update", "category", e->id, category_state);
}

void api_categories_update(struct req *r)
{
	struct actor a = req_actor(r);
	struct category_edit e = {.a = &a, .id = r->id[0], .name_zh = req_str(r, "name_zh"),
				  .name_en = req_str(r, "name_en"),
				  .active = req_has(r, "active") ? req_bool(r, "active", 1) : -1};
	int rc = store_write(r->store, update_write, &e);
	if (rc)
		req_fail(r, rc);
	else
		reply_category(r, r->id[0], 200);
}

void api_categories_add_item(struct req *r)
{
	struct fault f = {0};
	struct actor a = req_actor(r);
	int rc = category_add_item(r->store, &a, r->id[0], req_str(r, "phase"), req_str(r, "text"),
				   req_str(r, "text_en"), req_str(r, "indicator"), &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_category(r, r->id[0], 201);
}

static int remove_item_write(struct store *s, void *arg)
{
	struct category_edit *e = arg;
	/* answered items stay in the bookings that answered them: the item is retired, not deleted */
	struct stmt *st = store_sql(s, "UPDATE category_items SET active = 0 WHERE id = $2 AND category_id = $1 AND active = 1");
	stmt_bind_int(st, 1, e->id);
	stmt_bind_int(st, 2, e->item_id);
	int rc = stmt_exec(st);
	if (rc || store_changes(s) == 0)
		return rc ? rc : AJ_ENOTFOUND;
	return audit_append_state(s, e->a, "category.item_remove", "category", e->id, category_state);
}

void api_categories_remove_item(struct req *r)
{
	struct actor a = req_actor(r);
	struct category_edit e = {.a = &a, .id = r->id[0], .item_id = r->id[1]};
	int rc = store_write(r->store, remove_item_write, &e);
	if (rc)
		req_fail(r, rc);
	else
		reply_category(r, r->id[0], 200);
}

void api_categories_add_indicator(struct req *r)
{
	struct fault f = {0};
	struct actor a = req_actor(r);
	int rc = category_add_indicator(r->store, &a, r->id[0], req_str(r, "code"), req_str(r, "name_zh"),
					req_str(r, "name_en"), &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_category(r, r->id[0], 201);
}

void api_price_guides_set(struct req *r)
{
	struct fault f = {0};
	struct actor a = req_actor(r);
	int64_t cat = req_int(r, "category_id", 0);
	int rc = price_guide_set(r->store, &a, cat, req_str(r, "unit"), req_int(r, "min_fen", 0),
				 req_int(r, "max_fen", 0), &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_category(r, cat, 200);
}

/* ---- service items ---- */

#define ITEM_COLUMNS \
	"si.id, o.id, o.name, c.id, c.code, c.name_zh, c.name_en, c.trade, si.title, si.unit, si.price_fen," \
	" si.description, si.active, si.created_at, si.updated_at, si.title_en"
#define ITEM_FROM " FROM service_items si JOIN orgs o ON o.id = si.company_id JOIN categories c ON c.id = si.category_id"

static void item_json(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kref(w, "company", stmt_int(st, 1), stmt_text(st, 2));
	jw_key(w, "category");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 3));
	jw_kstr(w, "code", stmt_text(st, 4));
	jw_kstr(w, "name_zh", stmt_text(st, 5));
	jw_kstr(w, "name_en", stmt_text(st, 6));
	jw_kstr(w, "trade", stmt_text(st, 7));
	jw_obj_end(w);
	jw_kstr(w, "title", stmt_text(st, 8));
	jw_kstr(w, "title_en", stmt_text(st, 15));
	jw_kstr(w, "unit", stmt_text(st, 9));
	jw_kint(w, "price_fen", stmt_int(st, 10));
	jw_kstr(w, "description", stmt_text(st, 11));
	jw_kbool(w, "active", (int)stmt_int(st, 12));
	jw_ktime(w, "created_at", stmt_int(st, 13));
	jw_ktime(w, "updated_at", stmt_int(st, 14));
	jw_obj_end(w);
}

static int item_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " ITEM_COLUMNS ITEM_FROM " WHERE si.id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, item_json, sb);
}

/* Checks a price against the guide for the category and unit. */
static int price_allowed(struct store *s, int64_t category_id, const char *unit, int64_t price, struct fault *f,
			 char *detail)
{
	struct stmt *st = store_sql(s, "SELECT min_fen, max_fen FROM price_guides WHERE category_id = $1 AND unit = $2");
	stmt_bind_int(st, 1, category_id);
	stmt_bind_text(st, 2, unit);
	int rc = stmt_step(st);
	int64_t lo = rc == STORE_ROW ? stmt_int(st, 0) : 0, hi = rc == STORE_ROW ? stmt_int(st, 1) : 0;
	stmt_done(st);
	if (rc < 0)
		return rc;
	if (rc == STORE_DONE) {
		FAULT(f, "no_price_guide", "unit");
		return AJ_ERULE;
	}
	if (price < lo || price > hi) {
		snprintf(detail, 48, "%lld-%lld", (long long)lo, (long long)hi);
		FAULT(f, "price_outside_guide", "price_fen");
		return AJ_ERULE;
	}
	return AJ_OK;
}

/* A service item's creation or change, for the write's body (store_write may run it more than once:
 * it sets its outputs afresh). */
struct item_edit {
	const struct actor *a;
	const struct item_in *in;
	int64_t id, scope, *out_id;
	const char *title, *description, *title_en;
	int64_t price_fen;             /* -1 leaves it */
	int active;                    /* 0 or 1, or -1 to leave it */
	int has_description, has_title_en;
	struct fault *f;
	char *detail;                  /* 48 bytes: the guide's range when the price is outside it */
};

/* A try's outputs start afresh. */
static void item_edit_reset(struct item_edit *e)
{
	*e->f = (struct fault){0};
	e->detail[0] = '\0';
}

static int item_create_write(struct store *s, void *arg)
{
	struct item_edit *e = arg;
	const struct item_in *in = e->in;
	item_edit_reset(e);
	int64_t active = 0;
	struct stmt *st = store_sql(s, "SELECT active FROM categories WHERE id = $1");
	stmt_bind_int(st, 1, in->category_id);
	int rc = stmt_one_int(st, &active);
	if (rc || !active) {
		if (rc == AJ_ENOTFOUND || !active)
			FAULT(e->f, rc == AJ_ENOTFOUND ? "category_not_found" : "category_inactive", "category_id");
		return rc == AJ_OK || rc == AJ_ENOTFOUND ? AJ_ERULE : rc;
	}
	if ((rc = price_allowed(s, in->category_id, in->unit, in->price_fen, e->f, e->detail)) != AJ_OK)
		return rc;
	int64_t now = clock_now();
	st = store_sql(s, "INSERT INTO service_items (company_id, category_id, title, unit, price_fen, description, active,"
			  " created_at, updated_at, title_en) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7, $8) RETURNING id");
	stmt_bind_int(st, 1, in->company_id);
	stmt_bind_int(st, 2, in->category_id);
	stmt_bind_text(st, 3, in->title);
	stmt_bind_text(st, 4, in->unit);
	stmt_bind_int(st, 5, in->price_fen);
	stmt_bind_text(st, 6, in->description);
	stmt_bind_int(st, 7, now);
	stmt_bind_text(st, 8, in->title_en);
	if ((rc = stmt_one_int(st, e->out_id)) != AJ_OK)
		return rc;
	return audit_append_state(s, e->a, "service_item.create", "service_item", *e->out_id, item_state);
}

int service_item_create(struct store *s, const struct actor *a, const struct item_in *in, int64_t *id,
			struct fault *f, char *detail)
{
	struct item_edit e = {.a = a, .in = in, .out_id = id, .f = f, .detail = detail};
	return store_write(s, item_create_write, &e);
}

/* The company a caller's service items are confined to; 0 for the association. */
static int64_t item_scope(struct req *r)
{
	return r->user.role == ROLE_ASSOCIATION_ADMIN ? 0 : r->user.org_id ? r->user.org_id : -1;
}

static void reply_item(struct req *r, int64_t id, int status)
{
	req_jw(r);
	int rc = item_state(r->store, id, &r->out);
	if (rc)
		req_fail(r, rc);
	else
		req_send(r, status);
}

static void price_refusal(struct req *r, int rc, const struct fault *f, const char *detail)
{
	if (f->code && strcmp(f->code, "price_outside_guide") == 0) {
		req_error_open(r, 422, f->code, f->field, detail);
		req_error_close(r);
	} else {
		req_fault(r, rc, f);
	}
}

void api_service_items_create(struct req *r)
{
	int64_t company = item_scope(r);
	if (company <= 0) {
		/* the association publishes nothing of its own: a company does */
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	struct item_in in = {company, req_int(r, "category_id", 0), req_str(r, "title"), req_str(r, "unit"),
			     req_str(r, "description"), req_int(r, "price_fen", 0), req_str(r, "title_en")};
	struct fault f = {0};
	struct actor a = req_actor(r);
	char detail[48] = "";
	int64_t id;
	int rc = service_item_create(r->store, &a, &in, &id, &f, detail);
	if (rc)
		price_refusal(r, rc, &f, detail);
	else
		reply_item(r, id, 201);
}

static int item_update_write(struct store *s, void *arg)
{
	struct item_edit *e = arg;
	item_edit_reset(e);
	struct stmt *st = store_sql(s, "SELECT category_id, unit, price_fen FROM service_items WHERE id = $1"
				       " AND ($2 = 0 OR company_id = $2)");
	stmt_bind_int(st, 1, e->id);
	stmt_bind_int(st, 2, e->scope);
	int rc = stmt_step(st);
	int64_t cat = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	char unit[16] = "";
	if (rc == STORE_ROW)
		str_copy(unit, sizeof unit, stmt_text(st, 1));
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	if (e->price_fen >= 0 && (rc = price_allowed(s, cat, unit, e->price_fen, e->f, e->detail)) != AJ_OK)
		return rc;
	st = store_sql(s, "UPDATE service_items SET title = coalesce($2, title),"
			  " price_fen = CASE WHEN $3 >= 0 THEN $3 ELSE price_fen END,"
			  " description = CASE WHEN $4 = 1 THEN $5 ELSE description END,"
			  " active = CASE WHEN $6 >= 0 THEN $6 ELSE active END, updated_at = $7,"
			  " title_en = CASE WHEN $8 = 1 THEN $9 ELSE title_en END WHERE id = $1");
	stmt_bind_int(st, 1, e->id);
	stmt_bind_text(st, 2, e->title);
	stmt_bind_int(st, 3, e->price_fen);
	stmt_bind_int(st, 4, e->has_description);
	stmt_bind_text(st, 5, e->description);
	stmt_bind_int(st, 6, e->active);
	stmt_bind_int(st, 7, clock_now());
	stmt_bind_int(st, 8, e->has_title_en);
	stmt_bind_text(st, 9, e->title_en);
	if ((rc = stmt_exec(st)) != AJ_OK)
		return rc;
	return audit_append_state(s, e->a, "service_item.update", "service_item", e->id, item_state);
}

void api_service_items_update(struct req *r)
{
	struct actor a = req_actor(r);
	struct fault f = {0};
	char detail[48] = "";
	struct item_edit e = {.a = &a, .id = r->id[0], .scope = item_scope(r), .title = req_str(r, "title"),
			      .price_fen = req_has(r, "price_fen") ? req_int(r, "price_fen", 0) : -1,
			      .has_description = req_has(r, "description"), .description = req_str(r, "description"),
			      .active = req_has(r, "active") ? req_bool(r, "active", 1) : -1,
			      .has_title_en = req_has(r, "title_en"), .title_en = req_str(r, "title_en"), .f = &f,
			      .detail = detail};
	int rc = store_write(r->store, item_update_write, &e);
	if (rc)
		price_refusal(r, rc, &f, detail);
	else
		reply_item(r, r->id[0], 200);
}

void api_service_items_list(struct req *r)
{
	struct page pg = req_page(r);
	int64_t scope = item_scope(r), total = 0, cat = req_qint(r, "category_id", 0);
	const char *active = req_qstr(r, "active");
	int64_t act = !active ? -1 : strcmp(active, "true") == 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM service_items si WHERE ($1 = 0 OR si.company_id = $1)"
					      " AND ($2 = 0 OR si.category_id = $2) AND ($3 < 0 OR si.active = $3)");
	stmt_bind_int(st, 1, scope);
	stmt_bind_int(st, 2, cat);
	stmt_bind_int(st, 3, act);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT " ITEM_COLUMNS ITEM_FROM " WHERE ($1 = 0 OR si.company_id = $1)"
				 " AND ($2 = 0 OR si.category_id = $2) AND ($3 < 0 OR si.active = $3)"
				 " ORDER BY si.id LIMIT $4 OFFSET $5");
	stmt_bind_int(st, 1, scope);
	stmt_bind_int(st, 2, cat);
	stmt_bind_int(st, 3, act);
	stmt_bind_int(st, 4, pg.per_page);
	stmt_bind_int(st, 5, pg.offset);
	rows_reply_list(r, st, item_json, &pg, total);
}

/* ---- the public company profile ---- */

void service_item_brief_json(struct store *s, int64_t company_id, int64_t category_id, int64_t price, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT id, title, unit, price_fen, title_en FROM service_items WHERE company_id = $1"
				       " AND category_id = $2 AND active = 1 AND price_fen = $3 ORDER BY id LIMIT 1");
	stmt_bind_int(st, 1, company_id);
	stmt_bind_int(st, 2, category_id);
	stmt_bind_int(st, 3, price);
	jw_key(w, "service_item");
	if (stmt_step(st) == STORE_ROW) {
		jw_obj(w);
		jw_kint(w, "id", stmt_int(st, 0));
		jw_kstr(w, "title", stmt_text(st, 1));
		jw_kstr(w, "title_en", stmt_text(st, 4));
		jw_kstr(w, "unit", stmt_text(st, 2));
		jw_kint(w, "price_fen", stmt_int(st, 3));
		jw_obj_end(w);
	} else {
		jw_null(w);
	}
	stmt_done(st);
}

void service_items_offered_json(struct store *s, int64_t company_id, int64_t worker_id, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT " ITEM_COLUMNS ITEM_FROM " WHERE si.company_id = $1 AND si.active = 1"
				       " AND c.active = 1 AND ($2 = 0 OR c.trade IN (SELECT trade FROM worker_trades"
				       " WHERE worker_id = $2)) ORDER BY c.id, si.price_fen, si.id");
	stmt_bind_int(st, 1, company_id);
	stmt_bind_int(st, 2, worker_id);
	jw_arr(w);
	while (stmt_step(st) == STORE_ROW)
		item_json(w, st);
	stmt_done(st);
	jw_arr_end(w);
}

void api_public_company(struct req *r)
{
	struct stmt *st = store_sql(r->store, "SELECT id, name, district, uscc, kind FROM orgs WHERE id = $1");
	stmt_bind_int(st, 1, r->id[0]);
	int rc = stmt_step(st);
	if (rc != STORE_ROW || strcmp(stmt_text(st, 4), "company") != 0) {
		stmt_done(st);
		req_fail(r, rc < 0 ? rc : AJ_ENOTFOUND);
		return;
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "name", stmt_text(st, 1));
	jw_kstr(w, "district", stmt_text(st, 2));
	jw_kstr(w, "uscc", stmt_text(st, 3));
	stmt_done(st);
	jw_key(w, "service_items");
	service_items_offered_json(r->store, r->id[0], 0, w);
	int64_t total = 0, ok = 0;
	struct standards sd;
	standards_get(r->store, &sd);
	st = store_sql(r->store, "SELECT count(*), (SELECT count(DISTINCT ww.worker_id) FROM worker_windows ww"
				 " JOIN workers x ON x.id = ww.worker_id WHERE x.company_id = $1 AND ww.ok_from <= $2"
				 " AND ww.ok_until > $2 AND ww.refresher_until + $3 > $2) FROM workers WHERE company_id = $1");
	stmt_bind_int(st, 1, r->id[0]);
	stmt_bind_int(st, 2, clock_now());
	stmt_bind_int(st, 3, (int64_t)sd.refresher_grace_days * 86400);
	if (stmt_step(st) == STORE_ROW) {
		total = stmt_int(st, 0);
		ok = stmt_int(st, 1);
	}
	stmt_done(st);
	jw_key(w, "workers");
	jw_obj(w);
	jw_kint(w, "total", total);
	jw_kint(w, "may_serve", ok);
	jw_obj_end(w);
	figures_json(r->store, FIGURES_COMPANY, r->id[0], w);
	complaint_figures_json(r->store, r->id[0], w);
	conduct_counts_json(r->store, "company", r->id[0], clock_now() - 365 * 86400, w);
	jw_obj_end(w);
	req_header_static(r, "Cache-Control", "public, max-age=60");
	req_send(r, 200);
}
