/* Unit tests: template compiler, escaping, includes, sandbox, limits, files. */
#include "diag.h"
#include "tap.h"
#include "template.h"

#include <lauxlib.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/vade-tpl-XXXXXX";

static void put(const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	file_write(p, text, strlen(text));
	free(p);
}

/* Renders name with v, n and a frozen data = {z, a, m} as variables. */
static char *render(struct tpl_engine *e, const char *name, int *rc)
{
	lua_State *L = tpl_lua(e);
	lua_newtable(L);
	lua_pushliteral(L, "<b>&\"x\"");
	lua_setfield(L, -2, "v");
	lua_pushinteger(L, 3);
	lua_setfield(L, -2, "n");
	lua_newtable(L);
	static const char *const keys[] = {"z", "a", "m"};
	for (int i = 0; i < 3; i++) {
		lua_pushinteger(L, i);
		lua_setfield(L, -2, keys[i]);
	}
	tpl_freeze(L);
	lua_setfield(L, -2, "data");
	struct buf out = BUF_INIT;
	*rc = tpl_render(e, name, -1, "test", &out, NULL);
	lua_pop(L, 1);
	return buf_detach(&out, NULL);
}

struct result {
	char out[4096]; /* the renders' outputs, joined by '|' (cut at 4095 bytes) */
	char err[4096]; /* what was reported */
	int rc;         /* -1 if a render failed */
	double secs;
	bool stopped;   /* still running at the deadline: killed */
};

static void drain(int fd, char *to, size_t cap, size_t *len, bool *open)
{
	char tmp[65536];
	ssize_t n = read(fd, tmp, sizeof tmp);
	if (n <= 0) {
		*open = false;
		return;
	}
	size_t k = (size_t)n < cap - 1 - *len ? (size_t)n : cap - 1 - *len;
	memcpy(to + *len, tmp, k);
	*len += k;
}

/* Renders the templates in a child process, one after the other in one engine, so
 * a template that never stops fails the test instead of hanging it. */
/* The deadlines below are for a plain build; ASan makes the step budgets' runs several times slower,
 * and a busy machine slower again (CI, stop 58: 15 s passed under ASan beside other stages). */
#ifdef __SANITIZE_ADDRESS__
enum { DEADLINE_SCALE = 8 };
#else
enum { DEADLINE_SCALE = 1 };
#endif

static struct result run(struct tpl_engine *e, const char *const *names, int deadline_secs)
{
	deadline_secs *= DEADLINE_SCALE;
	struct result r = {.rc = 0};
	int out[2], err[2];
	pipe(out);
	pipe(err);
	fflush(stdout);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(err[1], 2);
		int rc = 0;
		for (const char *const *n = names; *n; n++) {
			int one;
			char *o = render(e, *n, &one);
			rc |= one;
			if (n != names)
				write(out[1], "|", 1);
			write(out[1], o, strlen(o));
			free(o);
		}
		diag_flush();
		_exit(rc ? 1 : 0);
	}
	close(out[1]);
	close(err[1]);
	size_t olen = 0, elen = 0;
	bool oo = true, eo = true;
	while (oo || eo) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		int left = deadline_secs * 1000 - (int)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
		struct pollfd p[2] = {{oo ? out[0] : -1, POLLIN, 0}, {eo ? err[0] : -1, POLLIN, 0}};
		if (left <= 0 || poll(p, 2, left) <= 0) {
			kill(pid, SIGKILL);
			r.stopped = true;
			break;
		}
		if (p[0].revents)
			drain(out[0], r.out, sizeof r.out, &olen, &oo);
		if (p[1].revents)
			drain(err[0], r.err, sizeof r.err, &elen, &eo);
	}
	int status;
	waitpid(pid, &status, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r.secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	r.rc = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
	close(out[0]);
	close(err[0]);
	return r;
}

/* One template's render fails with want in its message, within secs seconds. */
static void fails(struct tpl_engine *e, const char *name, const char *want, int secs)
{
	const char *names[] = {name, NULL};
	struct result r = run(e, names, secs);
	ok(r.rc == -1 && !r.stopped && strstr(r.err, want), "%s fails with '%s' (%.2f s)", name, want, r.secs);
	if (r.stopped)
		printf("#   still running after %d s\n", secs * DEADLINE_SCALE);
	else if (!strstr(r.err, want))
		printf("#   got: %s\n", r.err);
}

