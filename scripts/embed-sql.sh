#!/bin/sh
# Turns the migrations src/store/schema/NNN_name.sql into a C table (store_migrations), so the
# program carries its schema with it. usage: scripts/embed-sql.sh FILE... > schema.c
set -eu
echo '/* generated from src/store/schema by scripts/embed-sql.sh: do not edit */'
echo 'struct migration { int version; const char *name; const char *sql; };'
echo 'const struct migration store_migrations[] = {'
n=0
for f in "$@"; do
  base=$(basename "$f" .sql)
  version=$(echo "$base" | sed 's/^0*\([0-9][0-9]*\)_.*/\1/')
  printf '\t{%s, "%s",\n' "$version" "$base"
  # escape backslashes and quotes; every line becomes one string literal
  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t "/' -e 's/$/\\n"/' "$f"
  printf '\t},\n'
  n=$((n + 1))
done
echo '};'
echo "const int store_migration_count = $n;"
