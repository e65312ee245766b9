/* anjia.h — what every module shares: the error type, the version, the acting principal.
 * Functions return 0 or a negative enum anjia_err; the HTTP layer maps each to one status. */
#ifndef ANJIA_H
#define ANJIA_H

#include <stdint.h>
#include <stddef.h>

#define ANJIA_VERSION "0.1.0"

enum anjia_err {
	AJ_OK = 0,
	AJ_EINVAL = -1,    /* input breaks a rule of form (400) */
	AJ_ENOTFOUND = -2, /* no such record, or not the caller's (404) */
	AJ_ECONFLICT = -3, /* duplicate or state conflict (409) */
	AJ_ERULE = -4,     /* a business rule refuses it (422) */
	AJ_EDENIED = -5,   /* not allowed (403) */
	AJ_EBUSY = -6,     /* the store cannot write now (503) */
	AJ_ESTORE = -7,    /* the store failed (503) */
	AJ_EIO = -8,       /* a file could not be read or written */
	AJ_ELIMIT = -9,    /* a rate limit refuses it for now (429) */
	AJ_EGONE = -10,    /* it existed and was destroyed, as the retention standards say (410) */
};

/* The principal a write is done by: recorded in the audit chain. user_id 0 is the system
 * (command line, demo loader, background jobs); label is then what did it ("cli", "demo"). */
struct actor {
	int64_t user_id;
	int64_t org_id;
	const char *label;
};

/* What a domain function reports with a refusal: the error code of the catalogue
 * (src/http/errors.c) and the field at fault, for the client. */
struct fault {
	const char *code;
	const char *field;
};

#define FAULT(f, c, fld) ((f)->code = (c), (f)->field = (fld))

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
