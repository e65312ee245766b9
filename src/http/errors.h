/* errors.h — the catalogue of error codes: each with its message in both languages. The web UI
 * translates by code; API clients read the message in their Accept-Language. */
#ifndef ERRORS_H
#define ERRORS_H

/* The message for code in lang (0 Chinese, 1 English); a generic one for an unknown code. */
const char *error_message(const char *code, int lang);
/* 1 when code is in the catalogue (tests check every code the program uses). */
int error_known(const char *code);

#endif
