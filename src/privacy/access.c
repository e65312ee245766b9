/* access.c — the access log: one row per person read. Inside `serve` the reads are handed to a
 * writer thread that writes them in batches (one transaction and one audit record every few tens
 * of milliseconds), so reading someone's record never waits for the write lock; elsewhere (the
 * command line, the in-process tests) each read is written at once. Neither makes the public
 * answers stale. */
#include "access.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/audit.h"
#include "http/req.h"
#include "http/schema.h"
#include "rows.h"
#include "standards.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/json_out.h"
#include "util/log.h"
#include "util/strbuf.h"

static int insert(struct store *s, const struct actor *a, const char *subject, int64_t subject_id, const char *what,
		  const char *via, const char *outcome, int64_t *id)
{
	struct stmt *st = store_sql(s, "INSERT INTO access_log (at, actor_id, actor_label, actor_org_id, subject,"
				       " subject_id, what, via, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
				       " RETURNING id");
	stmt_bind_int(st, 1, clock_now());
	stmt_bind_id(st, 2, a->user_id);
	stmt_bind_text(st, 3, a->label ? a->label : "");
	stmt_bind_id(st, 4, a->org_id);
	stmt_bind_text(st, 5, subject);
	stmt_bind_int(st, 6, subject_id);
	stmt_bind_text(st, 7, what);
	stmt_bind_text(st, 8, via);
	stmt_bind_text(st, 9, outcome);
	return stmt_one_int(st, id);
}

/* Ends a write's body: the audit record of the rows just written (first..last); the write changes
 * no public answer. */
static int finish(struct store *s, const struct actor *a, const char *action, int64_t first, struct strbuf *sb)
{
	int rc = audit_append(s, a, action, "access_log", first, sb->buf, sb->len);
	if (rc == AJ_OK)
		store_keep_generation(s);
	return rc;
}

int access_add(struct store *s, const struct actor *a, const struct access_entry *e, int n, const char *via)
{
	int64_t id;
	int rc = AJ_OK;
	for (int i = 0; i < n && rc == AJ_OK; i++)
		rc = insert(s, a, e[i].subject, e[i].subject_id, e[i].what, via, NULL, &id);
	return rc;
}

/* ---- the writer ---- */

#define QUEUE_MAX 100000   /* reads waiting; beyond this a read is written at once by its own request */
#define BATCH_MS 50

/* One person read, as the writer keeps it until its batch is written. */
struct pending {
	int64_t at, actor_id, actor_org, subject_id;
	char actor_label[65];
	char subject[12], what[16], via[48];
};

static pthread_mutex_t wmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wcv = PTHREAD_COND_INITIALIZER;    /* reads are waiting, or stop */
static pthread_cond_t wdone = PTHREAD_COND_INITIALIZER;  /* a batch was written */
/* the writer's state, under wmu */
static struct {
	pthread_t tid;
	int running, stop, urgent;
	struct store *store;
	struct pending *q;
	size_t n, cap;
	uint64_t queued, written;   /* reads handed over, and written (or given up on), since the start */
} W;

/* Reads to be written, for the write's body. */
struct reads {
	const struct actor *a;                  /* access_record's: who read */
	const struct access_entry *e;
	int n;
	const char *via;
	const struct pending *p;                /* the writer's batch */
	size_t np;
	int64_t worker_id;                      /* a registry look-up's */
	const char *outcome;
};

/* Writes a batch of pending reads with one audit record. */
static int batch_write(struct store *s, void *arg)
{
	const struct reads *rd = arg;
	const struct pending *p = rd->p;
	size_t n = rd->np;
	int rc = AJ_OK;
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, 1 << 24);
	jw_init(&w, &sb);
	jw_arr(&w);
	int64_t first = 0;
	for (size_t i = 0; i < n && rc == AJ_OK; i++) {
		struct actor a = {p[i].actor_id, p[i].actor_org, p[i].actor_label};
		struct stmt *st = store_sql(s, "INSERT INTO access_log (at, actor_id, actor_label, actor_org_id, subject,"
					       " subject_id, what, via) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id");
		stmt_bind_int(st, 1, p[i].at);
		stmt_bind_id(st, 2, a.user_id);
		stmt_bind_text(st, 3, a.label);
		stmt_bind_id(st, 4, a.org_id);
		stmt_bind_text(st, 5, p[i].subject);
		stmt_bind_int(st, 6, p[i].subject_id);
		stmt_bind_text(st, 7, p[i].what);
		stmt_bind_text(st, 8, p[i].via);
		int64_t id = 0;
		rc = stmt_one_int(st, &id);
		if (!first)
			first = id;
		jw_obj(&w);
		jw_kint(&w, "at", p[i].at);
		jw_kid(&w, "actor_id", a.user_id);
		jw_kstr(&w, "via", p[i].via);
		jw_kstr(&w, "subject", p[i].subject);
		jw_kint(&w, "id", p[i].subject_id);
		jw_kstr(&w, "what", p[i].what);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	struct actor writer = {0, 0, "access_log"};
	if (rc == AJ_OK)
		rc = finish(s, &writer, "personal_data.read", first, &sb);
	strbuf_free(&sb);
	return rc;
}

