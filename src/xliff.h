/* xliff.h — units (unit.h) as XLIFF 1.2 files for CAT tools (memoQ, Trados,
 * OmegaT, Weblate), through libxml2; nothing here writes or reads XML by hand.
 *
 * What is written (OASIS XLIFF 1.2, checked against xliff-core-1.2-strict.xsd
 * by tests/i18n/xliff/validate):
 *   <xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 *    <file original="{title}" source-language="{source_lang}"
 *          target-language="{target_lang}" datatype="plaintext"><body>
 *     <trans-unit id="{id}" resname="{id}" xml:space="preserve" [approved="yes"]>
 *      <source>{source}</source>
 *      <target state="translated|needs-review-translation">{target}</target>
 *      <note from="developer">{note}</note>
 *      <context-group purpose="location">
 *       <context context-type="sourcefile">{file}</context>
 *       <context context-type="linenumber">{line}</context></context-group>
 *      <alt-trans alttranstype="previous-version" xml:space="preserve">
 *       <source>{prev_source}</source><target>{target}</target></alt-trans>
 *     </trans-unit> ...
 *    </body></file></xliff>
 * One <file>, units in the list's order, no groups. A translated unit has
 * approved="yes" and state "translated"; a fuzzy one state
 * "needs-review-translation"; an untranslated one no <target>. The location
 * is what translate-toolkit's po2xliff writes for "#:" (sourcefile, and
 * linenumber when line > 0) without its name="po-reference", which the
 * schema refuses on a second unit (context-group names are unique in a
 * <file>). The schema requires a <target> in <alt-trans>: it holds the
 * unit's target, the translation that was made for prev_source. title NULL
 * writes original="", source_lang NULL source-language="und" (both are
 * required), target_lang NULL no target-language. Obsolete units are not
 * written: XLIFF has no state for a unit gone from the original.
 *
 * What is read: every <trans-unit> of every <file>, in document order, at any
 * depth of <group>s; <bin-unit>s, elements of other namespaces and the PO
 * header that translate-toolkit's po2xliff writes as a trans-unit
 * (restype="x-gettext-domain-header") are skipped. The id is resname, else id (NULL without either). The state:
 *   no <target>, or an empty one                         untranslated (target "")
 *   approved="yes"                                       translated
 *   state translated, final, signed-off, or no state     translated
 *   state needs-review-*, needs-adaptation, needs-l10n   fuzzy
 *   state new, needs-translation                         fuzzy: translate-toolkit
 *                                                        (Weblate) marks fuzzy so,
 *                                                        and the text is kept
 *   any other state (x-...)                              fuzzy
 * Inline markup in <source> and <target> is read as its text where it has
 * one (<g>, <mrk>); <x/>, <bx/>, <ex/>, <ph>, <bpt>, <ept>, <it> stand for
 * codes of the original format that a unit has no text for: they are
 * refused, naming the element, at its line, as are other elements there.
 * note is the unit's <note>s joined by "\n"; file/line the first location
 * context-group (purpose="location"), each further one a copy of the unit
 * marked more_place (unit.h); prev_source the <source> of
 * <alt-trans alttranstype="previous-version">; at the line of the
 * <trans-unit>. source_lang, target_lang and title come from the first
 * <file>'s source-language, target-language and original; a later <file>
 * with another target-language is refused.
 * Refused too: a root that is not <xliff> version="1.2" in XLIFF 1.2's
 * namespace or none (1.1, which translate-toolkit writes, is read the same;
 * XLIFF 2.x has another shape and is refused, saying so), a <trans-unit>
 * without <source>, and what is not well-formed XML (libxml2's message, at
 * its line; libxml2 itself prints nothing).
 * Nothing but the file is read: no network (XML_PARSE_NONET), no DTD, no
 * external entity (no XML_PARSE_NOENT, and an entity loader that loads
 * nothing). A file that declares entities (<!ENTITY>) is refused whole:
 * CAT tools write none, and an entity is the way in for XXE and expansion
 * bombs.
 */
#ifndef VADE_XLIFF_H
#define VADE_XLIFF_H

#include "unit.h"

/* Writes u as an XLIFF 1.2 document to path ("-" = stdout; a file is
 * replaced whole, file_write_atomic() in util.h). A unit with a character
 * XML 1.0 cannot hold (a control character other than tab, LF and CR;
 * U+FFFE, U+FFFF; bytes that are not UTF-8), or without an id or with the id
 * of another, is reported and nothing is written. Returns 0, or -1 after
 * diag_error (path, no line). */
int xliff_write(const struct unit_list *u, const char *path);

/* Reads an XLIFF 1.2 file into u, which is empty on entry (caller frees it
 * with unit_list_free(), after an error too). Returns 0, or -1 after
 * diag_error at path:line (every refused unit is reported); then u is
 * empty. */
int xliff_read(const char *path, struct unit_list *u);

#endif
