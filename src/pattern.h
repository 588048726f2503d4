/* pattern.h — Lua 5.4's string patterns with a step count.
 *
 * string.find, string.match, string.gmatch and string.gsub as the Lua 5.4
 * reference manual describes them (§6.4.1 for the patterns): the same
 * results and the same error messages, written anew. Lua's own matcher
 * backtracks in C, where the instruction hook never fires, so one find with
 * a pattern like "(.-)(.-)(.-)b" could hold a build for minutes. Here every
 * call counts its steps (a step: one pattern item tried at one place, one
 * character looked at by a repetition or %b, 16 bytes compared by a plain
 * search or a back-reference) into a meter the caller shares with its own
 * counts, and is stopped with an error:
 *   "pattern matching ran more than N steps and was stopped" when one call
 *   takes more than per_call, or
 *   "pattern matching ran past the budget of N steps and was stopped" when
 *   the meter as a whole would pass its limit.
 *
 * Differences from Lua's library: character classes are ASCII (Lua's follow
 * the C locale, which vade never changes, so they agree).
 */
#ifndef VADE_PATTERN_H
#define VADE_PATTERN_H

#include <lua.h>

struct step_meter {
	long steps;    /* taken so far; the caller may add its own */
	long limit;    /* no call takes steps past this */
	long per_call; /* nor more than this in one call */
};

/* Sets find, match, gmatch and gsub in the table at index lib, counting into m.
 * m is borrowed and must outlive the functions. */
void pat_register(lua_State *L, int lib, struct step_meter *m);

#endif
