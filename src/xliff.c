/* xliff.c — XLIFF 1.2 files through libxml2: xmlTextWriter out, a tree in (xliff.h). */
#include "xliff.h"
#include "diag.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gettext-po.h>
#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>

#define NS_12 "urn:oasis:names:tc:xliff:document:1.2"
#define NS_11 "urn:oasis:names:tc:xliff:document:1.1"

/* {===== libxml2's messages: kept, not printed
 *
 * libxml2 prints its errors to stderr unless a handler takes them. The handler
 * is per thread and vade has no other user of libxml2, so it is set around
 * each read and write and unset after. The first error is the one to show:
 * the parser stops at a fatal one, and what follows it is noise. */

struct xml_err {
	char *msg;
	int line, col; /* libxml2's (xmlError.line, .int2: the column, in characters) */
};

#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_error_arg;
#else
typedef xmlErrorPtr xml_error_arg;
#endif

static void keep_error(void *ctx, xml_error_arg e)
{
	struct xml_err *x = ctx;
	if (e->level < XML_ERR_ERROR || x->msg)
		return;
	x->msg = xstrdup(e->message ? e->message : "unknown error");
	size_t n = strlen(x->msg);
	while (n > 0 && (x->msg[n - 1] == '\n' || x->msg[n - 1] == ' '))
		x->msg[--n] = '\0';
	for (char *p = x->msg; *p; p++) /* one message, one line ("encoding !\nBytes: 0xE9") */
		if (*p == '\n')
			*p = ' ';
	x->line = e->line;
	x->col = e->int2;
}

/* Nothing is ever loaded from outside the file (DTDs, external entities):
 * xliff_read()'s parse options ask for none, and this loader, which libxml2
 * has one of per process, says no if it is asked all the same. */
static xmlParserInputPtr no_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	return NULL;
}

static void xml_begin(struct xml_err *x)
{
	memset(x, 0, sizeof *x);
	xmlInitParser();
	xmlSetExternalEntityLoader(no_loader);
	xmlSetStructuredErrorFunc(x, keep_error);
}

static void xml_end(struct xml_err *x)
{
	xmlSetStructuredErrorFunc(NULL, NULL);
	free(x->msg);
}

/* {===== Writing */

/* The byte offset of the first character XML 1.0 cannot hold (section 2.2,
 * Char: tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF) or of
 * the first byte that is not UTF-8, or -1. */
static long bad_char_at(const char *s)
{
	size_t len = strlen(s);
	long bad = utf8_invalid_at(s, len);
	for (size_t i = 0; i < len && (bad < 0 || (long)i < bad); i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return (long)i;
		if (c == 0xef && i + 2 < len && (unsigned char)s[i + 1] == 0xbf &&
		    ((unsigned char)s[i + 2] == 0xbe || (unsigned char)s[i + 2] == 0xbf))
			return (long)i;       /* U+FFFE, U+FFFF */
	}
	return bad;
}

/* Reports the first character of s that XML cannot hold; false then. who
 * names the unit or the file. */
static bool xml_ok(const char *path, const char *who, const char *what, const char *s)
{
	if (!s)
		return true;
	long at = bad_char_at(s);
	if (at < 0)
		return true;
	unsigned char c = (unsigned char)s[at];
	if (c < 0x20)
		diag_error(path, 0, 0, "%s: its %s has the control character U+%04X, which XML 1.0 cannot hold", who, what, c);
	else if (c == 0xef)
		diag_error(path, 0, 0, "%s: its %s has U+FFF%c, which XML 1.0 cannot hold", who, what,
		           (unsigned char)s[at + 2] == 0xbe ? 'E' : 'F');
	else
		diag_error(path, 0, 0, "%s: its %s is not UTF-8 (byte %ld)", who, what, at + 1);
	return false;
}