/* Templates rendered one after the other give want (outputs joined by '|'). */
static void gives(struct tpl_engine *e, const char *const *names, const char *want, const char *what)
{
	struct result r = run(e, names, 60);
	ok(r.rc == 0 && !strcmp(r.out, want), "%s", what);
	if (r.rc || strcmp(r.out, want))
		printf("#   got:  '%s'\n#   want: '%s'\n#   %s", r.out, want, r.err);
}

/* A template that must fail: written (unless code is NULL), rendered, its message checked. */
struct failing {
	const char *name, *code, *want;
	int secs; /* the deadline */
};

static void fail_all(struct tpl_engine *e, const struct failing *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (f[i].code)
			put(f[i].name, f[i].code);
		fails(e, f[i].name, f[i].want, f[i].secs);
	}
}

static void syntax_and_sandbox(struct tpl_engine *e)
{
	static const struct failing f[] = {
		{"bad.html", "line1\n<% local x = nil %>\n<%= x.y %>",
		 "templates/bad.html:3:1: error: attempt to index a nil value (local 'x')", 10},
		{"syntax.html", "ok\n<% if then %>", "templates/syntax.html:2:1: error: template syntax error", 10},
		{"os.html", "<% os.execute('touch /tmp/vade-pwned') %>",
		 "templates/os.html:1:1: error: attempt to index a nil value (global 'os')", 10},
		{"io.html", "<% io.open('/etc/passwd') %>",
		 "templates/io.html:1:1: error: attempt to index a nil value (global 'io')", 10},
		{"load.html", "<% load('return 1')() %>", "global 'load'", 10},
		{"dump.html", "<%= string.dump(print) %>", "field 'dump'", 10},
		{"sdump.html", "<%= ('x').dump(print) %>", "attempt to call a nil value (field 'dump')", 10},
		{"pcall.html", "<% pcall(function() while true do end end) %>", "global 'pcall'", 10},
		{"gmeta.html", "<% getmetatable('').__index.upper = nil %>", "global 'getmetatable'", 10},
		{"forever.html", "a\n<% while true do end %>",
		 "templates/forever.html:2:1: error: template ran more than 200 million steps", 20},
	};
	fail_all(e, f, sizeof f / sizeof *f);
	ok(access("/tmp/vade-pwned", F_OK) != 0, "os.execute did not run");
}

/* Work in C that the instruction hook does not see: patterns, and library calls whose cost grows with
 * an argument, each stopped within seconds and reported at its line. */
static void runaway_c_work(struct tpl_engine *e)
{
#define PAT "error: pattern matching ran more than 50 million steps and was stopped"
#define STEPS "error: template ran more than 200 million steps"
	static const struct failing f[] = {
		{"pat-find.html", "<% local r = ('a'):rep(300):find('(.-)(.-)(.-)(.-)(.-)b') %>",
		 "templates/pat-find.html:1:1: " PAT, 15},
		{"pat-method.html", "<% local s = ('a'):rep(1e5) %>\n<% local r = s:find('.-.-.-b') %>",
		 "templates/pat-method.html:2:1: " PAT, 15},
		{"pat-match.html", "<% local r = string.match(('a'):rep(300), '(.-)(.-)(.-)(.-)(.-)b') %>",
		 "templates/pat-match.html:1:1: " PAT, 15},
		{"pat-gsub.html", "<% local r = (('a'):rep(300)):gsub('(.-)(.-)(.-)(.-)(.-)b', '') %>",
		 "templates/pat-gsub.html:1:1: " PAT, 15},
		{"pat-gmatch.html", "<% for x in ('a'):rep(300):gmatch('(.-)(.-)(.-)(.-)(.-)b') do end %>",
		 "templates/pat-gmatch.html:1:1: " PAT, 15},
		{"pat-many.html", "<% for i = 1, 100 do local r = ('a'):rep(4000):find('.-b') end %>",
		 "templates/pat-many.html:1:1: error: pattern matching ran past the budget of 200 million steps", 15},
		{"move.html", "<% table.move({}, 1, 1e12, 1) %>", "templates/move.html:1:1: " STEPS, 15},
		{"rep.html", "<% local s = string.rep('', 1e12) %>", "templates/rep.html:1:1: " STEPS, 15},
		{"insert.html", "<% local t = {} for i = 1, 2e5 do t[i] = i end\nfor i = 1, 2e5 do table.insert(t, 1, i) end %>",
		 "templates/insert.html:2:1: " STEPS, 15},
		{"utf8.html", "<% local s = ('x'):rep(1e7) for i = 1, 1e5 do local n = utf8.len(s) end %>",
		 "templates/utf8.html:1:1: " STEPS, 15},
		{"tonumber.html", "<% local s = ('1'):rep(1e7) for i = 1, 1e5 do local n = tonumber(s) end %>",
		 "templates/tonumber.html:1:1: " STEPS, 15},
		{"concat.html", "<% local s = ('x'):rep(1e7) for i = 1, 1e5 do local t = s .. i end %>",
		 "templates/concat.html:1:1: " STEPS, 15},
		{"sort.html", "<% local t = {} for i = 1, 3e6 do t[i] = -i end for i = 1, 100 do table.sort(t) end %>",
		 "templates/sort.html:1:1: " STEPS, 15},
	};
#undef PAT
#undef STEPS
	fail_all(e, f, sizeof f / sizeof *f);
}

