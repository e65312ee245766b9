/* cli.h — the subcommands of the anjia program. Each takes its own argv (argv[0] is its name)
 * and returns the process exit status: 0 done, 1 failed, 2 wrong usage. */
#ifndef CLI_H
#define CLI_H

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_org(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_migrate_data(int argc, char **argv);
int cmd_jobs(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_keys(int argc, char **argv);

#endif