/* Writes n pending reads in one transaction with one audit record; 0 or an error. */
static int write_batch(struct store *s, const struct pending *p, size_t n)
{
	struct reads rd = {.p = p, .np = n};
	return store_write(s, batch_write, &rd);
}

static void *writer_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&wmu);
	for (;;) {
		while (!W.n && !W.stop)
			pthread_cond_wait(&wcv, &wmu);
		if (!W.n && W.stop)
			break;
		/* a moment more, so the reads of that moment share one transaction (unless someone is
		 * waiting to read the log) */
		if (!W.stop && !W.urgent) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += BATCH_MS * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			while (!W.stop && !W.urgent && pthread_cond_timedwait(&wcv, &wmu, &until) == 0)
				;
		}
		W.urgent = 0;
		struct pending *batch = W.q;
		size_t n = W.n;
		W.q = NULL;
		W.n = W.cap = 0;
		pthread_mutex_unlock(&wmu);
		int rc = AJ_EBUSY;
		for (int attempt = 0; attempt < 5 && (rc == AJ_EBUSY); attempt++)
			rc = write_batch(W.store, batch, n);
		if (rc)
			log_warn("access log: %zu reads could not be recorded (%d)", n, rc);
		free(batch);
		pthread_mutex_lock(&wmu);
		W.written += n;
		pthread_cond_broadcast(&wdone);
	}
	pthread_mutex_unlock(&wmu);
	return NULL;
}

void access_flush(void)
{
	pthread_mutex_lock(&wmu);
	uint64_t want = W.queued;
	if (W.running && W.written < want) {
		W.urgent = 1;
		pthread_cond_signal(&wcv);
		while (W.running && W.written < want)
			pthread_cond_wait(&wdone, &wmu);
	}
	pthread_mutex_unlock(&wmu);
}

int access_writer_start(const char *db_path)
{
	struct store *s = NULL;
	if (store_open(db_path, &s) != AJ_OK)
		return AJ_ESTORE;
	pthread_mutex_lock(&wmu);
	W.store = s;
	W.stop = 0;
	W.running = pthread_create(&W.tid, NULL, writer_main, NULL) == 0;
	int ok = W.running;
	pthread_mutex_unlock(&wmu);
	if (!ok) {
		store_close(s);
		W.store = NULL;
		return AJ_ESTORE;
	}
	return AJ_OK;
}

void access_writer_stop(void)
{
	pthread_mutex_lock(&wmu);
	if (!W.running) {
		pthread_mutex_unlock(&wmu);
		return;
	}
	W.stop = 1;
	pthread_cond_signal(&wcv);
	pthread_mutex_unlock(&wmu);
	pthread_join(W.tid, NULL);
	pthread_mutex_lock(&wmu);
	W.running = 0;
	pthread_cond_broadcast(&wdone);
	store_close(W.store);
	W.store = NULL;
	pthread_mutex_unlock(&wmu);
}