/* Everything xliff_write() refuses, reported at once; true when there is nothing. */
static bool check_units(const struct unit_list *u, const char *path)
{
	int bad = !xml_ok(path, "the file", "title", u->title);
	bad += !xml_ok(path, "the file", "source language", u->source_lang);
	bad += !xml_ok(path, "the file", "target language", u->target_lang);
	struct strmap seen = STRMAP_INIT;
	for (size_t i = 0; i < u->n; i++) {
		const struct unit *x = &u->v[i];
		if (x->obsolete)
			continue;
		char *who = x->id ? xasprintf("unit '%s'", x->id) : xasprintf("unit %zu", i + 1);
		if (!x->id) {
			diag_error(path, 0, 0, "%s has no id, which XLIFF requires", who);
			bad++;
		} else if (!xml_ok(path, who, "id", x->id)) {
			bad++;
		} else {
			bool added;
			strmap_put(&seen, x->id, &added);
			if (!added) {
				diag_error(path, 0, 0, "%s: a second unit with this id (XLIFF ids are unique in a <file>)", who);
				bad++;
			}
		}
		bad += !xml_ok(path, who, "source", x->source);
		bad += !xml_ok(path, who, "target", x->target);
		bad += !xml_ok(path, who, "previous source", x->prev_source);
		bad += !xml_ok(path, who, "note", x->note);
		bad += !xml_ok(path, who, "comment", x->comment);
		bad += !xml_ok(path, who, "file", x->file);
		free(who);
	}
	strmap_free(&seen);
	return bad == 0;
}

#define X(s) BAD_CAST (s)

/* One unit; a negative return is libxml2's (out of memory: the writer only fills a buffer). */
static int write_unit(xmlTextWriterPtr w, const struct unit *x)
{
	int rc = 0;
	rc |= xmlTextWriterStartElement(w, X("trans-unit"));
	rc |= xmlTextWriterWriteAttribute(w, X("id"), X(x->id));
	rc |= xmlTextWriterWriteAttribute(w, X("resname"), X(x->id));
	rc |= xmlTextWriterWriteAttribute(w, X("xml:space"), X("preserve"));
	if (x->state == UNIT_TRANSLATED)
		rc |= xmlTextWriterWriteAttribute(w, X("approved"), X("yes"));
	rc |= xmlTextWriterWriteElement(w, X("source"), X(x->source));
	if (x->state != UNIT_UNTRANSLATED) {
		rc |= xmlTextWriterStartElement(w, X("target"));
		rc |= xmlTextWriterWriteAttribute(w, X("state"),
		                                  X(x->state == UNIT_FUZZY ? "needs-review-translation" : "translated"));
		rc |= xmlTextWriterWriteString(w, X(x->target));
		rc |= xmlTextWriterEndElement(w);
	}
	if (x->note) {
		rc |= xmlTextWriterStartElement(w, X("note"));
		rc |= xmlTextWriterWriteAttribute(w, X("from"), X("developer"));
		rc |= xmlTextWriterWriteString(w, X(x->note));
		rc |= xmlTextWriterEndElement(w);
	}
	if (x->comment) { /* as po2xliff writes a PO translator comment, which xliff2po reads back as one */
		rc |= xmlTextWriterStartElement(w, X("note"));
		rc |= xmlTextWriterWriteAttribute(w, X("from"), X("translator"));
		rc |= xmlTextWriterWriteString(w, X(x->comment));
		rc |= xmlTextWriterEndElement(w);
	}
	if (x->file) {
		/* As translate-toolkit's po2xliff writes a "#:" reference, but
		 * without its name="po-reference": the schema wants the names of
		 * context-groups unique in a <file>. */
		rc |= xmlTextWriterStartElement(w, X("context-group"));
		rc |= xmlTextWriterWriteAttribute(w, X("purpose"), X("location"));
		rc |= xmlTextWriterStartElement(w, X("context"));
		rc |= xmlTextWriterWriteAttribute(w, X("context-type"), X("sourcefile"));
		rc |= xmlTextWriterWriteString(w, X(x->file));
		rc |= xmlTextWriterEndElement(w);
		if (x->line > 0) {
			char n[16];
			snprintf(n, sizeof n, "%d", x->line);
			rc |= xmlTextWriterStartElement(w, X("context"));
			rc |= xmlTextWriterWriteAttribute(w, X("context-type"), X("linenumber"));
			rc |= xmlTextWriterWriteString(w, X(n));
			rc |= xmlTextWriterEndElement(w);
		}
		rc |= xmlTextWriterEndElement(w);
	}
	if (x->prev_source) {
		/* The schema wants a <target> in <alt-trans>: the translation made for prev_source. */
		rc |= xmlTextWriterStartElement(w, X("alt-trans"));
		rc |= xmlTextWriterWriteAttribute(w, X("alttranstype"), X("previous-version"));
		rc |= xmlTextWriterWriteAttribute(w, X("xml:space"), X("preserve"));
		rc |= xmlTextWriterWriteElement(w, X("source"), X(x->prev_source));
		rc |= xmlTextWriterWriteElement(w, X("target"), X(x->target));
		rc |= xmlTextWriterEndElement(w);
	}
	rc |= xmlTextWriterEndElement(w);
	return rc;
}

