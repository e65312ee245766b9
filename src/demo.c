/* demo.c — 杭州: the city's housekeeping association with its 24-hour customer-service team, six
 * companies in six districts, a training school, an inspection body, users in every role and the
 * households who book; then the parts that live beside their capability, in order: the workforce
 * (workforce/demo.c), services (services/demo.c), complaints and spot checks (rights/demo.c) and
 * personal data (privacy/demo.c). Everything is written through the same functions the API uses,
 * so the audit chain covers it. */
#include "demo.h"
#include "demo_world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anjia.h"
#include "auth/checkpoints.h"
#include "auth/password.h"
#include "orgs.h"
#include "store/store.h"
#include "users.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "util/uscc.h"

static const char *pick(uint64_t *s, const char *const *list, size_t n)
{
	return list[demo_next(s) % n];
}

/* A credit code: registering authority, category, division, then an organisation code with its
 * own GB 11714 check character, then the GB 32100 check character. */
static void make_uscc(uint64_t *s, const char *authority, const char *division, char out[19])
{
	static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
	char code[9];
	int sum = 0;
	for (int i = 0; i < 8; i++) {
		int v = (int)(demo_next(s) % 10);
		code[i] = (char)('0' + v);
		sum += v * w[i];
	}
	int c = 11 - sum % 11;
	code[8] = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
	snprintf(out, 19, "%s%s%.9s", authority, division, code);
	out[17] = uscc_check_char(out);
	out[18] = '\0';
}

const char *const demo_surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
				       "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗"};
const size_t demo_surname_count = sizeof demo_surnames / sizeof *demo_surnames;
static const char *const given[] = {"秀英", "桂兰", "丽娟", "建华", "海燕", "玉梅", "志强", "晓燕",
				    "春梅", "国平", "红霞", "文静", "小芳", "雪梅", "永红", "美玲",
				    "淑珍", "卫东", "金凤", "慧敏"};

struct demo_org {
	const char *kind, *name, *authority, *division, *district;
	int64_t id;
};

static struct demo_org orgs[] = {
	{"association", "杭州市家庭服务业协会", "51", "330100", "上城区", 0},
	{"company", "杭州安心家政服务有限公司", "91", "330102", "上城区", 0},
	{"company", "杭州巧手家政服务有限公司", "91", "330105", "拱墅区", 0},
	{"company", "杭州贝贝母婴护理服务有限公司", "91", "330106", "西湖区", 0},
	{"company", "杭州福寿居家养老服务有限公司", "91", "330108", "滨江区", 0},
	{"company", "杭州洁美保洁服务有限公司", "91", "330109", "萧山区", 0},
	{"company", "杭州好邻居家庭服务有限公司", "91", "330110", "余杭区", 0},
	{"training", "杭州市家政职业技能培训学校", "52", "330100", "拱墅区", 0},
	{"inspection", "浙江诚信服务质量评价有限公司", "91", "330106", "西湖区", 0},
};

enum { ASSOC = 0, CO1 = 1, TRAINING = 7, INSPECTION = 8 };

struct demo_user {
	const char *login, *name, *role;
	int org;            /* index into orgs, -1 for none */
};

/* the logins the README and the tests name; the rest get names from the seed */
static const struct demo_user fixed_users[] = {
	{"admin", "王建国", "association_admin", ASSOC},
	{"cs1", "李娜", "cs_agent", ASSOC},
	{"company1", "陈明", "company_admin", CO1},
	{"staff1", "刘芳", "company_staff", CO1},
	{"trainer1", "赵丽", "trainer", TRAINING},
	{"inspector1", "孙强", "inspector", INSPECTION},
	{"worker1", "张秀华", "worker", CO1},
	{"customer1", "周婷", "customer", -1},
};

/* the demo's people, for acting as them: the association admin, each company's admin, the trainer */
static struct actor admin_actor, trainer_actor, company_actor[ARRAY_LEN(orgs)];
static int64_t worker_user[7]; /* worker1..worker6 */
#define MAX_CUSTOMERS 20000
/* the households have been customers since the platform opened (a review's signal "new account"
 * is about accounts opened just before their booking): their accounts are dated then */
