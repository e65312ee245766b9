/* harness.h — API tests through the router, in process, on a temporary database: a request is
 * built as the transport would build it, dispatched, and its response captured. The worker pool
 * runs inline, so a test reads as a straight sequence of requests. */
#ifndef HARNESS_H
#define HARNESS_H

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app.h"
#include "auth/session.h"
#include "store/store.h"
#include "testdb.h"

#define H_PASSWORD "correct horse battery staple"

struct harness {
	char dir[64];
	char db[256];
	struct store *store;
	struct app app;
	const char *peer;    /* the client address of the next requests (default 127.0.0.1) */
	int secure;          /* requests arrive over https */
	/* the fixture's ids */
	int64_t assoc_id, co1_id, co2_id, training_id, inspection_id;
	int64_t admin_id, cs_id, co1_admin_id, co1_staff_id, co2_admin_id, customer_id, trainer_id;
};

struct resp {
	int status;
	char *body;
	size_t len;
	json_t *json;                 /* the body parsed, or NULL when it is not JSON */
	char content_type[128];
	char hname[32][64];
	char hvalue[32][512];
	int nh;
};

/* A fresh database with a small industry: the association (admin, cs), two companies (admin and
 * staff in the first, admin in the second), a training institution, an inspection body and a
 * customer, and a trainer; every password H_PASSWORD. */
void h_open(struct harness *h);
/* Instead, the demo industry with that many workers (its logins, password H_PASSWORD); the fixture
 * ids stay 0. */
void h_open_demo(struct harness *h, int workers);
void h_close(struct harness *h);

/* Sends a request. headers is a NULL-terminated list of "Name: value" strings (may be NULL). */
struct resp *h_req(struct harness *h, const char *method, const char *path, const char *body,
		   const char *const *headers);
/* Sends a request as the holder of token (NULL: anonymous), with a JSON body when body is set. */
struct resp *h_api(struct harness *h, const char *method, const char *path, const char *token,
		   const char *body);
void resp_free(struct resp *r);
const char *resp_header(const struct resp *r, const char *name);
/* error.code of an error response, or "" */
const char *resp_code(const struct resp *r);
const char *resp_field(const struct resp *r);
/* Asserts status and (when code is set) the error code; frees the response. */
void h_expect(struct resp *r, int status, const char *code);

/* Signs in; fills token and csrf (either may be NULL). */
void h_login(struct harness *h, const char *login, char token[TOKEN_LEN], char csrf[TOKEN_LEN]);
/* Creates a user through the API as the holder of token (body without a password), then sets the
 * password H_PASSWORD with the set-up code the answer carries, as the person would; the user's id. */
int64_t h_user_add(struct harness *h, const char *token, const char *body);
/* A number that changes with every write: the audit head plus the rows of every table. */
int64_t h_writes(struct harness *h);
/* h_api that fails the test unless the answer's status is status; the caller frees it. */
struct resp *h_ok(struct harness *h, const char *method, const char *path, const char *token, const char *body,
		  int status);
/* Asserts a refusal — status and error code — and that nothing was written: neither h_writes nor
 * what sum() counts (NULL: h_writes alone) changed. */
void h_refused(struct harness *h, int64_t (*sum)(void), const char *method, const char *path, const char *token,
	       const char *body, int status, const char *code);
/* Instant t as ISO 8601 with the platform's offset, in one of four rotating buffers. */
const char *h_iso(int64_t t);
/* The instant `days` from today at local hour `hour`. */
int64_t h_day_at(int days, int hour);
/* The worker signed in with worker_token: their id, their company's, and the first active hourly
 * item of that company in a trade the worker serves. */
void h_hour_cast(struct harness *h, const char *worker_token, int64_t *worker, int64_t *company, int64_t *item);
/* An integer at a JSON path like "user.id" in the response. */
int64_t resp_int(const struct resp *r, const char *path);
const char *resp_str(const struct resp *r, const char *path);

#endif
