/* The workforce's pure rules: GB 11643 numbers, date arithmetic, and "may serve now". */
#include "testutil.h"

#include "util/clock.h"
#include "util/idcard.h"
#include "util/timefmt.h"
#include "workforce/eligibility.h"
#include "workforce/trades.h"
#include "workforce/worker_access.h"
#include "workforce/workers.h"

static void test_idcard(void **state)
{
	(void)state;
	struct idcard c;
	int64_t today = time_days_from_civil(2026, 11, 27);
	assert_true(idcard_parse("110101199003074514", today, &c));
	assert_int_equal(c.year, 1990);
	assert_int_equal(c.month, 3);
	assert_int_equal(c.day, 7);
	assert_true(c.male); /* 451: odd */
	assert_true(idcard_parse("440304198512120023", today, &c));
	assert_false(c.male);
	/* x is the check character 10, upper or lower case */
	char with_x[19] = "11010119900101001";
	with_x[17] = idcard_check_char(with_x);
	with_x[18] = '\0';
	if (with_x[17] == 'X') {
		assert_true(idcard_parse(with_x, today, &c));
		with_x[17] = 'x';
		assert_true(idcard_parse(with_x, today, &c));
		assert_int_equal(c.norm[17], 'X');
	}
	static const char *const bad[] = {
		"110101199003074515",  /* wrong check */
		"11010119900307451",   /* 17 */
		"1101011990030745144", /* 19 */
		"11010119900230451X",  /* 30 February */
		"990101199003074514",  /* no such province */
		"A10101199003074514",
		"110101189903074514",  /* before 1900 */
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(idcard_parse(bad[i], today, NULL));
	/* a date of birth after today */
	char future[19] = "11010120270101001";
	future[17] = idcard_check_char(future);
	future[18] = '\0';
	assert_false(idcard_parse(future, today, NULL));
	assert_true(idcard_parse(future, time_days_from_civil(2027, 1, 1), NULL));
	char m[19];
	idcard_mask("110101199003074514", m);
	assert_string_equal(m, "110**************4");
	struct idcard born;
	assert_true(idcard_parse("110101199003074514", today, &born));
	assert_int_equal(idcard_age(&born, time_days_from_civil(2026, 3, 6)), 35);
	assert_int_equal(idcard_age(&born, time_days_from_civil(2026, 3, 7)), 36);
}

/* How many valid numbers fit what a viewer is shown: the characters of mask that are not '*', the
 * sex, and either the birth date (age < 0: birth, in days since 1970) or the age in whole years on
 * day today. Counted by the check character's weighted sum modulo 11, so no number is enumerated. */
static double candidates(const char *mask, int male, int64_t birth, int age, int64_t today)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char checks[] = "10X98765432";
	/* the region's six digits: the sum's distribution over the combinations the mask allows */
	double region[11] = {0};
	for (int r = 0; r < 1000000; r++) {
		char d[12];
		snprintf(d, sizeof d, "%06d", r);
		int ok = 1, sum = 0;
		for (int i = 0; i < 6 && ok; i++) {
			ok = mask[i] == '*' || mask[i] == d[i];
			sum += (d[i] - '0') * w[i];
		}
		int p = (d[0] - '0') * 10 + (d[1] - '0');
		ok = ok && ((p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) || (p >= 41 && p <= 46) ||
			    (p >= 50 && p <= 54) || (p >= 61 && p <= 65));
		if (ok)
			region[sum % 11] += 1;
	}
	/* the sequence's three digits, the last odd for a man */
	double seq[11] = {0};
	for (int q = 0; q < 1000; q++) {
		char d[12];
		snprintf(d, sizeof d, "%03d", q);
		if (((d[2] - '0') % 2 == 1) != male)
			continue;
		int ok = 1;
		for (int i = 0; i < 3 && ok; i++)
			ok = mask[14 + i] == '*' || mask[14 + i] == d[i];
		if (ok)
			seq[((d[0] - '0') * w[14] + (d[1] - '0') * w[15] + (d[2] - '0') * w[16]) % 11] += 1;
	}
	/* every birth date that fits, with its own part of the sum */
	double total = 0;
	for (int64_t day = today - 120 * 366; day <= today; day++) {
		struct idcard probe;
		char n[19];
		int64_t y, mo, da;
		time_civil_from_days(day, &y, &mo, &da);
		snprintf(n, sizeof n, "110101%04lld%02lld%02lld0010", (long long)y, (long long)mo, (long long)da);
		n[17] = idcard_check_char(n);
		if (!idcard_parse(n, today, &probe))
			continue;
		if (age < 0 ? day != birth : idcard_age(&probe, today) != age)
			continue;
		int ok = 1, sum = 0;
		for (int i = 0; i < 8 && ok; i++) {
			ok = mask[6 + i] == '*' || mask[6 + i] == n[6 + i];
			sum += (n[6 + i] - '0') * w[6 + i];
		}
		if (!ok)
			continue;
		for (int a = 0; a < 11; a++)
			for (int b = 0; b < 11; b++)
				if (mask[17] == '*' || checks[(a + sum + b) % 11] == mask[17])
					total += region[a] * seq[b];
	}
	return total;
}