/* Output and memory count against the limit, and a memory error names the template line. */
static void memory_and_output(struct tpl_engine *e)
{
	put("mb.html", "<%- string.rep('y', 1e6) %>");
	put("mem-part.html", "<% local t = {} %>\n<% for i = 1, 1e9 do t[i] = string.rep('x', 1e5) end %>");
#define OUT "error: template output grew past 256 MiB and was stopped"
#define MEM "error: template used more than 1024 MiB of memory, its output included, and was stopped"
	static const struct failing f[] = {
		{"out-esc.html", "<% for i=1,1e6 do %><%= string.rep('x', 1e4) %><% end %>", "templates/out-esc.html:1:1: " OUT, 30},
		{"out-raw.html", "<% local p = string.rep('x', 1e6) %>\n<% for i = 1, 1e4 do %><%- p %><% end %>",
		 "templates/out-raw.html:2:1: " OUT, 30},
		{"out-inc.html", "<% for i = 1, 1e4 do %><%- include('mb.html') %><% end %>", "templates/mb.html:1:1: " OUT, 30},
		{"mem.html", "<% local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 1e5) end %>",
		 "templates/mem.html:1:1: " MEM, 60},
		{"mem-inc.html", "<%- include('mem-part.html') %>", "templates/mem-part.html:2:1: " MEM, 60},
		{"mem-big.html", "<% local s = string.rep('x', 1.5 * 2^30) %>", "templates/mem-big.html:1:1: " MEM, 60},
	};
#undef OUT
#undef MEM
	fail_all(e, f, sizeof f / sizeof *f);
}

/* What a render does to its libraries stays in it; output depends on no address or hash order. */
static void reproducible(struct tpl_engine *e)
{
	put("change.html", "<%= string.upper('a') %><% string.upper = function() return 'X' end; math.pi = 4;"
	    " table.insert = nil %><%= string.upper('a') %><%= ('a'):upper() %><%= math.pi %><%- include('see.html') %>");
	put("see.html", "<%= string.upper('a') %><%= math.pi == 4 %><%= table.insert == nil %>");
	const char *twice[] = {"change.html", "change.html", "see.html", NULL};
	gives(e, twice, "AXA4Xtruetrue|AXA4Xtruetrue|Afalsefalse",
	      "a render's changes to string, math, table are its own (and its includes'), not the next render's");

	put("pairs.html", "<% local t = {b = 1, a = 2, [3] = 1, [1] = 1, [2.5] = 1, [true] = 1, [false] = 1, ['10'] = 1,"
	    " [-1] = 1, [''] = 1} for k in pairs(t) do %><%= tostring(k) %>,<% end %>");
	put("view-pairs.html", "<% for k, v in pairs(data) do %><%= k %>=<%= v %>,<% end %>");
	put("next.html", "<% local t = {c = 1, a = 1, b = 1} local k = next(t) %><%= k %>,<%= next(t, k) %>,"
	    "<%= next(t, 'c') %>,<%= next({}) %>");
	put("tostring.html", "<%= tostring({}) %>|<%= tostring(tostring) %>|<%= {} %>|<%- ipairs %>|"
	    "<%= string.format('%s/%9s/%d', {}, ipairs, 7) %>|<%= ('%s'):format(data) %>");
	put("sort.html", "<% local t = {} for i = 1, 300 do t[i] = {k = i % 3, i = i} end"
	    " table.sort(t, function(a, b) return a.k < b.k end) local ok = true"
	    " for j = 2, #t do if t[j - 1].k == t[j].k and t[j - 1].i > t[j].i then ok = false end end"
	    " local u = {5, 3, 1, 4, 2} table.sort(u) %><%= ok %>|<%= t[1].i %>,<%= t[101].i %>|<%= table.concat(u) %>");
	const char *order[] = {"pairs.html", "view-pairs.html", "next.html", "tostring.html", "sort.html", NULL};
	gives(e, order, "-1,1,2.5,3,,10,a,b,false,true,|a=1,m=2,z=0,|a,b,,|table|function|table|function|"
	      "table/ function/7|table|true|3,1|12345",
	      "pairs and next in a fixed order, no addresses, stable sort");
	static const struct failing f[] = {
		{"pairs-tkey.html", "<% for k in pairs({[{}] = 1, [{}] = 2}) do end %>",
		 "pairs() and next() visit keys in a fixed order, which a table as a key does not have", 10},
		{"format-p.html", "<%= string.format('%p', {}) %>", "%p is not allowed in templates", 10},
		{"sort-bad.html", "<% table.sort({3, 'x', 1}) %>", "attempt to compare", 10},
	};
	fail_all(e, f, sizeof f / sizeof *f);
}

