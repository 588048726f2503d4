# vademecum — `make` builds build/vade and renders content/ into dist/;
# `make check` runs every test. Settings first.

PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN      = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
STD       = -std=c11 -D_GNU_SOURCE
DEB_PKGS  = pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev libyaml-dev liblua5.4-dev libgettextpo-dev libmicrohttpd-dev libxml2-dev libjansson-dev libicu-dev libmimalloc-dev libxxhash-dev libgumbo-dev
PC_PKGS   = libcmark-gfm yaml-0.1 lua5.4 libmicrohttpd libxml-2.0 jansson icu-uc icu-i18n gumbo
# Debian ships no .pc file for the extensions library or libgettextpo (PO files for translators);
# pkg-config is used where it has one.
EXT_LIBS  = $(shell pkg-config --libs libcmark-gfm-extensions 2>/dev/null || echo -lcmark-gfm-extensions)
DEP_CFLAGS = $(shell pkg-config --cflags $(PC_PKGS) 2>/dev/null)
DEP_LIBS   = $(shell pkg-config --libs $(PC_PKGS) 2>/dev/null) $(EXT_LIBS) -lgettextpo -lxxhash -lpthread
# build/vade allocates with mimalloc (Debian's libmimalloc): linked first and kept even
# though nothing calls it by name, it takes malloc/free for vade, Lua, cmark-gfm and
# libxml2 alike. On the 1,000-page bench corpus it cut user time by a fifth and peak
# memory by a tenth against glibc's malloc (issue 13; make bench). The sanitizer and
# fuzz builds keep the allocator their runtime brings.
ALLOC_LIBS = -Wl,--push-state,--no-as-needed -lmimalloc -Wl,--pop-state