#define CUSTOMERS_SINCE(today) (time_day_start((today) - 400) + 10 * 3600)
static struct actor customer_actor[MAX_CUSTOMERS];
static char customer_label[MAX_CUSTOMERS][16];
static int n_customers;

static int add_user(struct store *s, const struct actor *a, const char *login, const char *name,
		    const char *role, int org, const char *password)
{
	char hash[PASSWORD_HASH_LEN];
	struct fault f = {0};
	int64_t id;
	if (password_hash(password, hash) != 0)
		return AJ_ESTORE;
	struct user_in in = {login, name, role_parse(role), org >= 0 ? orgs[org].id : 0, hash, 0, 0};
	int customer = strcmp(role, "customer") == 0;
	if (customer)
		clock_set(CUSTOMERS_SINCE(time_today()));
	int rc = user_create(s, a, &in, &id, &f);
	if (customer)
		clock_set(0);
	if (rc) {
		fprintf(stderr, "demo: user %s: %s\n", login, f.code ? f.code : "store error");
		return rc;
	}
	/* the logins the workforce history is written by */
	static char labels[ARRAY_LEN(orgs) + 2][16];
	struct actor me = {id, org >= 0 ? orgs[org].id : 0, NULL};
	if (strcmp(login, "admin") == 0) {
		admin_actor = me;
		admin_actor.label = "admin";
	} else if (strcmp(login, "trainer1") == 0) {
		trainer_actor = me;
		trainer_actor.label = "trainer1";
	} else if (strcmp(role, "company_admin") == 0 && org > 0 && org < (int)ARRAY_LEN(orgs) &&
		   !company_actor[org].user_id) {
		str_copy(labels[org], sizeof labels[org], login);
		company_actor[org] = me;
		company_actor[org].label = labels[org];
	} else if (strcmp(role, "worker") == 0 && org >= CO1 && org < CO1 + 6) {
		worker_user[org - CO1 + 1] = id;
	} else if (strcmp(role, "customer") == 0 && n_customers < MAX_CUSTOMERS) {
		str_copy(customer_label[n_customers], sizeof customer_label[0], login);
		customer_actor[n_customers] = me;
		customer_actor[n_customers].label = customer_label[n_customers];
		n_customers++;
	}
	return AJ_OK;
}

/* The households who book: customer1…customer8 sign in; the rest (one per ten workers) are the
 * city's other families, sharing one password hash so that loading stays quick. */
static int demo_households(struct store *s, const struct demo_opts *o, uint64_t *rng)
{
	struct actor a = {0, 0, "demo"};
	char hash[PASSWORD_HASH_LEN];
	int want = o->workers / 10;
	if (want > MAX_CUSTOMERS)
		want = MAX_CUSTOMERS;
	if (n_customers >= want)
		return AJ_OK;
	if (password_hash(o->password, hash) != 0)
		return AJ_ESTORE;
	for (int k = 1; n_customers < want; k++) {
		char login[32], name[32];
		snprintf(login, sizeof login, "family%04d", k);
		snprintf(name, sizeof name, "%s%s", pick(rng, demo_surnames, demo_surname_count),
			 pick(rng, given, ARRAY_LEN(given)));
		struct user_in in = {login, name, ROLE_CUSTOMER, 0, hash, 0, 0};
		struct fault f = {0};
		int64_t id;
		clock_set(CUSTOMERS_SINCE(time_today()));
		int rc = user_create(s, &a, &in, &id, &f);
		clock_set(0);
		if (rc)
			return rc;
		str_copy(customer_label[n_customers], sizeof customer_label[0], login);
		customer_actor[n_customers] = (struct actor){id, 0, customer_label[n_customers]};
		n_customers++;
	}
	return AJ_OK;
}

