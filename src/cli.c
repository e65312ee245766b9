/* cli.c — option parsing for each subcommand, and the calls into the modules that do the work. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anjia.h"
#include "app.h"
#include "auth/audit.h"
#include "auth/checkpoints.h"
#include "auth/keys.h"
#include "auth/password.h"
#include "demo.h"
#include "http/pool.h"
#include "http/router.h"
#include "http/schema.h"
#include "http/server.h"
#include "http/static.h"
#include "jobs.h"
#include "orgs.h"
#include "privacy/access.h"
#include "privacy/sealed.h"
#include "store/store.h"
#include "users.h"
#include "util/digest.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/timefmt.h"
#include "workforce/certs.h"
#include "workforce/import.h"

#include <sodium.h>

#define DEFAULT_DB "var/anjia.db"

/* Makes the directory holding path, like mkdir -p of its dirname. */
static int make_parent(const char *path)
{
	char dir[4096];
	if (str_copy(dir, sizeof dir, path))
		return -1;
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(dir, 0750) != 0 && errno != EEXIST ? -1 : 0;
}

enum { DB_MAY_CREATE = 1, DB_MUST_EXIST = 0 };

/* Opens and migrates the database (creating it only when create is set); prints the reason and
 * returns NULL on failure. */
static struct store *open_db(const char *path, int create)
{
	struct store *s = NULL;
	struct stat st;
	int applied = 0;
	char name[512];
	store_name(path, name, sizeof name);
	if (!create && !store_is_server(path) && stat(path, &st) != 0) {
		fprintf(stderr, "anjia: no database at %s\n", name);
		return NULL;
	}
	if (digest_init() != 0) {
		fprintf(stderr, "anjia: libsodium cannot start\n");
		return NULL;
	}
	if (!store_is_server(path) && make_parent(path) != 0) {
		fprintf(stderr, "anjia: cannot create the directory of %s: %s\n", name, strerror(errno));
		return NULL;
	}
	if (store_open(path, &s) != AJ_OK) {
		fprintf(stderr, "anjia: cannot open the database %s\n", name);
		return NULL;
	}
	if (store_migrate(s, &applied) != AJ_OK) {
		fprintf(stderr, "anjia: cannot migrate the database %s\n", name);
		store_close(s);
		return NULL;
	}
	if (applied)
		log_info("database %s migrated to version %d", name, store_schema_version(s));
	return s;
}

static int parse_int_arg(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Parses "+08:00" or "-05:30" into minutes. */
static int parse_offset(const char *s, int *out)
{
	int h, m;
	char sign;
	if (strlen(s) != 6 || sscanf(s, "%c%2d:%2d", &sign, &h, &m) != 3 || (sign != '+' && sign != '-') ||
	    h > 14 || m > 59)
		return -1;
	*out = (sign == '-' ? -1 : 1) * (h * 60 + m);
	return 0;
}

/* Loads the key file (given, or beside the database), creating it the first time. */
static int open_keys(const char *keys, const char *db, struct store *s)
{
	char path[4096];
	if (keys)
		str_copy(path, sizeof path, keys);
	else
		keys_default_path(db, path, sizeof path);
	if (keys_open(path, 1, s) != AJ_OK)
		return -1;
	/* what an older version kept in clear or sealed unbound is sealed now, bound to its row */
	struct actor a = {0, 0, "keys"};
	struct sealed_report rep;
	if (sealed_upgrade(s, &a, &rep) != AJ_OK) {
		fprintf(stderr, "anjia: cannot seal the database's personal fields with the key file %s\n", path);
		return -1;
	}
	if (rep.sealed)
		log_info("sealed %lld personal fields bound to their rows", (long long)rep.sealed);
	return 0;
}

/* The web UI's directory when none was given: web/ here, else web/ beside the program. */
static const char *default_web_dir(char *buf, size_t n)
{
	struct stat st;
	if (stat("web", &st) == 0 && S_ISDIR(st.st_mode))
		return "web";
	ssize_t len = readlink("/proc/self/exe", buf, n - 5);
	if (len <= 0)
		return "web";
	buf[len] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return "web";
	memcpy(slash + 1, "web", 4);
	return buf;
}

/* ---- serve ---- */

/* Fills app's proxies from "ADDR[,ADDR…]"; -1 on anything but numeric addresses, or too many. */
static int parse_proxies(const char *list, struct app *app)
{
	char one[64];
	app->n_proxies = 0;
	for (const char *p = list;; p++) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == 0 || n >= sizeof one || app->n_proxies == APP_MAX_PROXIES)
			return -1;
		memcpy(one, p, n);
		one[n] = '\0';
		if (app_addr_parse(one, &app->proxies[app->n_proxies++]) != 0)
			return -1;
		if (!comma)
			return 0;
		p = comma;
	}
}

