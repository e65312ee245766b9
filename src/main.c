/* main.c — the anjia program: one binary, subcommands in the manner of git and Fossil. */
#include <stdio.h>
#include <string.h>

#include "anjia.h"
#include "cli.h"

static int cmd_help(int argc, char **argv);

static int cmd_version(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		puts("usage: anjia version\nPrints the version.");
		return 0;
	}
	if (argc > 1) {
		fputs("usage: anjia version\n", stderr);
		return 2;
	}
	printf("anjia %s\n", ANJIA_VERSION);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"serve", cmd_serve, "serve the API and the web UI"},
	{"migrate", cmd_migrate, "create or upgrade the database"},
	{"demo", cmd_demo, "load the demo industry into an empty database"},
	{"user", cmd_user, "user add: create a user"},
	{"org", cmd_org, "org add: register an organisation"},
	{"audit", cmd_audit, "audit verify: check the hash-chained audit log"},
	{"backup", cmd_backup, "copy the database while it is in use"},
	{"migrate-data", cmd_migrate_data, "move a platform from its SQLite file to PostgreSQL"},
	{"jobs", cmd_jobs, "jobs run: the deadline job (complaint clocks, claims, rectifications)"},
	{"import", cmd_import, "import workers: register workers from a CSV file"},
	{"verify", cmd_verify, "check a worker's credential token"},
	{"keys", cmd_keys, "keys rotate: a new sealing key, every personal field sealed again"},
	{"version", cmd_version, "print the version"},
	{"help", cmd_help, "list the commands, or show one's help"},
};

static int cmd_help(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0))
		argc = 1; /* help about help is the list of commands */
	if (argc > 2) {
		fputs("usage: anjia help [COMMAND]\n", stderr);
		return 2;
	}
	if (argc == 2) {
		for (size_t i = 0; i < ARRAY_LEN(commands); i++) {
			if (strcmp(argv[1], commands[i].name) == 0 && commands[i].fn != cmd_help) {
				char *args[] = {argv[1], "--help", NULL};
				return commands[i].fn(2, args);
			}
		}
		fprintf(stderr, "anjia: no such command: %s\n", argv[1]);
		return 2;
	}
	printf("anjia %s — the housekeeping industry's service-information and quality platform\n\n"
	       "usage: anjia COMMAND [options]   (anjia COMMAND --help for its options)\n\n",
	       ANJIA_VERSION);
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		printf("  %-9s %s\n", commands[i].name, commands[i].summary);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		cmd_help(1, argv);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(1, argv);
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(1, argv);
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "anjia: no such command: %s (anjia help lists them)\n", argv[1]);
	return 2;
}
