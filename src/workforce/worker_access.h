/* worker_access.h — who may see which worker, and how a worker is shown to others. */
#ifndef WORKER_ACCESS_H
#define WORKER_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "util/json_out.h"

struct store;
struct req;
struct stmt;

/* 0 when the caller may see worker id (the association and the 24-hour team: anyone; a company:
 * its current workers; a worker: themself), else AJ_ENOTFOUND. */
int worker_visible(struct req *r, int64_t id);
/* Finds the person with resident ID number id_number (any valid form) registered under name;
 * AJ_EINVAL for a malformed number, AJ_ENOTFOUND for nobody by that number and name. */
int worker_find_by_card(struct store *s, const char *id_number, const char *name, int64_t *id);
/* The company a caller's worker management is confined to; 0 for the association. */
int64_t worker_company_scope(struct req *r);
/* Answers one of the paged lists that belong to the worker in the path (r->id[0]), when the caller
 * may see that worker: count counts the rows by $1, list lists them by $1 with LIMIT $2 OFFSET $3. */
void worker_sublist(struct req *r, struct stmt *count, struct stmt *list,
		    void (*row)(struct jw *w, struct stmt *st));
/* "张*华" from a full name, into out (n bytes). */
void worker_mask_name(const char *name, char *out, size_t n);
/* "key": {"id","name","masked_name"} of the worker at columns id_col and name_col of the current
 * row, or null; name is the full name when full is set, else the masked one. */
void jw_kworker(struct jw *w, const char *key, struct stmt *st, int id_col, int name_col, int full);
/* Whole years from a YYYY-MM-DD day (NULL: none) to today. */
int worker_years_since(const char *date);
/* Writes the array of the worker's trade codes. */
void worker_trades_json(struct store *s, int64_t id, struct jw *w);

#endif
