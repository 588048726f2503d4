/* diag.h — diagnostics users see: "path:line:col: error: message".
 *
 * Input errors are data: modules report them here and carry on, so one run
 * shows every problem; main prints them sorted and de-duplicated and exits 1.
 * Thread-safe. Paths are copied. line/col 0 means "the whole file".
 */
#ifndef VADE_DIAG_H
#define VADE_DIAG_H

#include <stddef.h>

enum diag_level { DIAG_WARNING, DIAG_ERROR };

void diag_report(enum diag_level level, const char *path, int line, int col,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define diag_error(...) diag_report(DIAG_ERROR, __VA_ARGS__)
#define diag_warn(...) diag_report(DIAG_WARNING, __VA_ARGS__)

size_t diag_errors(void);
size_t diag_warnings(void);
/* Prints every diagnostic so far to stderr, sorted by path, line, column, and forgets them. */
void diag_flush(void);
/* Prints what is pending and starts counting from zero (a new build in vade serve). */
void diag_reset(void);

#endif