/* The file rule: regular files only, symbolic links only inside the folder they belong to. */
static void files(void)
{
	char *site = xasprintf("%s/site", dir), *theme = xasprintf("%s/elsewhere/theme", dir);
	char *st = xasprintf("%s/templates", site), *tt = xasprintf("%s/templates", theme);
	char *link = xasprintf("%s/themes", site), *cmd = xasprintf("mkdir -p %s %s %s", st, tt, link);
	system(cmd);
	free(cmd);
	char *themes_t = xasprintf("%s/t", link);
	symlink(theme, themes_t); /* the site's themes/t is a link to a theme kept elsewhere: allowed */
	char *via = xasprintf("%s/templates", themes_t);
	const struct tpl_dir dirs[] = {{st, "templates", site, "site"}, {via, "themes/t/templates", themes_t, "theme"}};
	struct {
		const char *name, *target, *text;
	} f[] = {
		{"site/templates/page.html", NULL, "<%- include(which) %>"},
		{"site/templates/own.html", NULL, "own"},
		{"site/templates/passwd.html", "/etc/passwd", NULL},
		{"site/templates/inside.html", "own.html", NULL},
		{"site/templates/up.html", "../templates/own.html", NULL},
		{"site/templates/nowhere.html", "missing.html", NULL},
		{"site/templates/escape-dir.html", "../../elsewhere/theme/templates/th.html", NULL},
		{"elsewhere/theme/templates/th.html", NULL, "theme"},
		{"elsewhere/theme/templates/to-site.html", "../../../site/templates/own.html", NULL},
		{"elsewhere/theme/templates/zero.html", "/dev/zero", NULL},
	};
	for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
		char *p = xasprintf("%s/%s", dir, f[i].name);
		if (f[i].target)
			symlink(f[i].target, p);
		else
			file_write(p, f[i].text, strlen(f[i].text));
		free(p);
	}
	char *fifo = xasprintf("%s/fifo.html", st), *sub = xasprintf("%s/sub.html", st);
	mkfifo(fifo, 0600);
	mkdir(sub, 0700);
	struct tpl_engine *e = tpl_new(dirs, 2);
	static const struct { const char *which, *out, *err; } cases[] = {
		{"own.html", "own", NULL},
		{"inside.html", "own", NULL},
		{"up.html", "own", NULL},
		{"th.html", "theme", NULL},
		{"passwd.html", NULL, "templates/passwd.html: error: symbolic link leads outside the site folder"},
		{"escape-dir.html", NULL, "templates/escape-dir.html: error: symbolic link leads outside the site folder"},
		{"to-site.html", NULL, "themes/t/templates/to-site.html: error: symbolic link leads outside the theme folder"},
		{"zero.html", NULL, "themes/t/templates/zero.html: error: symbolic link leads outside the theme folder"},
		{"nowhere.html", NULL, "templates/nowhere.html: error: symbolic link leads to no file"},
		{"fifo.html", NULL, "templates/fifo.html: error: not a regular file"},
		{"sub.html", NULL, "templates/sub.html: error: not a regular file"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *t = xasprintf("<%% which = '%s' %%><%%- include(which) %%>", cases[i].which);
		put("site/templates/page.html", t);
		free(t);
		const char *names[] = {"page.html", NULL};
		struct result r = run(e, names, 10);
		if (cases[i].out)
			ok(r.rc == 0 && !strcmp(r.out, cases[i].out), "include('%s') reads it", cases[i].which);
		else
			ok(r.rc == -1 && !r.stopped && strstr(r.err, cases[i].err) && !strstr(r.out, "root:"), "%s", cases[i].err);
		if (r.stopped || (cases[i].err && !strstr(r.err, cases[i].err)))
			printf("#   got: '%s' / '%s'%s\n", r.out, r.err, r.stopped ? " (still running: killed)" : "");
	}
	tpl_free(e);
	free(fifo), free(sub), free(site), free(theme), free(st), free(tt), free(link), free(themes_t), free(via);
}