static int write_doc(xmlTextWriterPtr w, const struct unit_list *u)
{
	int rc = 0;
	rc |= xmlTextWriterSetIndent(w, 1);
	rc |= xmlTextWriterSetIndentString(w, X("  "));
	rc |= xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
	rc |= xmlTextWriterStartElement(w, X("xliff"));
	rc |= xmlTextWriterWriteAttribute(w, X("version"), X("1.2"));
	rc |= xmlTextWriterWriteAttribute(w, X("xmlns"), X(NS_12));
	rc |= xmlTextWriterStartElement(w, X("file"));
	rc |= xmlTextWriterWriteAttribute(w, X("original"), X(u->title ? u->title : ""));
	rc |= xmlTextWriterWriteAttribute(w, X("source-language"), X(u->source_lang ? u->source_lang : "und"));
	if (u->target_lang)
		rc |= xmlTextWriterWriteAttribute(w, X("target-language"), X(u->target_lang));
	rc |= xmlTextWriterWriteAttribute(w, X("datatype"), X("plaintext"));
	rc |= xmlTextWriterStartElement(w, X("body"));
	for (size_t i = 0; i < u->n; i++)
		if (!u->v[i].obsolete)
			rc |= write_unit(w, &u->v[i]);
	rc |= xmlTextWriterEndDocument(w);      /* closes body, file, xliff */
	return rc;
}

int xliff_write(const struct unit_list *u, const char *path)
{
	if (!check_units(u, path))
		return -1;
	struct xml_err err;
	xml_begin(&err);
	xmlBufferPtr xb = xmlBufferCreate();
	xmlTextWriterPtr w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
	int rc = w ? write_doc(w, u) : -1;
	if (w)
		xmlFreeTextWriter(w);   /* flushes into xb */
	if (rc < 0 || !xb) {
		diag_error(path, 0, 0, "cannot write XLIFF: %s", err.msg ? err.msg : "libxml2 failed");
		rc = -1;
	} else if (!strcmp(path, "-")) {
		size_t len = (size_t)xmlBufferLength(xb);
		if (fwrite(xmlBufferContent(xb), 1, len, stdout) != len || fflush(stdout) != 0) {
			diag_error(path, 0, 0, "cannot write to standard output: %s", strerror(errno));
			rc = -1;
		}
	} else if (file_write_atomic(path, xmlBufferContent(xb), (size_t)xmlBufferLength(xb)) != 0) {
		diag_error(path, 0, 0, "cannot write: %s", strerror(errno));
		rc = -1;
	}
	if (xb)
		xmlBufferFree(xb);
	xml_end(&err);
	return rc < 0 ? -1 : 0;
}

/* {===== Reading */

struct rd {
	const char *path;
	struct unit_list *u;
	const xmlChar *ns;      /* the root's namespace: XLIFF 1.2's, or NULL (none) */
	bool have_file;
	int errors;
	bool region_said;       /* a <target> in a regional form of the file's language was warned about */
};

static int line_of(const xmlNode *n)
{
	long l = xmlGetLineNo(n);
	return l > 0 && l <= INT_MAX ? (int)l : 0;
}

/* An element of the file's XLIFF namespace named name. */
static bool is(const struct rd *r, const xmlNode *n, const char *name)
{
	if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name))
		return false;
	const xmlChar *ns = n->ns ? n->ns->href : NULL;
	return ns == r->ns || (ns && r->ns && !xmlStrcmp(ns, r->ns));
}

/* An attribute without namespace as a copy (caller frees), or NULL. */
static char *attr(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, X(name));
	if (!v)
		return NULL;
	char *s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

static bool attr_is(const xmlNode *n, const char *name, const char *want)
{
	char *v = attr(n, name);
	bool same = v && !strcmp(v, want);
	free(v);
	return same;
}

/* An inline element of XLIFF 1.2 that stands for a code of the original
 * format, with no text of its own that a unit here could hold. */
static bool is_code(const struct rd *r, const xmlNode *n)
{
	static const char *const codes[] = { "x", "bx", "ex", "ph", "bpt", "ept", "it" };
	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
		if (is(r, n, codes[i]))
			return true;
	return false;
}

/* Adds the text of n's children to b. In <source> and <target> (inl), <g> (one the source has
 * too: read_unit refuses the others) and <mrk> give their text; everything else that is not text
 * is refused. */
