/* diag.h — diagnostics users see: "path:line:col: error: message".
 *
 * Input errors are data: modules report them here and carry on, so one run
 * shows every problem; main prints them sorted and de-duplicated and exits 1.
 * Thread-safe. Paths are copied. line/col 0 means "the whole file".
 */
#ifndef VADE_DIAG_H
#define VADE_DIAG_H

#include <stdbool.h>
#include <stddef.h>

enum diag_level { DIAG_WARNING, DIAG_ERROR };

void diag_report(enum diag_level level, const char *path, int line, int col,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define diag_error(...) diag_report(DIAG_ERROR, __VA_ARGS__)
#define diag_warn(...) diag_report(DIAG_WARNING, __VA_ARGS__)

/* Where a text parsed on its own (a front matter or data value given to markdown()) is in its
 * file: its first line and the column its text starts at there (0: 1), and the columns before
 * the text on each later line (a YAML block scalar's indentation; 0 elsewhere). line 0: not known. */
struct text_place {
	int line, col, indent;
	bool inexact;           /* the text's lines and columns are not the file's (a scalar folded
	                         * over lines or holding escapes): every place in it is its start */
	const char *text;       /* the text itself, to count columns in characters; NULL: c is one */
	size_t len;
	struct text_cursor *cursor; /* may be NULL: where the last place was counted, so places asked
	                             * for in the text's order are counted in one pass over it */
};
/* A line of the text (1-based) and its byte offset; a byte column on it and its characters. */
struct text_cursor {
	int line;
	size_t off;
	int byte_col, char_col;
};
/* The file position of line l, column c (both 1-based, in the text; c in bytes, as cmark-gfm
 * gives it) of a text at p, its column in characters (as editors and libyaml count them): the
 * text's start when p is inexact; 0, 0 (the whole file) when p's line is not known. */
void diag_place(const struct text_place *p, int l, int c, int *line, int *col);

/* A warning kept as reported (diag_keep_begin), owned. */
struct diag_kept {
	char *path;
	int line, col;
	char *msg;
};
/* From now on the warnings reported on this thread are kept too, until diag_keep_end() gives them
 * back, in the order reported: *n of them, malloc'd (NULL for none; free with diag_kept_free). A
 * unit's (deps.h), so that a build that takes it from the record says them again. One keep per
 * thread at a time; errors are not kept (a build with errors records nothing). */
void diag_keep_begin(void);
struct diag_kept *diag_keep_end(size_t *n);
/* Whether this thread keeps its warnings now (between diag_keep_begin and diag_keep_end). */
bool diag_keep_on(void);
void diag_kept_free(struct diag_kept *v, size_t n);
/* Where this thread's keep stands (0 when none is on), and copies of what it kept since mark:
 * the warnings of a part rendered once and used again (a cached partial's, template.c), to be
 * said again with diag_say_again() by each unit that uses it. */
size_t diag_keep_mark(void);
struct diag_kept *diag_keep_since(size_t mark, size_t *n);
void diag_say_again(const struct diag_kept *v, size_t n);

/* The warnings reported so far (not yet flushed), each once, in the order diag_flush() prints
 * them: *n of them, malloc'd (free with diag_kept_free). What a build said, for the state
 * record (state.h), so that a build it finds up to date says them again. */
struct diag_kept *diag_said(size_t *n);

size_t diag_errors(void);
size_t diag_warnings(void);
/* Prints every diagnostic so far to stderr, sorted by path, line, column, and forgets them: each
 * once, however often it was reported (by several languages, workers or units). Returns how
 * many warnings it printed. A path or message is printed with its control characters, bidi
 * controls and bytes that are no UTF-8 escaped as GCC's diagnostics escape them (<U+202E>, <e9>):
 * one diagnostic is one line, shown as it reads. */
size_t diag_flush(void);
/* Prints what is pending and starts counting from zero (a new build in vade serve). */
void diag_reset(void);

#endif
