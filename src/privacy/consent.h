/* consent.h — a worker's consent to show their full record (checks with their results and dates,
 * training, certificates, employment history, conduct) to a customer: for one booking or for every
 * booking of that customer, for a period the worker chooses within the association's standard; the
 * worker can withdraw it; every view is logged and shown to the worker. A customer may ask first. */
#ifndef CONSENT_H
#define CONSENT_H

#include <stdint.h>

struct store;

/* 1 when customer may see worker's full record now. */
int consent_live(struct store *s, int64_t worker_id, int64_t customer_id, int64_t now);

#endif
