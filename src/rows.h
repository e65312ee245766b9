/* rows.h — where an answer is written from the store's rows: the modules that own the tables step
 * through them, the HTTP layer writes and sends what they made, and neither does the other's work. */
#ifndef ROWS_H
#define ROWS_H

#include <stdint.h>

struct req;
struct stmt;
struct jw;
struct page;

/* Answers a list: {"items":[row(w, st) for each row of st],"page",…,"total"} and finishes st;
 * a store failure midway answers 503 instead. */
void rows_reply_list(struct req *r, struct stmt *st, void (*row)(struct jw *w, struct stmt *st),
		     const struct page *pg, int64_t total);

#endif
