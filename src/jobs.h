/* jobs.h — the deadline job: finds complaints, claims and rectification orders past their deadline,
 * marks each breach once, escalates to the association and notifies; makes each month's sampling
 * plan and draws it on its day; destroys personal data past
 * its retention; and signs a checkpoint of the audit chain when one is due. It runs inside `serve`
 * every interval, and from cron as `anjia jobs run`; running it again changes nothing. */
#ifndef JOBS_H
#define JOBS_H

#include "privacy/retention.h"

struct store;

struct jobs_report {
	int complaints_breached;   /* feedback or resolution clocks that ran out */
	int complaints_closed;     /* resolutions not reopened in time */
	int claims_breached;       /* decisions or payments overdue */
	int rectifications_overdue;
	struct retention_report retention; /* personal data destroyed as the standards say */
	int checkpoints_signed;    /* signed checkpoints of the audit chain written (0 or 1) */
	int lapse_notices;         /* workers told that a certificate, check or refresher lapses soon */
	int bookings_expired;      /* requests nobody confirmed in time, cancelled */
	int no_shows_to_check;     /* households' absences unanswered in time, to the service centre */
	int complaints_resumed;    /* pauses past their limit: the clock runs again */
	int complaints_reminded;   /* questions waiting past half their pause: the customer reminded */
	int plans_committed;       /* the month's sampling plan made, its seed's commitment published (0 or 1) */
	int plans_drawn;           /* sampling plans whose day came: seed revealed, samples drawn */
	int complaints_verify_overdue; /* complaints without a booking the service centre did not verify in time */
	int claims_final;          /* claim decisions nobody answered in time: they stand */
	int elsewhere;             /* another node was running the job: this pass did nothing */
};

/* One pass, on one node at a time; 0 or a negative error (each part is its own transaction). */
int jobs_run(struct store *s, struct jobs_report *r);

/* The pass inside the server: a thread with its own connection, every interval_secs. */
struct jobs;
struct jobs *jobs_start(const char *db_path, int interval_secs);
/* Stops the thread (waiting for a pass under way) and closes its connection. NULL is ignored. */
void jobs_stop(struct jobs *j);

#endif
