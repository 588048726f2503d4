/* tap.h — the smallest test harness: ok(cond, name) prints "ok"/"not ok" lines. */
#ifndef VADE_TAP_H
#define VADE_TAP_H
#include <stdio.h>
#include <string.h>
static int tap_n, tap_failed;
#define ok(cond, ...) do { tap_n++; if (cond) { printf("ok %d - ", tap_n); } \
	else { tap_failed++; printf("not ok %d - ", tap_n); } printf(__VA_ARGS__); \
	printf("  (%s:%d)\n", __FILE__, __LINE__); } while (0)
#define is_str(got, want, name) do { const char *g_ = (got), *w_ = (want); \
	ok(g_ && !strcmp(g_, w_), "%s", name); \
	if (!g_ || strcmp(g_, w_)) printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", w_); } while (0)
#define tap_done() (printf("1..%d\n", tap_n), tap_failed ? 1 : 0)
#endif
