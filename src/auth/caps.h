/* caps.h — roles and the capabilities each one holds: the one table the router checks. */
#ifndef CAPS_H
#define CAPS_H

#include <stdint.h>

enum role {
	ROLE_NONE = 0,
	ROLE_ASSOCIATION_ADMIN,
	ROLE_CS_AGENT,
	ROLE_COMPANY_ADMIN,
	ROLE_COMPANY_STAFF,
	ROLE_TRAINER,
	ROLE_INSPECTOR,
	ROLE_WORKER,
	ROLE_CUSTOMER,
	ROLE_COUNT
};

enum cap {
	CAP_SIGNED_IN,   /* any signed-in user: own profile, sessions, password */
	CAP_ORG_READ,    /* see every organisation */
	CAP_ORG_MANAGE,  /* register and change organisations */
	CAP_USER_READ,   /* see users (company admins: their own company's) */
	CAP_USER_MANAGE, /* create and disable users (company admins: their own company's) */
	CAP_AUDIT_READ,  /* read and verify the audit chain */
	CAP_STANDARDS_MANAGE, /* set the association's standards */
	CAP_WORKER_READ, /* see workers (companies: their own; a worker: themself) */
	CAP_WORKER_MANAGE, /* register, change and import workers (companies: their own) */
	CAP_WORKER_REVOKE, /* revoke or suspend a person industry-wide */
	CAP_CHECK_RECORD, /* record checks (which kinds depends on the role) */
	CAP_TRAINING_DEFINE, /* define courses */
	CAP_TRAINING_RUN, /* schedule sessions, record attendance and scores */
	CAP_TRAINING_ENROL, /* enrol workers in sessions */
	CAP_TRAINING_REPORT, /* pass rates */
	CAP_CERT_MANAGE, /* certificate policies; issue, renew and revoke certificates */
	CAP_CATALOG_MANAGE, /* service categories, their process and price guides */
	CAP_SERVICE_MANAGE, /* a company's service items and prices */
	CAP_BOOKING_CREATE, /* book a service */
	CAP_BOOKING_DISPATCH, /* assign workers and run a company's bookings */
	CAP_COMPLAINT_FILE, /* file a complaint (customers: their own; agents: for anyone) */
	CAP_COMPLAINT_HANDLE, /* handle complaints and claims (companies: their own) */
	CAP_COMPLAINT_OVERSEE, /* take over any complaint; record advance payments recovered */
	CAP_SAMPLING_MANAGE, /* sampling plans and who inspects each sample */
	CAP_INSPECT, /* carry out assigned spot checks */
	CAP_CUSTOMER_RESET, /* give a customer who called a password reset code, once they are confirmed */
	CAP_CENTRE_CHECK, /* the service centre's checks: a household marked absent, a complaint about no booking of its own */
	CAP_BOOKING_FOLLOWUP, /* call a household back to confirm a service happened */
	CAP_REVIEW_OVERSEE, /* see reviews with their signals, and exclude one with a reason */
	CAP_COUNT
};

typedef uint64_t caps_t;
#define CAP_BIT(c) ((caps_t)1 << (c))
/* a route anyone may call */
#define CAPS_PUBLIC ((caps_t)0)

caps_t role_caps(enum role r);
const char *role_name(enum role r);
/* ROLE_NONE when s names no role */
enum role role_parse(const char *s);
/* The organisation kind a role's users belong to; NULL for customers, who belong to none. */
const char *role_org_kind(enum role r);
const char *cap_name(enum cap c);
/* 1 when every capability in need is held */
int caps_allow(caps_t held, caps_t need);

#endif
