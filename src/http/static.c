/* static.c — web/ served from memory. Pages revalidate on every load (Cache-Control: no-cache with
 * an ETag), so a new release is seen at once without a build step renaming files. */
#include "static.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../app.h"
#include "../util/digest.h"
#include "../util/log.h"
#include "../util/strbuf.h"
#include "req.h"

#define WEB_MAX_FILES 2000
#define WEB_MAX_BYTES (64u << 20)

struct web_file {
	char *path;        /* "/index.html" */
	char *data;
	size_t len;
	const char *ctype;
	char etag[24];     /* quoted */
};

struct web {
	struct web_file *files;
	size_t n, cap, bytes;
};

const char *web_content_type(const char *name)
{
	static const struct {
		const char *ext;
		const char *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
		{".json", "application/json; charset=utf-8"}, {".svg", "image/svg+xml"},
		{".png", "image/png"}, {".jpg", "image/jpeg"}, {".ico", "image/x-icon"},
		{".webmanifest", "application/manifest+json"}, {".txt", "text/plain; charset=utf-8"},
		{".woff2", "font/woff2"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static int add_file(struct web *w, const char *fs_path, const char *url_path)
{
	FILE *f = fopen(fs_path, "rb");
	if (!f)
		return -1;
	struct strbuf sb;
	strbuf_init(&sb, WEB_MAX_BYTES);
	char buf[16384];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	if (sb.failed || w->n >= WEB_MAX_FILES || w->bytes + sb.len > WEB_MAX_BYTES) {
		strbuf_free(&sb);
		return -1;
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->files = xrealloc(w->files, w->cap * sizeof *w->files);
	}
	struct web_file *wf = &w->files[w->n++];
	wf->path = xstrdup(url_path);
	wf->data = strbuf_detach(&sb, &wf->len);
	wf->ctype = web_content_type(url_path);
	char hex[SHA256_HEX_LEN];
	sha256_hex(wf->data, wf->len, hex);
	snprintf(wf->etag, sizeof wf->etag, "\"%.16s\"", hex);
	w->bytes += wf->len;
	return 0;
}

static int walk(struct web *w, const char *dir, const char *prefix, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char fs[4096], url[4096];
		struct stat st;
		if (snprintf(fs, sizeof fs, "%s/%s", dir, e->d_name) >= (int)sizeof fs ||
		    snprintf(url, sizeof url, "%s/%s", prefix, e->d_name) >= (int)sizeof url)
			continue;
		if (stat(fs, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 8)
			rc = walk(w, fs, url, depth + 1);
		else if (S_ISREG(st.st_mode))
			rc = add_file(w, fs, url);
	}
	closedir(d);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct web_file *)a)->path, ((const struct web_file *)b)->path);
}

struct web *web_load(const char *dir)
{
	struct web *w = xcalloc(1, sizeof *w);
	if (walk(w, dir, "", 0) != 0) {
		log_error("web: cannot load %s", dir);
		web_free(w);
		return NULL;
	}
	if (w->n)
		qsort(w->files, w->n, sizeof *w->files, by_path);
	return w;
}

void web_free(struct web *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++) {
		free(w->files[i].path);
		free(w->files[i].data);
	}
	free(w->files);
	free(w);
}

/* Whether an If-None-Match header names tag: "*", or a list of (weak or strong) tags. */
static int etag_matches(const char *inm, const char *tag)
{
	size_t tl = strlen(tag);
	while (inm && *inm) {
		while (*inm == ' ' || *inm == ',' || *inm == '\t')
			inm++;
		if (*inm == '*')
			return 1;
		if (inm[0] == 'W' && inm[1] == '/')
			inm += 2;
		const char *end = strchr(inm, ',');
		size_t n = end ? (size_t)(end - inm) : strlen(inm);
		while (n && (inm[n - 1] == ' ' || inm[n - 1] == '\t'))
			n--;
		if (n == tl && memcmp(inm, tag, n) == 0)
			return 1;
		inm = end;
	}
	return 0;
}

static const struct web_file *find(const struct web *w, const char *path)
{
	struct web_file key = {.path = (char *)path};
	if (!w || !w->n)
		return NULL;
	return bsearch(&key, w->files, w->n, sizeof *w->files, by_path);
}

/* The file a path is answered with: pages with a path of their own (a certificate's check, a
 * worker's public profile) are single files that read the rest of the path themselves. */
static const char *page_of(const char *path)
{
	if (strcmp(path, "/") == 0)
		return "/index.html";
	if (strcmp(path, "/verify") == 0 || strncmp(path, "/verify/", 8) == 0)
		return "/verify.html";
	if (strncmp(path, "/workers/", 9) == 0 && path[9])
		return "/worker.html";
	return path;
}

void static_serve(struct req *r)
{
	if (r->method != M_GET && r->method != M_HEAD) {
		req_header_static(r, "Allow", "GET, HEAD");
		req_error(r, 405, "method_not_allowed", NULL);
		return;
	}
	const struct web_file *f = find(r->app->web, page_of(r->path));
	if (!f) {
		req_error(r, 404, "not_found", NULL);
		return;
	}
	req_header_static(r, "ETag", f->etag);
	req_header_static(r, "Cache-Control", "no-cache");
	r->content_type = f->ctype;
	const char *inm = r->header(r, "If-None-Match");
	if (inm && etag_matches(inm, f->etag)) {
		req_send(r, 304);
		return;
	}
	r->out_ref = f->data;
	r->out_ref_len = f->len;
	req_send(r, 200);
}
