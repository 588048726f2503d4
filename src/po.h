/* po.h — PO files for translators (`vade i18n export` and `vade i18n import`),
 * through libgettextpo. Used by those commands only.
 *
 * One message per passage (passage.h), named by its msgctxt:
 *   page:<key>:title, page:<key>:summary, page:<key>:<n>  (n: body passage, from 1)
 *   ui:<key>
 *   data:<name>/<id>/<field>
 * The export marks a message fuzzy when its original changed since the
 * translation was marked current (status.h). The import writes each
 * translated passage back into its place in the pinned file layout (the
 * page's translation, content/i18n/<lang>.yaml, content/data/<name>.<lang>.yaml),
 * leaving front matter and every other byte as it was, and records what it
 * brought in the status store. Each file it writes is replaced whole
 * (file_write_atomic() in util.h). Input errors are reported through diag.
 *
 * libgettextpo's names also start with po_; ours are these two.
 */
#ifndef VADE_PO_H
#define VADE_PO_H

#include "site.h"

/* Writes the PO file of a translation language to out. Returns the exit
 * status: 0, 1 after errors, 2 when lang is not a translation language. */
int po_export(const struct site *s, const char *lang, const char *out);
/* Brings the translations of a PO file into content/; the language is the
 * header's Language field. Returns the exit status (0 or 1). A file with a
 * syntax error imports nothing. */
int po_import(const struct site *s, const char *path);

#endif
