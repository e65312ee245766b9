/* throttle.h — failed sign-ins are counted per account and per address in a 15-minute window;
 * past the limit the next attempt is refused (429) before any password is hashed. The counters are
 * in the store, so every node of a cluster sees the same ones. */
#ifndef THROTTLE_H
#define THROTTLE_H

#include <stdint.h>

#define THROTTLE_WINDOW_SECS (15 * 60)
#define THROTTLE_PER_LOGIN 5
#define THROTTLE_PER_ADDR 30

struct store;

/* 0 when an attempt may go ahead; otherwise 1 with *retry_after seconds to wait; <0 on error. */
int throttle_check(struct store *s, const char *login, const char *addr, int64_t now, int64_t *retry_after);
/* Counts one failure against both keys. */
int throttle_fail(struct store *s, const char *login, const char *addr, int64_t now);
/* Forgets the account's failures after a successful sign-in. */
int throttle_clear(struct store *s, const char *login);

#endif
