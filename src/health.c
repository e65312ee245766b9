/* health.c — GET /api/health: for load balancers and monitors; it reads the store once. */
#include "anjia.h"
#include "http/req.h"
#include "store/store.h"

void api_health(struct req *r)
{
	int64_t one = 0;
	int rc = stmt_one_int(store_sql(r->store, "SELECT 1"), &one);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "status", rc == AJ_OK ? "ok" : "unavailable");
	jw_kstr(w, "version", ANJIA_VERSION);
	jw_kstr(w, "store", store_kind(r->store));
	jw_obj_end(w);
	req_send(r, rc == AJ_OK ? 200 : 503);
}
