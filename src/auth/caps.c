/* caps.c — roles map to capabilities here and nowhere else. Company-side roles still see only
 * their own company: handlers scope every query by the caller's organisation. */
#include "caps.h"

#include <string.h>

#define C(x) CAP_BIT(CAP_##x)

static const struct {
	const char *name;
	const char *org_kind;
	caps_t caps;
} roles[ROLE_COUNT] = {
	[ROLE_NONE] = {"", NULL, 0},
	[ROLE_ASSOCIATION_ADMIN] = {"association_admin", "association",
				    C(SIGNED_IN) | C(ORG_READ) | C(ORG_MANAGE) | C(USER_READ) |
					    C(USER_MANAGE) | C(AUDIT_READ) | C(STANDARDS_MANAGE) |
					    C(WORKER_READ) | C(WORKER_MANAGE) | C(WORKER_REVOKE) |
					    C(CHECK_RECORD) | C(TRAINING_DEFINE) | C(TRAINING_RUN) |
					    C(TRAINING_ENROL) | C(TRAINING_REPORT) | C(CERT_MANAGE) |
					    C(CATALOG_MANAGE) | C(SERVICE_MANAGE) | C(COMPLAINT_FILE) |
					    C(COMPLAINT_HANDLE) | C(COMPLAINT_OVERSEE) | C(SAMPLING_MANAGE) |
					    C(CUSTOMER_RESET) | C(CENTRE_CHECK) | C(REVIEW_OVERSEE)},
	[ROLE_CS_AGENT] = {"cs_agent", "association",
			   C(SIGNED_IN) | C(ORG_READ) | C(WORKER_READ) | C(COMPLAINT_FILE) | C(COMPLAINT_HANDLE) |
				   C(CUSTOMER_RESET) | C(CENTRE_CHECK) | C(BOOKING_FOLLOWUP)},
	[ROLE_COMPANY_ADMIN] = {"company_admin", "company",
				C(SIGNED_IN) | C(USER_READ) | C(USER_MANAGE) | C(WORKER_READ) |
					C(WORKER_MANAGE) | C(CHECK_RECORD) | C(TRAINING_ENROL) |
					C(TRAINING_REPORT) | C(SERVICE_MANAGE) | C(BOOKING_DISPATCH) |
					C(COMPLAINT_HANDLE)},
	[ROLE_COMPANY_STAFF] = {"company_staff", "company",
				C(SIGNED_IN) | C(WORKER_READ) | C(WORKER_MANAGE) | C(CHECK_RECORD) |
					C(TRAINING_ENROL) | C(BOOKING_DISPATCH) | C(COMPLAINT_HANDLE)},
	[ROLE_TRAINER] = {"trainer", "training",
			  C(SIGNED_IN) | C(TRAINING_RUN) | C(TRAINING_ENROL) | C(TRAINING_REPORT)},
	[ROLE_INSPECTOR] = {"inspector", "inspection", C(SIGNED_IN) | C(INSPECT)},
	[ROLE_WORKER] = {"worker", "company", C(SIGNED_IN) | C(WORKER_READ)},
	[ROLE_CUSTOMER] = {"customer", NULL, C(SIGNED_IN) | C(BOOKING_CREATE) | C(COMPLAINT_FILE)},
};

static const char *const cap_names[CAP_COUNT] = {
	[CAP_SIGNED_IN] = "signed_in",
	[CAP_ORG_READ] = "org.read",
	[CAP_ORG_MANAGE] = "org.manage",
	[CAP_USER_READ] = "user.read",
	[CAP_USER_MANAGE] = "user.manage",
	[CAP_AUDIT_READ] = "audit.read",
	[CAP_STANDARDS_MANAGE] = "standards.manage",
	[CAP_WORKER_READ] = "worker.read",
	[CAP_WORKER_MANAGE] = "worker.manage",
	[CAP_WORKER_REVOKE] = "worker.revoke",
	[CAP_CHECK_RECORD] = "check.record",
	[CAP_TRAINING_DEFINE] = "training.define",
	[CAP_TRAINING_RUN] = "training.run",
	[CAP_TRAINING_ENROL] = "training.enrol",
	[CAP_TRAINING_REPORT] = "training.report",
	[CAP_CERT_MANAGE] = "cert.manage",
	[CAP_CATALOG_MANAGE] = "catalog.manage",
	[CAP_SERVICE_MANAGE] = "service.manage",
	[CAP_BOOKING_CREATE] = "booking.create",
	[CAP_BOOKING_DISPATCH] = "booking.dispatch",
	[CAP_COMPLAINT_FILE] = "complaint.file",
	[CAP_COMPLAINT_HANDLE] = "complaint.handle",
	[CAP_COMPLAINT_OVERSEE] = "complaint.oversee",
	[CAP_SAMPLING_MANAGE] = "sampling.manage",
	[CAP_INSPECT] = "inspect",
	[CAP_CUSTOMER_RESET] = "customer.reset",
	[CAP_CENTRE_CHECK] = "centre.check",
	[CAP_BOOKING_FOLLOWUP] = "booking.followup",
	[CAP_REVIEW_OVERSEE] = "review.oversee",
};

caps_t role_caps(enum role r)
{
	return r > ROLE_NONE && r < ROLE_COUNT ? roles[r].caps : 0;
}

const char *role_name(enum role r)
{
	return r > ROLE_NONE && r < ROLE_COUNT ? roles[r].name : "";
}

enum role role_parse(const char *s)
{
	for (int r = ROLE_NONE + 1; s && r < ROLE_COUNT; r++)
		if (strcmp(s, roles[r].name) == 0)
			return (enum role)r;
	return ROLE_NONE;
}

const char *role_org_kind(enum role r)
{
	return r > ROLE_NONE && r < ROLE_COUNT ? roles[r].org_kind : NULL;
}

const char *cap_name(enum cap c)
{
	return c < CAP_COUNT ? cap_names[c] : "";
}

int caps_allow(caps_t held, caps_t need)
{
	return (held & need) == need;
}
