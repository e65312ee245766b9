/* migrate.c — the schema's migrations (src/store/schema/NNN_*.sql, embedded at build time), applied
 * in order on either engine, each in its own transaction with its row in schema_migrations. */
#include "engine.h"

#include <time.h>

#include "../anjia.h"
#include "../util/log.h"

struct migration {
	int version;
	const char *name;
	const char *sql;
};
/* generated at build time from src/store/schema/NNN_*.sql */
extern const struct migration store_migrations[];
extern const int store_migration_count;

int store_schema_version(struct store *s)
{
	int64_t v = 0;
	if (s->eng->has_table(s, "schema_migrations") != 1)
		return 0;
	if (stmt_one_int(store_sql(s, "SELECT coalesce(max(version), 0) FROM schema_migrations"), &v))
		return 0;
	return (int)v;
}

int store_migrate(struct store *s, int *applied)
{
	int rc;
	*applied = 0;
	if ((rc = store_begin(s)) != AJ_OK)
		return rc;
	if ((rc = store_lock(s, STORE_LOCK_MIGRATIONS, 0)) != AJ_OK ||
	    (rc = s->eng->has_table(s, "schema_migrations")) < 0 ||
	    (rc == 0 && (rc = s->eng->script(s, "CREATE TABLE schema_migrations ("
					    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
					    " applied_at INTEGER NOT NULL)")) != AJ_OK) ||
	    (s->eng->own_schema && (rc = s->eng->own_schema(s)) != AJ_OK) ||
	    (rc = store_commit(s)) != AJ_OK) {
		store_rollback(s);
		return rc < 0 ? rc : AJ_ESTORE;
	}
	/* every migration not yet recorded, in order: one merged in below the newest applied is not
	 * skipped */
	for (int i = 0; i < store_migration_count; i++) {
		const struct migration *m = &store_migrations[i];
		int64_t done = 0;
		/* read again under the lock: a node starting beside this one may have applied it */
		if ((rc = store_begin(s)) != AJ_OK)
			return rc;
		if ((rc = store_lock(s, STORE_LOCK_MIGRATIONS, 0)) != AJ_OK) {
			store_rollback(s);
			return rc;
		}
		struct stmt *q = store_sql(s, "SELECT count(*) FROM schema_migrations WHERE version = $1");
		stmt_bind_int(q, 1, m->version);
		if ((rc = stmt_one_int(q, &done)) != AJ_OK || done) {
			store_rollback(s);
			if (rc != AJ_OK)
				return rc;
			continue;
		}
		if ((rc = s->eng->script(s, m->sql)) != AJ_OK) {
			log_error("store: migration %s failed", m->name);
			store_rollback(s);
			return rc;
		}
		struct stmt *st = store_sql(s, "INSERT INTO schema_migrations (version, name, applied_at)"
					       " VALUES ($1, $2, $3)");
		stmt_bind_int(st, 1, m->version);
		stmt_bind_text(st, 2, m->name);
		stmt_bind_int(st, 3, (int64_t)time(NULL));
		if ((rc = stmt_exec(st)) != AJ_OK || (rc = store_commit(s)) != AJ_OK) {
			store_rollback(s);
			return rc;
		}
		(*applied)++;
	}
	return AJ_OK;
}