int demo_load(struct store *s, const struct demo_opts *o)
{
	struct actor a = {0, 0, "demo"};
	uint64_t rng = o->seed ? o->seed : 1;
	int64_t n = 0;
	int rc;
	if ((rc = stmt_one_int(store_sql(s, "SELECT count(*) FROM orgs"), &n)) != AJ_OK)
		return rc;
	if (n > 0)
		return AJ_ECONFLICT;

	for (size_t i = 0; i < ARRAY_LEN(orgs); i++) {
		char code[19];
		struct fault f = {0};
		make_uscc(&rng, orgs[i].authority, orgs[i].division, code);
		struct org_in in = {orgs[i].kind, orgs[i].name, code, orgs[i].district, 0};
		if ((rc = org_create(s, &a, &in, &orgs[i].id, &f)) != AJ_OK) {
			fprintf(stderr, "demo: %s: %s\n", orgs[i].name, f.code ? f.code : "store error");
			return rc;
		}
	}
	for (size_t i = 0; i < ARRAY_LEN(fixed_users); i++) {
		const struct demo_user *u = &fixed_users[i];
		if ((rc = add_user(s, &a, u->login, u->name, u->role, u->org, o->password)) != AJ_OK)
			return rc;
	}
	/* the rest of the 24-hour team, a second association admin, and people in every company */
	static const struct {
		const char *prefix, *role;
		int org, from, to;
	} more[] = {
		{"admin", "association_admin", ASSOC, 2, 2},
		{"cs", "cs_agent", ASSOC, 2, 4},
		{"company", "company_admin", -2, 2, 6},
		{"staff", "company_staff", -2, 2, 6},
		{"worker", "worker", -2, 2, 6},
		{"trainer", "trainer", TRAINING, 2, 2},
		{"inspector", "inspector", INSPECTION, 2, 3},
		{"customer", "customer", -1, 2, 8},
	};
	for (size_t i = 0; i < ARRAY_LEN(more); i++) {
		for (int k = more[i].from; k <= more[i].to; k++) {
			char login[32], name[32];
			snprintf(login, sizeof login, "%s%d", more[i].prefix, k);
			snprintf(name, sizeof name, "%s%s", pick(&rng, demo_surnames, demo_surname_count),
				 pick(&rng, given, ARRAY_LEN(given)));
			/* -2: company k's people */
			int org = more[i].org == -2 ? CO1 + k - 1 : more[i].org;
			if ((rc = add_user(s, &a, login, name, more[i].role, org, o->password)) != AJ_OK)
				return rc;
		}
	}
	struct demo_world dw = {.admin = admin_actor, .trainer = trainer_actor, .training_id = orgs[TRAINING].id,
				.workers = o->workers, .history = o->history};
	for (int i = 0; i < 6; i++) {
		dw.company_id[i] = orgs[CO1 + i].id;
		dw.company_actor[i] = company_actor[CO1 + i];
	}
	memcpy(dw.worker_user, worker_user, sizeof worker_user);
	if ((rc = demo_workforce(s, &dw, &rng)) != AJ_OK)
		return rc;
	if ((rc = demo_households(s, o, &rng)) != AJ_OK)
		return rc;
	dw.customer = customer_actor;
	dw.n_customers = n_customers;
	dw.today = time_today();
	dw.now = clock_now();
	if (o->workers > 0 && (rc = demo_services(s, &dw, &rng)) != AJ_OK)
		return rc;
	if (o->workers > 0 && (rc = demo_complaints(s, &dw, &rng)) != AJ_OK)
		return rc;
	if (o->workers > 0 && (rc = demo_privacy(s, &dw, &rng)) != AJ_OK)
		return rc;
	/* the chain as the demo leaves it, signed, so the public checkpoints have something to show */
	int signed_now = 0;
	if ((rc = checkpoint_sign(s, &a, 0, &signed_now)) != AJ_OK)
		return rc;
	if (!o->quiet) {
		int64_t bookings = 0, reviews = 0;
		stmt_one_int(store_sql(s, "SELECT count(*) FROM bookings"), &bookings);
		stmt_one_int(store_sql(s, "SELECT count(*) FROM reviews"), &reviews);
		printf("demo: %zu organisations, their users, %d workers with their histories, %d households,"
		       " %lld bookings and %lld reviews loaded\n",
		       ARRAY_LEN(orgs), o->workers, n_customers, (long long)bookings, (long long)reviews);
	}
	return AJ_OK;
}