/* No set of fields a company or the 24-hour team receives (the mask, the sex, the age) narrows a
 * number to fewer than a million: docs/privacy.md, the rule of 11. The birth date beside the mask
 * would; the mask the platform once showed with it gave the number away. */
static void test_no_rebuilding(void **state)
{
	(void)state;
	int64_t today = time_days_from_civil(2026, 12, 3);
	static const char *const people[] = {"110101199003074514", "500101198709219983", "460100200101011239",
					     "65010219610228401X", "33010620050615012X"};
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
		struct idcard c;
		char m[19];
		char n[19];
		str_copy(n, sizeof n, people[i]);
		n[17] = idcard_check_char(n);
		assert_true(idcard_parse(n, today, &c));
		idcard_mask(c.norm, m);
		double shown = candidates(m, c.male, 0, idcard_age(&c, today), today);
		if (shown < 1e6)
			fail_msg("%s: a company sees %s, %s, age %d: %.0f candidates", n, m, c.male ? "male" : "female",
				 idcard_age(&c, today), shown);
		/* the number itself is among them, and the birth date instead of the age would narrow it */
		int64_t birth = time_days_from_civil(c.year, (unsigned)c.month, (unsigned)c.day);
		double dated = candidates(m, c.male, birth, -1, today);
		if (dated >= 1e6)
			fail_msg("%s with the birth date: %.0f (age alone: %.0f)", n, dated, shown);
		assert_true(candidates(c.norm, c.male, birth, -1, today) == 1);
		/* and the six-and-four mask with the birth date, as once returned, gave it away */
		char old[19];
		memcpy(old, c.norm, 19);
		memset(old + 6, '*', 8);
		assert_true(candidates(old, c.male, birth, -1, today) == 1);
	}
}

static void test_names(void **state)
{
	(void)state;
	char out[64];
	worker_mask_name("张秀华", out, sizeof out);
	assert_string_equal(out, "张*华");
	worker_mask_name("张华", out, sizeof out);
	assert_string_equal(out, "张*");
	worker_mask_name("欧阳秀华", out, sizeof out);
	assert_string_equal(out, "欧**华");
	worker_mask_name("张", out, sizeof out);
	assert_string_equal(out, "张");
	assert_int_equal(trade_index("household"), 0);
	assert_int_equal(trade_index("养老护理员"), 3);
	assert_int_equal(trade_index("nurse"), -1);
	assert_int_equal(level_index("三级"), 2);
	assert_int_equal(level_index("技师"), 3);
	assert_int_equal(level_index("senior_technician"), 4);
}

