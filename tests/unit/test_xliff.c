/* Unit tests: XLIFF 1.2 out and back (xliff.h), what CAT tools write back,
 * and what is refused (inline codes, malformed XML, entities, XLIFF 2).
 *   build/test_xliff             the tests (TAP)
 *   build/test_xliff --write F   writes the round-trip units to F, for the
 *                                schema check (tests/i18n/xliff/validate) */
#include "tap.h"
#include "diag.h"
#include "unit.h"
#include "util.h"
#include "xliff.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/vade-test-xliff-XXXXXX";

/* Units with every state and field, and text XML must escape or keep. */
static void sample(struct unit_list *u)
{
	u->title = xstrdup("Site \"T\" & <co> ]]>");
	u->source_lang = xstrdup("en");
	u->target_lang = xstrdup("ar");
	struct unit *x = unit_add(u, "page:guide/a:title", "A <b> & c ]]> \"q\" 'apos'", "مرحبا <&> ]]> \"q\"");
	x->state = UNIT_TRANSLATED;
	x->note = xstrdup("A heading.\nIts page: guide/a");
	x->file = xstrdup("content/guide/a b/ç.md");
	x->line = 1;
	x = unit_add(u, "page:guide/a:3", "  leading and trailing  ", " نص\n\tمع مسافات ");
	x->state = UNIT_FUZZY;
	x->prev_source = xstrdup("old\r\nsource\r");
	x->note = xstrdup("changed since");
	x->file = xstrdup("content/guide/a.md");
	x->line = 12;
	x = unit_add(u, "data:docs/x-1/title", "Line one\nLine two\n", NULL);
	x->file = xstrdup("content/data/docs.yaml");
	x = unit_add(u, "ui:nav/home", "\n", "\n \n");
	x->state = UNIT_TRANSLATED;
	x = unit_add(u, "page:gone:2", "An obsolete one", "قديم");
	x->state = UNIT_TRANSLATED;
	x->obsolete = true;
	x = unit_add(u, "page:x/y:4", "", NULL);
	x = unit_add(u, "page:ids/with:colons/and/slashes:5", "tab\there, CR\r, quote' and \"", "ترجمة");
	x->state = UNIT_FUZZY;
	x->prev_source = xstrdup("was untranslated");
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Units a and b hold the same (b read back, so no obsolete ones and no at). */
static bool same_unit(const struct unit *a, const struct unit *b)
{
	return same_str(a->id, b->id) && same_str(a->source, b->source) && same_str(a->target, b->target) &&
	       same_str(a->prev_source, b->prev_source) && same_str(a->note, b->note) &&
	       same_str(a->file, b->file) && a->line == b->line && a->state == b->state && !b->obsolete;
}

static char *put(const char *name, const char *text)
{
	char *p = path_join(dir, name);
	if (file_write(p, text, strlen(text)) != 0)
		perror(p);
	return p;
}

/* Calls xliff_read() with stderr caught: everything printed while reading
 * (which must be nothing: libxml2 may not print) and then the diagnostics. */
static int read_caught(const char *path, struct unit_list *u, struct buf *err)
{
	fflush(stdout);
	fflush(stderr);
	FILE *tmp = tmpfile();
	int saved = dup(2);
	dup2(fileno(tmp), 2);
	int rc = xliff_read(path, u);
	diag_flush();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, tmp)) > 0)
		buf_add(err, chunk, n);
	fclose(tmp);
	return rc;
}

/* Every line of err is a diagnostic about path (none from libxml2 itself). */
static bool only_ours(const char *err, const char *path)
{
	for (const char *l = err; *l; ) {
		if (strncmp(l, path, strlen(path)))
			return false;
		const char *nl = strchr(l, '\n');
		if (!nl)
			break;
		l = nl + 1;
	}
	return true;
}

static const struct unit *find(const struct unit_list *u, const char *id)
{
	for (size_t i = 0; i < u->n; i++)
		if (same_str(u->v[i].id, id))
			return &u->v[i];
	return NULL;
}

