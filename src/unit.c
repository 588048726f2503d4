/* unit.c — a list of translation units (unit.h). */
#include "unit.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct unit *unit_add(struct unit_list *u, const char *id, const char *source, const char *target)
{
	u->v = xgrow(u->v, u->n, sizeof *u->v);
	struct unit *x = &u->v[u->n++];
	memset(x, 0, sizeof *x);
	x->id = dup_or_null(id);
	x->source = xstrdup(source ? source : "");
	x->target = xstrdup(target ? target : "");
	return x;
}

struct unit *unit_add_place(struct unit_list *u, size_t k)
{
	const char *id = u->v[k].id, *source = u->v[k].source, *target = u->v[k].target;
	struct unit *y = unit_add(u, id, source, target); /* the strings stay where they are */
	const struct unit *x = &u->v[k];                  /* the array may have moved */
	y->prev_source = dup_or_null(x->prev_source);
	y->state = x->state;
	y->at = x->at;
	y->more_place = true;
	return y;
}

char *unit_ends_like(const char *source, const char *target)
{
	size_t ns = strlen(source), nt = strlen(target);
	size_t sb = strspn(source, "\n"), tb = strspn(target, "\r\n"), se = 0, te = 0;
	if (tb == nt) /* empty, or line breaks alone: no text to give ends */
		return NULL;
	while (se < ns - sb && source[ns - 1 - se] == '\n')
		se++;
	while (te < nt - tb && (target[nt - 1 - te] == '\n' || target[nt - 1 - te] == '\r'))
		te++;
	if (sb == tb && se == te && !memchr(target, '\r', tb) && !memchr(target + nt - te, '\r', te))
		return NULL;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < sb; i++)
		buf_addc(&b, '\n');
	buf_add(&b, target + tb, nt - tb - te);
	for (size_t i = 0; i < se; i++)
		buf_addc(&b, '\n');
	return buf_detach(&b, NULL);
}

void unit_list_free(struct unit_list *u)
{
	for (size_t i = 0; i < u->n; i++) {
		struct unit *x = &u->v[i];
		free(x->id);
		free(x->source);
		free(x->target);
		free(x->prev_source);
		free(x->note);
		free(x->comment);
		free(x->file);
	}
	free(u->v);
	free(u->source_lang);
	free(u->target_lang);
	free(u->title);
	memset(u, 0, sizeof *u);
}