static void test_dates(void **state)
{
	(void)state;
	int64_t d = time_days_from_civil(2026, 1, 31), q;
	char s[11], qs[8];
	time_format_date(time_add_months(d, 1), s);
	assert_string_equal(s, "2026-02-28");
	time_format_date(time_add_months(time_days_from_civil(2024, 1, 31), 1), s);
	assert_string_equal(s, "2024-02-29");
	time_format_date(time_add_months(time_days_from_civil(2026, 11, 15), 12) - 1, s);
	assert_string_equal(s, "2027-11-14");
	int64_t t;
	assert_int_equal(time_parse_iso("2026-12-31T23:59:59+08:00", &t), 0);
	time_format_quarter(time_quarter(t), qs);
	assert_string_equal(qs, "2026-Q4");
	assert_int_equal(time_parse_iso("2026-12-31T16:00:00Z", &t), 0); /* midnight in Shanghai */
	time_format_quarter(time_quarter(t), qs);
	assert_string_equal(qs, "2027-Q1");
	int qi;
	assert_int_equal(time_parse_quarter("2027-Q1", &qi), 0);
	assert_int_equal(time_quarter_start(qi), t);
	assert_int_equal(time_parse_quarter("2027-Q5", &qi), -1);
	assert_int_equal(time_parse_quarter("27-Q1", &qi), -1);
	q = time_local_days(t);
	time_format_date(q, s);
	assert_string_equal(s, "2027-01-01");
}

/* A worker with everything in order at instant `at`, for the trade household. */
static struct elig_facts good(int64_t at)
{
	struct elig_facts f = {0};
	f.employed = 1;
	f.trades_mask = 1;
	f.identity_ok = 1;
	f.background = f.health = f.insurance = 1;
	f.background_until = f.health_until = f.insurance_until = at + 200 * 86400;
	f.safety_mask = SAFETY_ALL;
	f.refresher_q1 = time_quarter(at);
	f.cert = 1;
	f.cert_from = at - 100 * 86400;
	f.cert_until = at + 200 * 86400;
	f.first_cert_q = time_quarter(f.cert_from);
	return f;
}

static const struct standards sd = {.health_valid_months = 12, .background_valid_months = 12,
				    .refresher_grace_days = 30, .lapse_warning_days = 30, .training_pass_target = 98};

/* Judges and returns the first reason, or "" when green. */
static const char *judge(const struct elig_facts *f, int trade, int64_t at, enum elig_status expect)
{
	static struct elig_result r;
	elig_compute(f, trade, at, &sd, ELIG_FOR_SERVICE, &r);
	if (r.status != expect)
		fail_msg("expected status %d, got %d (%s)", expect, r.status, r.n ? r.r[0].code : "-");
	return r.n ? r.r[0].code : "";
}

