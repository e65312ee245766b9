/* cache.h — anonymous public answers kept for a moment. Each event loop keeps the last answers to
 * public GETs that the handler marked as publicly cacheable (Cache-Control: public) and serves a
 * repeat from memory while nothing has been written since and it is younger than the configured
 * time (app.public_cache_ms; 0 turns it off). Anything written through this process's store makes
 * every kept answer stale at once; writes by another process are seen after the time runs out. */
#ifndef CACHE_H
#define CACHE_H

struct req;

/* Answers r from the cache when it may: 1 when it did (r is then complete but not finished). */
int cache_lookup(struct req *r);
/* Keeps r's answer when it is a cacheable one; call once the handler has replied. */
void cache_store(struct req *r);
/* Empties the calling thread's cache (a loop thread's last act). */
void cache_clear(void);

#endif