/* Hands the reads to the writer; 0 when it took them, -1 when it runs not or is full. */
static int enqueue(const struct actor *a, const struct access_entry *e, int n, const char *via)
{
	int64_t now = clock_now();
	pthread_mutex_lock(&wmu);
	if (!W.running || W.stop || W.n + (size_t)n > QUEUE_MAX) {
		pthread_mutex_unlock(&wmu);
		return -1;
	}
	/* the writer sleeps only while nothing waits: it is woken for the first read of a batch, and
	 * the rest join it without a wake-up each (that cost a quarter of a busy server's time) */
	int wake = W.n == 0;
	if (W.n + (size_t)n > W.cap) {
		W.cap = W.n + (size_t)n > 2 * W.cap ? W.n + (size_t)n : 2 * W.cap;
		W.q = xrealloc(W.q, W.cap * sizeof *W.q);
	}
	for (int i = 0; i < n; i++) {
		struct pending *p = &W.q[W.n++];
		p->at = now;
		p->actor_id = a->user_id;
		p->actor_org = a->org_id;
		p->subject_id = e[i].subject_id;
		str_copy(p->actor_label, sizeof p->actor_label, a->label ? a->label : "");
		str_copy(p->subject, sizeof p->subject, e[i].subject);
		str_copy(p->what, sizeof p->what, e[i].what);
		str_copy(p->via, sizeof p->via, via);
	}
	W.queued += (uint64_t)n;
	if (wake)
		pthread_cond_signal(&wcv);
	pthread_mutex_unlock(&wmu);
	return 0;
}

static int record_write(struct store *s, void *arg)
{
	const struct reads *rd = arg;
	const struct actor *a = rd->a;
	const struct access_entry *e = rd->e;
	int n = rd->n, rc = AJ_OK;
	const char *via = rd->via;
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, 1 << 16);
	jw_init(&w, &sb);
	jw_obj(&w);
	jw_kstr(&w, "via", via);
	jw_key(&w, "read");
	jw_arr(&w);
	int64_t first = 0, id = 0;
	for (int i = 0; i < n && rc == AJ_OK; i++) {
		rc = insert(s, a, e[i].subject, e[i].subject_id, e[i].what, via, NULL, &id);
		if (!first)
			first = id;
		jw_obj(&w);
		jw_kstr(&w, "subject", e[i].subject);
		jw_kint(&w, "id", e[i].subject_id);
		jw_kstr(&w, "what", e[i].what);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	if (rc == AJ_OK)
		rc = finish(s, a, "personal_data.read", first, &sb);
	strbuf_free(&sb);
	return rc;
}

void access_record(struct store *s, const struct actor *a, const struct access_entry *e, int n, const char *via)
{
	if (n <= 0 || enqueue(a, e, n, via) == 0)
		return;
	struct reads rd = {.a = a, .e = e, .n = n, .via = via};
	int rc = store_write(s, record_write, &rd);
	if (rc)
		log_warn("access log: cannot record a read through %s (%d)", via, rc);
}

void access_record_req(struct req *r, const struct access_entry *e, int n, const char *via)
{
	struct actor a = req_actor(r);
	access_record(r->store, &a, e, n, via);
}

static int lookup_write(struct store *s, void *arg)
{
	const struct reads *rd = arg;
	const struct actor *a = rd->a;
	int64_t worker_id = rd->worker_id, id = 0;
	const char *outcome = rd->outcome, *via = rd->via;
	int rc = insert(s, a, "worker", worker_id, "id_lookup", via, outcome, &id);
	if (rc)
		return rc;
	struct strbuf sb;
	strbuf_init(&sb, 256);
	struct jw w;
	jw_init(&w, &sb);
	jw_obj(&w);
	jw_kstr(&w, "via", via);
	jw_kid(&w, "worker_id", worker_id);
	jw_kstr(&w, "outcome", outcome);
	jw_obj_end(&w);
	rc = finish(s, a, "registry.lookup", id, &sb);
	strbuf_free(&sb);
	return rc;
}

int access_record_lookup(struct store *s, const struct actor *a, int64_t worker_id, const char *outcome,
			 const char *via)
{
	struct reads rd = {.a = a, .via = via, .worker_id = worker_id, .outcome = outcome};
	return store_write(s, lookup_write, &rd);
}

