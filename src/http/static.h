/* static.h — the files of web/, loaded into memory at start and served with their content types,
 * ETags and revalidation. Only files found at load time exist: no path can reach outside web/. */
#ifndef STATIC_H
#define STATIC_H

struct web;
struct req;

/* Loads every regular file under dir (dot-files skipped); NULL when dir cannot be read. */
struct web *web_load(const char *dir);
void web_free(struct web *w);
/* Answers a GET or HEAD for a file (JSON 404 or 405 otherwise). */
void static_serve(struct req *r);
/* The content type for a file name, by extension. */
const char *web_content_type(const char *name);

#endif