static void test_round_trip(void)
{
	struct unit_list a = {0}, b = {0};
	sample(&a);
	char *f = path_join(dir, "round.xlf");
	ok(xliff_write(&a, f) == 0, "the sample is written");
	struct buf err = BUF_INIT;
	ok(read_caught(f, &b, &err) == 0 && err.len == 0, "and read back without a word");
	if (err.len)
		printf("#   %s", err.p);
	size_t want = 0, j = 0;
	bool all = true;
	for (size_t i = 0; i < a.n; i++) {
		if (a.v[i].obsolete)
			continue;
		want++;
		if (j >= b.n || !same_unit(&a.v[i], &b.v[j])) {
			all = false;
			printf("#   unit %zu (%s) differs\n", i, a.v[i].id);
			if (j < b.n)
				printf("#   got source '%s' target '%s' prev '%s' note '%s' file '%s' line %d state %d\n",
				       b.v[j].source, b.v[j].target, b.v[j].prev_source ? b.v[j].prev_source : "(null)",
				       b.v[j].note ? b.v[j].note : "(null)", b.v[j].file ? b.v[j].file : "(null)",
				       b.v[j].line, (int)b.v[j].state);
		}
		j++;
	}
	ok(b.n == want, "every unit but the obsolete one comes back (%zu of %zu)", b.n, want);
	ok(all, "each unit comes back the same: ids, texts with < & ]]> quotes CR LF tab spaces and Arabic, states, notes, locations, previous sources");
	is_str(b.title, a.title, "the title is the file's original");
	is_str(b.source_lang, "en", "source-language");
	is_str(b.target_lang, "ar", "target-language");
	bool lines = b.n > 0;
	for (size_t i = 0; i < b.n; i++)
		lines &= b.v[i].at > 2 && (i == 0 || b.v[i].at > b.v[i - 1].at);
	ok(lines, "each unit has its line in the file (at)");

	char *text;
	size_t len;
	file_read(f, &text, &len);
	ok(!strstr(text, "page:gone:2"), "the obsolete unit is not in the file");
	ok(strstr(text, "<trans-unit id=\"page:guide/a:3\" resname=\"page:guide/a:3\" xml:space=\"preserve\">") != NULL,
	   "a fuzzy unit: id and resname, space preserved, not approved");
	ok(strstr(text, "<target state=\"needs-review-translation\">") && strstr(text, "approved=\"yes\"") &&
	   strstr(text, "<target state=\"translated\">"), "states: needs-review-translation, translated and approved");
	ok(strstr(text, "<context context-type=\"linenumber\">12</context>") &&
	   strstr(text, "<context-group purpose=\"location\">"), "the location as po2xliff writes it (without a name)");
	ok(strstr(text, "<alt-trans alttranstype=\"previous-version\" xml:space=\"preserve\">") != NULL,
	   "the previous source in an alt-trans");
	ok(strstr(text, "old&#13;\nsource&#13;") != NULL, "a CR is written as &#13; (a parser would make it LF)");
	ok(strstr(text, "]]&gt;") != NULL && !strstr(text, "<![CDATA["), "]]> is escaped, no CDATA");
	const char *u3 = strstr(text, "resname=\"data:docs/x-1/title\"");
	const char *end3 = u3 ? strstr(u3, "</trans-unit>") : NULL;
	ok(u3 && end3 && !memmem(u3, (size_t)(end3 - u3), "<target", 7), "an untranslated unit has no <target>");
	free(text);
	buf_free(&err);
	unit_list_free(&a);
	unit_list_free(&b);
	free(f);
}

static void test_write_refusals(void)
{
	struct unit_list a = {0};
	a.source_lang = xstrdup("en");
	unit_add(&a, "page:ok:1", "fine", NULL);
	unit_add(&a, "page:bad:2", "a bell \a here", NULL);
	struct unit *x = unit_add(&a, "page:bad:3", "ok", "form\ffeed");
	x->state = UNIT_TRANSLATED;
	unit_add(&a, "page:bad:4", "not UTF-8 \xff", NULL);
	unit_add(&a, "page:bad:5", "U+FFFF \xef\xbf\xbf", NULL);
	char *f = path_join(dir, "refused.xlf");
	fflush(stdout);
	FILE *tmp = tmpfile();
	int saved = dup(2);
	dup2(fileno(tmp), 2);
	int rc = xliff_write(&a, f);
	diag_flush();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	char msg[4096] = {0};
	size_t n = fread(msg, 1, sizeof msg - 1, tmp);
	msg[n] = '\0';
	fclose(tmp);
	ok(rc == -1 && !is_file(f), "control characters: refused, nothing written");
	ok(strstr(msg, "unit 'page:bad:2': its source has the control character U+0007") &&
	   strstr(msg, "unit 'page:bad:3': its target has the control character U+000C") &&
	   strstr(msg, "unit 'page:bad:4': its source is not UTF-8") &&
	   strstr(msg, "unit 'page:bad:5': its source has U+FFFF") && !strstr(msg, "page:ok:1"),
	   "each bad unit is named");
	if (!strstr(msg, "page:bad:5"))
		printf("#   got: %s\n", msg);

	/* An empty list is a valid file with an empty body. */
	struct unit_list e = {0}, back = {0};
	e.source_lang = xstrdup("en");
	e.target_lang = xstrdup("fr");
	ok(xliff_write(&e, f) == 0 && xliff_read(f, &back) == 0 && back.n == 0 && same_str(back.target_lang, "fr"),
	   "no units: a file with an empty body, read back as no units");
	unit_list_free(&e);
	unit_list_free(&back);
	unit_list_free(&a);
	free(f);
}