static void test_rule(void **state)
{
	(void)state;
	int64_t at;
	assert_int_equal(time_parse_iso("2026-11-27T10:00:00+08:00", &at), 0);
	struct elig_facts f = good(at);
	assert_string_equal(judge(&f, 0, at, ELIG_GREEN), "");

	/* each rule of DOMAIN rule 1 on its own */
	static const struct {
		const char *code;
		enum elig_status status;
	} cases[] = {
		{"worker_revoked", ELIG_RED},        {"worker_suspended", ELIG_RED},
		{"not_employed", ELIG_RED},          {"trade_not_registered", ELIG_RED},
		{"identity_unverified", ELIG_RED},   {"background_missing", ELIG_RED},
		{"background_failed", ELIG_RED},     {"background_expired", ELIG_RED},
		{"background_expiring", ELIG_YELLOW}, {"health_missing", ELIG_RED},
		{"health_failed", ELIG_RED},         {"health_expired", ELIG_RED},
		{"health_expiring", ELIG_YELLOW},    {"insurance_missing", ELIG_RED},
		{"insurance_failed", ELIG_RED},      {"insurance_expired", ELIG_RED},
		{"insurance_expiring", ELIG_YELLOW}, {"certificate_missing", ELIG_RED},
		{"certificate_missing", ELIG_RED},   {"certificate_revoked", ELIG_RED},
		{"certificate_expired", ELIG_RED},   {"certificate_expiring", ELIG_YELLOW},
		{"safety_training_missing", ELIG_RED}, {"training_failed", ELIG_RED},
		{"training_failed", ELIG_RED},       {"refresher_missing", ELIG_RED},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		f = good(at);
		switch (i) {
		case 0: f.revoked = 1; break;
		case 1: f.suspended_until = at + 1; break;
		case 2: f.employed = 0; break;
		case 3: f.trades_mask = 2; break;
		case 4: f.identity_ok = 0; break;
		case 5: f.background = 0; break;
		case 6: f.background = 2; break;
		case 7: f.background_until = at; break;
		case 8: f.background_until = at + 86400; break;
		case 9: f.health = 0; break;
		case 10: f.health = 2; break;
		case 11: f.health_until = at - 1; break;
		case 12: f.health_until = at + 30 * 86400; break;
		case 13: f.insurance = 0; break;
		case 14: f.insurance = 2; break;
		case 15: f.insurance_until = at; break;
		case 16: f.insurance_until = at + 10; break;
		case 17: f.cert = 0; break;
		case 18: f.cert_from = at + 1; break;  /* not yet begun */
		case 19: f.cert = 2; break;
		case 20: f.cert_until = at; break;
		case 21: f.cert_until = at + 5 * 86400; break;
		case 22: f.safety_mask = SAFETY_FIRE; break;
		case 23: f.fail_mask = 1; break;
		case 24: f.fail_general = 1; break;
		case 25: f.refresher_q1 = time_quarter(at) - 1; break;
		}
		const char *code = judge(&f, 0, at, cases[i].status);
		if (strcmp(code, cases[i].code) != 0)
			fail_msg("case %zu: expected %s, got %s", i, cases[i].code, code);
	}

	/* failing another trade's course does not block this one */
	f = good(at);
	f.fail_mask = 2;
	assert_string_equal(judge(&f, 0, at, ELIG_GREEN), "");

	/* the safety detail names what is missing */
	struct elig_result r;
	f = good(at);
	f.safety_mask = SAFETY_FIRST_AID;
	elig_compute(&f, 0, at, &sd, ELIG_FOR_SERVICE, &r);
	assert_string_equal(r.r[0].detail, "safety_fire,safety_protection");

	/* the refresher: in the grace period last quarter's pass will do, with a warning */
	int64_t q4 = time_quarter_start(time_quarter(at));
	f = good(q4 + 5 * 86400);
	f.refresher_q1 = time_quarter(q4) - 1;
	elig_compute(&f, 0, q4 + 5 * 86400, &sd, ELIG_FOR_SERVICE, &r);
	assert_int_equal(r.status, ELIG_YELLOW);
	assert_string_equal(r.r[0].code, "refresher_due");
	char day[11];
	time_format_date(r.r[0].date, day);
	assert_string_equal(day, "2026-10-30"); /* 1 October + 30 days, the last day of grace */
	elig_compute(&f, 0, q4 + 30 * 86400, &sd, ELIG_FOR_SERVICE, &r);
	assert_int_equal(r.status, ELIG_RED);
	/* a pass two quarters back is no grace */
	f.refresher_q1 = time_quarter(q4) - 2;
	elig_compute(&f, 0, q4 + 5 * 86400, &sd, ELIG_FOR_SERVICE, &r);
	assert_string_equal(r.r[0].code, "refresher_missing");
	/* the previous-to-latest pass counts too */
	f.refresher_q1 = time_quarter(q4) + 3;
	f.refresher_q2 = time_quarter(q4);
	elig_compute(&f, 0, q4 + 40 * 86400, &sd, ELIG_FOR_SERVICE, &r);
	assert_int_equal(r.status, ELIG_GREEN);

	/* the refresher is owed from the quarter after the first certificate: a worker registered
	 * today, never certified, owes none yet (the missing certificate is what stops them) */
	f = good(at);
	f.cert = 0;
	f.cert_from = f.cert_until = 0;
	f.first_cert_q = 0;
	f.refresher_q1 = f.refresher_q2 = 0;
	elig_compute(&f, 0, at, &sd, ELIG_FOR_SERVICE, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.r[0].code, "certificate_missing");
	/* certified this quarter, no refresher passed: nothing owed this quarter */
	f = good(at);
	f.cert_from = q4 + 10 * 86400;
	f.first_cert_q = time_quarter(q4);
	f.refresher_q1 = f.refresher_q2 = 0;
	assert_string_equal(judge(&f, 0, at, ELIG_GREEN), "");
	/* the quarter after: the first one owed, with the grace period */
	int64_t next = time_quarter_start(time_quarter(q4) + 1);
	elig_compute(&f, 0, next + 5 * 86400, &sd, ELIG_FOR_SERVICE, &r);
	assert_int_equal(r.status, ELIG_YELLOW);
	assert_string_equal(r.r[0].code, "refresher_due");
	time_format_date(r.r[0].date, day);
	assert_string_equal(day, "2027-01-30");
	assert_string_equal(judge(&f, 0, next + 30 * 86400, ELIG_RED), "refresher_missing");
	/* and a quarter later, with none passed in between, no grace */
	int64_t later = time_quarter_start(time_quarter(q4) + 2);
	assert_string_equal(judge(&f, 0, later + 86400, ELIG_RED), "refresher_missing");
	/* passed in the first quarter owed: in order then, and in grace the next */
	f.refresher_q1 = time_quarter(next);
	assert_string_equal(judge(&f, 0, next + 60 * 86400, ELIG_GREEN), "");
	assert_string_equal(judge(&f, 0, later + 86400, ELIG_YELLOW), "refresher_due");
	/* the first certificate counts, not the current one: a renewed certificate owes as before */
	f = good(at);
	f.cert_from = q4 + 10 * 86400;
	f.first_cert_q = time_quarter(q4) - 4;
	f.refresher_q1 = f.refresher_q2 = 0;
	assert_string_equal(judge(&f, 0, at, ELIG_RED), "refresher_missing");

	/* several reasons at once, red beats yellow, all are listed */
	f = good(at);
	f.health_until = at + 86400;
	f.identity_ok = 0;
	elig_compute(&f, 0, at, &sd, ELIG_FOR_SERVICE, &r);
	assert_int_equal(r.status, ELIG_RED);
	assert_int_equal(r.n, 2);

	/* for a certificate the certificate itself, the employer and the refresher do not count */
	f = good(at);
	f.cert = 0;
	f.employed = 0;
	f.refresher_q1 = 0;
	elig_compute(&f, 0, at, &sd, ELIG_FOR_CERTIFICATE, &r);
	assert_int_equal(r.status, ELIG_GREEN);

	/* a warning window of 0 days never warns */
	struct standards none = sd;
	none.lapse_warning_days = 0;
	f = good(at);
	f.health_until = at + 3600;
	elig_compute(&f, 0, at, &none, ELIG_FOR_SERVICE, &r);
	assert_int_equal(r.status, ELIG_GREEN);
}