static const char serve_usage[] =
	"usage: anjia serve [--db PATH] [--listen ADDR] [--port N] [options]\n"
	"Serves the API and the web UI until SIGTERM or SIGINT; migrates the database first.\n"
	"  --db PATH            SQLite database (default " DEFAULT_DB ")\n"
	"  --listen ADDR        address to bind (default 127.0.0.1)\n"
	"  --port N             port (default 8080; 0 picks a free one)\n"
	"  --web DIR            the web UI's files (default web/ here, else beside the program)\n"
	"  --loops N            event loops (default: one per core)\n"
	"  --workers N          worker threads for slow work (default 2)\n"
	"  --pool-queue N       slow requests that may wait for a worker; more are answered 503 at once\n"
	"                       (default 64)\n"
	"  --access-log FILE    access log: a file, - for stderr (default), or off\n"
	"  --trust-proxy ADDR[,ADDR...]\n"
	"                       the reverse proxy's numeric addresses (at most 8): X-Forwarded-Proto and\n"
	"                       X-Real-IP are believed from these peers alone (behind nginx: 127.0.0.1)\n"
	"  --timeout SECS       idle read/write timeout per connection (default 15)\n"
	"  --request-deadline SECS\n"
	"                       a request's head and body must arrive within SECS of its first byte\n"
	"                       (default 30)\n"
	"  --max-fds N          cap on open descriptors (default 4096)\n"
	"  --utc-offset +HH:MM  zone of times in responses (default +08:00, Asia/Shanghai)\n"
	"  --public-cache-ms N  serve a repeated anonymous public GET from memory for up to N ms while\n"
	"                       nothing was written (default 1000; 0 turns it off)\n"
	"  --keys FILE          the key file (default anjia.keys beside the database; made on first start)\n"
	"  --jobs-interval N    run the deadline job (complaint and claim clocks, rectification orders)\n"
	"                       every N seconds (default 60; 0 leaves it to `anjia jobs run`)\n";

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, 0, 'd'},      {"listen", required_argument, 0, 'l'},
		{"port", required_argument, 0, 'p'},    {"web", required_argument, 0, 'w'},
		{"loops", required_argument, 0, 'L'},   {"workers", required_argument, 0, 'W'},
		{"access-log", required_argument, 0, 'a'}, {"trust-proxy", required_argument, 0, 't'},
		{"pool-queue", required_argument, 0, 'Q'}, {"request-deadline", required_argument, 0, 'D'},
		{"timeout", required_argument, 0, 'T'}, {"max-fds", required_argument, 0, 'F'},
		{"utc-offset", required_argument, 0, 'z'}, {"keys", required_argument, 0, 'k'},
		{"public-cache-ms", required_argument, 0, 'C'}, {"jobs-interval", required_argument, 0, 'J'},
		{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	char web_buf[4096];
	const char *db = DEFAULT_DB, *web = NULL, *access = "-", *keys = NULL;
	struct server_opts so = {"127.0.0.1", 8080, 0, 15, 16384, 4096, 10};
	long v, workers = 2, cache_ms = 1000, jobs_every = 60, pool_queue = 64, deadline = 30;
	struct app app = {0};
	int c, off;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'l': so.listen = optarg; break;
		case 'p':
			if (parse_int_arg(optarg, 0, 65535, &v))
				goto usage;
			so.port = (int)v;
			break;
		case 'w': web = optarg; break;
		case 'L':
			if (parse_int_arg(optarg, 1, 256, &v))
				goto usage;
			so.loops = (int)v;
			break;
		case 'W':
			if (parse_int_arg(optarg, 1, 64, &workers))
				goto usage;
			break;
		case 'a': access = strcmp(optarg, "off") == 0 ? NULL : optarg; break;
		case 't':
			if (parse_proxies(optarg, &app))
				goto usage;
			break;
		case 'Q':
			if (parse_int_arg(optarg, 1, 1 << 20, &pool_queue))
				goto usage;
			break;
		case 'D':
			if (parse_int_arg(optarg, 1, 3600, &deadline))
				goto usage;
			break;
		case 'T':
			if (parse_int_arg(optarg, 1, 3600, &v))
				goto usage;
			so.timeout_secs = (int)v;
			break;
		case 'F':
			if (parse_int_arg(optarg, 64, 1 << 20, &v))
				goto usage;
			so.max_fds = (int)v;
			break;
		case 'z':
			if (parse_offset(optarg, &off))
				goto usage;
			time_set_offset(off);
			break;
		case 'k': keys = optarg; break;
		case 'C':
			if (parse_int_arg(optarg, 0, 60000, &cache_ms))
				goto usage;
			break;
		case 'J':
			if (parse_int_arg(optarg, 0, 86400, &jobs_every))
				goto usage;
			break;
		case 'h': fputs(serve_usage, stdout); return 0;
		default: goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if (!web)
		web = default_web_dir(web_buf, sizeof web_buf);
	if (log_set_access(access) != 0) {
		fprintf(stderr, "anjia: cannot open the access log %s\n", access);
		return 1;
	}
	/* the signals that stop the server are taken by its main thread alone: block them before any
	 * thread starts, so none of the pool's threads can be the one a signal kills */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	struct store *s = open_db(db, DB_MAY_CREATE);
	if (!s || open_keys(keys, db, s) != 0) {
		store_close(s);
		return 1;
	}
	store_close(s);

	app.db_path = db;
	app.public_cache_ms = (int)cache_ms;
	app.request_deadline_secs = (int)deadline;
	/* requests are refused by their declared length before their body is read; libevent's own cap
	 * stays as a backstop at the largest limit of any route */
	app.body_cap = router_body_max();
	app.web = web_load(web);
	if (!app.web) {
		fprintf(stderr, "anjia: cannot read the web UI in %s\n", web);
		return 1;
	}
	app.pool = pool_new((int)workers, (int)pool_queue, db);
	if (!app.pool) {
		fprintf(stderr, "anjia: cannot open the database for the worker pool\n");
		web_free(app.web);
		return 1;
	}
	if (access_writer_start(db) != AJ_OK)
		log_warn("the access log's writer could not start; reads are recorded one by one");
	struct jobs *jobs = jobs_every ? jobs_start(db, (int)jobs_every) : NULL;
	if (jobs_every && !jobs)
		log_warn("the deadline job could not start; run `anjia jobs run` from cron");
	int rc = server_run(&app, &so);
	jobs_stop(jobs);
	/* after the last request: what the writer holds is written before the database closes */
	access_writer_stop();
	pool_free(app.pool);
	web_free(app.web);
	log_info("stopped");
	return rc == 0 ? 0 : 1;
usage:
	fputs(serve_usage, stderr);
	return 2;
}