/* As memoQ, Trados or OmegaT send it back: groups in groups, several files,
 * states, inline markup with text, extensions of their own. */
static const char memoq[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"                                  /* 1 */
	"<xliff xmlns=\"urn:oasis:names:tc:xliff:document:1.2\" version=\"1.2\"\n"
	"       xmlns:mq=\"MQXliff\">\n"
	"  <file original=\"Site\" source-language=\"en-US\" target-language=\"ar\" datatype=\"plaintext\">\n"
	"    <header><tool tool-id=\"mq\" tool-name=\"memoQ\"/></header>\n"             /* 5 */
	"    <body>\n"
	"      <group id=\"g1\" resname=\"content/a.md\">\n"
	"        <group id=\"g2\">\n"
	"          <trans-unit id=\"1\" resname=\"page:a:title\" mq:status=\"ManuallyConfirmed\">\n"
	"            <source>The <g id=\"1\">guide</g></source>\n"                         /* 10 */
	"            <target state=\"translated\">الدليل <g id=\"1\">هنا</g></target>\n"
	"          </trans-unit>\n"
	"          <trans-unit id=\"2\" resname=\"page:a:1\">\n"
	"            <source>One.</source>\n"
	"            <target state=\"needs-review-l10n\">واحد.</target>\n"               /* 15 */
	"            <note from=\"translator\">check this</note>\n"
	"            <note>and this</note>\n"
	"            <alt-trans match-quality=\"80\"><source>Won.</source><target>مقترح</target></alt-trans>\n"
	"          </trans-unit>\n"
	"        </group>\n"                                                              /* 20 */
	"        <trans-unit id=\"3\">\n"
	"          <source>Three</source>\n"
	"          <target>ثلاثة</target>\n"
	"        </trans-unit>\n"
	"        <trans-unit id=\"4\" resname=\"page:a:4\">\n"                             /* 25 */
	"          <source>Four</source>\n"
	"          <target state=\"new\">مسودة</target>\n"
	"        </trans-unit>\n"
	"      </group>\n"
	"      <trans-unit id=\"5\" resname=\"page:a:5\" approved=\"yes\">\n"               /* 30 */
	"        <source>Five</source>\n"
	"        <target state=\"needs-review-translation\">خمسة</target>\n"
	"      </trans-unit>\n"
	"      <trans-unit id=\"6\" resname=\"page:a:6\" approved=\"yes\">\n"
	"        <source>Six</source>\n"                                                  /* 35 */
	"        <target state=\"translated\"></target>\n"
	"      </trans-unit>\n"
	"      <bin-unit id=\"b\" mime-type=\"image/png\"><bin-source><external-file href=\"x.png\"/></bin-source></bin-unit>\n"
	"    </body>\n"
	"  </file>\n"                                                                     /* 40 */
	"  <file original=\"Site 2\" source-language=\"en-US\" target-language=\"ar\" datatype=\"plaintext\">\n"
	"    <body>\n"
	"      <trans-unit id=\"7\" resname=\"ui:x\">\n"
	"        <source>Seven</source>\n"
	"        <seg-source><mrk mtype=\"seg\" mid=\"1\">Seven</mrk></seg-source>\n"   /* 45 */
	"        <target><mrk mtype=\"seg\" mid=\"1\">سبعة</mrk> <mrk mtype=\"protected\">&lt;7&gt;</mrk></target>\n"
	"      </trans-unit>\n"
	"      <trans-unit id=\"8\" resname=\"ui:y\">\n"
	"        <source>Eight</source>\n"
	"        <target state=\"x-memoq-edited\">ثمانية</target>\n"                     /* 50 */
	"        <alt-trans alttranstype=\"previous-version\"><source>Ate</source><target>ثمانية</target></alt-trans>\n"
	"        <context-group purpose=\"location\"><context context-type=\"sourcefile\">content/y.md</context>"
	"<context context-type=\"linenumber\">7</context></context-group>\n"
	"      </trans-unit>\n"
	"      <trans-unit id=\"9\" resname=\"ui:z\"><source>Nine</source><target state=\"needs-adaptation\">تسعة</target></trans-unit>\n"
	"      <trans-unit id=\"10\" resname=\"ui:w\"><source>Ten</source><target state=\"final\"><![CDATA[<10>]]></target></trans-unit>\n" /* 55 */
	"      <trans-unit id=\"11\" resname=\"ui:v\" approved=\"yes\"><source>Eleven</source><target state=\"x-memoq-confirmed\">أحد عشر</target></trans-unit>\n"
	"      <trans-unit id=\"12\" resname=\"ui:u\" approved=\"no\"><source>Twelve</source><target state=\"translated\">اثنا عشر</target></trans-unit>\n"
	"    </body>\n"
	"  </file>\n"
	"</xliff>\n";

static void test_cat_tools(void)
{
	char *f = put("memoq.xlf", memoq);
	struct unit_list u = {0};
	struct buf err = BUF_INIT;
	ok(read_caught(f, &u, &err) == 0 && err.len == 0, "a file as a CAT tool writes it back is read");
	if (err.len)
		printf("#   %s", err.p);
	ok(u.n == 12, "every trans-unit, in groups in groups and in two files, none of the bin-unit (%zu)", u.n);
	is_str(u.target_lang, "ar", "target-language of the file");
	is_str(u.source_lang, "en-US", "source-language of the file");
	const struct unit *x = find(&u, "page:a:title");
	ok(x && x->state == UNIT_TRANSLATED && same_str(x->source, "The guide") && same_str(x->target, "الدليل هنا") &&
	   x->at == 9, "in two groups: <g> gives its text; state translated; at its line");
	x = find(&u, "page:a:1");
	ok(x && x->state == UNIT_FUZZY && same_str(x->target, "واحد.") && same_str(x->note, "check this\nand this") &&
	   !x->prev_source, "needs-review-l10n is fuzzy; notes joined; a proposal alt-trans is no previous source");
	x = find(&u, "3");
	ok(x && x->state == UNIT_TRANSLATED && same_str(x->target, "ثلاثة"), "no resname: the id; no state: translated");
	x = find(&u, "page:a:4");
	ok(x && x->state == UNIT_FUZZY && same_str(x->target, "مسودة"), "state new with a text: fuzzy, the text kept");
	x = find(&u, "page:a:5");
	ok(x && x->state == UNIT_FUZZY, "approved=\"yes\" under a state that says the text needs review: fuzzy, "
	   "as a tool that changed the state alone meant (helper-81)");
	x = find(&u, "page:a:6");
	ok(x && x->state == UNIT_UNTRANSLATED, "an empty target is untranslated, approved or not");
	x = find(&u, "ui:x");
	ok(x && x->state == UNIT_TRANSLATED && same_str(x->target, "سبعة <7>") && same_str(x->source, "Seven"),
	   "<mrk> gives its text; <seg-source> is not the source");
	x = find(&u, "ui:y");
	ok(x && x->state == UNIT_FUZZY && same_str(x->prev_source, "Ate") && same_str(x->file, "content/y.md") &&
	   x->line == 7, "an unknown x- state is fuzzy; previous-version alt-trans and location read");
	x = find(&u, "ui:z");
	ok(x && x->state == UNIT_FUZZY, "needs-adaptation is fuzzy");
	x = find(&u, "ui:w");
	ok(x && x->state == UNIT_TRANSLATED && same_str(x->target, "<10>"), "final is translated; CDATA is text");
	x = find(&u, "ui:v");
	ok(x && x->state == UNIT_TRANSLATED, "approved=\"yes\" with a tool's own x- state: translated");
	x = find(&u, "ui:u");
	ok(x && x->state == UNIT_FUZZY, "approved=\"no\" under state translated: fuzzy (helper-82)");
	unit_list_free(&u);
	buf_free(&err);
	free(f);

	/* A prefix for XLIFF's namespace, as some tools write. */
	f = put("prefix.xlf",
	        "<x:xliff xmlns:x=\"urn:oasis:names:tc:xliff:document:1.2\" version=\"1.2\">"
	        "<x:file original=\"o\" source-language=\"en\" target-language=\"fr\" datatype=\"plaintext\"><x:body>"
	        "<x:trans-unit id=\"a\"><x:source>A</x:source><x:target>Ah</x:target></x:trans-unit>"
	        "</x:body></x:file></x:xliff>\n");
	ok(xliff_read(f, &u) == 0 && u.n == 1 && same_str(u.v[0].target, "Ah"), "XLIFF's namespace under a prefix");
	unit_list_free(&u);
	free(f);

	/* What translate-toolkit (Weblate, Pootle) writes: XLIFF 1.1, the PO
	 * header as a unit, fuzzy as needs-translation with approved="no". */
	f = put("po2xliff.xlf",
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<xliff xmlns=\"urn:oasis:names:tc:xliff:document:1.1\" version=\"1.1\">\n"
	        "  <file original=\"fr.po\" source-language=\"en-US\" datatype=\"plaintext\">\n"
	        "    <body>\n"
	        "      <trans-unit xml:space=\"preserve\" id=\"2\" approved=\"no\" restype=\"x-gettext-domain-header\">"
	        "<source>Language: fr\n</source>\n"
	        "        <target state=\"translated\">Language: fr\n</target>\n"
	        "      </trans-unit>\n"
	        "      <trans-unit xml:space=\"preserve\" id=\"page:a:1\" approved=\"yes\"><source>Hello</source>\n"
	        "        <target state=\"translated\">Bonjour</target>\n"
	        "        <context-group name=\"po-reference\" purpose=\"location\"><context context-type=\"sourcefile\">content/a.md</context>"
	        "<context context-type=\"linenumber\">3</context></context-group>\n"
	        "        <note from=\"developer\">a note</note>\n"
	        "      </trans-unit>\n"
	        "      <trans-unit xml:space=\"preserve\" id=\"page:a:2\" approved=\"no\"><source>New</source>\n"
	        "        <target state=\"needs-translation\">Vieux</target>\n"
	        "      </trans-unit>\n"
	        "      <trans-unit xml:space=\"preserve\" id=\"page:a:3\"><source>Empty</source>\n"
	        "        <target></target>\n"
	        "      </trans-unit>\n"
	        "    </body>\n"
	        "  </file>\n"
	        "</xliff>\n");
	ok(xliff_read(f, &u) == 0 && u.n == 3, "po2xliff's XLIFF 1.1 is read, without the PO header (%zu units)", u.n);
	x = find(&u, "page:a:1");
	ok(x && x->state == UNIT_TRANSLATED && same_str(x->file, "content/a.md") && x->line == 3 &&
	   same_str(x->note, "a note"), "its translated unit, location and note");
	x = find(&u, "page:a:2");
	ok(x && x->state == UNIT_FUZZY && same_str(x->target, "Vieux"), "its fuzzy unit (needs-translation, a text)");
	x = find(&u, "page:a:3");
	ok(x && x->state == UNIT_UNTRANSLATED, "its untranslated unit");
	unit_list_free(&u);
	free(f);
}

/* Reads text from a file of that name; true when it is refused with want
 * (a piece of the message, with its path:line) and nothing else is printed. */
static bool refused(const char *name, const char *text, const char *want)
{
	char *f = put(name, text);
	struct unit_list u = {0};
	struct buf err = BUF_INIT;
	int rc = read_caught(f, &u, &err);
	char *w = xasprintf("%s:%s", f, want);
	bool good = rc == -1 && u.n == 0 && strstr(err.p, w) && only_ours(err.p, f);
	if (!good)
		printf("#   rc %d, %zu units; want '%s' in:\n#   %s\n", rc, u.n, w, err.p);
	free(w);
	buf_free(&err);
	unit_list_free(&u);
	free(f);
	return good;
}

#define HEAD "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n" \
	"<file original=\"o\" source-language=\"en\" target-language=\"fr\" datatype=\"plaintext\"><body>\n"
#define TAIL "</body></file></xliff>\n"

static void test_refusals(void)
{
	ok(refused("x.xlf", HEAD
	           "<trans-unit id=\"a\"><source>A</source><target>Ah</target></trans-unit>\n"
	           "<trans-unit id=\"b\"><source>Line <x id=\"1\"/> break</source>\n"
	           "<target>Ligne <x id=\"1\"/> coupée</target></trans-unit>\n" TAIL,
	           "5:1: error: unit 'b': <x> in <source> stands for a code"),
	   "<x/> in a source is refused at its line, naming it");
	ok(refused("ph.xlf", HEAD "<trans-unit id=\"a\">\n<source>A</source>\n<target>Ah <ph id=\"1\">&lt;br&gt;</ph></target></trans-unit>\n" TAIL,
	           "6:1: error: unit 'a': <ph> in <target> stands for a code"),
	   "<ph> in a target is refused too");
	ok(refused("bpt.xlf", HEAD "<trans-unit id=\"a\"><source>A <bpt id=\"1\">&lt;b&gt;</bpt>b<ept id=\"1\">&lt;/b&gt;</ept></source></trans-unit>\n" TAIL,
	           "4:1: error: unit 'a': <bpt> in <source>"),
	   "and <bpt>");
	ok(refused("other.xlf", HEAD "<trans-unit id=\"a\"><source>A</source><target>Ah <b xmlns=\"urn:x\">b</b></target></trans-unit>\n" TAIL,
	           "4:1: error: unit 'a': <b> in <target> is not read"),
	   "an element of another namespace in a target is refused");
	char *f = put("two.xlf", HEAD "<trans-unit id=\"a\"><source>A <x id=\"1\"/></source></trans-unit>\n"
	              "<trans-unit id=\"b\"><source>B</source></trans-unit>\n"
	              "<trans-unit id=\"c\"><source>C</source><target><g id=\"1\">C <ex id=\"2\"/></g></target></trans-unit>\n" TAIL);
	struct unit_list u = {0};
	struct buf err = BUF_INIT;
	char *w1 = xasprintf("%s:4:1: error: unit 'a': <x>", f), *w2 = xasprintf("%s:6:1: error: unit 'c': <ex> in <target>", f);
	ok(read_caught(f, &u, &err) == -1 && u.n == 0 && strstr(err.p, w1) && strstr(err.p, w2),
	   "every refused unit is reported, <ex> inside a <g> too; nothing is read");
	free(w1);
	free(w2);
	free(f);
	buf_free(&err);
	unit_list_free(&u);
	ok(refused("bad.xlf", HEAD "<trans-unit id=\"a\">\n<source>A</target>\n</trans-unit>\n" TAIL,
	           "5:19: error: not well-formed XML: Opening and ending tag mismatch: source line 5 and target"),
	   "malformed XML: libxml2's message at its line and column");
	ok(refused("trunc.xlf", HEAD "<trans-unit id=\"a\">\n<source>A &amp b</source>\n", "5:15: error: not well-formed XML"),
	   "a bad entity reference is malformed XML at its line and column");
	ok(refused("v2.xlf", "<?xml version=\"1.0\"?>\n\n<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" srcLang=\"en\">\n"
	           "<file id=\"f\"><unit id=\"u\"><segment><source>A</source></segment></unit></file></xliff>\n",
	           "3:1: error: this is XLIFF 2.0; vade reads XLIFF 1.2"),
	   "XLIFF 2.0 is refused, saying so");
	ok(refused("v10.xlf", "<xliff version=\"1.0\"><file original=\"o\" source-language=\"en\" datatype=\"plaintext\"><body/></file></xliff>\n",
	           "1:1: error: this is XLIFF 1.0; vade reads XLIFF 1.2"),
	   "another version is refused");
	ok(refused("html.xlf", "<html><body/></html>\n", "1:1: error: not an XLIFF file: the root element is <html>"),
	   "a root that is not <xliff>");
	ok(refused("nosrc.xlf", HEAD "<trans-unit id=\"a\"><target>Ah</target></trans-unit>\n" TAIL,
	           "4:1: error: unit 'a': a <trans-unit> without <source>"),
	   "a trans-unit without source");
	ok(refused("langs.xlf", HEAD "<trans-unit id=\"a\"><source>A</source></trans-unit>\n</body></file>\n"
	           "<file original=\"p\" source-language=\"en\" target-language=\"de\" datatype=\"plaintext\"><body/></file></xliff>\n",
	           "6:1: error: this <file> is in de, the first one in fr"),
	   "two target languages in one file");

	/* Past line 65535, where libxml2 keeps element lines only with XML_PARSE_BIG_LINES. */
	struct buf big = BUF_INIT;
	buf_adds(&big, HEAD);
	for (int i = 0; i < 70000; i++)
		buf_adds(&big, "<!-- filler -->\n");
	buf_adds(&big, "<trans-unit id=\"far\"><source>A</source>\n<target>B <x id=\"1\"/></target></trans-unit>\n" TAIL);
	ok(refused("big.xlf", big.p, "70005:1: error: unit 'far': <x> in <target>"), "the right line past 65535");
	buf_free(&big);
}

/* An external entity must never bring another file's text in. */
static void test_xxe(void)
{
	char *secret = put("secret.txt", "SECRET-TEXT-42");
	char *ent = put("ent.dtd", "<!ENTITY leak \"SECRET-TEXT-42\">\n");
	const char *forms[] = {
		"<!DOCTYPE xliff [<!ENTITY e SYSTEM \"file://%s\">]>\n",
		"<!DOCTYPE xliff [<!ENTITY e SYSTEM \"%s\">]>\n",
		"<!DOCTYPE xliff [<!ENTITY %% p SYSTEM \"file://%s\"> %%p;]>\n",
		"<!DOCTYPE xliff SYSTEM \"file://%s\">\n",
	};
	const char *files[] = { secret, secret, ent, ent };
	const char *refs[] = { "&e;", "&e;", "&leak;", "&leak;" };
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		struct buf doc = BUF_INIT;
		buf_adds(&doc, "<?xml version=\"1.0\"?>\n");
		buf_addf(&doc, forms[i], files[i]);
		buf_adds(&doc, "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">"
		               "<file original=\"o\" source-language=\"en\" datatype=\"plaintext\"><body>\n"
		               "<trans-unit id=\"a\"><source>A</source><target>Ah ");
		buf_adds(&doc, refs[i]);
		buf_adds(&doc, "</target></trans-unit>" TAIL);
		char *f = put("xxe.xlf", doc.p);
		struct unit_list u = {0};
		struct buf err = BUF_INIT;
		int rc = read_caught(f, &u, &err);
		bool leaked = strstr(err.p, "SECRET") != NULL;
		for (size_t k = 0; k < u.n; k++)
			leaked |= strstr(u.v[k].target, "SECRET") || strstr(u.v[k].source, "SECRET");
		ok(!leaked && rc == -1 && only_ours(err.p, f), "XXE form %zu: refused, the file's text never read", i + 1);
		if (err.len)
			printf("#   %s", err.p);
		unit_list_free(&u);
		buf_free(&err);
		buf_free(&doc);
		free(f);
	}
	free(secret);
	free(ent);
}