static void add_text(struct rd *r, struct buf *b, const xmlNode *n, bool inl, const char *in, const char *id)
{
	for (const xmlNode *k = n->children; k; k = k->next) {
		switch (k->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			buf_adds(b, (const char *)k->content);
			break;
		case XML_COMMENT_NODE:
		case XML_PI_NODE:
			break;
		case XML_ELEMENT_NODE:
			if (inl && (is(r, k, "g") || is(r, k, "mrk"))) {
				add_text(r, b, k, inl, in, id);
				break;
			}
			if (inl && is_code(r, k))
				diag_error(r->path, line_of(k), 0,
				           "unit '%s': <%s> in <%s> stands for a code of the original format, which vade has no text for; write it out or remove it",
				           id ? id : "(no id)", (const char *)k->name, in);
			else
				diag_error(r->path, line_of(k), 0, "unit '%s': <%s> in <%s> is not read",
				           id ? id : "(no id)", (const char *)k->name, in);
			r->errors++;
			break;
		default:    /* an entity reference, which the parser left unexpanded */
			diag_error(r->path, line_of(n), 0, "unit '%s': an entity reference (&%s;) in <%s> is not read",
			           id ? id : "(no id)", (const char *)k->name, in);
			r->errors++;
			break;
		}
	}
}

/* The <g> elements in n, at any depth. */
static size_t count_g(struct rd *r, const xmlNode *n)
{
	size_t c = 0;
	for (const xmlNode *k = n->children; k; k = k->next)
		if (k->type == XML_ELEMENT_NODE)
			c += is(r, k, "g") + count_g(r, k);
	return c;
}

static char *text_of(struct rd *r, const xmlNode *n, bool inl, const char *id)
{
	struct buf b = BUF_INIT;
	add_text(r, &b, n, inl, (const char *)n->name, id);
	return buf_detach(&b, NULL);
}

/* What a non-empty <target>'s state says (the values of XLIFF 1.2's state
 * attribute; "x-" ones are a tool's own). new and needs-translation with a
 * text are fuzzy, not untranslated: translate-toolkit (Weblate, Pootle)
 * marks a fuzzy unit so, and its text is the translator's. */
static enum unit_state state_of(const char *s)
{
	if (!s || !strcmp(s, "translated") || !strcmp(s, "final") || !strcmp(s, "signed-off"))
		return UNIT_TRANSLATED;
	return UNIT_FUZZY;      /* new, needs-*, x-... */
}

/* Whether id is a number alone: a tool's own ("3"), not one of vade's ("page:a:2"). */
static bool numbered(const char *id)
{
	return !id || (*id && id[strspn(id, "0123456789")] == '\0');
}

/* A location context-group: file and line. A reference to one of vade's ids that po2xliff cut at
 * its first ':' (xliff2po writes a unit's id as the PO entry's "#: page::title"; po2xliff then
 * gives sourcefile "page", linenumber ":title") is that id again, for a unit whose own id the tool
 * numbered: each such unit was refused as naming nothing (helper-147). */
static void read_location(struct rd *r, struct unit *x, const xmlNode *cg)
{
	char *file = NULL, *line = NULL;
	for (const xmlNode *c = cg->children; c; c = c->next) {
		if (!is(r, c, "context"))
			continue;
		char *type = attr(c, "context-type");
		if (type && !strcmp(type, "sourcefile") && !file)
			file = text_of(r, c, false, x->id);
		else if (type && !strcmp(type, "linenumber") && !line)
			line = text_of(r, c, false, x->id);
		free(type);
	}
	if (file && line && numbered(x->id) && (!strcmp(file, "page") || !strcmp(file, "ui") || !strcmp(file, "data")) &&
	    !numbered(line)) {
		free(x->id);
		x->id = xasprintf("%s:%s", file, line);
		free(file);
		free(line);
		return;
	}
	if (file && !x->file)
		x->file = file, file = NULL;
	if (line && !x->line) {
		char *end;
		errno = 0;
		long l = strtol(line, &end, 10);
		x->line = !errno && end != line && !*end && l > 0 && l <= INT_MAX ? (int)l : 0;
	}
	free(file);
	free(line);
}

/* A unit with several location context-groups (po2xliff writes one per "#:" reference of a PO
 * entry that msguniq or msgcat merged): one more unit for each after the first (unit.h, more_place),
 * which places the unit when its id is not one of ours. The unit is the last of r->u; first is its
 * first location context-group, or NULL. */
