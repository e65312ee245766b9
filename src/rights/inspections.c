/* inspections.c — third-party spot checks. The deadline job makes one plan a month for the whole
 * industry with a secret seed whose commitment it publishes, and on a fixed day of the next month
 * reveals the seed and draws from it (each company's completed bookings of the month, ranked by a
 * hash of the seed and the booking id); the inspection bodies' inspectors score the sampled
 * services on the category's quality indicators,
 * and a failed check becomes a rectification order with a deadline that the company answers and the
 * inspector verifies. Every move is one transaction with its timeline event and audit record. */
#include "inspections.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "auth/audit.h"
#include "http/req.h"
#include "http/schema.h"
#include "notify.h"
#include "privacy/access.h"
#include "rows.h"
#include "services/bookings.h"
#include "services/catalog.h"
#include "standards.h"
#include "store/store.h"
#include "timeline.h"
#include "util/clock.h"
#include "util/digest.h"
#include "util/timefmt.h"
#include "workforce/worker_access.h"

static const char *const statuses[] = {"assigned", "passed", "rectifying", "answered", "verified", NULL};
static const char *const visit_kinds[] = {"phone", "home", NULL};

SCHEMA(inspections_query, S_ENUM("status", 0, statuses), S_INT("plan_id", 0, 1, INT64_MAX),
       S_INT("company_id", 0, 1, INT64_MAX), S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));
/* the reason says something: at least two characters */
SCHEMA(inspection_assign_body, S_INT("inspector_id", F_REQ, 1, INT64_MAX),
       {"reason", FT_TEXT, F_REQ, 2, 500, NULL, 0, NULL});
SCHEMA(inspection_score_item, S_INT("indicator_id", F_REQ, 1, INT64_MAX), S_INT("score", F_REQ, 0, 100),
       S_STR("note", F_NULL, 0, 200));
SCHEMA(inspection_result_body, S_ENUM("visit_kind", F_REQ, visit_kinds), S_TIME("visited_at", F_REQ),
       S_OBJS("scores", F_REQ, 1, 50, &inspection_score_item), S_TEXT("findings", F_REQ, 4000));
/* the answer says something: at least two characters */
SCHEMA(rectification_body, {"text", FT_TEXT, F_REQ, 2, 4000, NULL, 0, NULL});
SCHEMA(verify_body, S_BOOL("accepted", F_REQ), S_TEXT("note", F_NULL, 1000));

/* The rules a plan publishes, so anyone can check the draw with a few lines of code. */
#define COMMITMENT_RULE "commitment = sha256(seed), the seed being 32 lowercase hex characters; published when" \
	" the plan is made, the seed at the draw"
#define POPULATION_RULE "every company's services completed in the month (status completed or reviewed), as" \
	" the draw read them, each company's listed with the plan"
#define ALGORITHM "rank = sha256(seed + ':' + booking_id), smallest first"
#define SAMPLE_SIZE "max(min_per_company, ceil(population * share_percent / 100)), at most the population"
#define ASSIGNMENT_RULE "the samples of the whole plan in rank order go in turn to the inspection bodies with an" \
	" active inspector (by id), and each body's in turn to its active inspectors (by id)"
#define MAX_SCORES 50

/* What a move needs to know of an inspection. */
struct insp {
	int64_t id, plan_id, booking_id, company_id, worker_id, inspector_id, body_id, category_id, start;
	int64_t contact_opened_at; /* 0 until the household's contact is first opened */
	int plan_month;
	char status[16];
};

static int load(struct store *s, int64_t id, struct insp *x)
{
	struct stmt *st = store_sql(s, "SELECT i.id, i.plan_id, i.booking_id, i.company_id, coalesce(i.worker_id, 0),"
				       " coalesce(i.inspector_id, 0), i.inspection_org_id, b.category_id, b.start_at,"
				       " i.status, p.month, coalesce(i.contact_opened_at, 0) FROM inspections i"
				       " JOIN bookings b ON b.id = i.booking_id JOIN sampling_plans p ON p.id = i.plan_id"
				       " WHERE i.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		x->id = stmt_int(st, 0);
		x->plan_id = stmt_int(st, 1);
		x->booking_id = stmt_int(st, 2);
		x->company_id = stmt_int(st, 3);
		x->worker_id = stmt_int(st, 4);
		x->inspector_id = stmt_int(st, 5);
		x->body_id = stmt_int(st, 6);
		x->category_id = stmt_int(st, 7);
		x->start = stmt_int(st, 8);
		str_copy(x->status, sizeof x->status, stmt_text(st, 9));
		x->plan_month = (int)stmt_int(st, 10);
		x->contact_opened_at = stmt_int(st, 11);
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

/* The parts someone can have in an inspection. */
enum { P_INSPECTOR = 1, P_COMPANY = 2, P_ASSOCIATION = 4 };

static int part_of(enum role role, const struct actor *a, const struct insp *x)
{
	if (role == ROLE_INSPECTOR && x->inspector_id && a->user_id == x->inspector_id)
		return P_INSPECTOR;
	/* a spot check is blind to the company until its result is recorded: who was drawn, who will
	 * call and whether they have called yet are not the company's to know before */
	if ((role == ROLE_COMPANY_ADMIN || role == ROLE_COMPANY_STAFF) && a->org_id == x->company_id &&
	    strcmp(x->status, "assigned") != 0)
		return P_COMPANY;
	if (role == ROLE_ASSOCIATION_ADMIN)
		return P_ASSOCIATION;
	return 0;
}

/* The roles that see some inspections at all; the others are refused outright (403). */
static int sees_inspections(enum role role)
{
	return role == ROLE_ASSOCIATION_ADMIN || role == ROLE_INSPECTOR || role == ROLE_COMPANY_ADMIN ||
	       role == ROLE_COMPANY_STAFF;
}

static int is_state(const struct insp *x, const char *status, struct fault *f)
{
	if (strcmp(x->status, status) == 0)
		return AJ_OK;
	FAULT(f, "invalid_transition", "status");
	return AJ_ECONFLICT;
}

static int event(struct store *s, const struct actor *a, int64_t id, const char *action, const char *note)
{
	return timeline_add(s, TIMELINE_INSPECTION, id, a, action, NULL, NULL, note, 0);
}

static void format_day(int64_t t, char out[11])
{
	time_format_date(time_local_days(t), out);
}

/* ---- JSON ---- */

#define INSPECTION_COLUMNS \
	"i.id, i.plan_id, p.month, i.status, i.company_id, co.name, i.worker_id, w.name, i.inspector_id, iu.name," \
	" i.booking_id, b.start_at, b.end_at, c.id, c.code, c.name_zh, c.name_en, si.id, si.title, b.customer_id," \
	" cu.name, i.score, i.visit_kind, coalesce(i.visited_at, 0), i.findings, coalesce(i.recorded_at, 0), i.month," \
	" coalesce(i.rectify_due, 0), i.rectify_breached, i.answer, coalesce(i.answered_at, 0)," \
	" coalesce(i.verified_at, 0), i.verify_note, i.inspection_org_id, io.name, i.rank, i.reassigned," \
	" coalesce(i.contact_opened_at, 0)"
#define INSPECTION_FROM \
	" FROM inspections i JOIN sampling_plans p ON p.id = i.plan_id JOIN orgs co ON co.id = i.company_id" \
	" LEFT JOIN workers w ON w.id = i.worker_id LEFT JOIN users iu ON iu.id = i.inspector_id" \
	" JOIN bookings b ON b.id = i.booking_id JOIN categories c ON c.id = b.category_id" \
	" JOIN service_items si ON si.id = b.service_item_id JOIN users cu ON cu.id = b.customer_id" \
	" JOIN orgs io ON io.id = i.inspection_org_id"

/* Writes the members of the inspection at the current row of st, the worker's real name in "name"
 * (everyone who sees an inspection may: the company's is its own employee). With detail set (the
 * single inspection), the booking's category carries its quality indicators, read through detail. */
static void inspection_fields(struct jw *w, struct stmt *st, struct store *detail)
{
	char month[8];
	jw_kint(w, "id", stmt_int(st, 0));
	jw_key(w, "plan");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 1));
	time_format_month((int)stmt_int(st, 2), month);
	jw_kstr(w, "month", month);
	jw_obj_end(w);
	jw_kstr(w, "status", stmt_text(st, 3));
	jw_kref(w, "company", stmt_int(st, 4), stmt_text(st, 5));
	jw_kworker(w, "worker", st, 6, 7, 1);
	jw_kref(w, "inspection_body", stmt_int(st, 33), stmt_text(st, 34));
	jw_kref(w, "inspector", stmt_int(st, 8), stmt_text(st, 9));
	jw_key(w, "booking");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 10));
	jw_ktime(w, "start", stmt_int(st, 11));
	jw_ktime(w, "end", stmt_int(st, 12));
	jw_key(w, "category");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 13));
	jw_kstr(w, "code", stmt_text(st, 14));
	jw_kstr(w, "name_zh", stmt_text(st, 15));
	jw_kstr(w, "name_en", stmt_text(st, 16));
	if (detail)
		category_indicators_json(detail, stmt_int(st, 13), w);
	jw_obj_end(w);
	jw_key(w, "service_item");
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 17));
	jw_kstr(w, "title", stmt_text(st, 18));
	jw_obj_end(w);
	jw_kref(w, "customer", stmt_int(st, 19), stmt_text(st, 20));
	jw_obj_end(w);
	jw_kstr(w, "rank", stmt_text(st, 35));
	jw_key(w, "score");
	if (stmt_is_null(st, 21))
		jw_null(w);
	else
		jw_int(w, stmt_int(st, 21));
	jw_kstr(w, "visit_kind", stmt_text(st, 22));
	jw_ktime(w, "visited_at", stmt_int(st, 23));
	jw_kstr(w, "findings", stmt_text(st, 24));
	jw_ktime(w, "recorded_at", stmt_int(st, 25));
	jw_key(w, "month");
	if (stmt_is_null(st, 26)) {
		jw_null(w);
	} else {
		time_format_month((int)stmt_int(st, 26), month);
		jw_str(w, month);
	}
	jw_ktime(w, "rectify_due", stmt_int(st, 27));
	jw_kbool(w, "rectify_breached", (int)stmt_int(st, 28));
	jw_kstr(w, "answer", stmt_text(st, 29));
	jw_ktime(w, "answered_at", stmt_int(st, 30));
	jw_ktime(w, "verified_at", stmt_int(st, 31));
	jw_kstr(w, "verify_note", stmt_text(st, 32));
	/* whether the association may still move it: never once the household's contact is open */
	jw_kint(w, "reassigned", stmt_int(st, 36));
	jw_ktime(w, "contact_opened_at", stmt_int(st, 37));
}