/* ---- migrate ---- */

static const char migrate_usage[] =
	"usage: anjia migrate [--db PATH]\n"
	"Creates the database if need be and applies every schema migration not yet applied.\n";

/* Parses the one common option, --db; returns -1 after printing usage, 1 after --help. */
static int parse_db_only(int argc, char **argv, const char *usage, const char **db)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd') {
			*db = optarg;
		} else if (c == 'h') {
			fputs(usage, stdout);
			return 1;
		} else {
			fputs(usage, stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return -1;
	}
	return 0;
}

int cmd_migrate(int argc, char **argv)
{
	const char *db = DEFAULT_DB;
	int p = parse_db_only(argc, argv, migrate_usage, &db);
	if (p)
		return p > 0 ? 0 : 2;
	struct store *s = open_db(db, DB_MAY_CREATE);
	if (!s)
		return 1;
	char name[512];
	printf("%s: schema version %d\n", store_name(db, name, sizeof name), store_schema_version(s));
	store_close(s);
	return 0;
}

/* ---- demo ---- */

static const char demo_usage[] =
	"usage: anjia demo [--db PATH] [--password PW] [--seed N] [--keys FILE] [--workers N]\n"
	"                  [--past-bookings N] [--scale large]\n"
	"Loads a believable industry in one city into an empty database: the association and its\n"
	"24-hour customer-service team, companies, a training school, an inspection body and users\n"
	"in every role (admin, cs1, company1, staff1, trainer1, inspector1, worker1, customer1, …),\n"
	"all with password PW (default anjia-demo-2026), and N workers (default 2000) with their\n"
	"checks, training histories and certificates, the service catalog, and six months of bookings\n"
	"and reviews lived through step by step. --past-bookings N writes N past bookings whole, each\n"
	"reviewed, instead; --scale large is the benchmark's industry: --workers 100000\n"
	"--past-bookings 1000000.\n";

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, 0, 'd'}, {"password", required_argument, 0, 'p'},
		{"seed", required_argument, 0, 's'}, {"keys", required_argument, 0, 'k'},
		{"workers", required_argument, 0, 'w'}, {"scale", required_argument, 0, 'S'},
		{"past-bookings", required_argument, 0, 'B'},
		{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *db = DEFAULT_DB, *code, *keys = NULL;
	struct demo_opts o = {"anjia-demo-2026", 1, 0, 2000, 0};
	long v;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'p': o.password = optarg; break;
		case 's':
			if (parse_int_arg(optarg, 0, 2147483647L, &v))
				goto usage;
			o.seed = (uint64_t)v;
			break;
		case 'k': keys = optarg; break;
		case 'w':
			if (parse_int_arg(optarg, 0, 1000000, &v))
				goto usage;
			o.workers = (int)v;
			break;
		case 'B':
			if (parse_int_arg(optarg, 0, 100000000, &v))
				goto usage;
			o.history = v;
			break;
		case 'S':
			if (strcmp(optarg, "large") != 0)
				goto usage;
			o.workers = 100000;
			o.history = 1000000;
			break;
		case 'h': fputs(demo_usage, stdout); return 0;
		default: goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if (password_check(o.password, &code) != 0) {
		fprintf(stderr, "anjia: the demo password breaks a rule: %s\n", code);
		return 2;
	}
	struct store *s = open_db(db, DB_MAY_CREATE);
	if (!s || open_keys(keys, db, s) != 0) {
		store_close(s);
		return 1;
	}
	int rc = demo_load(s, &o);
	store_close(s);
	char name[512];
	if (rc == AJ_ECONFLICT)
		fprintf(stderr, "anjia: %s already holds data; the demo loads only into an empty database\n",
			store_name(db, name, sizeof name));
	return rc == AJ_OK ? 0 : 1;
usage:
	fputs(demo_usage, stderr);
	return 2;
}

/* ---- user add ---- */

static const char user_usage[] =
	"usage: anjia user add [--db PATH] --role ROLE --login L --password-file F [--org ORG] [--name NAME]\n"
	"Creates a user. ORG is an organisation's id or exact name (customers have none).\n"
	"Roles: association_admin cs_agent company_admin company_staff trainer inspector worker customer.\n"
	"The password is the first line of F (12 to 128 characters).\n";

