/* libFuzzer target: an XLIFF file as a CAT tool sends it back, read by
 * xliff_read() (libxml2, no network, no entities); what it reads is written
 * again by xliff_write() and read back, which must give the same units.
 *   make fuzz FUZZ=xliff [FUZZ_TIME=60] */
#include "diag.h"
#include "fuzz.h"
#include "xliff.h"

#include <stdlib.h>
#include <string.h>

static char *in, *out;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(fuzz_dir))
		abort();
	in = path_join(fuzz_dir, "in.xlf");
	out = path_join(fuzz_dir, "out.xlf");
	return 0;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (file_write_atomic(in, data, size) != 0)
		abort();
	struct unit_list u = {0}, v = {0};
	if (xliff_read(in, &u) == 0 && xliff_write(&u, out) == 0) {
		/* What vade writes it reads back as it was (units without an id are not written). */
		if (xliff_read(out, &v) != 0)
			abort();
		for (size_t i = 0, k = 0; i < u.n; i++) {
			if (!u.v[i].id)
				continue;
			if (k >= v.n || !same(u.v[i].id, v.v[k].id) || !same(u.v[i].source, v.v[k].source) ||
			    !same(u.v[i].target, v.v[k].target) || u.v[i].state != v.v[k].state)
				abort();
			k++;
		}
	}
	unit_list_free(&u);
	unit_list_free(&v);
	diag_reset();
	return 0;
}
