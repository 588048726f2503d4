/* xliff.h — placeholder until the XLIFF module lands. */
#ifndef VADE_XLIFF_H
#define VADE_XLIFF_H
#include "unit.h"
int xliff_write(const struct unit_list *u, const char *path);
int xliff_read(const char *path, struct unit_list *u);
#endif