/* Reads the first line of path into a new string; NULL when unreadable or empty. */
static char *read_first_line(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f)
		return NULL;
	char buf[1100];
	char *line = fgets(buf, sizeof buf, f) ? xstrdup(buf) : NULL;
	if (f != stdin)
		fclose(f);
	if (line)
		line[strcspn(line, "\r\n")] = '\0';
	if (line && !*line) {
		free(line);
		line = NULL;
	}
	return line;
}

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, 0, 'd'},   {"org", required_argument, 0, 'o'},
		{"role", required_argument, 0, 'r'}, {"login", required_argument, 0, 'l'},
		{"password-file", required_argument, 0, 'p'}, {"name", required_argument, 0, 'n'},
		{"help", no_argument, 0, 'h'},       {0, 0, 0, 0}};
	const char *db = DEFAULT_DB, *org = NULL, *role = NULL, *login = NULL, *pwfile = NULL, *name = NULL;
	const char *code;
	int c;
	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
			fputs(user_usage, stdout);
			return 0;
		}
		fputs(user_usage, stderr);
		return 2;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'o': org = optarg; break;
		case 'r': role = optarg; break;
		case 'l': login = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'n': name = optarg; break;
		case 'h': fputs(user_usage, stdout); return 0;
		default: fputs(user_usage, stderr); return 2;
		}
	}
	if (optind != argc || !role || !login || !pwfile) {
		fputs(user_usage, stderr);
		return 2;
	}
	enum role r = role_parse(role);
	char lname[65];
	if (r == ROLE_NONE) {
		fprintf(stderr, "anjia: no such role: %s\n", role);
		return 2;
	}
	if (user_login_normalise(login, lname) != 0 || !user_login_valid(lname)) {
		fprintf(stderr, "anjia: a login is 3 to 64 letters, digits, '.', '_' or '-'\n");
		return 2;
	}
	char *pw = read_first_line(pwfile);
	if (!pw) {
		fprintf(stderr, "anjia: cannot read a password from %s\n", pwfile);
		return 2;
	}
	if (password_check(pw, &code) != 0) {
		fprintf(stderr, "anjia: the password breaks a rule: %s\n", code);
		password_free(pw);
		return 2;
	}
	struct store *s = open_db(db, DB_MUST_EXIST);
	int rc = 1;
	char hash[PASSWORD_HASH_LEN];
	if (!s)
		goto out;
	struct user_in in = {lname, name ? name : lname, r, 0, hash, 0, 0};
	if (org && org_find(s, org, &in.org_id, NULL) != AJ_OK) {
		fprintf(stderr, "anjia: no such organisation: %s\n", org);
		goto out;
	}
	if (password_hash(pw, hash) != 0) {
		fprintf(stderr, "anjia: cannot hash the password\n");
		goto out;
	}
	struct actor a = {0, 0, "cli"};
	struct fault f = {0};
	int64_t id;
	if (user_create(s, &a, &in, &id, &f) != AJ_OK) {
		fprintf(stderr, "anjia: cannot create the user: %s%s%s\n", f.code ? f.code : "store error",
			f.field ? " " : "", f.field ? f.field : "");
		goto out;
	}
	printf("user %s created (id %lld, role %s)\n", lname, (long long)id, role);
	rc = 0;
out:
	store_close(s);
	password_free(pw);
	return rc;
}

/* ---- org add ---- */

static const char org_usage[] =
	"usage: anjia org add [--db PATH] --kind KIND --name NAME [--uscc CODE] [--district D]\n"
	"Registers an organisation. KIND is association, company, training or inspection; a company\n"
	"needs its unified social credit code (GB 32100).\n";

int cmd_org(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, 0, 'd'},   {"kind", required_argument, 0, 'k'},
		{"name", required_argument, 0, 'n'}, {"uscc", required_argument, 0, 'u'},
		{"district", required_argument, 0, 's'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *db = DEFAULT_DB;
	struct org_in in = {0};
	int c;
	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		int help = argc >= 2 && strcmp(argv[1], "--help") == 0;
		fputs(org_usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'k': in.kind = optarg; break;
		case 'n': in.name = optarg; break;
		case 'u': in.uscc = optarg; break;
		case 's': in.district = optarg; break;
		case 'h': fputs(org_usage, stdout); return 0;
		default: fputs(org_usage, stderr); return 2;
		}
	}
	if (optind != argc || !in.kind || !in.name ||
	    (strcmp(in.kind, "association") && strcmp(in.kind, "company") &&
	     strcmp(in.kind, "training") && strcmp(in.kind, "inspection"))) {
		fputs(org_usage, stderr);
		return 2;
	}
	/* registering the association is the first step of a new installation: it may create the file */
	struct store *s = open_db(db, DB_MAY_CREATE);
	if (!s)
		return 1;
	struct actor a = {0, 0, "cli"};
	struct fault f = {0};
	int64_t id;
	int rc = org_create(s, &a, &in, &id, &f);
	store_close(s);
	if (rc != AJ_OK) {
		fprintf(stderr, "anjia: cannot register the organisation: %s\n", f.code ? f.code : "store error");
		return 1;
	}
	printf("organisation %s registered (id %lld)\n", in.name, (long long)id);
	return 0;
}

/* ---- audit verify ---- */

static const char audit_usage[] =
	"usage: anjia audit verify [--db PATH] [--keys FILE | --public-key KEY] [--checkpoints FILE]\n"
	"Checks the audit chain, and the signed checkpoints the database keeps against it: exits 0 and\n"
	"prints the count when it is intact, 1 naming the first bad record (or checkpoint) when any\n"
	"record was altered or removed. The checkpoints' signatures are checked with the public key of\n"
	"the key file (default anjia.keys beside the database) or KEY (base64url, as GET\n"
	"/api/public/keys publishes it). --checkpoints FILE also checks checkpoints saved earlier from\n"
	"GET /api/public/audit/checkpoints (the answer, or an array of its items; - reads standard\n"
	"input): each must carry the key's signature, and the chain must still have, at its record, the\n"
	"hash it signed.\n";