static uint64_t xs = 0x243F6A8885A308D3ull;

static int64_t rnd_below(int64_t n)
{
	xs ^= xs << 13;
	xs ^= xs >> 7;
	xs ^= xs << 17;
	return (int64_t)(xs % (uint64_t)n);
}

/* The window search reads and the rule agree, for any facts, at any time from the window's
 * refresher quarter on. */
static void test_window_is_the_rule(void **state)
{
	(void)state;
	int64_t base;
	assert_int_equal(time_parse_iso("2026-11-27T10:00:00+08:00", &base), 0);
	int q = time_quarter(base);
	for (int round = 0; round < 20000; round++) {
#define R(n) rnd_below(n)
		struct elig_facts f = good(base);
		f.revoked = R(40) == 0;
		f.employed = R(40) != 0;
		f.trades_mask = R(10) ? 1 : 2;
		f.identity_ok = R(40) != 0;
		f.background = R(30) ? 1 : (int)R(3);
		f.health = R(30) ? 1 : (int)R(3);
		f.insurance = R(30) ? 1 : (int)R(3);
		f.background_until = R(8) ? base + (R(800) - 200) * 86400 : 0;
		f.health_until = base + (R(800) - 200) * 86400;
		f.insurance_until = base + (R(800) - 200) * 86400;
		f.cert = R(20) ? 1 : (int)R(3);
		f.cert_from = base + (R(400) - 300) * 86400;
		f.cert_until = f.cert_from + R(500) * 86400;
		f.safety_mask = R(20) ? SAFETY_ALL : (unsigned)R(8);
		f.fail_mask = R(30) ? 0 : 1;
		f.fail_general = R(40) == 0;
		f.suspended_until = R(10) ? 0 : base + (R(200) - 100) * 86400;
		f.refresher_q1 = R(20) ? q + (int)R(3) - 1 : 0;
		f.refresher_q2 = R(2) ? f.refresher_q1 - 1 : f.refresher_q1 - 1 - (int)R(3);
		f.first_cert_q = time_quarter(f.cert_from) - (R(3) ? 0 : (int)R(6));
		struct standards st = sd;
		st.refresher_grace_days = (int)R(60);
		struct elig_window w;
		int has = elig_window(&f, 0, &w);
		/* before the latest run of quarters in order the worker may have been in order too */
		int qlo = f.refresher_q2 == f.refresher_q1 - 1 ? f.refresher_q2 : f.refresher_q1;
		int64_t run_from = f.refresher_q1 > f.first_cert_q && qlo - 1 > f.first_cert_q ? time_quarter_start(qlo) : 0;
		for (int k = 0; k < 10; k++) {
			int64_t t = base + (R(900) - 300) * 86400 + R(86400);
			if (t < run_from)
				continue;
			struct elig_result r;
			elig_compute(&f, 0, t, &st, ELIG_FOR_SERVICE, &r);
			int inside = has && w.from <= t && t < elig_window_end(&w, &st);
			if (inside != (r.status != ELIG_RED))
				fail_msg("round %d: window [%lld, %lld) says %d at %lld, the rule says %s (%s)", round,
					 (long long)w.from, (long long)elig_window_end(&w, &st), inside, (long long)t,
					 elig_status_name(r.status), r.n ? r.r[0].code : "-");
		}
#undef R
	}
}