static void more_places(struct rd *r, const xmlNode *first)
{
	size_t at = r->u->n - 1;
	for (const xmlNode *k = first ? first->next : NULL; k; k = k->next) {
		if (!is(r, k, "context-group") || !attr_is(k, "purpose", "location"))
			continue;
		read_location(r, unit_add_place(r->u, at), k);
	}
}

/* Whether tags a and b are one, case and '-' or '_' aside. */
static bool same_tag(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b) && !(strchr("-_", *a) && strchr("-_", *b)))
			return false;
	return !*a && !*b;
}

static void read_unit(struct rd *r, const xmlNode *tu)
{
	char *id = attr(tu, "resname");
	if (!id)
		id = attr(tu, "id");
	struct unit *x = unit_add(r->u, id, NULL, NULL);
	free(id);
	x->at = line_of(tu);
	const xmlNode *source = NULL, *target = NULL, *located = NULL;
	struct buf note = BUF_INIT;
	for (const xmlNode *k = tu->children; k; k = k->next) {
		if ((is(r, k, "source") && source) || (is(r, k, "target") && target)) {
			/* XLIFF 1.2 (section 2.3, <trans-unit>) allows one of each: which text is the
			 * translator's cannot be told, and the other would be lost. */
			diag_error(r->path, line_of(k), 0, "unit '%s': a second <%s>; a <trans-unit> has one",
			           x->id ? x->id : "(no id)", (const char *)k->name);
			r->errors++;
			buf_free(&note);
			return;
		} else if (is(r, k, "source")) {
			source = k;
		} else if (is(r, k, "target")) {
			target = k;
		} else if (is(r, k, "note")) {
			char *t = text_of(r, k, false, x->id);
			if (note.len)
				buf_addc(&note, '\n');
			buf_adds(&note, t);
			free(t);
		} else if (is(r, k, "context-group") && !located && attr_is(k, "purpose", "location")) {
			read_location(r, x, k);
			located = k;
		} else if (is(r, k, "alt-trans") && !x->prev_source && attr_is(k, "alttranstype", "previous-version")) {
			for (const xmlNode *s = k->children; s; s = s->next)
				if (is(r, s, "source")) {
					x->prev_source = text_of(r, s, true, x->id);
					break;
				}
		}
	}
	if (note.len)
		x->note = buf_detach(&note, NULL);
	buf_free(&note);
	if (!source) {
		diag_error(r->path, x->at, 0, "unit '%s': a <trans-unit> without <source>", x->id ? x->id : "(no id)");
		r->errors++;
		return;
	}
	free(x->source);
	x->source = text_of(r, source, true, x->id);
	if (!target)
		return;
	/* A unit its tool marks translate="no" (XLIFF 1.2, 2.3), or whose <group> does: its target is no
	 * translation (whatever language a tool gave the copy of its source) */
	for (const xmlNode *g = tu; g && g->type == XML_ELEMENT_NODE; g = g->parent)
		if (attr_is(g, "translate", "no")) {
			/* held, its target kept: the import says it when a translator changed it all the same
			 * (helper-142), against what the file was exported with and what the site has (helper-145) */
			free(x->target);
			x->target = text_of(r, target, true, x->id);
			x->held = true;
			x->state = UNIT_UNTRANSLATED;
			return;
		}
	/* A target that says it is in another language than the file's (xml:lang="de" in a French file):
	 * which is right cannot be told, and the text would go into the file's language (helper-140). Two
	 * forms of one language (fr-CA in fr) are one. */
	xmlChar *xl = xmlGetNsProp(target, X("lang"), XML_XML_NAMESPACE);
	const char *fl = r->u->target_lang;
	if (xl && *xl && fl && *fl && target->children && /* (an empty target says nothing) */
	    (strcspn((const char *)xl, "-_") != strcspn(fl, "-_@.") || strncasecmp((const char *)xl, fl, strcspn(fl, "-_@.")))) {
		diag_error(r->path, line_of(target), 0, "unit '%s': its <target> says xml:lang=\"%s\", and the file is in %s: "
		           "not imported; put it in a file of its language", x->id ? x->id : "(no id)", (const char *)xl, fl);
		r->errors++;
		xmlFree(xl);
		return;
	}
	/* a regional form of the file's language (fr-CA in a fr file) goes into the file's, with a word as a
	 * file in that form gets (once a file; helper-142: said of a file, not of a unit) */
	if (xl && *xl && fl && *fl && target->children && !r->region_said && !same_tag((const char *)xl, fl)) {
		diag_warn(r->path, line_of(target), 0, "unit '%s': its <target> says xml:lang=\"%s\", and the file is in %s: "
		          "imported into %s (and so is every other such unit of the file)", x->id ? x->id : "(no id)",
		          (const char *)xl, fl, fl);
		r->region_said = true;
	}
	xmlFree(xl);
	char *t = text_of(r, target, true, x->id);
	if (count_g(r, target) > count_g(r, source)) {
		/* vade's texts are Markdown and its <source> has no <g>: one a tool or a translator added
		 * stands for formatting (ctype="bold"...) that giving its text alone would lose */
		diag_error(r->path, line_of(target), 0, "unit '%s': a <g> in <target> that its <source> has not stands "
		           "for formatting vade's text has no code for: write it in Markdown (**bold**, *italic*) or "
		           "remove it", x->id ? x->id : "(no id)");
		r->errors++;
		free(t);
		return;
	}
	if (!*t) {
		free(t);
		return;
	}
	char *state = attr(target, "state");
	/* approved="yes" says the text is final, unless the target's state says it is not, as a
	 * tool that changes the state alone leaves it (vade writes approved="yes" on every translated
	 * unit): the one that says less is taken (helper-81), as fuzzy. A state of a tool's own ("x-")
	 * says nothing either way. approved="no" is fuzzy whatever the state (helper-82), as
	 * translate-toolkit reads it; without approved, the state says. */
	/* and a state-qualifier that says a text was rejected or only suggested (XLIFF 1.2's values:
	 * rejected-*, mt-suggestion, tm-suggestion, fuzzy-match, leveraged-mt) is one to review, fuzzy,
	 * whatever its state (helper-140: a rejected text was imported as current) */
	char *qual = attr(target, "state-qualifier");
	bool unreviewed = qual && (!strncmp(qual, "rejected-", 9) || !strcmp(qual, "mt-suggestion") ||
	                           !strcmp(qual, "tm-suggestion") || !strcmp(qual, "fuzzy-match") ||
	                           !strcmp(qual, "leveraged-mt"));
	free(qual);
	bool unfinished = unreviewed || (state && strncmp(state, "x-", 2) && state_of(state) == UNIT_FUZZY);
	x->state = attr_is(tu, "approved", "yes") && !unfinished ? UNIT_TRANSLATED
	           : attr_is(tu, "approved", "no") || unreviewed ? UNIT_FUZZY /* not approved, whatever its state */
	                                                         : state_of(state);
	free(state);
	free(x->target);
	x->target = t;
	more_places(r, located);
}