static char *read_file(const char *path, size_t max, size_t *len);

/* Reads the public key: KEY given, or the key file's (given, or beside the database). 0, 1 when
 * no key could be read (having said why when one was asked for), or 2 for a malformed KEY. */
static int audit_public_key(const char *pub, const char *keys, const char *db, unsigned char pk[32])
{
	char kid[KEYS_KID_LEN], path[4096];
	size_t n = 0;
	if (pub) {
		if (sodium_base642bin(pk, 32, pub, strlen(pub), NULL, &n, NULL,
				      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || n != 32) {
			fprintf(stderr, "anjia: --public-key must be 32 bytes in base64url\n");
			return 2;
		}
		return 0;
	}
	if (keys)
		str_copy(path, sizeof path, keys);
	else
		keys_default_path(db, path, sizeof path);
	if (keys_read_public(path, pk, kid) == 0)
		return 0;
	if (keys)
		fprintf(stderr, "anjia: cannot read a public key from %s\n", path);
	return 1;
}

/* Judges each saved checkpoint against the chain and prints what it found; the number that fail,
 * or -1 when the store could not be read. */
static int audit_saved(struct store *s, const struct checkpoint *cps, size_t n, const unsigned char pk[32])
{
	char kid[KEYS_KID_LEN], when[TIME_ISO_LEN];
	int failed = 0;
	keys_kid_of(pk, kid);
	for (size_t i = 0; i < n; i++) {
		const struct checkpoint *c = &cps[i];
		int v = checkpoint_judge(s, c, pk, 1);
		if (v < 0)
			return -1;
		time_format_iso(c->at, when);
		printf("checkpoint %lld (record %lld, %s): ", (long long)c->id, (long long)c->record_id, when);
		switch (v) {
		case CHECKPOINT_MATCHES: printf("matches\n"); break;
		case CHECKPOINT_FORGED:
			printf("FORGED: not a valid signature of key %s\n", kid);
			break;
		case CHECKPOINT_MISSING:
			printf("MISMATCH: the chain no longer has record %lld\n", (long long)c->record_id);
			break;
		case CHECKPOINT_DIFFERS:
			printf("MISMATCH: record %lld no longer has the hash signed (%.16s…): history up to it was"
			       " rewritten\n", (long long)c->record_id, c->hash);
			break;
		default:
			printf("MISMATCH: genuine and matching, but removed from the database's own checkpoints\n");
			break;
		}
		failed += v != CHECKPOINT_MATCHES;
	}
	return failed;
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, 0, 'd'}, {"keys", required_argument, 0, 'k'},
		{"public-key", required_argument, 0, 'p'}, {"checkpoints", required_argument, 0, 'c'},
		{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *db = DEFAULT_DB, *keys = NULL, *pub = NULL, *saved = NULL;
	int c;
	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		int help = argc >= 2 && strcmp(argv[1], "--help") == 0;
		fputs(audit_usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'k': keys = optarg; break;
		case 'p': pub = optarg; break;
		case 'c': saved = optarg; break;
		case 'h': fputs(audit_usage, stdout); return 0;
		default: fputs(audit_usage, stderr); return 2;
		}
	}
	if (optind != argc || (keys && pub)) {
		fputs(audit_usage, stderr);
		return 2;
	}
	if (digest_init() != 0)
		return 1;
	unsigned char pk[32];
	int kr = audit_public_key(pub, keys, db, pk);
	if (kr == 2 || (kr == 1 && keys))
		return 2;
	const unsigned char *key = kr == 0 ? pk : NULL;
	struct checkpoint *cps = NULL;
	size_t n_saved = 0;
	if (saved) {
		char why[160];
		size_t len = 0;
		char *text = read_file(saved, 16u << 20, &len);
		if (!text) {
			fprintf(stderr, "anjia: cannot read %s (or it is larger than 16 MiB)\n", saved);
			return 2;
		}
		int prc = checkpoints_parse(text, len, &cps, &n_saved, why, sizeof why);
		free(text);
		if (prc != AJ_OK || n_saved == 0) {
			fprintf(stderr, "anjia: %s: %s\n", saved, prc != AJ_OK ? why : "no checkpoints in it");
			free(cps);
			return 2;
		}
		if (!key) {
			fprintf(stderr, "anjia: no public key to check the saved checkpoints with: give --keys or "
					"--public-key\n");
			free(cps);
			return 2;
		}
	}
	struct store *s = open_db(db, DB_MUST_EXIST);
	if (!s) {
		free(cps);
		return 1;
	}
	int failed = cps ? audit_saved(s, cps, n_saved, pk) : 0;
	struct audit_result res;
	int rc = failed < 0 ? AJ_ESTORE : audit_verify_key(s, key, &res);
	store_close(s);
	free(cps);
	if (rc != AJ_OK) {
		fprintf(stderr, "anjia: cannot read the audit chain\n");
		return 1;
	}
	if (!res.ok)
		printf("audit chain broken at record %lld: %s (%lld records read)\n",
		       (long long)res.first_bad, res.reason, (long long)res.entries);
	else
		printf("audit chain intact: %lld records\n", (long long)res.entries);
	if (res.ok && res.checkpoints)
		printf("stored checkpoints: %lld, each matching the chain%s\n", (long long)res.checkpoints,
		       res.signatures_checked ? " and signed by the association's key"
					      : " (signatures not checked: no key file; give --keys or --public-key)");
	if (saved)
		printf("saved checkpoints: %zu, %zu matching, %d not\n", n_saved, n_saved - (size_t)failed, failed);
	return res.ok && !failed ? 0 : 1;
}

