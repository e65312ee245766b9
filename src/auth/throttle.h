/* throttle.h — failed sign-ins are counted in a 15-minute window per login from one address, per
 * address, and per login from everywhere (at a much higher limit); past a limit the next attempt is
 * refused (429) before any password is hashed. A browser that signed in holds a device cookie: its
 * attempts are counted against that device alone, so a flood from elsewhere cannot lock its owner
 * out. Counters and devices are rows in the store, so every node of a cluster sees the same ones. */
#ifndef THROTTLE_H
#define THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#include "../util/digest.h"

#define THROTTLE_WINDOW_SECS (15 * 60)
#define THROTTLE_PER_LOGIN_ADDR 5   /* one login from one address */
#define THROTTLE_PER_ADDR 30        /* every login from one address */
#define THROTTLE_PER_LOGIN 25       /* one login from every address, for callers without its device cookie:
				     * at most 100 an hour (ASVS 2.2.1) */
#define THROTTLE_PER_DEVICE 5       /* one login from one device cookie */
#define THROTTLE_DEVICE_SECS (180 * 24 * 60 * 60)
#define THROTTLE_DEVICES_PER_USER 20 /* the newest are kept */
#define THROTTLE_DEVICE_COOKIE "anjia_device"
#define THROTTLE_DEVICE_COOKIE_SECURE "__Host-anjia_device"

struct store;

/* For a caller without a valid device cookie: 0 when an attempt may go ahead; otherwise 1 with
 * *retry_after seconds to wait; <0 on error. */
int throttle_check(struct store *s, const char *login, const char *addr, int64_t now, int64_t *retry_after);
/* Counts one failure of such a caller against the login from addr, addr, and the login. */
int throttle_fail(struct store *s, const char *login, const char *addr, int64_t now);
/* The same two for a caller with the valid device cookie device: only that device's count applies. */
int throttle_check_device(struct store *s, int64_t device, int64_t now, int64_t *retry_after);
int throttle_fail_device(struct store *s, int64_t device, int64_t now);
/* Forgets the failures of the login from addr and of device (0: none) after a successful sign-in;
 * the address's and the login's counts stay, so a success does not reset an attack's count. */
int throttle_clear(struct store *s, const char *login, const char *addr, int64_t device);

/* *device is the id of the live device cookie token (may be NULL) issued to login, or 0. */
int throttle_device_find(struct store *s, const char *login, const char *token, int64_t now, int64_t *device);
/* After user_id signed in: a new device token in token (only its hash kept), replacing device
 * replaces (0: none) and any of the user's that expired, and the oldest beyond the limit. */
int throttle_device_issue(struct store *s, int64_t user_id, int64_t replaces, int64_t now, char token[TOKEN_LEN]);
/* The Set-Cookie value carrying token: HttpOnly, SameSite=Strict, Path=/, THROTTLE_DEVICE_SECS;
 * __Host- and Secure where the scheme is https. */
void throttle_device_cookie(char *out, size_t n, const char *token, int secure);

/* One password verification at a time per key ("login:…", "user:…"), in this process: a flood of
 * concurrent attempts on one account waits for no hashing and cannot fill the worker pool. 0 when
 * key was free and is now taken; -1 when an attempt on it is under way (or the table is full). */
int throttle_inflight_enter(const char *key);
void throttle_inflight_leave(const char *key);

#endif
