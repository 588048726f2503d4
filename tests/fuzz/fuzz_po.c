/* libFuzzer target: `vade i18n import` of a PO file into the small site
 * (fuzz.h). Each input gets the site as tests/fuzz/site has it (an import
 * writes pages, UI strings, data and the status record), loaded anew; after
 * the import the site is loaded again, as the next build would.
 *
 * libgettextpo calls its error handler with a fatal error for a file with
 * syntax errors, and vade's handler then exits (as the command must). A
 * fuzzer cannot go on after an exit, so each input is first read with a
 * handler of our own that only counts, and only a file libgettextpo reads
 * without errors goes to i18n_import().
 *   make fuzz FUZZ=po [FUZZ_TIME=60] */
#include "diag.h"
#include "fuzz.h"
#include "i18n.h"

#include <gettext-po.h>

static const char *const rel = "fuzz.po";
static char *path;
static int errors;

static void count(int severity, po_message_t m, const char *file, size_t line, size_t col, int multi,
                  const char *text)
{
	(void)m, (void)file, (void)line, (void)col, (void)multi, (void)text;
	errors += severity != PO_SEVERITY_WARNING;
}

static void count2(int severity, po_message_t m1, const char *f1, size_t l1, size_t c1, int mp1, const char *t1,
                   po_message_t m2, const char *f2, size_t l2, size_t c2, int mp2, const char *t2)
{
	(void)m2, (void)f2, (void)l2, (void)c2, (void)mp2, (void)t2;
	count(severity, m1, f1, l1, c1, mp1, t1);
}

static const struct po_xerror_handler counter = {count, count2};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	path = path_join(fuzz_site(), rel);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_site_restore();
	fuzz_put(rel, data, size);
	errors = 0;
	po_file_t f = po_file_read(path, &counter);
	if (f)
		po_file_free(f);
	if (!f || errors)
		return 0;
	struct site *s = site_load(fuzz_dir, 1);
	if (s) {
		i18n_import(s, path, &(struct import_opts){.fuzzy = size % 2});
		site_free(s);
		s = site_load(fuzz_dir, 1);
		site_free(s);
	}
	diag_reset();
	return 0;
}
