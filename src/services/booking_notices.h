/* booking_notices.h — what the people of a booking are told at each step of it: the customer (it
 * was confirmed, a worker assigned, they checked in, the service completed, it was cancelled and by
 * whom, a no-show), the worker (a job offered or assigned, moved, cancelled) and the company (a
 * worker declined, the customer cancelled, a no-show), in both languages. */
#ifndef BOOKING_NOTICES_H
#define BOOKING_NOTICES_H

#include <stdint.h>

struct store;

/* Leaves the notices of the step just taken on booking booking_id — action is its timeline word:
 * assign, confirm, checkin, checkout, cancel, no_show, decline, reschedule, release — inside the caller's
 * write, after the booking row and its timeline event are written (who acted, and the reason, are
 * read from that event). An unknown action tells nobody. 0 or a negative error. */
int booking_notice(struct store *s, int64_t booking_id, const char *action);

#endif
