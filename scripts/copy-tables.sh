#!/bin/sh
# The tables of the migrations src/store/schema/NNN_name.sql, each after the tables its foreign keys
# name, with the statements `anjia migrate-data` moves them with (src/store/copy.c): all of them fixed
# when the program is built, so that no SQL is made while it runs.
# usage: scripts/copy-tables.sh FILE... > copy_tables.c
set -eu
db=$(mktemp)
trap 'rm -f "$db"' EXIT
for f in "$@"; do
  # the functions the program gives SQLite (src/store/sqlite.c) in SQLite's own words: they stand
  # only in changes of rows, and an empty database has none to change
  sed -e 's/greatest(/max(/g' -e 's/least(/min(/g' -e 's/strpos(/instr(/g' "$f" | sqlite3 -bail "$db"
done
q() { sqlite3 -bail "$db" "$1"; }
left=$(q "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\\'
          AND name <> 'schema_migrations' ORDER BY name")
order=""
while [ -n "$left" ]; do
  next=""
  for t in $left; do
    ready=1
    for d in $(q "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list('$t') WHERE \"table\" <> '$t'"); do
      case " $order " in *" $d "*) ;; *) ready=0 ;; esac
    done
    if [ $ready = 1 ]; then next=$t; break; fi
  done
  [ -n "$next" ] || { echo "copy-tables.sh: the foreign keys of$left go round in a circle" >&2; exit 1; }
  order="$order $next"
  left=$(for t in $left; do [ "$t" = "$next" ] || echo "$t"; done)
done
cols() { q "SELECT name FROM pragma_table_info('$1') ORDER BY cid" | paste -sd, - | sed 's/,/, /g'; }

echo '/* generated from src/store/schema by scripts/copy-tables.sh: do not edit */'
echo '#include "store/copy_tables.h"'
echo
echo '#include "store/store.h"'
echo
echo 'const struct copy_table copy_tables[] = {'
n=0
for t in $order; do
  c=$(cols "$t")
  first=$(q "SELECT name FROM pragma_table_info('$t') ORDER BY cid LIMIT 1")
  ncols=$(q "SELECT count(*) FROM pragma_table_info('$t')")
  printf '\t{"%s", "COPY %s (%s) FROM STDIN", %s, %s},\n' "$t" "$t" "$c" "$ncols" "$([ "$first" = id ] && echo 1 || echo 0)"
  n=$((n + 1))
done
echo '};'
echo "const int copy_table_count = $n;"
# one function a statement, each a switch of literals (store_sql takes nothing else)
for fn in rows count clear; do
  echo
  echo "struct stmt *copy_$fn(struct store *s, int table)"
  echo '{'
  echo '	switch (table) {'
  i=0
  for t in $order; do
    case $fn in
      rows) sql="SELECT $(cols "$t") FROM $t ORDER BY 1" ;;
      count) sql="SELECT count(*) FROM $t" ;;
      clear) sql="DELETE FROM $t" ;;
    esac
    printf '\tcase %d: return store_sql(s, "%s");\n' "$i" "$sql"
    i=$((i + 1))
  done
  echo '	default: return NULL;'
  echo '	}'
  echo '}'
done