/* "-" is standard output. */
static void test_stdout(void)
{
	struct unit_list a = {0};
	a.source_lang = xstrdup("en");
	unit_add(&a, "ui:a", "Hello", NULL);
	fflush(stdout);
	FILE *tmp = tmpfile();
	int saved = dup(1);
	dup2(fileno(tmp), 1);
	int rc = xliff_write(&a, "-");
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(tmp);
	char out[2048] = {0};
	size_t n = fread(out, 1, sizeof out - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	ok(rc == 0 && !strncmp(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff", 45) &&
	   strstr(out, "<source>Hello</source>") && strstr(out, "source-language=\"en\"") &&
	   !strstr(out, "target-language"), "\"-\" writes to standard output; no target_lang, no target-language");
	unit_list_free(&a);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--write")) {
		struct unit_list u = {0};
		sample(&u);
		int rc = xliff_write(&u, argv[2]);
		diag_flush();
		unit_list_free(&u);
		return rc == 0 ? 0 : 1;
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_round_trip();
	test_write_refusals();
	test_cat_tools();
	test_refusals();
	test_xxe();
	test_stdout();
	diag_reset();

	char *cmd = xasprintf("rm -rf '%s'", dir);
	ok(system(cmd) == 0, "cleaned up");
	free(cmd);
	return tap_done();
}