/* An inspection as lists and the audit chain show it, with the worker's name in full or masked. */
static void list_row_full(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	inspection_fields(w, st, NULL);
	jw_obj_end(w);
}


static int inspection_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct stmt *st = store_sql(s, "SELECT " INSPECTION_COLUMNS INSPECTION_FROM " WHERE i.id = $1");
	stmt_bind_int(st, 1, id);
	return audit_row_state(st, list_row_full, sb);
}

/* Which lists of booking ids a plan's JSON carries. */
enum { PJ_COUNTS = 0, PJ_IDS = 1 };

/* Writes sampling plan id as published: its terms, the commitment, the seed once drawn (never
 * before, to nobody: not the association, not the audit chain), the rules, the counts, the
 * inspection bodies that carry it out, and per company the population and the draw (with ids set,
 * every booking id of the population as the draw read it, ascending, and the sampled ones in rank
 * order). AJ_ENOTFOUND when there is no such plan. */
static int plan_json(struct store *s, int64_t id, int ids, struct jw *w)
{
	struct stmt *st = store_sql(s, "SELECT p.id, p.month, p.share_percent, p.min_per_company, p.seed, p.commitment,"
				       " p.created_at, coalesce(p.draw_at, 0), coalesce(p.drawn_at, 0),"
				       " (SELECT coalesce(sum(population), 0) FROM sampling_populations WHERE plan_id = p.id),"
				       " (SELECT coalesce(sum(drawn), 0) FROM sampling_populations WHERE plan_id = p.id),"
				       " (SELECT count(*) FROM inspections WHERE plan_id = p.id AND reassigned > 0)"
				       " FROM sampling_plans p WHERE p.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_done(st);
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	}
	char month[8];
	int drawn = stmt_int(st, 8) != 0, by_job = !stmt_is_null(st, 5);
	time_format_month((int)stmt_int(st, 1), month);
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_kstr(w, "month", month);
	jw_kstr(w, "status", drawn ? "drawn" : "committed");
	jw_kstr(w, "made_by", by_job ? "job" : "association");
	jw_kint(w, "share_percent", stmt_int(st, 2));
	jw_kint(w, "min_per_company", stmt_int(st, 3));
	jw_kstr(w, "commitment", stmt_text(st, 5));
	jw_kstr(w, "seed", drawn ? stmt_text(st, 4) : NULL);
	jw_ktime(w, "created_at", stmt_int(st, 6));
	jw_ktime(w, "draw_at", stmt_int(st, 7));
	jw_ktime(w, "drawn_at", stmt_int(st, 8));
	jw_kstr(w, "commitment_rule", by_job ? COMMITMENT_RULE : NULL);
	jw_kstr(w, "population_rule", POPULATION_RULE);
	jw_kstr(w, "algorithm", ALGORITHM);
	jw_kstr(w, "sample_size", SAMPLE_SIZE);
	jw_kstr(w, "assignment", ASSIGNMENT_RULE);
	jw_kint(w, "population", stmt_int(st, 9));
	jw_kint(w, "drawn", stmt_int(st, 10));
	jw_kint(w, "reassigned", stmt_int(st, 11));
	stmt_done(st);
	jw_key(w, "inspection_bodies");
	jw_arr(w);
	st = store_sql(s, "SELECT o.id, o.name, count(*) FROM inspections i JOIN orgs o ON o.id = i.inspection_org_id"
			  " WHERE i.plan_id = $1 GROUP BY o.id, o.name ORDER BY o.id");
	stmt_bind_int(st, 1, id);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		jw_obj(w);
		jw_kint(w, "id", stmt_int(st, 0));
		jw_kstr(w, "name", stmt_text(st, 1));
		jw_kint(w, "inspections", stmt_int(st, 2));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
	if (rc < 0)
		return rc;
	jw_key(w, "companies");
	jw_arr(w);
	st = store_sql(s, "SELECT sp.company_id, o.name, sp.population, sp.drawn FROM sampling_populations sp"
			  " JOIN orgs o ON o.id = sp.company_id WHERE sp.plan_id = $1 ORDER BY sp.company_id");
	stmt_bind_int(st, 1, id);
	int inner = AJ_OK;
	while (inner == AJ_OK && (rc = stmt_step(st)) == STORE_ROW) {
		int64_t company = stmt_int(st, 0);
		jw_obj(w);
		jw_kref(w, "company", stmt_int(st, 0), stmt_text(st, 1));
		jw_kint(w, "population", stmt_int(st, 2));
		jw_kint(w, "drawn", stmt_int(st, 3));
		if (ids) {
			/* the population as the draw read it */
			struct stmt *q = store_sql(s, "SELECT booking_id FROM sampling_members WHERE plan_id = $1"
						      " AND company_id = $2 ORDER BY booking_id");
			stmt_bind_int(q, 1, id);
			stmt_bind_int(q, 2, company);
			jw_key(w, "population_ids");
			jw_arr(w);
			while ((inner = stmt_step(q)) == STORE_ROW)
				jw_int(w, stmt_int(q, 0));
			stmt_done(q);
			jw_arr_end(w);
			if (inner < 0)
				break;
			q = store_sql(s, "SELECT booking_id FROM inspections WHERE plan_id = $1 AND company_id = $2"
					 " ORDER BY rank, booking_id");
			stmt_bind_int(q, 1, id);
			stmt_bind_int(q, 2, company);
			jw_key(w, "sampled_ids");
			jw_arr(w);
			while ((inner = stmt_step(q)) == STORE_ROW)
				jw_int(w, stmt_int(q, 0));
			stmt_done(q);
			jw_arr_end(w);
		}
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
	jw_obj_end(w);
	if (inner < 0)
		return inner;
	return rc < 0 ? rc : AJ_OK;
}

/* The audited state of a plan: its terms, commitment, counts, and its seed once drawn. The samples
 * follow from them. */
static int plan_state(struct store *s, int64_t id, struct strbuf *sb)
{
	struct jw w;
	jw_init(&w, sb);
	return plan_json(s, id, PJ_COUNTS, &w);
}

/* ---- the draw ---- */

void sampling_rank(const char *seed, int64_t booking_id, char out[65])
{
	char text[96];
	int n = snprintf(text, sizeof text, "%s:%lld", seed, (long long)booking_id);
	sha256_hex(text, n > 0 && (size_t)n < sizeof text ? (size_t)n : strlen(text), out);
}

void sampling_commitment(const char *seed, char out[65])
{
	sha256_hex(seed, strlen(seed), out);
}

/* THE POPULATION of month's plan: which services a draw samples, in the order it reads them
 * (company, then booking id). Its condition is written here and nowhere else — the draw reads
 * it once and keeps what it read (sampling_members), which is all that is published after — so a
 * further condition on which services count (one the customer confirmed, say) is added to this
 * WHERE alone. Finish with stmt_done. */
static struct stmt *population(struct store *s, int month)
{
	struct stmt *st = store_sql(s, "SELECT company_id, id FROM bookings"
				       " WHERE completed_month = $1 AND status IN ('completed', 'reviewed')"
				       " AND evidence = 'confirmed'" /* services their customers confirmed (services/evidence.h) */
				       " ORDER BY company_id, id");
	stmt_bind_int(st, 1, month);
	return st;
}

struct candidate {
	int64_t company, booking;
	char rank[65];
};

static int by_rank(const void *pa, const void *pb)
{
	const struct candidate *a = pa, *b = pb;
	int c = strcmp(a->rank, b->rank);
	return c ? c : (a->booking > b->booking) - (a->booking < b->booking);
}

/* Draws plan id of month from seed inside the caller's transaction: the population kept as read,
 * each company's count and sample size, and *sampled (the caller frees) in rank order. */
static int draw(struct store *s, int64_t plan, int month, const char *seed, int share, int min,
		struct candidate **sampled, size_t *n_sampled)
{
	struct candidate *all = NULL, *out = NULL;
	size_t n = 0, cap = 0, k = 0;
	struct stmt *st = population(s, month);
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			all = xrealloc(all, cap * sizeof *all);
		}
		all[n].company = stmt_int(st, 0);
		all[n].booking = stmt_int(st, 1);
		sampling_rank(seed, all[n].booking, all[n].rank);
		n++;
	}
	stmt_done(st);
	if (rc < 0)
		goto done;
	rc = AJ_OK;
	for (size_t i = 0; i < n && rc == AJ_OK; i++) {
		st = store_sql(s, "INSERT INTO sampling_members (plan_id, company_id, booking_id) VALUES ($1, $2, $3)");
		stmt_bind_int(st, 1, plan);
		stmt_bind_int(st, 2, all[i].company);
		stmt_bind_int(st, 3, all[i].booking);
		rc = stmt_exec(st);
	}
	out = xmalloc((n ? n : 1) * sizeof *out);
	for (size_t lo = 0, hi; lo < n && rc == AJ_OK; lo = hi) {
		for (hi = lo; hi < n && all[hi].company == all[lo].company; hi++)
			;
		int64_t pop = (int64_t)(hi - lo);
		int64_t take = (pop * share + 99) / 100;
		if (take < min)
			take = min;
		if (take > pop)
			take = pop;
		qsort(all + lo, (size_t)pop, sizeof *all, by_rank);
		memcpy(out + k, all + lo, (size_t)take * sizeof *out);
		k += (size_t)take;
		st = store_sql(s, "INSERT INTO sampling_populations (plan_id, company_id, population, drawn)"
				  " VALUES ($1, $2, $3, $4)");
		stmt_bind_int(st, 1, plan);
		stmt_bind_int(st, 2, all[lo].company);
		stmt_bind_int(st, 3, pop);
		stmt_bind_int(st, 4, take);
		rc = stmt_exec(st);
	}
	qsort(out, k, sizeof *out, by_rank);