/* ---- jobs run ---- */

static const char jobs_usage[] =
	"usage: anjia jobs run [--db PATH] [--keys FILE]\n"
	"Runs the deadline job once: complaints and claims past a deadline are marked, escalated to the\n"
	"association and notified; claim decisions nobody answered in time stand; resolutions not\n"
	"reopened in time are closed; overdue rectification\n"
	"orders are escalated; the audit chain's head is signed when a checkpoint is due (with the key\n"
	"file FILE, default anjia.keys beside the database). Running it again changes nothing. `serve`\n"
	"runs it every minute.\n";

int cmd_jobs(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"keys", required_argument, 0, 'k'},
					     {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *db = DEFAULT_DB, *keys = NULL;
	int c;
	if (argc < 2 || strcmp(argv[1], "run") != 0) {
		int help = argc >= 2 && strcmp(argv[1], "--help") == 0;
		fputs(jobs_usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'k': keys = optarg; break;
		case 'h': fputs(jobs_usage, stdout); return 0;
		default: fputs(jobs_usage, stderr); return 2;
		}
	}
	if (optind != argc) {
		fputs(jobs_usage, stderr);
		return 2;
	}
	/* the job signs the audit chain's checkpoints with the association's key */
	struct store *s = open_db(db, DB_MUST_EXIST);
	if (!s || open_keys(keys, db, s) != 0) {
		store_close(s);
		return 1;
	}
	struct jobs_report r = {0};
	int rc = jobs_run(s, &r);
	store_close(s);
	if (rc != AJ_OK) {
		fprintf(stderr, "anjia: the deadline job failed; nothing of the failed part was written\n");
		return 1;
	}
	if (r.elsewhere) {
		printf("another node is running the deadline job now: this run did nothing\n");
		return 0;
	}
	printf("complaint clocks breached: %d\ncomplaints closed: %d\ncomplaint pauses ended: %d\n"
	       "customers reminded: %d\nverifications overdue: %d\nclaims overdue: %d\n"
	       "claim decisions standing unanswered: %d\nrectifications overdue: %d\n"
	       "requests expired: %d\nabsences to the service centre: %d\nsampling plans made: %d\n"
	       "sampling plans drawn: %d\n", r.complaints_breached, r.complaints_closed, r.complaints_resumed,
	       r.complaints_reminded, r.complaints_verify_overdue, r.claims_breached, r.claims_final,
	       r.rectifications_overdue, r.bookings_expired, r.no_shows_to_check, r.plans_committed, r.plans_drawn);
	return 0;
}

/* ---- migrate-data ---- */

static const char migrate_data_usage[] =
	"usage: anjia migrate-data --from PATH.db --to postgresql://… [--keys FILE]\n"
	"Moves a platform from its SQLite file to an empty PostgreSQL database: the schema migrated on both,\n"
	"every row copied as one moment of the file saw it (stop the server first, or writes after that\n"
	"moment stay behind), each table's rows counted on both sides, and the copy's audit chain checked\n"
	"with the platform's key file (default anjia.keys beside PATH.db), which goes on serving the copy.\n";

int cmd_migrate_data(int argc, char **argv)
{
	static const struct option opts[] = {{"from", required_argument, 0, 'f'}, {"to", required_argument, 0, 't'},
					     {"keys", required_argument, 0, 'k'}, {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	const char *from = NULL, *to = NULL, *keys = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'k': keys = optarg; break;
		case 'h': fputs(migrate_data_usage, stdout); return 0;
		default: fputs(migrate_data_usage, stderr); return 2;
		}
	}
	if (optind != argc || !from || !to || store_is_server(from) || !store_is_server(to)) {
		fputs(migrate_data_usage, stderr);
		return 2;
	}
	char path[4096], name[512];
	if (keys)
		str_copy(path, sizeof path, keys);
	else
		keys_default_path(from, path, sizeof path);
	struct store *src = open_db(from, DB_MUST_EXIST), *dst = src ? open_db(to, DB_MAY_CREATE) : NULL;
	int64_t held = 0;
	if (!dst || stmt_one_int(store_sql(dst, "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM orgs)"
						" + (SELECT count(*) FROM audit_log)"), &held) != AJ_OK) {
		store_close(src);
		store_close(dst);
		return 1;
	}
	if (held) {
		fprintf(stderr, "anjia: %s already holds a platform; the data moves only into an empty database\n",
			store_name(to, name, sizeof name));
		store_close(src);
		store_close(dst);
		return 1;
	}
	struct store_copy_report rep;
	int rc = store_copy(src, dst, &rep);
	store_close(src);
	if (rc != AJ_OK) {
		fprintf(stderr, "anjia: the copy failed; nothing was written to %s\n", store_name(to, name, sizeof name));
		store_close(dst);
		return 1;
	}
	printf("%d tables, %lld rows copied to %s, each table's count the same on both sides\n", rep.tables,
	       (long long)rep.rows, store_name(to, name, sizeof name));
	/* the copy opens with the platform's key and its chain holds */
	struct audit_result res;
	unsigned char pk[32];
	int have_key = audit_public_key(NULL, path, from, pk) == 0;
	rc = keys_open(path, 0, dst) == AJ_OK ? audit_verify_key(dst, have_key ? pk : NULL, &res) : AJ_EIO;
	store_close(dst);
	if (rc != AJ_OK || !res.ok) {
		fprintf(stderr, "anjia: the copy's audit chain does not verify%s\n", rc != AJ_OK ? " (not read)" : "");
		return 1;
	}
	printf("audit chain intact in the copy: %lld records%s\n", (long long)res.entries,
	       res.checkpoints ? ", its checkpoints signed by the platform's key" : "");
	return 0;
}