/* The Language of the PO header that po2xliff turns into a unit, as the file's target language. */
static void header_language(struct rd *r, const xmlNode *tu)
{
	for (const xmlNode *c = tu->children; c && !r->u->target_lang; c = c->next)
		if (is(r, c, "source") || is(r, c, "target")) {
			char *h = text_of(r, c, false, "the PO header");
			char *lang = h ? po_header_field(h, "Language") : NULL;
			if (lang && *lang)
				r->u->target_lang = lang, r->u->target_lang_line = line_of(c);
			else
				free(lang);
			free(h);
		}
}

/* <body> and <group>: groups nest (as deep as libxml2 lets a document go, 256). */
static void read_body(struct rd *r, const xmlNode *n)
{
	for (const xmlNode *k = n->children; k; k = k->next) {
		if (is(r, k, "group") && attr_is(k, "restype", "x-gettext-plurals")) {
			/* po2xliff's plural forms, a unit per form ("3[0]", "3[1]"): as in a PO file */
			diag_error(r->path, line_of(k), 1, "a message with plural forms (<group restype=\"x-gettext-plurals\">): "
			           "vade's texts have none; write it as one <trans-unit>");
			r->errors++;
		} else if (is(r, k, "group"))
			read_body(r, k);
		else if (is(r, k, "trans-unit") && !attr_is(k, "restype", "x-gettext-domain-header"))
			read_unit(r, k);        /* not the PO header that po2xliff makes a unit of */
		else if (is(r, k, "trans-unit") && !r->u->target_lang)
			header_language(r, k);  /* but its Language, when the <file> names none (po2xliff's do not) */
	}
}