done:
	free(all);
	if (rc) {
		free(out);
		out = NULL;
		k = 0;
	}
	*sampled = out;
	*n_sampled = k;
	return rc;
}

/* The active inspectors of an inspection body, by id; *ids is freed by the caller. */
static int inspectors_of(struct store *s, int64_t body, int64_t **ids, size_t *n)
{
	size_t cap = 0;
	*ids = NULL;
	*n = 0;
	struct stmt *st = store_sql(s, "SELECT id FROM users WHERE role = 'inspector' AND org_id = $1"
				       " AND status = 'active' ORDER BY id");
	stmt_bind_int(st, 1, body);
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*ids = xrealloc(*ids, cap * sizeof **ids);
		}
		(*ids)[(*n)++] = stmt_int(st, 0);
	}
	stmt_done(st);
	return rc < 0 ? rc : AJ_OK;
}

/* An inspection body taking samples in turn, with its inspectors in turn. */
struct body {
	int64_t id, *inspectors;
	size_t n, next;
};

static void bodies_free(struct body *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(b[i].inspectors);
	free(b);
}

/* The inspection bodies a draw deals its samples to, by id: those with an active inspector; when
 * none has one, the first body alone (its samples wait for an inspector). *n is 0 when there is no
 * inspection body at all. The caller frees with bodies_free. */
static int bodies_of(struct store *s, struct body **out, size_t *n)
{
	struct body *b = NULL;
	size_t cap = 0, k = 0;
	int64_t first = 0;
	struct stmt *st = store_sql(s, "SELECT id FROM orgs WHERE kind = 'inspection' ORDER BY id");
	int rc;
	int64_t ids[256];
	size_t m = 0;
	while ((rc = stmt_step(st)) == STORE_ROW && m < ARRAY_LEN(ids))
		ids[m++] = stmt_int(st, 0);
	stmt_done(st);
	if (rc < 0)
		return rc;
	rc = AJ_OK;
	for (size_t i = 0; i < m && rc == AJ_OK; i++) {
		int64_t *insp = NULL;
		size_t ni = 0;
		if (!first)
			first = ids[i];
		if ((rc = inspectors_of(s, ids[i], &insp, &ni)) != AJ_OK || !ni) {
			free(insp);
			continue;
		}
		if (k == cap) {
			cap = cap ? cap * 2 : 4;
			b = xrealloc(b, cap * sizeof *b);
		}
		b[k++] = (struct body){ids[i], insp, ni, 0};
	}
	if (rc == AJ_OK && !k && first) {
		b = xrealloc(b, sizeof *b);
		b[k++] = (struct body){first, NULL, 0, 0};
	}
	if (rc) {
		bodies_free(b, k);
		b = NULL;
		k = 0;
	}
	*out = b;
	*n = k;
	return rc;
}