/* ---- backup ---- */

static const char backup_usage[] =
	"usage: anjia backup [--db PATH] --to FILE\n"
	"Writes a consistent copy of the database to FILE, also while the server is running.\n";

int cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'},
					     {"to", required_argument, 0, 't'},
					     {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *db = DEFAULT_DB, *to = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 't': to = optarg; break;
		case 'h': fputs(backup_usage, stdout); return 0;
		default: fputs(backup_usage, stderr); return 2;
		}
	}
	if (optind != argc || !to) {
		fputs(backup_usage, stderr);
		return 2;
	}
	struct stat st;
	if (store_is_server(db)) {
		fprintf(stderr, "anjia: a PostgreSQL database is backed up with PostgreSQL's own tools (pg_basebackup"
				" and its archived log, or pg_dump): see docs/operations.md\n");
		return 1;
	}
	if (stat(db, &st) != 0) {
		fprintf(stderr, "anjia: no database at %s\n", db);
		return 1;
	}
	if (store_backup(db, to) != AJ_OK) {
		fprintf(stderr, "anjia: the backup to %s failed\n", to);
		return 1;
	}
	printf("%s backed up to %s\n", db, to);
	return 0;
}

/* ---- import workers ---- */

static const char import_usage[] =
	"usage: anjia import workers --company ORG [--good-only] [--dry-run] [--db PATH] [--keys FILE] FILE\n"
	"Registers workers for company ORG (its id or exact name) from a CSV file (UTF-8, with or without\n"
	"BOM; columns name/姓名, id_number/身份证号, phone/手机, trades/工种, level/等级 and optionally\n"
	"experience_since/从业开始, photo_ref/照片). Every row is checked; nothing is imported unless\n"
	"every row is good, or with --good-only the good rows are. --dry-run checks and writes nothing.\n";

/* Reads a whole file (at most max bytes) into a new buffer. */
static char *read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb;
	strbuf_init(&sb, max);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&sb, buf, n);
	if (f != stdin)
		fclose(f);
	if (sb.failed) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, len);
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, 0, 'd'},   {"keys", required_argument, 0, 'k'},
		{"company", required_argument, 0, 'c'}, {"good-only", no_argument, 0, 'g'},
		{"dry-run", no_argument, 0, 'n'},    {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *db = DEFAULT_DB, *keys = NULL, *company = NULL;
	int good_only = 0, dry = 0, c;
	if (argc < 2 || strcmp(argv[1], "workers") != 0) {
		int help = argc >= 2 && strcmp(argv[1], "--help") == 0;
		fputs(import_usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'k': keys = optarg; break;
		case 'c': company = optarg; break;
		case 'g': good_only = 1; break;
		case 'n': dry = 1; break;
		case 'h': fputs(import_usage, stdout); return 0;
		default: fputs(import_usage, stderr); return 2;
		}
	}
	if (optind != argc - 1 || !company) {
		fputs(import_usage, stderr);
		return 2;
	}
	size_t len;
	char *csv = read_file(argv[optind], 8u << 20, &len);
	if (!csv) {
		fprintf(stderr, "anjia: cannot read %s (or it is larger than 8 MiB)\n", argv[optind]);
		return 1;
	}
	struct store *s = open_db(db, DB_MUST_EXIST);
	int rc = 1;
	int64_t org = 0;
	char kind[16] = "";
	struct import_result *res = xmalloc(sizeof *res);
	if (!s || open_keys(keys, db, s) != 0)
		goto out;
	if (org_find(s, company, &org, kind) != AJ_OK || strcmp(kind, "company") != 0) {
		fprintf(stderr, "anjia: no such company: %s\n", company);
		goto out;
	}
	struct actor a = {0, 0, "cli"};
	int r = import_workers(s, &a, org, csv, len, good_only, dry, 0, res);
	for (int i = 0; i < res->n_errors; i++)
		fprintf(stderr, "line %d: %s%s%s\n", res->errors[i].line, res->errors[i].code,
			res->errors[i].field[0] ? " " : "", res->errors[i].field);
	if (res->more_errors)
		fprintf(stderr, "… and %d more errors\n", res->more_errors);
	if (r == AJ_ERULE) {
		fprintf(stderr, "anjia: nothing imported: %d of %d rows have errors\n", res->n_errors + res->more_errors,
			res->rows);
	} else if (r != AJ_OK) {
		fprintf(stderr, "anjia: the import failed in the store\n");
	} else {
		printf("%s%d rows: %d imported (%d registered elsewhere: waiting for the worker's confirmation),"
		       " %d skipped\n", dry ? "checked only: " : "", res->rows, res->imported, res->transfers, res->skipped);
		rc = 0;
	}
out:
	free(res);
	free(csv);
	store_close(s);
	return rc;
}

