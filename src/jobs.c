/* jobs.c — the deadline job, once or on a timer, and the audit chain's signed checkpoints it writes. */
#include "jobs.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "anjia.h"
#include "auth/checkpoints.h"
#include "privacy/phone_index.h"
#include "privacy/retention.h"
#include "rights/claims.h"
#include "rights/complaints.h"
#include "rights/inspections.h"
#include "services/bookings.h"
#include "services/no_show.h"
#include "standards.h"
#include "workforce/lapses.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/log.h"

/* A signed checkpoint of the audit chain when the standard's minutes have passed and the chain
 * moved; last in the pass, so it covers the pass's own writes. The bounds hold even for a value
 * written into the database behind the API's back, so nobody can put checkpoints off for ever. */
static int audit_checkpoint_due(struct store *s, int *written)
{
	struct standards sd;
	struct actor a = {0, 0, "jobs"};
	int rc = standards_get(s, &sd);
	if (rc)
		return rc;
	int minutes = sd.audit_checkpoint_minutes;
	if (minutes < 5)
		minutes = 5;
	else if (minutes > 1440)
		minutes = 1440;
	return checkpoint_sign(s, &a, (int64_t)minutes * 60, written);
}

static int run_passes(struct store *s, struct jobs_report *r);

int jobs_run(struct store *s, struct jobs_report *r)
{
	/* every node runs the job on its timer; the one that holds the lock does the work */
	int rc = store_hold(s, STORE_LOCK_JOBS);
	r->elsewhere = rc == AJ_EBUSY;
	if (rc == AJ_EBUSY)
		return AJ_OK;
	if (rc)
		return rc;
	rc = run_passes(s, r);
	store_release(s, STORE_LOCK_JOBS);
	return rc;
}

static int run_passes(struct store *s, struct jobs_report *r)
{
	struct complaints_job cj = {0};
	int rc = complaints_deadlines(s, &cj);
	r->complaints_breached = cj.breached;
	r->complaints_closed = cj.closed;
	r->complaints_resumed = cj.resumed;
	r->complaints_reminded = cj.reminded;
	r->complaints_verify_overdue = cj.verify_overdue;
	if (rc == AJ_OK)
		rc = claims_deadlines(s, &r->claims_breached, &r->claims_final);
	if (rc == AJ_OK)
		rc = inspections_overdue(s, &r->rectifications_overdue);
	if (rc == AJ_OK)
		rc = sampling_plans_due(s, &r->plans_committed, &r->plans_drawn);
	if (rc == AJ_OK)
		rc = retention_run(s, clock_now(), &r->retention);
	if (rc == AJ_OK)
		rc = lapses_notify(s, clock_now(), &r->lapse_notices);
	if (rc == AJ_OK)
		rc = bookings_expire(s, clock_now(), &r->bookings_expired);
	if (rc == AJ_OK)
		rc = no_shows_due(s, clock_now(), &r->no_shows_to_check);
	/* telephones written without their look-up hash since the last pass (a booking's contact) */
	if (rc == AJ_OK)
		rc = phone_index_catch_up(s);
	/* signed even when a part above failed: the chain's protection does not wait for a fix */
	int signed_rc = audit_checkpoint_due(s, &r->checkpoints_signed);
	return rc ? rc : signed_rc;
}

struct jobs {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	int interval;
	struct store *store;
};

static void *jobs_main(void *arg)
{
	struct jobs *j = arg;
	pthread_mutex_lock(&j->mu);
	while (!j->stop) {
		pthread_mutex_unlock(&j->mu);
		struct jobs_report r = {0};
		int rc = jobs_run(j->store, &r);
		if (rc)
			log_warn("deadline job failed (%d); it runs again in %d s", rc, j->interval);
		if (!rc && (r.retention.bookings || r.retention.complaints || r.retention.sessions))
			log_info("retention: contact of %lld bookings and %lld complaints destroyed, %lld sessions'"
				 " addresses forgotten", (long long)r.retention.bookings, (long long)r.retention.complaints,
				 (long long)r.retention.sessions);
		if (!rc && (r.complaints_breached || r.complaints_closed || r.claims_breached || r.rectifications_overdue ||
			    r.complaints_resumed || r.complaints_reminded || r.complaints_verify_overdue || r.claims_final))
			log_info("deadline job: %d complaint clocks breached, %d complaints closed, %d pauses ended,"
				 " %d customers reminded, %d verifications overdue, %d claims overdue,"
				 " %d claim decisions standing unanswered, %d rectifications overdue",
				 r.complaints_breached, r.complaints_closed, r.complaints_resumed, r.complaints_reminded,
				 r.complaints_verify_overdue, r.claims_breached, r.claims_final, r.rectifications_overdue);
		if (!rc && (r.bookings_expired || r.no_shows_to_check))
			log_info("deadline job: %d requests expired, %d absences to the service centre", r.bookings_expired,
				 r.no_shows_to_check);
		if (!rc && (r.plans_committed || r.plans_drawn))
			log_info("deadline job: %d sampling plans made, %d drawn", r.plans_committed, r.plans_drawn);
		if (r.checkpoints_signed)
			log_info("deadline job: signed a checkpoint of the audit chain");
		pthread_mutex_lock(&j->mu);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += j->interval;
		while (!j->stop && pthread_cond_timedwait(&j->cv, &j->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

struct jobs *jobs_start(const char *db_path, int interval_secs)
{
	struct jobs *j = calloc(1, sizeof *j);
	if (!j)
		return NULL;
	j->interval = interval_secs;
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	if (store_open(db_path, &j->store) != AJ_OK || pthread_create(&j->tid, NULL, jobs_main, j) != 0) {
		store_close(j->store);
		pthread_mutex_destroy(&j->mu);
		pthread_cond_destroy(&j->cv);
		free(j);
		return NULL;
	}
	return j;
}

void jobs_stop(struct jobs *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	j->stop = 1;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	pthread_join(j->tid, NULL);
	store_close(j->store);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j);
}