static int notify_assigned(struct store *s, int64_t inspector, int64_t id, int64_t booking, int month)
{
	char m[8], zh[200], en[200];
	time_format_month(month, m);
	snprintf(zh, sizeof zh, "您有一项新的抽查任务：%s 抽查计划，预约 #%lld（抽查 #%lld）。", m, (long long)booking,
		 (long long)id);
	snprintf(en, sizeof en, "A spot check was assigned to you: the %s plan, booking #%lld (spot check #%lld).", m,
		 (long long)booking, (long long)id);
	return notify(s, 0, inspector, "inspection_assigned", "inspection", id, zh, en);
}

static const struct actor jobs_actor = {0, 0, "jobs"};

/* Makes month's plan inside the caller's transaction: a fresh secret seed, its commitment, the
 * share and minimum of the standards now, the draw on the standard's day of the next month. */
static int plan_commit(struct store *s, int month, int64_t now)
{
	struct standards sd;
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	unsigned char raw[16];
	char seed[33], commitment[65];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(seed, sizeof seed, raw, sizeof raw);
	sampling_commitment(seed, commitment);
	sodium_memzero(raw, sizeof raw);
	int day = sd.spot_check_draw_day < 1 ? 1 : sd.spot_check_draw_day > 28 ? 28 : sd.spot_check_draw_day;
	int64_t id = 0, draw_at = time_month_start(month + 1) + (int64_t)(day - 1) * 86400;
	struct stmt *st = store_sql(s, "INSERT INTO sampling_plans (month, share_percent, min_per_company, seed, commitment,"
				       " draw_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7) RETURNING id");
	stmt_bind_int(st, 1, month);
	stmt_bind_int(st, 2, sd.spot_check_share_percent);
	stmt_bind_int(st, 3, sd.spot_check_min_per_company);
	stmt_bind_text(st, 4, seed);
	stmt_bind_text(st, 5, commitment);
	stmt_bind_int(st, 6, draw_at);
	stmt_bind_int(st, 7, now);
	sodium_memzero(seed, sizeof seed);
	if ((rc = stmt_one_int(st, &id)) != AJ_OK)
		return rc;
	return audit_append_state(s, &jobs_actor, "sampling_plan.commit", "sampling_plan", id, plan_state);
}

/* Reveals and draws plan id inside the caller's transaction: the samples dealt to the inspection
 * bodies in turn in rank order, and within each body to its active inspectors in turn; each
 * inspector told, the companies not. *done is set once drawn: a platform without any inspection
 * body has nobody to carry the checks, and the draw waits for one. */
static int plan_draw(struct store *s, int64_t id, int64_t now, int *done)
{
	int month = 0, share = 0, min = 0;
	char seed[40] = "";
	*done = 0;
	struct stmt *st = store_sql(s, "SELECT month, share_percent, min_per_company, seed FROM sampling_plans WHERE id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		month = (int)stmt_int(st, 0);
		share = (int)stmt_int(st, 1);
		min = (int)stmt_int(st, 2);
		str_copy(seed, sizeof seed, stmt_text(st, 3));
	}
	stmt_done(st);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? AJ_ENOTFOUND : rc;
	struct body *b = NULL;
	struct candidate *sampled = NULL;
	size_t nb = 0, n = 0;
	if ((rc = bodies_of(s, &b, &nb)) != AJ_OK || !nb)
		goto out;
	if ((rc = draw(s, id, month, seed, share, min, &sampled, &n)) != AJ_OK)
		goto out;
	for (size_t i = 0; i < n && rc == AJ_OK; i++) {
		struct body *to = &b[i % nb];
		int64_t inspector = to->n ? to->inspectors[to->next++ % to->n] : 0, iid = 0;
		st = store_sql(s, "INSERT INTO inspections (plan_id, booking_id, company_id, worker_id, inspection_org_id,"
				  " inspector_id, rank, status) SELECT $1, id, company_id, worker_id, $2, $3, $4, 'assigned'"
				  " FROM bookings WHERE id = $5 RETURNING id");
		stmt_bind_int(st, 1, id);
		stmt_bind_int(st, 2, to->id);
		stmt_bind_id(st, 3, inspector);
		stmt_bind_text(st, 4, sampled[i].rank);
		stmt_bind_int(st, 5, sampled[i].booking);
		if ((rc = stmt_one_int(st, &iid)) != AJ_OK || (rc = event(s, &jobs_actor, iid, "drawn", sampled[i].rank)) != AJ_OK)
			break;
		if (inspector && (rc = notify_assigned(s, inspector, iid, sampled[i].booking, month)) != AJ_OK)
			break;
		/* the company is not told: it hears of the spot check when its result is recorded */
	}
	if (rc)
		goto out;
	st = store_sql(s, "UPDATE sampling_plans SET drawn_at = $2 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, now);
	if ((rc = stmt_exec(st)) == AJ_OK &&
	    (rc = audit_append_state(s, &jobs_actor, "sampling_plan.draw", "sampling_plan", id, plan_state)) == AJ_OK)
		*done = 1;
out:
	sodium_memzero(seed, sizeof seed);
	free(sampled);
	bodies_free(b, nb);
	return rc;
}

/* A pass of the job: what it did, for the write's body. */
struct job_pass {
	int *committed, *drawn;
	int escalated;
};

static int plans_write(struct store *s, void *arg)
{
	struct job_pass *jp = arg;
	int *committed = jp->committed, *drawn = jp->drawn;
	int64_t now = clock_now(), found = 0, *due = NULL;
	int month = time_month(now), since = 0, wrote = 0;
	size_t n = 0, cap = 0;
	int rc;
	*committed = *drawn = 0;
	/* the month the industry's plans begin with: the first pass's, unless set before (the demo) */
	struct stmt *st = store_sql(s, "SELECT value FROM settings WHERE key = 'sampling.since'");
	char since_text[16] = "";
	if ((rc = stmt_step(st)) == STORE_ROW)
		str_copy(since_text, sizeof since_text, stmt_text(st, 0));
	stmt_done(st);
	if (rc < 0)
		goto fail;
	if (time_parse_month(since_text, &since) != 0) {
		char m[8];
		since = month;
		time_format_month(month, m);
		st = store_sql(s, "INSERT INTO settings (key, value) VALUES ('sampling.since', $1)"
				  " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
		stmt_bind_text(st, 1, m);
		if ((rc = stmt_exec(st)) != AJ_OK)
			goto fail;
		wrote = 1;
	}
	/* this month's plan, committed at the month's first pass: never one for a month gone by */
	st = store_sql(s, "SELECT count(*) FROM sampling_plans WHERE month = $1 AND commitment IS NOT NULL");
	stmt_bind_int(st, 1, month);
	if ((rc = stmt_one_int(st, &found)) != AJ_OK)
		goto fail;
	if (month >= since && !found) {
		if ((rc = plan_commit(s, month, now)) != AJ_OK)
			goto fail;
		*committed = 1;
		wrote = 1;
	}
	/* every plan whose day has come, the oldest first */
	st = store_sql(s, "SELECT id FROM sampling_plans WHERE drawn_at IS NULL AND draw_at <= $1 ORDER BY month");
	stmt_bind_int(st, 1, now);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			due = xrealloc(due, cap * sizeof *due);
		}
		due[n++] = stmt_int(st, 0);
	}
	stmt_done(st);
	if (rc < 0)
		goto fail;
	rc = AJ_OK;
	for (size_t i = 0; i < n && rc == AJ_OK; i++) {
		int done = 0;
		if ((rc = plan_draw(s, due[i], now, &done)) == AJ_OK && done) {
			(*drawn)++;
			wrote = 1;
		}
	}
	free(due);
	due = NULL;
	if (rc)
		goto fail;
	if (!wrote) /* nothing was due: rolled back, no write, and the public answers' cache stays current */
		return STORE_WRITE_NOTHING;
	return AJ_OK;
fail:
	free(due);
	return rc;
}

