/* output.h — the output folder is replaced whole, or not at all.
 *
 * A build renders into a fresh folder beside OUT_DIR and swaps it in only
 * when everything succeeded; on any error the previous OUT_DIR stays exactly
 * as it was. vade replaces only folders it made itself (they hold a
 * ".vade-output" marker), so a mistyped -o cannot delete a user's files.
 */
#ifndef VADE_OUTPUT_H
#define VADE_OUTPUT_H

/* Makes the temporary folder for out_dir; returns its path (caller frees) or NULL after reporting. */
char *output_begin(const char *out_dir);
/* Swaps tmp in as out_dir and removes the old output. Returns 0 or -1 after reporting. */
int output_commit(const char *tmp, const char *out_dir);
/* Removes the temporary folder after a failed build. */
void output_abort(const char *tmp);

#endif
