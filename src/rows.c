/* rows.c — answers written from the store's rows. */
#include "rows.h"

#include "anjia.h"
#include "http/req.h"
#include "store/store.h"

void rows_reply_list(struct req *r, struct stmt *st, void (*row)(struct jw *w, struct stmt *st),
		     const struct page *pg, int64_t total)
{
	int rc;
	struct jw *w = req_list_begin(r);
	while ((rc = stmt_step(st)) == STORE_ROW)
		row(w, st);
	stmt_done(st);
	if (rc < 0) {
		req_fail(r, rc);
		return;
	}
	req_list_end(r, pg, total);
	req_send(r, 200);
}