SRC  = $(wildcard src/*.c)
LIB  = $(filter-out src/main.c,$(SRC))
OBJ  = $(SRC:src/%.c=build/obj/%.o)
LOBJ = $(LIB:src/%.c=build/obj/%.o)
ASAN_OBJ = $(SRC:src/%.c=build/asan/%.o)
TSAN_OBJ = $(SRC:src/%.c=build/tsan/%.o)
ALL_CFLAGS = $(STD) $(WARN) $(CFLAGS) $(DEP_CFLAGS) -DVADE_DATADIR='"$(PREFIX)/share/vade"'
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: all site deps check check-asan regen unit clean install serve pdf fonts fuzz fuzz-all bench bench-growth bench-search

all: site

site: build/vade
	build/vade build

build/vade: build/.deps $(OBJ)
	$(CC) $(CFLAGS) -o $@ $(OBJ) $(ALLOC_LIBS) $(DEP_LIBS)

build/obj/%.o: src/%.c src/*.h build/.deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/asan/%.o: src/%.c src/*.h build/.deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c -o $@ $<

build/vade-asan: $(ASAN_OBJ)
	$(CC) $(SAN) -o $@ $(ASAN_OBJ) $(DEP_LIBS)

# ThreadSanitizer, for the builds with several workers (-j).
build/tsan/%.o: src/%.c src/*.h build/.deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O1 -fsanitize=thread -c -o $@ $<

build/vade-tsan: $(TSAN_OBJ)
	$(CC) -fsanitize=thread -o $@ $(TSAN_OBJ) $(DEP_LIBS)

# Missing build dependencies are installed when we are root, else we say how.
build/.deps: Makefile
	@mkdir -p build
	@if ! pkg-config --exists $(PC_PKGS) 2>/dev/null || ! test -e /usr/include/cmark-gfm-core-extensions.h || ! test -e /usr/include/gettext-po.h || ! test -e /usr/include/mimalloc.h || ! test -e /usr/include/xxhash.h; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing build dependencies: $(DEB_PKGS)"; \
	    apt-get install -y --no-install-recommends $(DEB_PKGS) >/dev/null 2>&1 || \
	    { apt-get update >/dev/null && apt-get install -y --no-install-recommends $(DEB_PKGS); } || exit 1; \
	  else \
	    echo "missing build dependencies; run:  sudo apt-get install $(DEB_PKGS)"; exit 1; \
	  fi; \
	fi
	@touch $@

build/test_%: tests/unit/test_%.c $(LOBJ) tests/unit/tap.h
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(LOBJ) $(DEP_LIBS)

UNIT = $(patsubst tests/unit/test_%.c,build/test_%,$(wildcard tests/unit/test_*.c))

# The unit tests again under ASan+UBSan (a use after free that the plain build read unnoticed:
# deps_reread, CI of stop 58).
# (Beside the others in build/: a test finds the shipped theme from where it runs, as vade does.)
ASAN_LOBJ = $(LIB:src/%.c=build/asan/%.o)
build/test_%-asan: tests/unit/test_%.c $(ASAN_LOBJ) tests/unit/tap.h
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -Isrc -o $@ $< $(ASAN_LOBJ) $(DEP_LIBS)
UNIT_ASAN = $(UNIT:%=%-asan)

check: build/vade build/vade-asan build/vade-tsan $(UNIT) $(UNIT_ASAN)
	@tests/run-all

# The full-text search from file:// on a generated corpus (not in `make check`: minutes):
# time to first results and bytes of index loaded per query (tests/browser/search-bench.mjs).
BENCH_GEN   ?= bench/gen-corpus
BENCH_PAGES ?= 10000
BENCH_DIR   ?= build/bench/search-$(BENCH_PAGES)
bench-search: build/vade
	@test -d $(BENCH_DIR)/content || $(BENCH_GEN) --pages $(BENCH_PAGES) --langs en,fr,de --out $(BENCH_DIR)
	/usr/bin/time -v build/vade -C $(BENCH_DIR) build 2>&1 | grep -E '^vade:|Elapsed|Maximum resident'
	du -sb $(BENCH_DIR)/dist/en/search $(BENCH_DIR)/dist/en/search/s $(BENCH_DIR)/dist/en/search/p
	node tests/browser/search-bench.mjs $(BENCH_DIR)/dist

# The command-line tests under ASan+UBSan, with make check's options: leaks inside libgettextpo are
# not ours (tests/lsan.supp names them); without the file every PO test failed on them.
check-asan: build/vade-asan
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 VADE=build/vade-asan tests/run-all --only-cli

# Rewrites every golden expectation from what vade makes now: tests/sites/*.expected,
# tests/golden/, tests/cite/thb-notes.expected and the HTML of tests/spec/dialect.md.
# Review the result with git diff. make check never rewrites anything.
regen: build/vade build/test_spec
	@tests/run-all --regen

# A preview on http://127.0.0.1:8080/, rebuilt when a file changes.
serve: build/vade
	build/vade serve

# Fuzzing with libFuzzer (clang, ASan+UBSan, leaks detected): one target per
# tests/fuzz/fuzz_<name>.c, run by tests/fuzz/run (seeds from tests/, a
# dictionary, its findings in build/fuzz/<name>-crash-* and the like).
#   make fuzz FUZZ=<name> [FUZZ_TIME=60]   one target
#   make fuzz-all [FUZZ_TIME=60]           every target, one after the other
FUZZ      ?= markdown
FUZZ_TIME ?= 60
FUZZ_CC    = clang
FUZZ_NAMES = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SRC   = $(filter-out src/main.c src/serve.c,$(SRC))
FUZZ_OBJ   = $(FUZZ_SRC:src/%.c=build/fuzz/obj/%.o)
FUZZ_FLAGS = $(STD) $(WARN) -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined \
             -Isrc $(DEP_CFLAGS) -DVADE_DATADIR='"$(PREFIX)/share/vade"'

# Kept, not removed as intermediates: every target links the same objects.
.SECONDARY: $(FUZZ_OBJ)

build/fuzz/obj/%.o: src/%.c src/*.h build/.deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/fuzz-%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(DEP_LIBS)

# build/vade makes the PO seeds (its exports of tests/fuzz/site).
fuzz: build/vade build/fuzz/fuzz-$(FUZZ)
	tests/fuzz/run $(FUZZ) $(FUZZ_TIME)

fuzz-all: build/vade $(FUZZ_NAMES:%=build/fuzz/fuzz-%)
	@for t in $(FUZZ_NAMES); do tests/fuzz/run $$t $(FUZZ_TIME) || exit 1; done

# vade against Hugo and the cmark-gfm floor on generated corpora (bench/run says
# which; build/bench keeps them). BENCH= names some: make bench BENCH="1k skew".
bench: build/vade
	bench/run $(BENCH)

# How the cost grows with one dimension of the input at a time (bench/growth says which).
bench-growth: build/vade
	bench/growth $(GROWTH)

# PDFs of the cards, sheets and handbooks, beside their HTML in dist/.
pdf: site
	tools/pdf dist

# The theme's font subsets, after text in new characters was added.
fonts:
	tools/subset-fonts

install: build/vade
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/vade/themes
	install -m 755 build/vade $(DESTDIR)$(PREFIX)/bin/vade
	install -m 644 man/vade.1 $(DESTDIR)$(PREFIX)/share/man/man1/vade.1
	install -m 644 man/vade.5 $(DESTDIR)$(PREFIX)/share/man/man5/vade.5
	cp -R themes/default $(DESTDIR)$(PREFIX)/share/vade/themes/

clean:
	rm -rf build