int access_lookups_left(struct store *s, int64_t org_id, int64_t now, int64_t *left, int64_t *retry_after)
{
	/* look-ups are written at once (access_record_lookup), never by the writer: nothing to wait for */
	struct standards sd;
	int rc = standards_get(s, &sd);
	*retry_after = 0;
	if (rc)
		return rc;
	if (!org_id) {
		*left = INT64_MAX;
		return AJ_OK;
	}
	int64_t used = 0, oldest = now;
	struct stmt *st = store_sql(s, "SELECT count(*), coalesce(min(at), 0) FROM access_log WHERE actor_org_id = $1"
				       " AND what = 'id_lookup' AND at > $2");
	stmt_bind_int(st, 1, org_id);
	stmt_bind_int(st, 2, now - 3600);
	if ((rc = stmt_step(st)) == STORE_ROW) {
		used = stmt_int(st, 0);
		oldest = stmt_int(st, 1);
	}
	stmt_done(st);
	if (rc < 0)
		return rc;
	*left = sd.registry_lookups_per_hour > used ? sd.registry_lookups_per_hour - used : 0;
	if (!*left)
		*retry_after = oldest + 3600 - now > 0 ? oldest + 3600 - now : 1;
	return AJ_OK;
}

int access_found_since(struct store *s, int64_t org_id, int64_t worker_id, int64_t since)
{
	int64_t one = 0;
	struct stmt *st = store_sql(s, "SELECT 1 FROM access_log WHERE actor_org_id = $1 AND what = 'id_lookup'"
				       " AND at >= $3 AND subject = 'worker' AND subject_id = $2 AND outcome = 'found' LIMIT 1");
	stmt_bind_int(st, 1, org_id);
	stmt_bind_int(st, 2, worker_id);
	stmt_bind_int(st, 3, since);
	return stmt_one_int(st, &one) == AJ_OK;
}

/* ---- the association reads the log ---- */

static const char *const whats[] = {"phone", "address", "contact_phone", "record", "full_record", "id_lookup",
				    "phone_lookup", NULL};
static const char *const subjects[] = {"worker", "customer", NULL};
SCHEMA(access_query, S_ENUM("what", 0, whats), S_ENUM("subject", 0, subjects), S_INT("subject_id", 0, 1, INT64_MAX),
       S_INT("org_id", 0, 1, INT64_MAX), S_INT("page", 0, 1, 1000000), S_INT("per_page", 0, 1, 100));

#define ACCESS_WHERE \
	" WHERE ($1 = '' OR a.what = $1) AND ($2 = '' OR a.subject = $2) AND ($3 = 0 OR a.subject_id = $3)" \
	" AND ($4 = 0 OR a.actor_org_id = $4)"

static void bind_filter(struct req *r, struct stmt *st)
{
	const char *what = req_qstr(r, "what"), *subject = req_qstr(r, "subject");
	stmt_bind_text(st, 1, what ? what : "");
	stmt_bind_text(st, 2, subject ? subject : "");
	stmt_bind_int(st, 3, req_qint(r, "subject_id", 0));
	stmt_bind_int(st, 4, req_qint(r, "org_id", 0));
}

static void access_row(struct jw *w, struct stmt *st)
{
	jw_obj(w);
	jw_kint(w, "id", stmt_int(st, 0));
	jw_ktime(w, "at", stmt_int(st, 1));
	jw_key(w, "actor");
	jw_obj(w);
	jw_kid(w, "id", stmt_int(st, 2));
	jw_kstr(w, "login", stmt_text(st, 3));
	jw_obj_end(w);
	jw_kref(w, "org", stmt_int(st, 4), stmt_text(st, 5));
	jw_kstr(w, "subject", stmt_text(st, 6));
	jw_kint(w, "subject_id", stmt_int(st, 7));
	jw_kstr(w, "what", stmt_text(st, 8));
	jw_kstr(w, "via", stmt_text(st, 9));
	jw_kstr(w, "outcome", stmt_text(st, 10));
	jw_obj_end(w);
}

void api_access_log(struct req *r)
{
	struct page pg = req_page(r);
	access_flush();
	int64_t total = 0;
	struct stmt *st = store_sql(r->store, "SELECT count(*) FROM access_log a" ACCESS_WHERE);
	bind_filter(r, st);
	int rc = stmt_one_int(st, &total);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	st = store_sql(r->store, "SELECT a.id, a.at, a.actor_id, a.actor_label, a.actor_org_id, o.name, a.subject,"
				 " a.subject_id, a.what, a.via, a.outcome FROM access_log a"
				 " LEFT JOIN orgs o ON o.id = a.actor_org_id" ACCESS_WHERE
				 " ORDER BY a.id DESC LIMIT $5 OFFSET $6");
	bind_filter(r, st);
	stmt_bind_int(st, 5, pg.per_page);
	stmt_bind_int(st, 6, pg.offset);
	rows_reply_list(r, st, access_row, &pg, total);
}
