# Anjia — build, run and test. `make run` and `make test` do all the set-up on a fresh Debian machine.

CC       ?= cc
PKGS     := libevent libevent_pthreads sqlite3 libpq libsodium jansson libqrencode libzip libxml-2.0
WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wno-unused-parameter
CFLAGS   ?= -O2 -g
CPPFLAGS := -std=c11 -D_GNU_SOURCE -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# cracklib (libcrack2) ships no pkg-config file
LIBS     := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcrack -lpthread
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

DB            ?= var/anjia.db
PORT          ?= 8080
DEMO_PASSWORD ?= anjia-demo-2026

SRC      := $(sort $(shell find src -name '*.c' ! -name main.c))
SCHEMA   := $(sort $(wildcard src/store/schema/*.sql))
HDRS     := $(shell find src -name '*.h' -o -name '*.def')
UNIT     := $(patsubst tests/unit/%.c,%,$(sort $(wildcard tests/unit/test_*.c)))
API      := $(patsubst tests/api/%.c,%,$(sort $(wildcard tests/api/test_*.c)))

# two builds side by side: rel (what runs) and san (AddressSanitizer + UBSan, for the tests)
# and two files made from the migrations: the schema itself, and the tables migrate-data copies
GEN      := schema copy_tables
rel_OBJ  := $(patsubst src/%.c,build/rel/%.o,$(SRC)) $(patsubst %,build/rel/gen/%.o,$(GEN))
san_OBJ  := $(patsubst src/%.c,build/san/%.o,$(SRC)) $(patsubst %,build/san/gen/%.o,$(GEN))

.PHONY: all run test test-sqlite test-unit test-api test-san test-e2e test-scan test-postgresql test-pg deps lint bench clean

all: anjia

# copied then renamed, so a running ./anjia is replaced, not overwritten
anjia: build/rel/anjia
	cp $< $@.$$$$ && mv -f $@.$$$$ $@

deps:
	@scripts/deps.sh --check || scripts/deps.sh

build/gen/schema.c: $(SCHEMA) scripts/embed-sql.sh
	@mkdir -p $(@D)
	scripts/embed-sql.sh $(SCHEMA) > $@

build/gen/copy_tables.c: $(SCHEMA) scripts/copy-tables.sh
	@mkdir -p $(@D)
	scripts/copy-tables.sh $(SCHEMA) > $@.tmp && mv $@.tmp $@

build/rel/gen/%.o: build/gen/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
build/san/gen/%.o: build/gen/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(SANFLAGS) -c $< -o $@

build/rel/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c $< -o $@
build/san/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(SANFLAGS) $(WARN) -c $< -o $@

build/rel/libanjia.a: $(rel_OBJ)
	rm -f $@ && ar rcs $@ $^
build/san/libanjia.a: $(san_OBJ)
	rm -f $@ && ar rcs $@ $^

build/rel/anjia: src/main.c build/rel/libanjia.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $< build/rel/libanjia.a $(LIBS) -o $@
build/san/anjia: src/main.c build/san/libanjia.a
	$(CC) $(CPPFLAGS) $(SANFLAGS) $(WARN) $< build/san/libanjia.a $(LIBS) -o $@

# tests: cmocka unit tests per module; API tests through the router on a temporary database
TEST_LIBS := $(LIBS) $(shell pkg-config --libs cmocka 2>/dev/null)
build/rel/tests/%: tests/unit/%.c build/rel/libanjia.a tests/unit/testutil.h tests/testdb.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -Itests $< build/rel/libanjia.a $(TEST_LIBS) -o $@
build/san/tests/%: tests/unit/%.c build/san/libanjia.a tests/unit/testutil.h tests/testdb.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(SANFLAGS) $(WARN) -Itests $< build/san/libanjia.a $(TEST_LIBS) -o $@
build/rel/api/%: tests/api/%.c tests/api/harness.c tests/api/harness.h tests/testdb.h build/rel/libanjia.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -Itests $< tests/api/harness.c build/rel/libanjia.a $(TEST_LIBS) -o $@
build/san/api/%: tests/api/%.c tests/api/harness.c tests/api/harness.h tests/testdb.h build/san/libanjia.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(SANFLAGS) $(WARN) -Itests $< tests/api/harness.c build/san/libanjia.a $(TEST_LIBS) -o $@

# TEST_PG: the URL of a PostgreSQL server the tests may create databases on; empty runs them on SQLite
TEST_PG  ?=
test-unit: $(addprefix build/rel/tests/,$(UNIT))
	@for t in $^; do echo "== $$t$(if $(TEST_PG), (postgresql))"; ANJIA_TEST_PG='$(TEST_PG)' $$t || exit 1; done
test-api: $(addprefix build/rel/api/,$(API))
	@for t in $^; do echo "== $$t$(if $(TEST_PG), (postgresql))"; ANJIA_TEST_PG='$(TEST_PG)' $$t || exit 1; done
test-san: $(addprefix build/san/tests/,$(UNIT)) $(addprefix build/san/api/,$(API)) build/san/anjia anjia
	@for t in $(filter build/san/tests/% build/san/api/%,$^); do echo "== $$t (asan+ubsan)"; \
	  ANJIA_TEST_PG= ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 $$t || exit 1; done
	@echo "== the concurrent booking test and the sweep of every route against build/san/anjia (asan+ubsan)"
	cd tests/e2e && ANJIA_SERVER_BIN=$(CURDIR)/build/san/anjia ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 node --test bookings-race.test.mjs routes-sweep.test.mjs
test-e2e: anjia
	cd tests/e2e && npm test

# after the suites: a day's work on a demo industry, then the database, the logs and every answer
# read for ID numbers, phones and addresses, and every role's answers for a number they rebuild
test-scan: anjia
	cd tests/e2e && node --test scan/privacy.scan.mjs

lint:
	tools/lint

# every suite on SQLite and again on PostgreSQL — on the server TEST_PG names, or on a private one
# started for the run (scripts/pg.sh, which .ci/run also uses) and removed after it. Every test
# program is built first; then the two passes run side by side, each one's output shown whole when
# it ends.
TEST_BINS := $(addprefix build/rel/tests/,$(UNIT)) $(addprefix build/rel/api/,$(API)) \
	     $(addprefix build/san/tests/,$(UNIT)) $(addprefix build/san/api/,$(API)) build/san/anjia
test: deps
	$(MAKE) lint anjia
	$(MAKE) -j2 $(TEST_BINS)
	$(MAKE) -j2 --output-sync=recurse test-sqlite test-postgresql

test-sqlite:
	$(MAKE) test-unit
	$(MAKE) test-api
	$(MAKE) test-san
	$(MAKE) test-e2e
	$(MAKE) test-scan

test-postgresql: anjia
	@if [ -n "$(TEST_PG)" ]; then $(MAKE) test-pg TEST_PG='$(TEST_PG)'; \
	elif [ -n "$$ANJIA_PG" ]; then $(MAKE) test-pg TEST_PG="$$ANJIA_PG"; \
	else scripts/pg.sh run sh -c '$(MAKE) test-pg TEST_PG="$$ANJIA_PG"'; fi

# the run's directory (ANJIA_TEST_RUN) keeps what its tests share: the demo of each size, loaded
# once into a template database and copied for each test file
test-pg:
	@test -n "$(TEST_PG)" || { echo "test-pg: TEST_PG names no PostgreSQL server"; exit 1; }
	@run=$$(mktemp -d /tmp/anjia-run-XXXXXX); rc=0; \
	ANJIA_TEST_RUN=$$run $(MAKE) test-unit test-api TEST_PG='$(TEST_PG)' || rc=$$?; \
	[ $$rc != 0 ] || (cd tests/e2e && ANJIA_TEST_PG='$(TEST_PG)' ANJIA_TEST_RUN=$$run npm test) || rc=$$?; \
	ANJIA_TEST_PG='$(TEST_PG)' ANJIA_TEST_RUN=$$run scripts/pg.sh forget; rm -rf $$run; exit $$rc

run: deps
	$(MAKE) anjia
	@if [ ! -f $(DB) ]; then ./anjia demo --db $(DB) --password '$(DEMO_PASSWORD)'; fi
	@echo
	@echo "  Anjia: http://127.0.0.1:$(PORT)"
	@echo "  demo logins (password $(DEMO_PASSWORD)):"
	@echo "    admin       association admin (行业协会管理员)"
	@echo "    cs1         24-hour customer service (客服专员)"
	@echo "    company1    company admin (家政企业管理员)      staff1   company staff (企业员工)"
	@echo "    trainer1    training institution (培训机构)     inspector1  inspector (第三方评估员)"
	@echo "    worker1     worker (家政服务员)                 customer1   customer (客户)"
	@echo
	./anjia serve --db $(DB) --port $(PORT)

build/rel/bench/eligibility: bench/eligibility.c build/rel/libanjia.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $< build/rel/libanjia.a $(LIBS) -o $@

bench: anjia build/rel/bench/eligibility
	$(MAKE) -C bench

clean:
	rm -rf build anjia
