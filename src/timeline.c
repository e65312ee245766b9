/* timeline.c — the steps of bookings, complaints and spot checks: written and read here alone. */
#include "timeline.h"

#include <string.h>

#include "store/store.h"
#include "util/clock.h"
#include "util/json_out.h"
#include "util/strbuf.h"

int timeline_add(struct store *s, enum timeline_of of, int64_t id, const struct actor *a, const char *action,
		 const char *from, const char *to, const char *note, int internal)
{
	struct stmt *st;
	switch (of) {
	case TIMELINE_BOOKING:
		st = store_sql(s, "INSERT INTO booking_events (booking_id, at, actor_id, actor_label, action,"
				  " from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
		break;
	case TIMELINE_COMPLAINT:
		st = store_sql(s, "INSERT INTO complaint_events (complaint_id, at, actor_id, actor_label, action,"
				  " from_status, to_status, note, internal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
		stmt_bind_int(st, 9, internal);
		break;
	case TIMELINE_INSPECTION:
		/* a spot check's steps move no status of their own: its record keeps that */
		st = store_sql(s, "INSERT INTO inspection_events (inspection_id, at, actor_id, actor_label, action,"
				  " note) VALUES ($1, $2, $3, $4, $5, $8)");
		break;
	default:
		return AJ_EINVAL;
	}
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, clock_now());
	stmt_bind_id(st, 3, a->user_id);
	stmt_bind_text(st, 4, a->label ? a->label : "");
	stmt_bind_text(st, 5, action);
	if (of != TIMELINE_INSPECTION) {
		stmt_bind_text(st, 6, from);
		stmt_bind_text(st, 7, to);
	}
	stmt_bind_text(st, 8, note);
	return stmt_exec(st);
}

/* Every reading below selects the same columns: at, the actor's name, their role, action, from, to,
 * note, internal. */
int timeline_json(struct store *s, struct jw *w, const char *key, enum timeline_of of, int64_t id,
		  const struct timeline_view *v)
{
	struct stmt *st;
	switch (of) {
	case TIMELINE_BOOKING:
		st = store_sql(s, "SELECT e.at, CASE WHEN e.actor_id = b.customer_id THEN coalesce($2, u.name, e.actor_label)"
				  " ELSE coalesce(u.name, e.actor_label) END, u.role, e.action, e.from_status,"
				  " e.to_status, e.note, 0 FROM booking_events e JOIN bookings b ON b.id = e.booking_id"
				  " LEFT JOIN users u ON u.id = e.actor_id WHERE e.booking_id = $1 ORDER BY e.id");
		stmt_bind_text(st, 2, v->customer_as);
		break;
	case TIMELINE_COMPLAINT:
		st = store_sql(s, "SELECT e.at, coalesce(u.name, e.actor_label), u.role, e.action, e.from_status,"
				  " e.to_status, e.note, e.internal FROM complaint_events e LEFT JOIN users u"
				  " ON u.id = e.actor_id WHERE e.complaint_id = $1 AND ($2 = 0 OR e.internal = 0) ORDER BY e.id");
		stmt_bind_int(st, 2, v->hide_internal);
		break;
	case TIMELINE_INSPECTION:
		st = store_sql(s, "SELECT e.at, coalesce(u.name, e.actor_label), u.role, e.action, NULL, NULL, e.note, 0"
				  " FROM inspection_events e LEFT JOIN users u ON u.id = e.actor_id"
				  " WHERE e.inspection_id = $1 ORDER BY e.id");
		break;
	default:
		return AJ_EINVAL;
	}
	stmt_bind_int(st, 1, id);
	jw_key(w, key);
	jw_arr(w);
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		jw_obj(w);
		jw_ktime(w, "at", stmt_int(st, 0));
		const char *role = stmt_text(st, 2);
		if (v->mask && role && strcmp(role, "worker") == 0 && !stmt_is_null(st, 1)) {
			char masked[96];
			v->mask(stmt_text(st, 1), masked, sizeof masked);
			jw_kstr(w, "actor", masked);
		} else {
			jw_kstr(w, "actor", stmt_text(st, 1));
		}
		jw_kstr(w, "actor_role", role);
		jw_kstr(w, "action", stmt_text(st, 3));
		jw_kstr(w, "from", stmt_text(st, 4));
		jw_kstr(w, "to", stmt_text(st, 5));
		jw_kstr(w, "note", stmt_text(st, 6));
		jw_kbool(w, "internal", (int)stmt_int(st, 7));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
	return rc < 0 ? rc : AJ_OK;
}

int timeline_public_json(struct store *s, struct jw *w, const char *key, int64_t id)
{
	struct stmt *st = store_sql(s, "SELECT at, action, from_status, to_status FROM complaint_events"
				       " WHERE complaint_id = $1 AND internal = 0 ORDER BY id");
	stmt_bind_int(st, 1, id);
	jw_key(w, key);
	jw_arr(w);
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		jw_obj(w);
		jw_ktime(w, "at", stmt_int(st, 0));
		jw_kstr(w, "action", stmt_text(st, 1));
		jw_kstr(w, "from", stmt_text(st, 2));
		jw_kstr(w, "to", stmt_text(st, 3));
		jw_obj_end(w);
	}
	stmt_done(st);
	jw_arr_end(w);
	return rc < 0 ? rc : AJ_OK;
}

int timeline_last(struct store *s, enum timeline_of of, int64_t id, struct timeline_step *out)
{
	struct stmt *st;
	switch (of) {
	case TIMELINE_BOOKING:
		st = store_sql(s, "SELECT e.action, coalesce(e.actor_id, 0), coalesce(u.name, e.actor_label), u.role, e.note"
				  " FROM booking_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.booking_id = $1"
				  " ORDER BY e.id DESC LIMIT 1");
		break;
	case TIMELINE_COMPLAINT:
		st = store_sql(s, "SELECT e.action, coalesce(e.actor_id, 0), coalesce(u.name, e.actor_label), u.role, e.note"
				  " FROM complaint_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.complaint_id = $1"
				  " ORDER BY e.id DESC LIMIT 1");
		break;
	case TIMELINE_INSPECTION:
		st = store_sql(s, "SELECT e.action, coalesce(e.actor_id, 0), coalesce(u.name, e.actor_label), u.role, e.note"
				  " FROM inspection_events e LEFT JOIN users u ON u.id = e.actor_id"
				  " WHERE e.inspection_id = $1 ORDER BY e.id DESC LIMIT 1");
		break;
	default:
		return AJ_EINVAL;
	}
	stmt_bind_int(st, 1, id);
	memset(out, 0, sizeof *out);
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		str_copy(out->action, sizeof out->action, stmt_text(st, 0));
		out->actor_id = stmt_int(st, 1);
		str_copy(out->actor_name, sizeof out->actor_name, stmt_text(st, 2) ? stmt_text(st, 2) : "");
		str_copy(out->actor_role, sizeof out->actor_role, stmt_text(st, 3) ? stmt_text(st, 3) : "");
		str_copy(out->note, sizeof out->note, stmt_text(st, 4) ? stmt_text(st, 4) : "");
	}
	stmt_done(st);
	return rc == STORE_ROW ? AJ_OK : rc == STORE_DONE ? AJ_ENOTFOUND : rc;
}

int timeline_erase_notes(struct store *s, int64_t user, const char *text)
{
	struct stmt *st = store_sql(s, "UPDATE complaint_events SET note = $2 WHERE actor_id = $1 AND note IS NOT NULL");
	stmt_bind_int(st, 1, user);
	stmt_bind_text(st, 2, text);
	return stmt_exec(st);
}