int main(void)
{
	mkdtemp(dir);
	int l = 0, c = 0;
	char *code = tpl_compile("a\n<%= x %>\nb", 11, &l, &c);
	ok(code != NULL, "compiles");
	int nl = 0;
	for (char *p = code; *p; p++)
		nl += *p == '\n';
	ok(nl == 2, "generated Lua keeps the template's line count (%d)", nl);
	free(code);
	ok(tpl_compile("x\n  <% if", 9, &l, &c) == NULL && l == 2 && c == 3, "unclosed tag located at %d:%d", l, c);

	put("esc.html", "<%= v %>|<%- v %>|<%= nil %>|<%= n * 2 %>");
	put("loop.html", "<% for i = 1, n do %><%= i %>,<% end -%>\nend");
	put("inc.html", "[<%- include(\"part.html\", {w = 'W'}) %>]");
	put("part.html", "<%= n %><%= w %>");
	put("base.html", "<% base = 'frame.html' %>body");
	put("ro.html", "<% data.a = 'x' %>");

	const struct tpl_dir dirs[] = {{dir, "templates", dir, "site"}};
	struct tpl_engine *e = tpl_new(dirs, 1);
	int rc;
	char *o = render(e, "esc.html", &rc);
	is_str(o, "&lt;b&gt;&amp;&quot;x&quot;|<b>&\"x\"||6", "<%= escapes, <%- does not, nil is empty");
	free(o);
	o = render(e, "loop.html", &rc);
	is_str(o, "1,2,3,end", "code blocks and -%> newline trimming");
	free(o);
	o = render(e, "inc.html", &rc);
	is_str(o, "[3W]", "include sees the caller's variables plus its own");
	free(o);

	char *base = NULL;
	struct buf out = BUF_INIT;
	lua_State *L = tpl_lua(e);
	lua_newtable(L);
	rc = tpl_render(e, "base.html", -1, "t", &out, &base);
	lua_pop(L, 1);
	ok(rc == 0 && base && !strcmp(base, "frame.html"), "a template can choose its base layout");
	free(base);
	buf_free(&out);
	fails(e, "ro.html", "site values are read-only in templates", 10);

	/* A view holding another view (the references map holds data entries) reads through. */
	put("nested.html", "<%= outer.inner.title %>|<%= #outer.list %>|<% for k, v in pairs(outer.inner) do %><%= k %>=<%= v %><% end %>");
	lua_newtable(L);
	lua_newtable(L);
	lua_newtable(L);
	lua_pushliteral(L, "T");
	lua_setfield(L, -2, "title");
	tpl_freeze(L);
	lua_setfield(L, -2, "inner");
	lua_createtable(L, 2, 0);
	lua_pushinteger(L, 1);
	lua_rawseti(L, -2, 1);
	lua_pushinteger(L, 2);
	lua_rawseti(L, -2, 2);
	lua_setfield(L, -2, "list");
	tpl_freeze(L);
	lua_setfield(L, -2, "outer");
	rc = tpl_render(e, "nested.html", -1, "t", &out, NULL);
	lua_pop(L, 1);
	ok(rc == 0 && !strcmp(out.p, "T|2|title=T"), "views of views read through; # and pairs work (%s)", out.p);
	buf_free(&out);

	/* pairs() must not hand out the writable table behind a view. */
	put("pairs-state.html", "<% local _, r = pairs(data) r.count = 1 %>");
	fails(e, "pairs-state.html", "read-only", 10);

	syntax_and_sandbox(e);
	runaway_c_work(e);
#ifdef __SANITIZE_ADDRESS__
	const bool asan = true; /* (gigabytes allocated and written: a minute and more under ASan, for
	                         * limits the build without it checks alike) */
#else
	const bool asan = false;
#endif
	if (!asan)
		memory_and_output(e);
	else
		printf("# the memory and output limits: checked by the build without ASan\n");
	reproducible(e);
	tpl_free(e);
	files();
	char *cmd = xasprintf("rm -rf %s", dir);
	system(cmd);
	free(cmd);
	return tap_done();
}
