/* account.h — what a signed-in person does with their own account that another module needs too:
 * proving it is them again with their password, one attempt at a time, throttled like sign-ins. */
#ifndef ACCOUNT_H
#define ACCOUNT_H

struct req;
struct store;

/* On the event loop, before the work is deferred: takes the caller's one verification slot and
 * checks their throttle; replies 429 (with Retry-After) and returns -1 when refused. */
int account_reentry_admit(struct req *r);
/* On the pool: verifies password against the caller's own; 0 when it matches, otherwise replies
 * (400 wrong_password, field) having counted the failure and returns -1. Either way the slot
 * account_reentry_admit took is given back. */
int account_reentry_check(struct req *r, struct store *s, const char *password, const char *field);
/* Defers work (as req_defer) after account_reentry_admit; gives the slot back when the pool refused. */
void account_reentry_defer(struct req *r, void (*work)(struct req *r, struct store *s));

#endif