/* ---- verify a credential ---- */

static const char verify_usage[] =
	"usage: anjia verify [--keys FILE | --public-key KEY] [--db PATH] TOKEN\n"
	"Checks a credential's signature (the token in a certificate's QR code). Exit 0 when it is\n"
	"genuine (and, with --db, still valid), 1 when forged or altered, 3 when genuine but revoked,\n"
	"renewed or expired.\n";

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, 0, 'd'}, {"keys", required_argument, 0, 'k'},
		{"public-key", required_argument, 0, 'p'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *db = NULL, *keys = NULL, *pub = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'k': keys = optarg; break;
		case 'p': pub = optarg; break;
		case 'h': fputs(verify_usage, stdout); return 0;
		default: fputs(verify_usage, stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(verify_usage, stderr);
		return 2;
	}
	if (digest_init() != 0)
		return 1;
	unsigned char pk[32];
	char kid[KEYS_KID_LEN], path[4096];
	size_t n = 0;
	const char *token = argv[optind];
	/* a token pasted from a link may carry the link's start */
	const char *hash = strchr(token, '#');
	if (hash)
		token = hash + 1;
	if (pub) {
		if (sodium_base642bin(pk, sizeof pk, pub, strlen(pub), NULL, &n, NULL,
				      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || n != 32) {
			fprintf(stderr, "anjia: --public-key must be 32 bytes in base64url\n");
			return 2;
		}
	} else {
		if (keys)
			str_copy(path, sizeof path, keys);
		else
			keys_default_path(db ? db : DEFAULT_DB, path, sizeof path);
		if (keys_read_public(path, pk, kid) != 0) {
			fprintf(stderr, "anjia: cannot read a public key from %s (give --keys or --public-key)\n", path);
			return 2;
		}
	}
	struct credential cred;
	int ok = credential_verify(token, pk, &cred);
	if (!ok) {
		printf("INVALID: the credential is forged, altered or not a credential\n");
		return 1;
	}
	printf("genuine credential %s: %s, %s, level %s, valid %s to %s\n", cred.serial, cred.masked,
	       cred.n_trades ? cred.trades[0] : "", cred.level, cred.from, cred.until);
	if (!db)
		return 0;
	struct store *s = open_db(db, DB_MUST_EXIST);
	if (!s)
		return 1;
	struct stmt *st = store_sql(s, "SELECT status, valid_until FROM certificates WHERE serial = $1");
	stmt_bind_text(st, 1, cred.serial);
	int rc = 1;
	if (stmt_step(st) == STORE_ROW) {
		int64_t until = 0;
		parse_date(stmt_text(st, 1), &until);
		const char *status = stmt_text(st, 0);
		int current = strcmp(status, "valid") == 0 && until >= time_today();
		printf("status now: %s\n", current ? "valid" : strcmp(status, "valid") == 0 ? "expired" : status);
		rc = current ? 0 : 3;
	} else {
		printf("status now: unknown to this database\n");
	}
	stmt_done(st);
	store_close(s);
	return rc;
}

/* ---- keys rotate ---- */

static const char keys_usage[] =
	"usage: anjia keys rotate [--db PATH] [--keys FILE]\n"
	"Makes a new sealing key current and seals every personal field of the database again under it,\n"
	"in one transaction. The old key stays in the key file as retired, so a backup taken before still\n"
	"opens with this file. Stop `serve` first, or restart it afterwards: a running server keeps the\n"
	"keys it started with.\n";

int cmd_keys(int argc, char **argv)
{
	static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"keys", required_argument, 0, 'k'},
					     {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *db = DEFAULT_DB, *keys = NULL;
	if (argc < 2 || strcmp(argv[1], "rotate") != 0) {
		int help = argc >= 2 && strcmp(argv[1], "--help") == 0;
		fputs(keys_usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	int c;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'k': keys = optarg; break;
		case 'h': fputs(keys_usage, stdout); return 0;
		default: fputs(keys_usage, stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(keys_usage, stderr);
		return 2;
	}
	char path[4096];
	if (keys)
		str_copy(path, sizeof path, keys);
	else
		keys_default_path(db, path, sizeof path);
	struct store *s = open_db(db, DB_MUST_EXIST);
	if (!s)
		return 1;
	if (keys_open(path, 0, s) != AJ_OK) {
		store_close(s);
		return 1;
	}
	char before[KEYS_SEAL_KID_LEN];
	str_copy(before, sizeof before, keys_seal_kid());
	struct sealed_report rep;
	struct actor a = {0, 0, "keys"};
	if (keys_rotate_seal(path) != AJ_OK) {
		fprintf(stderr, "anjia: cannot write the new key file %s\n", path);
		store_close(s);
		return 1;
	}
	int rc = sealed_upgrade(s, &a, &rep);
	store_close(s);
	if (rc != AJ_OK) {
		fprintf(stderr, "anjia: the new key is in %s, but sealing again failed; run the command again\n", path);
		return 1;
	}
	printf("sealing key %s replaced by %s: %lld values sealed again, %lld that no key opens left as they are\n",
	       before, keys_seal_kid(), (long long)rep.sealed, (long long)rep.unopenable);
	return rep.unopenable ? 3 : 0;
}
