/* standards.h — the association's standards (defaults from the seed): how long checks hold, the
 * refresher's grace period, the warning window, the training pass-rate target. */
#ifndef STANDARDS_H
#define STANDARDS_H

struct store;

struct standards {
	int health_valid_months;
	int background_valid_months;
	int refresher_grace_days;
	int lapse_warning_days;
	int training_pass_target;   /* percent */
	int punctuality_tolerance_minutes;
	int address_visible_hours;  /* after completion, the address stays visible to worker and company */
	int satisfaction_target;    /* percent */
	int punctuality_target;     /* percent */
	int complaint_feedback_hours; /* first feedback to the customer */
	int complaint_resolve_days;
	int complaint_reopen_days;  /* after a resolution, the customer may reopen */
	int complaint_pause_max_hours; /* a question to the customer pauses the resolution clock at most so long */
	int complaint_pauses_max;   /* and at most so many times per complaint */
	int complaint_text_min;     /* the content a feedback, question or remedy needs (a Chinese character 2) */
	int claim_decision_days;
	int claim_payment_days;     /* after a decision to pay became final */
	int claim_accept_days;      /* a company's decision waits so long for the customer's answer */
	int claim_reference_min;    /* letters and digits a payment's or a settlement's reference needs */
	int rectification_days;     /* after a failed spot check */
	int spot_check_pass_score;  /* 0..100 */
	int spot_check_share_percent;   /* of each company's completed services a month's plan draws */
	int spot_check_min_per_company; /* and at least so many (never more than it has) */
	int spot_check_draw_day;    /* the day of the next month the job reveals the seed and draws */
	int booking_contact_retention_days;   /* after a booking ends, its address and phone are destroyed */
	int complaint_contact_retention_days; /* after a complaint closes, its caller's phone is destroyed */
	int session_detail_retention_days;    /* a session's address and browser are kept this long */
	int data_request_days;      /* a correction or erasure request is answered within */
	int registry_lookups_per_hour; /* look-ups of people by ID number per company */
	int record_grant_max_days;  /* the longest a worker's consent to show their full record lasts */
	int audit_checkpoint_minutes; /* at least this long between two signed checkpoints of the audit chain */
	int checkout_tolerance_minutes; /* a check-out earlier than the booked end less this needs a reason */
	int live_named_bookings_max; /* a customer's unconfirmed requests naming a worker, at most, at once */
	int request_confirm_hours;  /* a request not confirmed by then (or by its start) expires */
	int no_show_answer_hours;   /* a household's absence unanswered that long goes to the service centre */
	int hourly_from_hour;       /* hourly and visit services start no earlier than this local hour */
	int hourly_until_hour;      /* and end no later than this one, the same day */
	int day_start_from_hour;    /* day services start at or after this local hour */
	int day_start_until_hour;   /* and no later than this one */
	int complaint_verify_hours; /* the service centre verifies a complaint without a booking within */
	int unbooked_complaints_max; /* such complaints against one company per account, call-back number, address */
	int unbooked_complaint_days; /* in this many days */
	int checkin_early_minutes;  /* a check-in counts from the start less this; earlier is refused */
	int review_new_account_days; /* a review's signal: the customer's account this new at booking */
	int review_quick_minutes;   /* a review's signal: checked out this soon after booking or check-in */
};

/* The standards in force. Each thread keeps a copy for a few seconds, so the hot path does not
 * read the store; a change made in this process is seen at once. 0 or a negative error. */
int standards_get(struct store *s, struct standards *out);

#endif
