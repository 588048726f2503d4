/* Unit test: a site whose templates change their libraries, print tables and
 * functions, iterate tables with pairs() and sort with ties builds to the same
 * bytes with -j 1 and -j 4, twice each, and no page sees another's changes. */
#include "diag.h"
#include "output.h"
#include "render.h"
#include "site.h"
#include "tap.h"
#include "util.h"

#include <stdlib.h>

static char dir[] = "/tmp/vade-repro-XXXXXX";

static void put(const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	file_write(p, text, strlen(text));
	free(p);
}

static const char page_tpl[] =
	"<% local before = string.upper('a') .. ' ' .. math.pi .. ' ' .. tostring(table.insert ~= nil) %>\n"
	"<% string.upper = function() return 'X' end; math.pi = 4; table.insert = nil; string.format = nil %>\n"
	"<main><h1><%= page.title %></h1>\n"
	"before=<%= before %> after=<%= string.upper('a') %> <%= math.pi %> method=<%= ('a'):upper() %>\n"
	"tostring=<%= tostring({}) %> <%= tostring(tostring) %> <%= {} %> <%= ('%s'):format(pairs) %>\n"
	"data=<% for k, v in pairs(data.items) do %><%= k %>=<%= v %>;<% end %>\n"
	"params=<% for k in pairs(site.params) do %><%= k %>,<% end %>\n"
	"plain=<% local t = {} for i = 1, 40 do t['k' .. i] = i t[i * 1.5] = i end"
	" for k in pairs(t) do %><%= k %>,<% end %>\n"
	"next=<%= next({x = 1, y = 2, a = 3}) %>\n"
	"sorted=<% local l = {} for i = 1, 400 do l[i] = {w = i % 4, i = i} end"
	" table.sort(l, function(a, b) return a.w < b.w end) for i = 1, 400, 37 do %><%= l[i].i %>,<% end %>\n"
	"<%- page.content %></main>\n";

static void make_site(void)
{
	char *cmd = xasprintf("mkdir -p %s/content/data %s/themes/t/templates", dir, dir);
	system(cmd);
	free(cmd);
	struct buf b = BUF_INIT;
	buf_adds(&b, "title: Reproducible\ntheme: t\nlanguages:\n  - {code: en, name: English}\n");
	for (int i = 0; i < 30; i++)
		buf_addf(&b, "param%d: %d\n", i * 7 % 30, i);
	put("content/site.yaml", b.p);
	buf_reset(&b);
	for (int i = 0; i < 40; i++)
		buf_addf(&b, "item%d: value %d\n", i * 13 % 40, i);
	put("content/data/items.yaml", b.p);
	buf_free(&b);
	put("content/index.md", "# Home\n");
	for (int i = 0; i < 16; i++) {
		char name[64], text[64];
		snprintf(name, sizeof name, "content/p%02d.md", i);
		snprintf(text, sizeof text, "# Page %d\n\nText %d.\n", i, i);
		put(name, text);
	}
	put("themes/t/templates/base.html", "<!doctype html><title><%= page.title %></title><%- content %>\n");
	put("themes/t/templates/home.html", "<main><%- page.content %></main>\n");
	put("themes/t/templates/page.html", page_tpl);
}

static bool build(const char *out, int jobs)
{
	struct site *s = site_load(dir, 1);
	struct output *o = diag_errors() ? NULL : output_begin(out);
	if (o) {
		struct render_opts ro = {.out = o, .jobs = jobs, .status = NULL};
		render_site(s, &ro);
		if (diag_errors())
			output_abort(o);
		else
			output_commit(o, NULL);
	}
	site_free(s);
	diag_flush();
	return diag_errors() == 0;
}

int main(void)
{
	mkdtemp(dir);
	make_site();
	static const int jobs[] = {1, 4, 1, 4};
	char *outs[4];
	bool built = true;
	for (int i = 0; i < 4; i++) {
		outs[i] = xasprintf("%s/out-%d", dir, i);
		built &= build(outs[i], jobs[i]);
	}
	ok(built, "the site builds 4 times without errors");
	for (int i = 1; i < 4; i++) {
		char *cmd = xasprintf("diff -r %s %s >/dev/null", outs[0], outs[i]);
		ok(system(cmd) == 0, "build %d (-j %d) is byte-identical to build 1 (-j 1)", i + 1, jobs[i]);
		free(cmd);
	}
	int clean = 0, pages = 0;
	for (int i = 0; i < 16; i++) {
		char *p = xasprintf("%s/en/p%02d/index.html", outs[1], i), *text;
		size_t len;
		if (file_read(p, &text, &len) == 0) {
			pages++;
			clean += strstr(text, "before=A 3.1415926535898 true after=X 4 method=A") &&
			         strstr(text, "tostring=table function table function") && strstr(text, "next=a\n");
			free(text);
		}
		free(p);
	}
	ok(pages == 16 && clean == 16, "no page sees another's library changes, no addresses (%d of %d)", clean, pages);
	char *p = xasprintf("%s/en/p00/index.html", outs[0]), *text;
	size_t len;
	if (file_read(p, &text, &len) == 0) {
		ok(strstr(text, "data=item0=value 0;item1=value 37;item10=value 10;") &&
		   strstr(text, "params=languages,param0,param1,param10,") &&
		   strstr(text, "plain=1.5,3,4.5,6,") && strstr(text, ",60,k1,k10,k11,") &&
		   strstr(text, "sorted=4,152,300,45,193,341,"),
		   "pairs() in key order, table.sort stable");
		free(text);
	}
	free(p);
	for (int i = 0; i < 4; i++)
		free(outs[i]);
	char *cmd = xasprintf("rm -rf %s", dir);
	system(cmd);
	free(cmd);
	return tap_done();
}
