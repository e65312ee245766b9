/* copy_tables.h — every table of the schema, each after the tables its foreign keys name, with the
 * statements that move its rows from one engine to the other (src/store/copy.c). Made from the
 * migrations when the program is built (scripts/copy-tables.sh, build/gen/copy_tables.c): the copy
 * names only the tables the program knows, and makes no SQL while it runs. */
#ifndef STORE_COPY_TABLES_H
#define STORE_COPY_TABLES_H

struct store;
struct stmt;

struct copy_table {
	const char *name;
	const char *copy;  /* COPY name (its columns) FROM STDIN */
	int ncols;
	int id_first;      /* its first column is its id, an identity on PostgreSQL */
};

extern const struct copy_table copy_tables[];
extern const int copy_table_count;

/* Table number `table`'s rows, every column in order, by their first column. */
struct stmt *copy_rows(struct store *s, int table);
/* Its count of rows. */
struct stmt *copy_count(struct store *s, int table);
/* Empties it. */
struct stmt *copy_clear(struct store *s, int table);

#endif