static void read_file(struct rd *r, const xmlNode *f)
{
	char *src = attr(f, "source-language"), *tgt = attr(f, "target-language");
	if (!r->have_file) {
		r->have_file = true;
		r->u->source_lang = src, src = NULL;
		r->u->target_lang = tgt, tgt = NULL;
		r->u->target_lang_line = line_of(f);
		r->u->title = attr(f, "original");
	} else if (tgt && (!r->u->target_lang || strcmp(tgt, r->u->target_lang))) {
		diag_error(r->path, line_of(f), 0, "this <file> is in %s, the first one in %s: one language at a time",
		           tgt, r->u->target_lang ? r->u->target_lang : "no language");
		r->errors++;
	}
	free(src);
	free(tgt);
	for (const xmlNode *k = f->children; k; k = k->next)
		if (is(r, k, "body"))
			read_body(r, k);
}

/* XLIFF 1.2 (or 1.1) at the root, or a message why not. */
static bool read_root(struct rd *r, const xmlNode *root)
{
	const char *ns = root->ns ? (const char *)root->ns->href : NULL;
	char *version = attr(root, "version");
	bool good = false;
	if (strcmp((const char *)root->name, "xliff"))
		diag_error(r->path, line_of(root), 0, "not an XLIFF file: the root element is <%s>", (const char *)root->name);
	else if ((ns && !strncmp(ns, "urn:oasis:names:tc:xliff:document:2", 35)) || (version && version[0] == '2'))
		diag_error(r->path, line_of(root), 0, "this is XLIFF %s; vade reads XLIFF 1.2 (export that from the CAT tool)",
		           version ? version : "2");
	else if (ns && strcmp(ns, NS_12) && strcmp(ns, NS_11))
		diag_error(r->path, line_of(root), 0, "not XLIFF 1.2: the namespace is %s, not " NS_12, ns);
	else if (!version)
		diag_error(r->path, line_of(root), 0, "<xliff> without version; vade reads XLIFF 1.2");
	else if (strcmp(version, "1.2") && strcmp(version, "1.1"))
		diag_error(r->path, line_of(root), 0, "this is XLIFF %s; vade reads XLIFF 1.2", version);
	else
		good = true;
	free(version);
	return good;
}

/* Entities declared in the document (<!ENTITY ...>): none in what CAT tools write. */
static bool declares_entities(const xmlDoc *doc)
{
	const xmlDtd *d = doc->intSubset;
	return d && ((d->entities && xmlHashSize((xmlHashTablePtr)d->entities) > 0) ||
	             (d->pentities && xmlHashSize((xmlHashTablePtr)d->pentities) > 0));
}

/* The UTF-16 or UTF-32 form of text, by its byte order mark or the NULs around its first
 * character (an XML file starts with "<" or white space, XML 1.0 appendix F.1): iconv's name
 * for it, or NULL (UTF-8, or another encoding its declaration names). */
static const char *wide_form(const char *text, size_t len)
{
	const unsigned char *u = (const unsigned char *)text;
	if (len >= 4 && (!memcmp(u, "\0\0\xfe\xff", 4) || !memcmp(u, "\xff\xfe\0\0", 4)))
		return "UTF-32"; /* iconv reads the mark */
	if (len >= 4 && !u[0] && !u[1] && !u[2] && u[3])
		return "UTF-32BE";
	if (len >= 4 && u[0] && !u[1] && !u[2] && !u[3])
		return "UTF-32LE";
	if (len >= 2 && (!memcmp(u, "\xfe\xff", 2) || !memcmp(u, "\xff\xfe", 2)))
		return "UTF-16";
	if (len >= 2 && !u[0] && u[1])
		return "UTF-16BE";
	if (len >= 2 && u[0] && !u[1])
		return "UTF-16LE";
	return NULL;
}

/* A file in UTF-16 or UTF-32 as UTF-8. libxml2 reads UTF-32 only big-endian without a byte
 * order mark ("Document is empty" for the others), and drops the odd last byte of a UTF-16
 * file cut short without a word: iconv (glibc) converts every form and says where a file
 * holds what is no character of its form, or ends inside one. False after reporting. */