/* Whether result r names code. */
static int names(const struct elig_result *r, const char *code)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->r[i].code, code) == 0)
			return 1;
	return 0;
}

/* "May serve" over a whole window: red when anything lapses or falls due inside it, and the
 * span's judgement agrees with the rule at every hour of the window. */
static void test_span(void **state)
{
	(void)state;
	int64_t at;
	assert_int_equal(time_parse_iso("2026-11-27T10:00:00+08:00", &at), 0);
	struct elig_result r;
	struct elig_facts f = good(at);
	/* a 30-day booking, the certificate lapsing on its tenth day: green at the start, red over it */
	f.cert_until = at + 9 * 86400;
	elig_compute(&f, 0, at, &sd, ELIG_FOR_SERVICE, &r);
	assert_int_not_equal(r.status, ELIG_RED);
	elig_compute_span(&f, 0, at, at + 30 * 86400, &sd, ELIG_FOR_SERVICE, &r);
	assert_int_equal(r.status, ELIG_RED);
	assert_true(names(&r, "certificate_expired"));
	/* a window that ends before the lapse is not touched by it */
	elig_compute_span(&f, 0, at, at + 9 * 86400, &sd, ELIG_FOR_SERVICE, &r);
	assert_int_not_equal(r.status, ELIG_RED);
	/* the health examination, the insurance, the background check the same */
	f = good(at);
	f.health_until = at + 3600;
	elig_compute_span(&f, 0, at, at + 7200, &sd, ELIG_FOR_SERVICE, &r);
	assert_true(names(&r, "health_expired"));
	f = good(at);
	f.insurance_until = at + 86400;
	elig_compute_span(&f, 0, at, at + 2 * 86400, &sd, ELIG_FOR_SERVICE, &r);
	assert_true(names(&r, "insurance_expired"));
	/* a window reaching past the next quarter's grace period without its refresher */
	f = good(at);
	int64_t next_q = time_quarter_start(time_quarter(at) + 1);
	elig_compute_span(&f, 0, next_q + 5 * 86400, next_q + 35 * 86400, &sd, ELIG_FOR_SERVICE, &r);
	assert_true(names(&r, "refresher_missing"));
	/* a suspension that ends inside the window is red from its start */
	f = good(at);
	f.suspended_until = at + 3600;
	elig_compute_span(&f, 0, at, at + 7200, &sd, ELIG_FOR_SERVICE, &r);
	assert_true(names(&r, "worker_suspended"));

	/* the span is red exactly when the rule is red at some hour inside it */
	uint64_t seed = 7;
	for (int round = 0; round < 3000; round++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		uint64_t x = seed >> 20;
		f = good(at);
		f.cert_until = at + (int64_t)(x % 40) * 86400 + 3600 * (int64_t)((x >> 8) % 24);
		f.health_until = at + (int64_t)((x >> 12) % 60) * 86400;
		f.insurance_until = at + (int64_t)((x >> 18) % 90) * 86400 + 1800;
		f.refresher_q1 = time_quarter(at) - (int)((x >> 24) % 2);
		int64_t start = at + (int64_t)((x >> 26) % 20) * 86400, end = start + 3600 * (int64_t)(1 + (x >> 31) % 700);
		elig_compute_span(&f, 0, start, end, &sd, ELIG_FOR_SERVICE, &r);
		int red = 0;
		for (int64_t t = start; t < end && !red; t += 1800) {
			struct elig_result one;
			elig_compute(&f, 0, t, &sd, ELIG_FOR_SERVICE, &one);
			red = one.status == ELIG_RED;
		}
		struct elig_result last;
		elig_compute(&f, 0, end - 1, &sd, ELIG_FOR_SERVICE, &last);
		red |= last.status == ELIG_RED;
		if (red != (r.status == ELIG_RED))
			fail_msg("round %d: the span says %d, the hours say %d", round, r.status == ELIG_RED, red);
	}
}

