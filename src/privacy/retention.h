/* retention.h — personal data kept only as long as the association's standards say, then destroyed
 * by the deadline job: a booking's address and telephone some days after it ended, a complaint
 * caller's telephone some days after it closed, the addresses and browsers of sessions after a month,
 * the phone of a transfer request nobody answered, the public tracking page's look-ups (with their
 * addresses) after a month, the hash of the address a complaint without a booking was filed from
 * after the period its limit counts; and correction and erasure requests past their
 * deadline escalated to the association, once. */
#ifndef RETENTION_H
#define RETENTION_H

#include <stdint.h>

struct store;

struct retention_report {
	int64_t bookings;        /* bookings whose address and telephone were destroyed */
	int64_t complaints;      /* complaints whose caller's telephone was destroyed */
	int64_t sessions;        /* sessions whose address and browser were forgotten */
	int64_t transfers;       /* expired transfer requests whose phone was destroyed */
	int64_t lookups;         /* look-ups on the public tracking page forgotten */
	int64_t service_requests; /* answered or withdrawn requests for month items whose number was destroyed */
	int64_t requests_late;   /* data requests past their deadline, escalated */
	int64_t complaint_addresses; /* complaints whose filing address's hash outlived its limit's period */
};

/* One pass at instant now, one transaction with its audit record; nothing due writes nothing. */
int retention_run(struct store *s, int64_t now, struct retention_report *out);

#endif