static bool from_wide(const char *path, const char *form, char **text, size_t *len)
{
	iconv_t cd = iconv_open("UTF-8", form);
	if (cd == (iconv_t)-1) {
		diag_error(path, 1, 1, "the file is %.6s, which cannot be converted here: save it as UTF-8", form);
		return false;
	}
	size_t cap = *len * 2 + 16, left = *len, room = cap;
	char *out = xmalloc(cap), *in = *text, *o = out;
	size_t rc = iconv(cd, &in, &left, &o, &room);
	int bad = rc == (size_t)-1 ? errno : 0;
	iconv_close(cd);
	if (bad) {
		int line, col;
		*o = '\0';
		text_pos(out, (size_t)(o - out), &line, &col);
		if (bad == EINVAL)
			diag_error(path, line, col, "the file is %.6s and ends inside a character (%zu byte%s left over): "
			           "it was cut short; save it again", form, left, left == 1 ? "" : "s");
		else
			diag_error(path, line, col, "the file is %.6s, and its byte %zu is no %.6s character: save it as UTF-8",
			           form, (size_t)(in - *text), form);
		free(out);
		return false;
	}
	if (o - out >= 3 && !memcmp(out, "\xef\xbb\xbf", 3)) {
		/* iconv took the byte order mark: a second one is text before the XML, as in UTF-8 */
		diag_error(path, 1, 1, "the file is %.6s and starts with two byte order marks: remove one", form);
		free(out);
		return false;
	}
	free(*text);
	*text = out;
	*len = (size_t)(o - out);
	return true;
}

int xliff_read(const char *path, struct unit_list *u)
{
	char *text;
	size_t len;
	if (file_read(path, &text, &len) != 0) {
		diag_error(path, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (len > INT_MAX) {
		diag_error(path, 0, 0, "too large for an XLIFF file");
		free(text);
		return -1;
	}
	const char *wide = wide_form(text, len);
	if (wide && !from_wide(path, wide, &text, &len)) {
		free(text);
		return -1;
	}
	size_t blank = 0, bom; /* a byte order mark (UTF-8's, UTF-16's) and white space */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		blank = 3;
	else if (len >= 2 && (!memcmp(text, "\xff\xfe", 2) || !memcmp(text, "\xfe\xff", 2)))
		blank = 2;
	bom = blank;
	while (blank < len && text[blank] && strchr(" \t\r\n", text[blank]))
		blank++;
	if (blank == len) {
		/* libxml2 says "failed" of nothing, at no place (helper-140) */
		diag_error(path, 1, 1, "the file is empty%s: no XLIFF document",
		           len > bom ? " but for white space" : bom ? " but for a byte order mark" : "");
		free(text);
		return -1;
	}
	if (!wide && len >= 6 && !memcmp(text, "\xef\xbb\xbf\xef\xbb\xbf", 6)) {
		/* libxml2 takes the first and says only "Start tag expected" of the second */
		diag_error(path, 1, 1, "the file starts with two byte order marks: remove one");
		free(text);
		return -1;
	}
	struct xml_err err;
	xml_begin(&err);
	/* No XML_PARSE_NOENT (entities stay references), DTDLOAD, DTDATTR or
	 * XINCLUDE: nothing but this file is read. */
	xmlDocPtr doc = xmlReadMemory(text, (int)len, path, wide ? "UTF-8" : NULL, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	struct rd r = { path, u, NULL, false, 0, false };
	if (!doc || err.msg) {
		diag_error(path, err.msg ? err.line : 0, err.msg && err.line > 0 ? err.col : 0, "not well-formed XML: %s", err.msg ? err.msg : "libxml2 failed");
		r.errors++;
	} else if (declares_entities(doc)) {
		const char *e = strstr(text, "<!ENTITY");
		int line = 0, col;
		if (e)
			text_pos(text, (size_t)(e - text), &line, &col);
		diag_error(path, line, 0, "this file declares entities (<!ENTITY ...>), which XLIFF files have no use for; not read");
		r.errors++;
	} else {
		const xmlNode *root = xmlDocGetRootElement(doc);
		if (!root) {
			diag_error(path, 0, 0, "not XLIFF: no root element");
			r.errors++;
		} else if (!read_root(&r, root)) {
			r.errors++;
		} else {
			r.ns = root->ns ? root->ns->href : NULL;
			for (const xmlNode *k = root->children; k; k = k->next)
				if (is(&r, k, "file"))
					read_file(&r, k);
			if (!r.have_file) {
				diag_error(path, line_of(root), 0, "an <xliff> without <file>");
				r.errors++;
			}
		}
	}
	if (doc)
		xmlFreeDoc(doc);
	xml_end(&err);
	free(text);
	if (r.errors) {
		unit_list_free(u);
		return -1;
	}
	return 0;
}
