/* libFuzzer target: YAML documents, as front matter and data files.
 * make fuzz FUZZ=yml [FUZZ_TIME=60] */
#include "diag.h"
#include "yml.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct yml_doc *d = yml_parse("fuzz.yaml", (const char *)data, size, 1);
	if (d && d->root) {
		long long iv;
		double dv;
		if (d->root->kind == YML_MAP)
			for (size_t i = 0; i + 1 < d->root->n; i += 2)
				(void)yml_resolve(d->root->kids[i + 1], &iv, &dv);
	}
	yml_free(d);
	diag_reset();
	return 0;
}