/* Experience counts from the sixteenth birthday, and not from the future. */
static void test_experience(void **state)
{
	(void)state;
	int64_t today = time_days_from_civil(2026, 11, 27);
	/* born in 1969: no experience from 1970 */
	assert_int_equal(worker_experience_check(1969, 5, 1, time_days_from_civil(1970, 1, 1), today), -1);
	assert_int_equal(worker_experience_check(1969, 5, 1, time_days_from_civil(1985, 4, 30), today), -1);
	assert_int_equal(worker_experience_check(1969, 5, 1, time_days_from_civil(1985, 5, 1), today), 0);
	assert_int_equal(worker_experience_check(1969, 5, 1, today, today), 0);
	assert_int_equal(worker_experience_check(1969, 5, 1, today + 1, today), -2);
	/* born on 29 February: sixteen on 1 March of a common year */
	assert_int_equal(worker_experience_check(2000, 2, 29, time_days_from_civil(2016, 2, 29), today), 0);
	assert_int_equal(worker_experience_check(2004, 2, 29, time_days_from_civil(2020, 2, 28), today), -1);
	assert_int_equal(worker_experience_check(2003, 2, 28, time_days_from_civil(2019, 2, 28), today), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idcard), cmocka_unit_test(test_no_rebuilding), cmocka_unit_test(test_names),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_rule), cmocka_unit_test(test_window_is_the_rule),
		cmocka_unit_test(test_span), cmocka_unit_test(test_experience),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
