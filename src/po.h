/* po.h — translation units (unit.h) as a GNU gettext PO file, read and
 * written by libgettextpo. Used by the i18n commands only.
 *
 * Writing: the header (Language, charset UTF-8), then one message per unit:
 * msgctxt = the unit's id, msgid = source, msgstr = target, "#, fuzzy" for a
 * fuzzy unit, "#| msgid" for its previous source, "#." its note, "#:" the
 * original's file and line; obsolete units as "#~" entries.
 *
 * Reading: every non-obsolete message but the header, in file order, with
 * its line in the PO file (the line of its msgctxt, or of its msgid); a
 * message without msgctxt that lists several "#:" references reads as one
 * unit per reference (the later ones marked more_place), since without an id
 * the reference is what places it. The
 * charset the header declares is converted to UTF-8 (iconv); a file with
 * non-ASCII bytes and no charset, or bytes that are not valid in its charset,
 * is an error at the line. A file with a syntax error reads as an error:
 * nothing of it is used.
 *
 * libgettextpo's names also start with po_; ours are these two.
 */
#ifndef VADE_PO_H
#define VADE_PO_H

#include "unit.h"

/* Writes u to path. Returns 0, or -1 after reporting through diag. */
int po_write(const struct unit_list *u, const char *path);
/* Reads path into u (empty on entry; target_lang from the header's Language).
 * Returns 0, or -1 after reporting through diag (u is then empty). */
int po_read(const char *path, struct unit_list *u);

#endif