int sampling_plans_due(struct store *s, int *committed, int *drawn)
{
	struct job_pass jp = {.committed = committed, .drawn = drawn};
	int rc = store_write(s, plans_write, &jp);
	if (rc)
		*committed = *drawn = 0;
	return rc;
}

/* ---- moves ---- */

/* A move's inputs and outputs, for the write's body (store_write may run it more than once: it sets
 * its outputs afresh). */
struct insp_move {
	const struct actor *a;
	enum role role;
	int64_t id;
	int64_t inspector_id;                  /* assign */
	const char *reason;
	const char *visit_kind;                /* result */
	int64_t visited_at;
	const struct indicator_score *sc;
	int n;
	const char *findings;
	const char *text;                      /* answer */
	int accepted;                          /* verify */
	const char *note;
	struct contact *out;                   /* contact */
	struct fault *f;
};

static int assign_write(struct store *s, void *arg)
{
	struct insp_move *m = arg;
	const struct actor *a = m->a;
	int64_t id = m->id, inspector_id = m->inspector_id;
	struct fault *f = m->f;
	struct insp x;
	int64_t body = 0, reassigned = 0, active = 0;
	int rc;
	*f = (struct fault){0};
	if ((rc = load(s, id, &x)) != AJ_OK || (rc = is_state(&x, "assigned", f)) != AJ_OK)
		goto fail;
	/* once the household's contact is open, the call is under way: the inspection stays with them */
	if (x.contact_opened_at) {
		FAULT(f, "contact_opened", NULL);
		rc = AJ_ECONFLICT;
		goto fail;
	}
	struct stmt *st = store_sql(s, "SELECT u.org_id FROM users u JOIN orgs o ON o.id = u.org_id AND o.kind = 'inspection'"
			  " WHERE u.id = $1 AND u.role = 'inspector' AND u.status = 'active'");
	stmt_bind_int(st, 1, inspector_id);
	if ((rc = stmt_one_int(st, &body)) == AJ_ENOTFOUND) {
		FAULT(f, "not_inspector", "inspector_id");
		rc = AJ_ERULE;
	}
	if (rc)
		goto fail;
	if (inspector_id == x.inspector_id) {
		FAULT(f, "already_assigned", "inspector_id");
		rc = AJ_ECONFLICT;
		goto fail;
	}
	/* once, unless the inspector it is with can no longer do it */
	st = store_sql(s, "SELECT i.reassigned, (SELECT count(*) FROM users u WHERE u.id = i.inspector_id"
			  " AND u.status = 'active') FROM inspections i WHERE i.id = $1");
	stmt_bind_int(st, 1, id);
	if ((rc = stmt_step(st)) == STORE_ROW) {
		reassigned = stmt_int(st, 0);
		active = stmt_int(st, 1);
		rc = AJ_OK;
	}
	stmt_done(st);
	if (rc)
		goto fail;
	if (reassigned && active) {
		FAULT(f, "already_reassigned", NULL);
		rc = AJ_ECONFLICT;
		goto fail;
	}
	st = store_sql(s, "UPDATE inspections SET inspector_id = $2, inspection_org_id = $3, reassigned = reassigned + 1"
			  " WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, inspector_id);
	stmt_bind_int(st, 3, body);
	if ((rc = stmt_exec(st)) != AJ_OK || (rc = event(s, a, id, "assign", m->reason)) != AJ_OK ||
	    (rc = notify_assigned(s, inspector_id, id, x.booking_id, x.plan_month)) != AJ_OK)
		goto fail;
	return audit_append_state(s, a, "inspection.assign", "inspection", id, inspection_state);
fail:
	return rc;
}

int inspection_assign(struct store *s, const struct actor *a, int64_t id, int64_t inspector_id, const char *reason,
		      struct fault *f)
{
	if (!reason || !*reason) {
		FAULT(f, "reason_required", "reason");
		return AJ_ERULE;
	}
	struct insp_move m = {.a = a, .id = id, .inspector_id = inspector_id, .reason = reason, .f = f};
	return store_write(s, assign_write, &m);
}

/* Checks the scores against the category's indicators: each scored exactly once, none from
 * elsewhere; *score is their mean, rounded down. */
static int check_scores(struct store *s, int64_t category, const struct indicator_score *sc, int n, int *score,
			struct fault *f)
{
	int64_t ind[MAX_SCORES + 1];
	int count[MAX_SCORES + 1] = {0}, m = 0, rc;
	struct stmt *st = store_sql(s, "SELECT id FROM category_indicators WHERE category_id = $1 ORDER BY id");
	stmt_bind_int(st, 1, category);
	while ((rc = stmt_step(st)) == STORE_ROW && m <= MAX_SCORES)
		ind[m++] = stmt_int(st, 0);
	stmt_done(st);
	if (rc < 0)
		return rc;
	if (m == 0) {
		FAULT(f, "no_indicators", "scores");
		return AJ_ERULE;
	}
	int64_t sum = 0;
	for (int i = 0; i < n; i++) {
		int k = 0;
		while (k < m && ind[k] != sc[i].indicator_id)
			k++;
		if (k == m) {
			FAULT(f, "indicator_unknown", "scores");
			return AJ_ERULE;
		}
		count[k]++;
		sum += sc[i].score;
	}
	for (int k = 0; k < m; k++) {
		if (count[k] != 1) {
			FAULT(f, "scores_incomplete", "scores");
			return AJ_ERULE;
		}
	}
	*score = (int)(sum / n); /* the mean, rounded down: 79.5 is below a pass mark of 80 */
	return AJ_OK;
}

/* Starts the body of a move by the assigned inspector on inspection m->id in state: its outputs
 * afresh, and its row in *x. */
static int own(struct store *s, struct insp_move *m, const char *state, struct insp *x)
{
	*m->f = (struct fault){0};
	int rc = load(s, m->id, x);
	if (rc == AJ_OK && !(part_of(m->role, m->a, x) & P_INSPECTOR))
		rc = AJ_ENOTFOUND;
	if (rc == AJ_OK)
		rc = is_state(x, state, m->f);
	return rc;
}

static int result_write(struct store *s, void *arg)
{
	struct insp_move *m = arg;
	const struct actor *a = m->a;
	int64_t id = m->id, visited_at = m->visited_at;
	const struct indicator_score *sc = m->sc;
	int n = m->n;
	struct fault *f = m->f;
	struct insp x;
	struct standards sd;
	int score = 0;
	int64_t now = clock_now();
	int rc = own(s, m, "assigned", &x);
	if (rc)
		return rc;
	/* a return visit, by telephone or at home, starts with the household's contact opened: a result
	 * for a household nobody called is not a spot check */
	int64_t opened = x.contact_opened_at;
	if (!opened) {
		FAULT(f, "contact_not_opened", "visited_at");
		rc = AJ_ERULE;
		goto fail;
	}
	/* the call or the visit has its time, and it was made with the contact in hand: not before the
	 * minute the household's contact was first opened (a form gives minutes; nor the service's
	 * start), not in the future */
	if (visited_at > now || visited_at < opened - opened % 60 || visited_at < x.start) {
		FAULT(f, "invalid_visit_time", "visited_at");
		rc = AJ_ERULE;
		goto fail;
	}
	if ((rc = check_scores(s, x.category_id, sc, n, &score, f)) != AJ_OK ||
	    (rc = standards_get(s, &sd)) != AJ_OK)
		goto fail;
	for (int i = 0; i < n; i++) {
		struct stmt *st = store_sql(s, "INSERT INTO inspection_scores (inspection_id, indicator_id, score, note)"
					       " VALUES ($1, $2, $3, $4)");
		stmt_bind_int(st, 1, id);
		stmt_bind_int(st, 2, sc[i].indicator_id);
		stmt_bind_int(st, 3, sc[i].score);
		stmt_bind_text(st, 4, sc[i].note);
		if ((rc = stmt_exec(st)) != AJ_OK)
			goto fail;
	}
	int passed = score >= sd.spot_check_pass_score;
	int64_t due = passed ? 0 : now + (int64_t)sd.rectification_days * 86400;
	struct stmt *st = store_sql(s, "UPDATE inspections SET status = $2, visited_at = $3, visit_kind = $4, score = $5,"
				       " findings = $6, recorded_at = $7, month = $8, rectify_due = $9 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, passed ? "passed" : "rectifying");
	stmt_bind_int(st, 3, visited_at);
	stmt_bind_text(st, 4, m->visit_kind);
	stmt_bind_int(st, 5, score);
	stmt_bind_text(st, 6, m->findings);
	stmt_bind_int(st, 7, now);
	stmt_bind_int(st, 8, time_month(now));
	stmt_bind_id(st, 9, due);
	char note[32];
	snprintf(note, sizeof note, "%d", score);
	if ((rc = stmt_exec(st)) != AJ_OK || (rc = event(s, a, id, passed ? "passed" : "failed", note)) != AJ_OK)
		goto fail;
	if (!passed) {
		char day[11], zh[300], en[300], why[64];
		format_day(due, day);
		snprintf(why, sizeof why, "spot check #%lld: %d/100", (long long)id, score);
		snprintf(zh, sizeof zh, "抽查 #%lld（预约 #%lld）得分 %d，未达到 %d 分的合格线，请于 %s 前完成整改并答复。",
			 (long long)id, (long long)x.booking_id, score, sd.spot_check_pass_score, day);
		snprintf(en, sizeof en, "Spot check #%lld (booking #%lld) scored %d, below the pass mark of %d:"
					" rectify and answer by %s.",
			 (long long)id, (long long)x.booking_id, score, sd.spot_check_pass_score, day);
		if ((rc = conduct_record(s, "company", x.company_id, "spot_check_failed", "inspection", id, why)) != AJ_OK ||
		    (x.worker_id &&
		     (rc = conduct_record(s, "worker", x.worker_id, "spot_check_failed", "inspection", id, why)) != AJ_OK) ||
		    (rc = notify(s, x.company_id, 0, "rectification_ordered", "inspection", id, zh, en)) != AJ_OK)
			goto fail;
	} else {
		/* the company hears of a spot check once it is done */
		char zh[200], en[200];
		snprintf(zh, sizeof zh, "预约 #%lld 接受了第三方服务质量抽查（抽查 #%lld），得分 %d，合格。", (long long)x.booking_id,
			 (long long)id, score);
		snprintf(en, sizeof en, "Booking #%lld had a third-party spot check (#%lld): %d, passed.", (long long)x.booking_id,
			 (long long)id, score);
		if ((rc = notify(s, x.company_id, 0, "inspection_passed", "inspection", id, zh, en)) != AJ_OK)
			goto fail;
	}
	return audit_append_state(s, a, "inspection.result", "inspection", id, inspection_state);
fail:
	return rc;
}

int inspection_result(struct store *s, const struct actor *a, enum role role, int64_t id, const char *visit_kind,
		      int64_t visited_at, const struct indicator_score *sc, int n, const char *findings,
		      struct fault *f)
{
	struct insp_move m = {.a = a, .role = role, .id = id, .visit_kind = visit_kind, .visited_at = visited_at,
			      .sc = sc, .n = n, .findings = findings, .f = f};
	return store_write(s, result_write, &m);
}

static int answer_write(struct store *s, void *arg)
{
	struct insp_move *m = arg;
	const struct actor *a = m->a;
	int64_t id = m->id;
	const char *text = m->text;
	struct fault *f = m->f;
	struct insp x;
	int rc;
	*f = (struct fault){0};
	if ((rc = load(s, id, &x)) != AJ_OK)
		goto fail;
	if (!(part_of(m->role, a, &x) & (P_COMPANY | P_ASSOCIATION))) {
		rc = AJ_ENOTFOUND;
		goto fail;
	}
	if ((rc = is_state(&x, "rectifying", f)) != AJ_OK)
		goto fail;
	struct stmt *st = store_sql(s, "UPDATE inspections SET status = 'answered', answer = $2, answered_at = $3"
				       " WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_text(st, 2, text);
	stmt_bind_int(st, 3, clock_now());
	if ((rc = stmt_exec(st)) != AJ_OK || (rc = event(s, a, id, "answered", text)) != AJ_OK)
		goto fail;
	if (x.inspector_id) {
		char zh[200], en[200];
		snprintf(zh, sizeof zh, "抽查 #%lld（预约 #%lld）的整改已答复，请核验。", (long long)id, (long long)x.booking_id);
		snprintf(en, sizeof en, "The rectification of spot check #%lld (booking #%lld) was answered; please verify it.",
			 (long long)id, (long long)x.booking_id);
		if ((rc = notify(s, 0, x.inspector_id, "rectification_answered", "inspection", id, zh, en)) != AJ_OK)
			goto fail;
	}
	return audit_append_state(s, a, "inspection.rectification", "inspection", id, inspection_state);
fail:
	return rc;
}

int inspection_answer(struct store *s, const struct actor *a, enum role role, int64_t id, const char *text,
		      struct fault *f)
{
	if (!sees_inspections(role) || role == ROLE_INSPECTOR) {
		FAULT(f, "forbidden", NULL);
		return AJ_EDENIED;
	}
	struct insp_move m = {.a = a, .role = role, .id = id, .text = text, .f = f};
	return store_write(s, answer_write, &m);
}

static int verify_write(struct store *s, void *arg)
{
	struct insp_move *m = arg;
	const struct actor *a = m->a;
	int64_t id = m->id;
	int accepted = m->accepted;
	const char *note = m->note;
	struct fault *f = m->f;
	struct insp x;
	struct standards sd;
	int64_t now = clock_now();
	int rc = own(s, m, "answered", &x);
	if (rc)
		return rc;
	if (!accepted && (!note || !*note)) {
		FAULT(f, "note_required", "note");
		rc = AJ_ERULE;
		goto fail;
	}
	if ((rc = standards_get(s, &sd)) != AJ_OK)
		goto fail;
	int64_t due = now + (int64_t)sd.rectification_days * 86400;
	struct stmt *st = store_sql(s, "UPDATE inspections SET status = CASE WHEN $2 = 1 THEN 'verified' ELSE 'rectifying' END,"
				       " verified_at = CASE WHEN $2 = 1 THEN $3 ELSE verified_at END,"
				       " rectify_due = CASE WHEN $2 = 1 THEN rectify_due ELSE $4 END,"
				       " rectify_breached = CASE WHEN $2 = 1 THEN rectify_breached ELSE 0 END,"
				       " verify_note = $5 WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, accepted ? 1 : 0);
	stmt_bind_int(st, 3, now);
	stmt_bind_int(st, 4, due);
	stmt_bind_text(st, 5, note);
	if ((rc = stmt_exec(st)) != AJ_OK || (rc = event(s, a, id, accepted ? "verified" : "rejected", note)) != AJ_OK)
		goto fail;
	char day[11], zh[300], en[300];
	format_day(due, day);
	if (accepted) {
		snprintf(zh, sizeof zh, "抽查 #%lld（预约 #%lld）的整改已通过核验。", (long long)id, (long long)x.booking_id);
		snprintf(en, sizeof en, "The rectification of spot check #%lld (booking #%lld) was verified.", (long long)id,
			 (long long)x.booking_id);
	} else {
		snprintf(zh, sizeof zh, "抽查 #%lld（预约 #%lld）的整改未通过核验，请于 %s 前重新整改并答复。", (long long)id,
			 (long long)x.booking_id, day);
		snprintf(en, sizeof en, "The rectification of spot check #%lld (booking #%lld) was not accepted:"
					" rectify again and answer by %s.",
			 (long long)id, (long long)x.booking_id, day);
	}
	if ((rc = notify(s, x.company_id, 0, accepted ? "rectification_verified" : "rectification_rejected",
			 "inspection", id, zh, en)) != AJ_OK)
		goto fail;
	return audit_append_state(s, a, "inspection.verify", "inspection", id, inspection_state);
fail:
	return rc;
}

int inspection_verify(struct store *s, const struct actor *a, enum role role, int64_t id, int accepted,
		      const char *note, struct fault *f)
{
	struct insp_move m = {.a = a, .role = role, .id = id, .accepted = accepted, .note = note, .f = f};
	return store_write(s, verify_write, &m);
}

static int contact_write(struct store *s, void *arg)
{
	struct insp_move *m = arg;
	const struct actor *a = m->a;
	int64_t id = m->id;
	struct fault *f = m->f;
	struct insp x;
	*m->out = (struct contact){0};
	int rc = own(s, m, "assigned", &x);
	if (rc)
		return rc;
	if ((rc = booking_contact(s, x.booking_id, m->out)) == AJ_EDENIED) {
		/* sealed under a key this server does not hold */
		FAULT(f, "contact_unavailable", NULL);
		rc = AJ_ERULE;
	}
	if (rc)
		goto fail;
	/* the household's contact was read: on the inspection's timeline, and in the household's access log */
	int64_t customer = 0;
	struct stmt *st = store_sql(s, "SELECT customer_id FROM bookings WHERE id = $1");
	stmt_bind_int(st, 1, x.booking_id);
	if ((rc = stmt_one_int(st, &customer)) != AJ_OK)
		goto fail;
	struct access_entry e = {"customer", customer, "address"};
	char via[40];
	snprintf(via, sizeof via, "inspection:%lld", (long long)id);
	st = store_sql(s, "UPDATE inspections SET contact_opened_at = coalesce(contact_opened_at, $2) WHERE id = $1");
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, clock_now());
	if ((rc = stmt_exec(st)) != AJ_OK || (rc = event(s, a, id, "contact_view", NULL)) != AJ_OK ||
	    (rc = access_add(s, a, &e, 1, via)) != AJ_OK)
		goto fail;
	return audit_append_state(s, a, "inspection.contact_view", "inspection", id, inspection_state);
fail:
	return rc;
}

int inspection_contact(struct store *s, const struct actor *a, enum role role, int64_t id, struct contact *out,
		       struct fault *f)
{
	struct insp_move m = {.a = a, .role = role, .id = id, .out = out, .f = f};
	return store_write(s, contact_write, &m);
}

static int overdue_write(struct store *s, void *arg)
{
	struct job_pass *jp = arg;
	struct actor jobs = {0, 0, "jobs"};
	int64_t now = clock_now(), assoc, *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;
	jp->escalated = 0;
	struct stmt *st = store_sql(s, "SELECT id FROM inspections WHERE status = 'rectifying' AND rectify_due < $1"
				       " AND rectify_breached = 0 ORDER BY id");
	stmt_bind_int(st, 1, now);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			ids = xrealloc(ids, cap * sizeof *ids);
		}
		ids[n++] = stmt_int(st, 0);
	}
	stmt_done(st);
	if (rc < 0) {
		free(ids);
		return rc;
	}
	rc = AJ_OK;
	assoc = association_org(s);
	for (size_t i = 0; i < n && rc == AJ_OK; i++) {
		struct insp x;
		struct strbuf sb;
		char day[11], zh[300], en[300];
		if ((rc = load(s, ids[i], &x)) != AJ_OK)
			break;
		st = store_sql(s, "UPDATE inspections SET rectify_breached = 1 WHERE id = $1");
		stmt_bind_int(st, 1, x.id);
		if ((rc = stmt_exec(st)) != AJ_OK || (rc = event(s, &jobs, x.id, "overdue", NULL)) != AJ_OK)
			break;
		int64_t due = 0;
		st = store_sql(s, "SELECT rectify_due FROM inspections WHERE id = $1");
		stmt_bind_int(st, 1, x.id);
		if ((rc = stmt_one_int(st, &due)) != AJ_OK)
			break;
		format_day(due, day);
		snprintf(zh, sizeof zh, "抽查 #%lld（预约 #%lld）的整改期限（%s）已过，仍未答复。", (long long)x.id,
			 (long long)x.booking_id, day);
		snprintf(en, sizeof en, "The rectification of spot check #%lld (booking #%lld) was due on %s and is not"
					" answered.", (long long)x.id, (long long)x.booking_id, day);
		if ((assoc && (rc = notify(s, assoc, 0, "rectification_overdue", "inspection", x.id, zh, en)) != AJ_OK) ||
		    (rc = notify(s, x.company_id, 0, "rectification_overdue", "inspection", x.id, zh, en)) != AJ_OK)
			break;
		strbuf_init(&sb, 1 << 20);
		rc = inspection_state(s, x.id, &sb);
		if (rc == AJ_OK)
			rc = audit_append(s, &jobs, "inspection.overdue", "inspection", x.id, sb.buf, sb.len);
		strbuf_free(&sb);
	}
	free(ids);
	if (rc)
		return rc;
	if (!n) /* nothing was due: rolled back, no write, and the public answers' cache stays current */
		return STORE_WRITE_NOTHING;
	jp->escalated = (int)n;
	return AJ_OK;
}

int inspections_overdue(struct store *s, int *escalated)
{
	struct job_pass jp = {0};
	if (escalated)
		*escalated = 0;
	int rc = store_write(s, overdue_write, &jp);
	if (rc == AJ_OK && escalated)
		*escalated = jp.escalated;
	return rc;
}

/* ---- HTTP ---- */

/* The association and the inspectors (who make the return visits) see the worker's full name;
 * the company sees it masked, as the public does. */

/* The inspection with its scores and timeline. */
static void reply_inspection(struct req *r, int64_t id, int status)
{
	struct stmt *st = store_sql(r->store, "SELECT " INSPECTION_COLUMNS INSPECTION_FROM " WHERE i.id = $1");
	stmt_bind_int(st, 1, id);
	int rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_done(st);
		req_fail(r, rc == STORE_DONE ? AJ_ENOTFOUND : rc);
		return;
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	inspection_fields(w, st, r->store);
	stmt_done(st);
	/* the pass mark a result recorded now is judged by (the mean of the scores, rounded down, at or
	 * above it passes): the inspector's page previews the result with it before sending */
	struct standards sd;
	if ((rc = standards_get(r->store, &sd)) != AJ_OK) {
		req_fail(r, rc);
		return;
	}
	jw_kint(w, "pass_score", sd.spot_check_pass_score);
	jw_kint(w, "rectification_days", sd.rectification_days);
	jw_key(w, "scores");
	jw_arr(w);
	st = store_sql(r->store, "SELECT s.indicator_id, ci.code, ci.name_zh, ci.name_en, s.score, s.note"
				 " FROM inspection_scores s JOIN category_indicators ci ON ci.id = s.indicator_id"
				 " WHERE s.inspection_id = $1 ORDER BY s.indicator_id");
	stmt_bind_int(st, 1, id);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		jw_obj(w);
		jw_kint(w, "indicator_id", stmt_int(st, 0));
		jw_kstr(w, "code", stmt_text(st, 1));
		jw_kstr(w, "name_zh", stmt_text(st, 2));
		jw_kstr(w, "name_en", stmt_text(st, 3));
		jw_kint(w, "score", stmt_int(st, 4));
		jw_kstr(w, "note", stmt_text(st, 5));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	rc = timeline_json(r->store, w, "timeline", TIMELINE_INSPECTION, id, &(struct timeline_view){0});
	jw_obj_end(w);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	req_send(r, status);
}

void api_public_plans_list(struct req *r)
{
	struct page pg = req_page(r);
	int64_t total = 0, ids[100];
	int n = 0;
	int rc = stmt_one_int(store_sql(r->store, "SELECT count(*) FROM sampling_plans"), &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	struct stmt *st = store_sql(r->store, "SELECT id FROM sampling_plans ORDER BY month DESC, id DESC"
					      " LIMIT $1 OFFSET $2");
	stmt_bind_int(st, 1, pg.per_page);
	stmt_bind_int(st, 2, pg.offset);
	rc = stmt_ints(st, ids, 100, &n);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	struct jw *w = req_list_begin(r);
	for (int i = 0; i < n; i++) {
		if ((rc = plan_json(r->store, ids[i], PJ_COUNTS, w)) != AJ_OK) {
			req_fail(r, rc);
			return;
		}
	}
	req_list_end(r, &pg, total);
	req_header_static(r, "Cache-Control", "public, max-age=60");
	req_send(r, 200);
}

static void reply_plan(struct req *r, int64_t id, int status)
{
	int rc = plan_json(r->store, id, PJ_IDS, req_jw(r));
	if (rc) {
		req_fail(r, rc);
		return;
	}
	if (status == 200)
		req_header_static(r, "Cache-Control", "public, max-age=60");
	req_send(r, status);
}

void api_public_plans_get(struct req *r)
{
	reply_plan(r, r->id[0], 200);
}

/* Whose and which inspections a list shows (0 or NULL: any); $1 to $5 of LIST_WHERE. */
struct list_filter {
	int64_t inspector, company;
	const char *status;
	int64_t plan, company_filter;
};
#define LIST_WHERE \
	" WHERE ($1 = 0 OR i.inspector_id = $1) AND ($2 = 0 OR (i.company_id = $2 AND i.status <> 'assigned'))" \
	" AND ($3 = '' OR i.status = $3) AND ($4 = 0 OR i.plan_id = $4) AND ($5 = 0 OR i.company_id = $5)"

static void bind_list_filter(struct stmt *st, const struct list_filter *lf)
{
	stmt_bind_int(st, 1, lf->inspector);
	stmt_bind_int(st, 2, lf->company);
	stmt_bind_text(st, 3, lf->status ? lf->status : "");
	stmt_bind_int(st, 4, lf->plan);
	stmt_bind_int(st, 5, lf->company_filter);
}

void api_inspections_list(struct req *r)
{
	int64_t inspector = 0, company = 0;
	switch (r->user.role) {
	case ROLE_ASSOCIATION_ADMIN: break;
	case ROLE_INSPECTOR: inspector = r->user.user_id; break;
	case ROLE_COMPANY_ADMIN:
	case ROLE_COMPANY_STAFF: company = r->user.org_id; break;
	default:
		req_error(r, 403, "forbidden", NULL);
		return;
	}
	struct page pg = req_page(r);
	struct list_filter lf = {inspector, company, req_qstr(r, "status"), req_qint(r, "plan_id", 0),
				 req_qint(r, "company_id", 0)};
	int64_t total = 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM inspections i" LIST_WHERE);
	bind_list_filter(st, &lf);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	/* what needs the caller first: an inspector what is theirs to score, then to verify; the
	 * association and the company the open rectification orders (overdue first), then answers */
	static const char *const first[][3] = {
		{"assigned", "answered", "rectifying"}, {"rectifying", "answered", "assigned"}, {"rectifying", "answered", ""}};
	const char *const *f = first[inspector ? 0 : company ? 2 : 1];
	st = store_sql(r->store, "SELECT " INSPECTION_COLUMNS INSPECTION_FROM LIST_WHERE
				 " ORDER BY CASE i.status WHEN $8 THEN 0 WHEN $9 THEN 1 WHEN $10 THEN 2 ELSE 3 END,"
				 " i.rectify_breached DESC, i.plan_id DESC, i.id LIMIT $6 OFFSET $7");
	bind_list_filter(st, &lf);
	stmt_bind_int(st, 6, pg.per_page);
	stmt_bind_int(st, 7, pg.offset);
	for (int k = 0; k < 3; k++)
		stmt_bind_text(st, 8 + k, f[k]);
	rows_reply_list(r, st, list_row_full, &pg, total);
}

/* Whether the caller sees inspection id: 403 for roles that see none, 404 when not theirs. */
static int visible(struct req *r, int64_t id)
{
	struct insp x;
	if (!sees_inspections(r->user.role))
		return AJ_EDENIED;
	struct actor a = req_actor(r);
	int rc = load(r->store, id, &x);
	if (rc)
		return rc;
	return part_of(r->user.role, &a, &x) ? AJ_OK : AJ_ENOTFOUND;
}

void api_inspections_get(struct req *r)
{
	int rc = visible(r, r->id[0]);
	if (rc)
		req_fail(r, rc);
	else
		reply_inspection(r, r->id[0], 200);
}

void api_inspections_assign(struct req *r)
{
	struct fault f = {0};
	struct actor a = req_actor(r);
	int rc = inspection_assign(r->store, &a, r->id[0], req_int(r, "inspector_id", 0), req_str(r, "reason"), &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_inspection(r, r->id[0], 200);
}

void api_inspections_result(struct req *r)
{
	struct indicator_score sc[MAX_SCORES];
	int n = 0;
	json_t *arr = json_object_get(r->json, "scores");
	for (size_t i = 0; json_is_array(arr) && i < json_array_size(arr) && n < MAX_SCORES; i++) {
		json_t *o = json_array_get(arr, i);
		json_t *note = json_object_get(o, "note");
		sc[n].indicator_id = json_integer_value(json_object_get(o, "indicator_id"));
		sc[n].score = (int)json_integer_value(json_object_get(o, "score"));
		sc[n].note = json_is_string(note) ? json_string_value(note) : NULL;
		n++;
	}
	int64_t visited = 0;
	time_parse_iso(req_str(r, "visited_at"), &visited);
	struct fault f = {0};
	struct actor a = req_actor(r);
	int rc = inspection_result(r->store, &a, r->user.role, r->id[0], req_str(r, "visit_kind"), visited, sc, n,
				   req_str(r, "findings"), &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_inspection(r, r->id[0], 200);
}

void api_inspections_answer(struct req *r)
{
	struct fault f = {0};
	struct actor a = req_actor(r);
	int rc = inspection_answer(r->store, &a, r->user.role, r->id[0], req_str(r, "text"), &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_inspection(r, r->id[0], 200);
}

void api_inspections_contact(struct req *r)
{
	struct fault f = {0};
	struct actor a = req_actor(r);
	struct contact c;
	int rc = inspection_contact(r->store, &a, r->user.role, r->id[0], &c, &f);
	if (rc) {
		req_fault(r, rc, &f);
		return;
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "address", c.address);
	jw_kstr(w, "contact_phone", c.phone[0] ? c.phone : NULL);
	jw_obj_end(w);
	req_header_static(r, "Cache-Control", "no-store");
	req_send(r, 200);
}

void api_inspections_verify(struct req *r)
{
	struct fault f = {0};
	struct actor a = req_actor(r);
	int rc = inspection_verify(r->store, &a, r->user.role, r->id[0], req_bool(r, "accepted", 0), req_str(r, "note"),
				   &f);
	if (rc)
		req_fault(r, rc, &f);
	else
		reply_inspection(r, r->id[0], 200);
}
