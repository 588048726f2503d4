/* Unit tests: file_write_atomic() replaces a file whole or leaves it alone. */
#include "tap.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

static char dir[] = "/tmp/vade-test-util-XXXXXX";

/* How many temporary files of file_write_atomic() are in folder d. */
static int temps_in(const char *d)
{
	DIR *dh = opendir(d);
	int n = 0;
	struct dirent *e;
	while (dh && (e = readdir(dh)))
		n += strstr(e->d_name, ".vade-tmp-") != NULL;
	if (dh)
		closedir(dh);
	return n;
}

static bool holds(const char *path, const char *want)
{
	char *got;
	size_t len;
	if (file_read(path, &got, &len) != 0)
		return false;
	bool same = len == strlen(want) && !memcmp(got, want, len);
	free(got);
	return same;
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_mode & 07777 : 0;
}

int main(void)
{
	/* one list of the characters that show as nothing (Default_Ignorable_Code_Point), for every caller */
	{
		const uint32_t none[] = {0xad, 0x34f, 0x61c, 0x115f, 0x17b4, 0x180b, 0x200b, 0x200c, 0x200d, 0x200e,
		                         0x202e, 0x2060, 0x2064, 0x2066, 0x3164, 0xfe0f, 0xfeff, 0x1d173, 0xe0001};
		const uint32_t shown[] = {'a', ' ', 0xa0, 0x301, 0x627, 0x2028, 0x3000, 0x1f600, 0xfffd};
		bool all = true;
		for (size_t k = 0; k < sizeof none / sizeof *none; k++)
			all = all && char_shows_nothing(none[k]);
		ok(all, "soft hyphen, CGJ, ALM, Hangul fillers, Mongolian selectors, ZWSP/ZWNJ/ZWJ, marks, overrides, "
		   "isolates, invisible operators, variation selectors, U+FEFF and tags show as nothing");
		for (size_t k = 0; k < sizeof shown / sizeof *shown; k++)
			ok(!char_shows_nothing(shown[k]), "U+%04X shows", (unsigned)shown[k]);
		/* and a message shows each stray one for what it is (helper-146: a link to "caf\u00e9\u200b.md"
		 * was missing "café.md", the file that is there), not a Persian word's joiner or an emoji's
		 * selector */
		char *t = text_shown("caf\303\251\342\200\213.md \357\273\277x \302\255y");
		ok(!strcmp(t, "caf\303\251<U+200B>.md <U+FEFF>x <U+00AD>y"), "stray invisible characters shown as <U+...> (got %s)", t);
		free(t);
		t = text_shown("\331\205\333\214\342\200\214\330\256 \342\235\244\357\270\217 a\342\200\214b");
		ok(!strcmp(t, "\331\205\333\214\342\200\214\330\256 \342\235\244\357\270\217 a<U+200C>b"),
		   "a Persian word's non-joiner and an emoji's selector shown as they are, a joiner between ASCII letters not (got %s)", t);
		free(t);
		/* emoji ZWJ sequences and keycaps (helper-150: "👩<U+200D>💻", "1<U+FE0F>⃣") */
		t = text_shown("\360\237\221\251\342\200\215\360\237\222\273 \360\237\217\263\357\270\217\342\200\215\360\237\214\210 1\357\270\217\342\203\243 \360\237\221\215\360\237\217\275\342\200\215x");
		ok(!strcmp(t, "\360\237\221\251\342\200\215\360\237\222\273 \360\237\217\263\357\270\217\342\200\215\360\237\214\210 1\357\270\217\342\203\243 \360\237\221\215\360\237\217\275<U+200D>x"),
		   "an emoji ZWJ sequence, a flag's and a keycap shown as they are; a joiner before a letter not (got %s)", t);
		free(t);
		/* a flag's tag sequence and a joiner after a virama (helper-152: Scotland's flag, Malayalam's chillu) */
		t = text_shown("\360\237\217\264\363\240\201\247\363\240\201\242\363\240\201\263\363\240\201\243\363\240\201\264\363\240\201\277 "
		               "\340\264\205\340\264\265\340\264\250\340\265\215\342\200\215 x\363\240\201\247");
		ok(!strcmp(t, "\360\237\217\264\363\240\201\247\363\240\201\242\363\240\201\263\363\240\201\243\363\240\201\264\363\240\201\277 "
		              "\340\264\205\340\264\265\340\264\250\340\265\215\342\200\215 x<U+E0067>"),
		   "a flag's tags and a chillu's joiner shown as they are; a tag after a letter not (got %s)", t);
		free(t);
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	umask(022);
	char *f = path_join(dir, "a.txt");
	ok(file_write_atomic(f, "one\n", 4) == 0 && holds(f, "one\n"), "a new file is written");
	ok(mode_of(f) == 0644, "a new file gets 0666 less the umask (got %o)", (unsigned)mode_of(f));
	chmod(f, 0640);
	ok(file_write_atomic(f, "two\n", 4) == 0 && holds(f, "two\n"), "an existing file is replaced");
	ok(mode_of(f) == 0640, "the replaced file keeps its permission bits (got %o)", (unsigned)mode_of(f));
	ok(temps_in(dir) == 0, "no temporary file is left after a write");

	char *deep = path_join(dir, "x/y/b.txt");
	ok(file_write_atomic(deep, "b", 1) == 0 && holds(deep, "b"), "missing parent folders are made");

	/* The rename fails: the target is a folder. */
	char *sub = path_join(dir, "x");
	ok(file_write_atomic(sub, "c", 1) == -1 && is_dir(sub), "a folder in the way is an error and stays");
	ok(temps_in(dir) == 0, "no temporary file is left after a failed rename");

	/* Reading: files of 0, 1, 255, 4096 and 300,000 bytes come back whole, NUL-terminated. */
	const size_t sizes[] = {0, 1, 255, 4096, 300000};
	bool whole = true;
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		char *rf = xasprintf("%s/read-%zu", dir, sizes[k]), *bytes = xmalloc(sizes[k] + 1), *got;
		for (size_t i = 0; i < sizes[k]; i++)
			bytes[i] = (char)(i * 7 + k);
		size_t len;
		whole = whole && file_write(rf, bytes, sizes[k]) == 0 && file_read(rf, &got, &len) == 0;
		if (whole) {
			whole = len == sizes[k] && !memcmp(got, bytes, len) && got[len] == '\0';
			free(got);
		}
		free(bytes), free(rf);
	}
	ok(whole, "a file read is its bytes, whatever its size");
	char *gotp;
	size_t lenp;
	ok(file_read("/proc/self/status", &gotp, &lenp) == 0 && lenp > 0 && strlen(gotp) == lenp &&
	   strstr(gotp, "Name:"), "a file whose size stat() says is 0 (/proc) is read to its end");
	free(gotp);

	/* A write that fails half way (a file size limit, as a full disk would). */
	struct rlimit rl = {4096, 4096};
	signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &rl);
	size_t big = 65536;
	char *data = xmalloc(big);
	memset(data, 'z', big);
	ok(file_write_atomic(f, data, big) == -1, "a write past the size limit fails");
	ok(holds(f, "two\n"), "the old file is intact after a failed write");
	ok(temps_in(dir) == 0, "no temporary file is left after a failed write");
	free(data);

	/* Text as editors save it: a byte order mark, CRLF, lone CRs. */
	char t1[] = "\xef\xbb\xbf" "a: 1\r\nb: 2\rc: 3\r\r\n\nd\r";
	size_t n1 = text_normalize(t1, sizeof t1 - 1);
	ok(n1 == strlen(t1) && !strcmp(t1, "a: 1\nb: 2\nc: 3\n\n\nd\n"), "mark dropped, CRLF and CR made LF");
	char t4[] = "\xef\xbb\xbfplain\nlines\n", t5[] = "\r\n\r\n", t6[] = "\xef\xbb\xbf", t7[] = "a\r";
	ok(text_normalize(t4, sizeof t4 - 1) == 12 && !strcmp(t4, "plain\nlines\n"), "a mark before text without CR");
	ok(text_normalize(t5, 4) == 2 && !strcmp(t5, "\n\n") && text_normalize(t6, 3) == 0 && !*t6 &&
	   text_normalize(t7, 2) == 2 && !strcmp(t7, "a\n"), "CRLFs only, a mark only, a CR at the end");
	char t2[] = "\xef\xbb", t3[] = "x\xef\xbb\xbf";
	ok(text_normalize(t2, 2) == 2 && text_normalize(t3, 4) == 4, "a cut mark, or one past the start, is text");

	/* NFC (UAX #15): an NFD name becomes its composed form; NFC, ASCII and invalid UTF-8 give NULL. */
	char *nfc1 = text_nfc("cafe\xcc\x81/Ang\xc3\xb6" "o\xcc\x88"), *nfc2 = text_nfc("\xe1\x84\x80\xe1\x85\xa1");
	ok(nfc1 && !strcmp(nfc1, "caf\xc3\xa9/Ang\xc3\xb6\xc3\xb6"), "decomposed letters composed (got %s)", nfc1 ? nfc1 : "NULL");
	ok(nfc2 && !strcmp(nfc2, "\xea\xb0\x80"), "Hangul jamo composed into a syllable");
	ok(!text_nfc("caf\xc3\xa9") && !text_nfc("plain/ascii") && !text_nfc("cafe\xcc") && !text_nfc(""),
	   "NFC, ASCII, a cut sequence and the empty text: NULL");
	free(nfc1);
	free(nfc2);

	ok(text_blank("") && text_blank(" \t") && text_blank("\xc2\xa0") && text_blank("\xe2\x80\xaf \xe3\x80\x80\xe2\x80\x8b") &&
	   !text_blank("a") && !text_blank("\xc2\xa0x") && !text_blank("\xe2\x80\x94"), "blank: white space and no-break spaces only");

	/* Percent-decoding and the nearest candidate. */
	size_t dl;
	char *d = percent_decode("a%20b%C3%A9%zz%4", 16, &dl);
	ok(dl == 10 && !memcmp(d, "a b\xc3\xa9%zz%4", 10), "%%XX decoded, a %% without two hex digits kept");
	free(d);
	d = percent_decode("%00x", 4, &dl);
	ok(dl == 2 && d[0] == 0 && d[1] == 'x', "%%00 decodes to a NUL byte, counted in the length");
	free(d);
	ok(url_fragment_valid("fn-50%25", 8) && url_fragment_valid("", 0) && url_fragment_valid("fn-%C3%A9", 9),
	   "a fragment with no '#' and only %%XX escapes is valid");
	ok(!url_fragment_valid("fn-50%", 6) && !url_fragment_valid("a#b", 3) && !url_fragment_valid("%4", 2) &&
	   !url_fragment_valid("%zz", 3) && !url_fragment_valid("%41", 2),
	   "a '#', or a '%%' not followed by two hex digits within the length, is not");
	char *fp = url_fragment_parsed("a b\"<>`\x01\x7f\xc3\xa9%41#", 15);
	is_str(fp, "a%20b%22%3C%3E%60%01%7F%C3%A9%41#", "a fragment as the URL parser keeps it: its fragment percent-encode set encoded, '%%' and '#' kept");
	free(fp);
	const char *cands[] = {"guides/intro.md", "guides/index.md", "a.md"};
	ok(text_distance("kitten", "sitting") == 3 && text_distance("", "abc") == 3, "edit distance");
	is_str(text_nearest("guides/intor.md", cands, 3, 2), "guides/intro.md", "the nearest candidate");
	ok(text_nearest("zzz", cands, 3, 2) == NULL, "none within the limit");

	/* mkdir_p: from the deepest missing folder up; a file in the way is an error. */
	char *m1 = xasprintf("%s/mk/a/b/c", dir), *m2 = xasprintf("%s/mk/a/b/d/", dir), *mf = xasprintf("%s/mk/file", dir);
	ok(mkdir_p(m1) == 0 && is_dir(m1), "mkdir_p makes every missing folder");
	ok(mkdir_p(m1) == 0, "mkdir_p of a folder that is there");
	ok(mkdir_p(m2) == 0 && is_dir(m2), "mkdir_p with a trailing slash");
	ok(file_write(mf, "x", 1) == 0, "a file in the way");
	char *m3 = xasprintf("%s/under", mf);
	errno = 0;
	ok(mkdir_p(m3) != 0 && errno == ENOTDIR, "mkdir_p under a file fails with ENOTDIR");
	free(m1), free(m2), free(m3), free(mf);

	/* Formatting: a text short enough for the first pass and one that needs the second, alone
	 * (xasprintf) and appended to a buffer with room, without room and without a block yet. */
	bool formatted = true;
	size_t upto = 0;
	for (size_t n = 0; formatted && n < 700; n += n < 300 ? 1 : 37) {
		char *want = xmalloc(n + 1);
		for (size_t i = 0; i < n; i++)
			want[i] = (char)('a' + i % 26);
		want[n] = '\0';
		char *got = xasprintf("%s", want);
		bool same = !strcmp(got, want);
		free(got);
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s|%zu", want, n);
		buf_addf(&b, "%s", "");
		buf_addf(&b, "<%.*s>", (int)(n / 2), want);
		char *tail = xasprintf("%s|%zu<%.*s>", want, n, (int)(n / 2), want);
		same = same && b.len == strlen(tail) && !strcmp(b.p, tail);
		free(tail);
		buf_free(&b);
		free(want);
		formatted = same;
		upto = n;
	}
	ok(formatted, "xasprintf and buf_addf give the whole text (up to %zu bytes)", upto);

	{
		/* A record and its patch (bin_patched): a patch is taken only with the record it names. */
		static const char head[16] = "test-rec 1\n", phead[16] = "test-rec+ 1\n";
		char *rp = xasprintf("%s/rec", dir), *pp = bin_patch_path(rp);
		struct buf r1 = BUF_INIT, r2 = BUF_INIT, pb = BUF_INIT;
		struct bin_map rm1 = {0}, rm2 = {0};
		bin_put_head(&r1, head, phead, NULL);
		bin_put_u64(&r1, 1);
		bin_put_u64(&r1, XXH3_64bits(r1.p, r1.len));
		bin_put_head(&r2, head, phead, NULL);
		bin_put_u64(&r2, 2);
		bin_put_u64(&r2, XXH3_64bits(r2.p, r2.len));
		ok(!strcmp(pp + strlen(rp), "-patch"), "a record's patch is \"<path>-patch\"");
		ok(file_write_record(rp, r1.p, r1.len) == 0 && bin_map(rp, head, &rm1) == 0, "a record is written and mapped");
		bin_put_head(&pb, head, phead, &rm1);
		bin_put_u64(&pb, 42);
		bin_put_u64(&pb, XXH3_64bits(pb.p, pb.len));
		struct bin_patched bp;
		ok(!memcmp(pb.p, phead, 16) && file_write_record(pp, pb.p, pb.len) == 0 &&
		   bin_patched_map(rp, head, phead, &bp) == 0 && bp.whole.p && bp.patch.p && !bp.damaged &&
		   bin_patched_end(&bp, bp.patch.p + BIN_PATCH_BODY) == bp.patch.p + bp.patch.len - 8 &&
		   bin_patched_end(&bp, bp.whole.p + 16) == bp.whole.p + bp.whole.len - 8 &&
		   !memcmp(bp.patch.p + BIN_PATCH_BODY, &(uint64_t){42}, 8),
		   "a patch naming its record's sum is mapped with it; its fields start at BIN_PATCH_BODY");
		bin_patched_unmap(&bp);
		ok(file_write_record(rp, r2.p, r2.len) == 0 && bin_patched_map(rp, head, phead, &bp) == 0 && bp.whole.p &&
		   !bp.patch.p && !bp.damaged, "a patch of another record is none, not damaged");
		bin_patched_unmap(&bp);
		ok(truncate(pp, (off_t)pb.len - 8) == 0 && bin_patched_map(rp, head, phead, &bp) == 0 && bp.whole.p &&
		   !bp.patch.p && bp.damaged, "a patch cut short is damaged: the record alone is mapped");
		bin_patched_unmap(&bp);
		ok(file_write_record(rp, r1.p, r1.len) == 0 && file_write_record(pp, pb.p, pb.len) == 0 &&
		   bin_patched_install(rp, file_write_temp(rp, r2.p, r2.len), false) == 0 && access(pp, F_OK) != 0 &&
		   bin_map(rp, head, &rm2) == 0 && bin_map_sum(&rm2) != bin_map_sum(&rm1),
		   "a record put in place whole removes its patch");
		ok(file_write_record(pp, pb.p, pb.len) == 0 && bin_patched_install(rp, NULL, true) == -1 &&
		   access(rp, F_OK) != 0 && access(pp, F_OK) != 0, "a patch that could not be written removes record and patch");
		ok(bin_patched_map(rp, head, phead, &bp) == -1 && !bp.whole.p && !bp.patch.p, "no record: nothing mapped");
		ok(bin_patch_fits(64 + 1000 / 8, 1000) && !bin_patch_fits(64 + 1000 / 8 + 1, 1000) && bin_patch_fits(5, 10) &&
		   !bin_patch_fits(6, 10) && bin_patch_fits(0, 0), "a patch: at most 64 and an eighth of the entries, and half");
		bin_unmap(&rm1);
		bin_unmap(&rm2);
		buf_free(&r1);
		buf_free(&r2);
		buf_free(&pb);
		free(rp);
		free(pp);
	}

	{
		/* Names a reader may take for others (text_lookalike): invisible, compatibility and
		 * mixed-script characters; names written in one script, or with ZWNJ, are none. */
		static const struct {
			const char *name, *want; /* want: a part of the phrase, or NULL */
		} look[] = {
			{"ab\u200bout", "U+200B ZERO WIDTH SPACE, which shows as nothing"},
			{"rtl\u202egpj.exe", "U+202E RIGHT-TO-LEFT OVERRIDE"},
			{"soft\u00adhyphen", "U+00AD SOFT HYPHEN"},
			{"\uff41bout", "U+FF41 FULLWIDTH LATIN SMALL LETTER A, which reads as 'a'"},
			{"\ufb01le", "reads as 'fi'"},
			{"nb\u00a0sp", "U+00A0 NO-BREAK SPACE, which reads as ' '"},
			{"p\u0430ypal", "U+0430 CYRILLIC SMALL LETTER A among letters of Latin"},
			{"\u0391pple", "U+0391 GREEK CAPITAL LETTER ALPHA among letters of Latin"},
			{"\u2764\ufe0f", NULL},
			{"1\ufe0f\u20e3", NULL},
			{"\ufe0fx", "U+FE0F"},
			{"\u0661\u06623", "digits of two number systems"},
			{"about", NULL},
			{"caf\u00e9", NULL},
			{"Stra\u00dfe", NULL},
			{"\u0627\u062a\u0635\u0627\u0644", NULL},
			{"\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", NULL},
			{"\u65e5\u672c\u8a9e-guide", NULL},
			{"\u0435\u0434\u0438\u043d\u0441\u0442\u0432\u043e", NULL},
			{"bad\xff", NULL},
			/* ZWNJ and ZWJ where they join nothing, and where they do (RFC 5892 CONTEXTJ, UTS #51) */
			{"ab\u200cout", "U+200C ZERO WIDTH NON-JOINER, which shows as nothing"},
			{"ab\u200dout", "U+200D ZERO WIDTH JOINER"},
			{"\u200cabout", "U+200C"},
			{"\u0915\u094d\u200d\u0937", NULL},
			{"\u0915\u094d\u200c\u0937", NULL},
			{"\U0001F469\u200d\U0001F4BB", NULL},
			{"\u2764\ufe0f\u200d\U0001F525", NULL},
			/* a width form: full-width punctuation in a CJK name is none; a letter's is one */
			{"\u8cc7\u6599\uff082025\uff09", NULL},
			{"\u8cc7\u6599\u3000\u4e00", NULL},
			{"\uff76\uff80", "reads as"},
			{"\uff10\uff11", "reads as '0'"},
			/* a variation selector or a tag where it selects something, and where it does not */
			{"a\ufe0f", "U+FE0F"},
			{"x\U000E0067y", "U+E0067"},
			{"\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", NULL},
			{"\u8fba\U000E0100", NULL},
			{"a\U000E0100", "U+E0100"},
			{"\u2229\ufe00", NULL},
			{" \ufe00", "U+FE00"},
			/* ... and where it selects nothing, so the name reads as one without it (helper-127) */
			{"pay\ufe00pal", "U+FE00"},
			{"pay\ufe0dpal", "U+FE0D"},
			{"e\u0301\ufe00", "U+FE00"},
			{"smile\U0001F600\ufe0f", "U+FE0F"},
			{"\U0001F44D\U0001F3FD\ufe0f", "U+FE0F"},
			{"\U0001F1EB\U0001F1F7\ufe0f", "U+FE0F"},
			{"\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067", "U+E0067"},
			{"v1\ufe0f", "U+FE0F"},
			{"\u00a9\ufe0f", NULL},
			{"\u231a\ufe0e", NULL},
			{"\u00a9\ufe0e", NULL},
			{"\u2764\ufe0e", NULL},
			{"\U0001F600\ufe00", "U+FE00"},
			{"\u2192\ufe00", "U+FE00"},
			{"\u2500\ufe00", "U+FE00"},
			{"\u1811\u180b", "U+180B"},
			{"\U0001F3F3\ufe0f\u200d\U0001F308", NULL},
			{"#\ufe0f\u20e3", NULL},
			{"\u1820\u180b", NULL},
			{"a\u180b", "U+180B"},
			{"\u3001\ufe00", NULL},
			/* every problem of a name, each character once (helper-126: the first alone was named) */
			{"a\u200bb\u202ec\u200bd", "U+200B ZERO WIDTH SPACE, which shows as nothing; and U+202E RIGHT-TO-LEFT OVERRIDE, which shows as nothing"},
			{"p\u0430ypal\u00ad", "U+00AD SOFT HYPHEN, which shows as nothing; and U+0430 CYRILLIC SMALL LETTER A among letters of Latin"},
			{"a\u200b\u200c\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206cz", "U+206A INHIBIT SYMMETRIC SWAPPING, which shows as nothing (and 2 more such characters)"},
		};
		bool right = true;
		for (size_t k = 0; k < sizeof look / sizeof *look; k++) {
			char *why = text_lookalike(look[k].name, strlen(look[k].name));
			bool good = look[k].want ? why && strstr(why, look[k].want) : !why;
			if (!good)
				printf("#   %s: got '%s'\n", look[k].name, why ? why : "(none)");
			right = right && good;
			free(why);
		}
		ok(right, "look-alike names: invisible, compatibility and mixed-script characters; one script and ZWNJ are none");
	}

	{
		/* utf8_decode: RFC 3629's valid sequences only */
		static const struct {
			const char *s;
			size_t want;
			uint32_t cp;
		} dec[] = {
			{"a", 1, 'a'},        {"\u00e9", 2, 0xe9},        {"\u202e", 3, 0x202e}, {"\U0001F600", 4, 0x1f600},
			{"\xe9", 0, 0},       {"\xc0\xaf", 0, 0},          {"\xed\xa0\x80", 0, 0}, {"\xf4\x90\x80\x80", 0, 0},
			{"\xe2\x80", 0, 0},   {"\x80", 0, 0},
		};
		bool right = true;
		for (size_t k = 0; k < sizeof dec / sizeof *dec; k++) {
			uint32_t cp = 0;
			size_t got = utf8_decode(dec[k].s, strlen(dec[k].s), &cp);
			right = right && got == dec[k].want && (!got || cp == dec[k].cp);
		}
		ok(right, "utf8_decode: one to four bytes; a stray, overlong, surrogate, past U+10FFFF or cut sequence is none");

		/* utf8_invalid_len: the maximal subparts of Unicode 15.0, 3.9, Table 3-8 ("61 F1 80 80 E1 80 C2
		 * 62 80 63 80 BF 64" is a, FFFD, FFFD, FFFD, b, FFFD, c, FFFD, FFFD, d), and more */
		static const struct {
			const char *s;
			size_t want;
		} bad[] = {
			{"\xf1\x80\x80\xe1", 3}, {"\xe1\x80\xc2", 2}, {"\xc2\x62", 1}, {"\x80\x63", 1}, {"\x80\xbf", 1},
			{"\xe2\x82", 2},           {"\xf0\x9f\x98", 3}, {"\xed\xa0\x80", 1}, {"\xe0\x80\x80", 1},
			{"\xf0\x80\x80", 1},       {"\xf4\x90\x80", 1}, {"\xf4\x8f\xbf", 3}, {"\xc0\xaf", 1},
			{"\xc1\xbf", 1},           {"\xf5\x80", 1},      {"\xff", 1},           {"\xe9" "abc", 1},
		};
		right = true;
		for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
			size_t got = utf8_invalid_len(bad[k].s, strlen(bad[k].s));
			if (got != bad[k].want)
				printf("#   case %zu: got %zu, want %zu\n", k, got, bad[k].want);
			right = right && got == bad[k].want;
		}
		ok(right, "utf8_invalid_len: a lead byte with the continuation bytes that could still make a character, "
		          "else one byte (Unicode 3.9, Table 3-8)");

		/* utf8_repaired: no two names are one (helper-125: "caf\xe9" was the name "caf\uFFFDE9") */
		char *r1 = utf8_repaired("caf\xe9"), *r2 = utf8_repaired("caf\xef\xbf\xbd" "E9"), *r3 = utf8_repaired("caf\xff"),
		     *r4 = utf8_repaired("caf\xc3\xa9");
		ok(r1 && r2 && r3 && !r4 && !strcmp(r1, "caf\xef\xbf\xbd" "E9") && !strcmp(r2, "caf\xef\xbf\xbd+E9") &&
		       !strcmp(r3, "caf\xef\xbf\xbd" "FF") && utf8_invalid_at(r2, strlen(r2)) < 0,
		   "utf8_repaired: a byte as U+FFFD and its digits, the name's own U+FFFD as U+FFFD and '+', UTF-8 as it is");
		free(r1), free(r2), free(r3), free(r4);

		/* buf_add_pct: control bytes and the caller's bytes; past 0x7f as asked */
		const char *in = "a b%\x01\x7f\u00e9\xe9/?";
		static const struct {
			const char *also;
			enum pct_high high;
			const char *want;
		} pct[] = {
			{" %?", PCT_HIGH_UTF8, "a%20b%25%01%7F\u00e9%E9/%3F"},
			{"%", PCT_HIGH_RAW, "a b%25%01%7F\u00e9\xe9/?"},
			{"", PCT_HIGH_ALL, "a b%%01%7F%C3%A9%E9/?"},
		};
		for (size_t k = 0; k < sizeof pct / sizeof *pct; k++) {
			struct buf b = BUF_INIT;
			buf_add_pct(&b, in, strlen(in), pct[k].also, pct[k].high);
			ok(!strcmp(b.p, pct[k].want), "buf_add_pct, case %zu: '%s'", k, b.p);
			buf_free(&b);
		}
	}

	char *cmd = xasprintf("rm -rf '%s'", dir);
	ok(system(cmd) == 0, "cleaned up");
	free(cmd);
	free(sub);
	free(deep);
	free(f);
	{
		/* Lines end at LF, CRLF and a lone CR; columns count characters. */
		const char *t = "a\nb\r\nc\rdé!";
		int l1, c1, l2, c2, l3, c3, l4, c4;
		text_pos(t, 2, &l1, &c1);  /* b */
		text_pos(t, 5, &l2, &c2);  /* c */
		text_pos(t, 7, &l3, &c3);  /* d */
		text_pos(t, 10, &l4, &c4); /* ! */
		ok(l1 == 2 && c1 == 1 && l2 == 3 && c2 == 1 && l3 == 4 && c3 == 1 && l4 == 4 && c4 == 3,
		   "text_pos: LF, CRLF and a lone CR end lines, a UTF-8 sequence is one column (%d:%d %d:%d %d:%d %d:%d)",
		   l1, c1, l2, c2, l3, c3, l4, c4);
	}
	{
		/* Explicit directional formatting: openers paired with their closers, as UAX #9 pairs them. */
		static const struct {
			const char *s;
			long want;
		} bidi[] = {
			{"plain text", -1},
			{"\u202eabc", 0},                       /* RLO never closed */
			{"a \u202eabc\u202c b", -1},            /* closed by PDF */
			{"a \u2067x\u2069 b", -1},              /* RLI closed by PDI */
			{"a \u2066x", 2},                       /* LRI never closed */
			{"\u2067x\u202ey\u2069", -1},          /* a PDI closes the override opened inside its isolate */
			{"\u2067x\u202c", 0},                  /* a PDF does not close an isolate */
			{"\u202c\u2069 stray closers", -1},     /* closers without openers are nothing */
			{"\u202bone\n\u202c", -1},              /* a line break inside a paragraph keeps it open */
			{"\u202bone\n\ntwo\u202c", 0},          /* a blank line ends the paragraph: unclosed there */
			{"ok\u2029\u202dx", 5},                /* U+2029 ends one too; the next is unclosed */
		};
		for (size_t k = 0; k < sizeof bidi / sizeof *bidi; k++) {
			uint32_t cp = 0;
			long at = bidi_unclosed_at(bidi[k].s, strlen(bidi[k].s), &cp, NULL);
			ok(at == bidi[k].want, "bidi_unclosed_at, case %zu: %ld (U+%04X)", k, at, (unsigned)cp);
		}
	}
	/* mem_count_byte() counts eight bytes at a time: every length, offset and byte value agrees
	 * with a count byte by byte (0x80 and 0xFF beside the byte counted, whose top bits the word
	 * trick must not carry into a neighbour) */
	{
		unsigned char buf[64];
		unsigned seed = 12345;
		bool same = true;
		for (int round = 0; round < 2000 && same; round++) {
			static const unsigned char pick[] = {0, 0, 0x80, 0xFF, 0x7F, 1, 'a', 0xFE};
			for (size_t i = 0; i < sizeof buf; i++) {
				seed = seed * 1103515245u + 12345u;
				buf[i] = pick[(seed >> 16) % sizeof pick];
			}
			unsigned char c = pick[round % sizeof pick];
			size_t off = (size_t)round % 8, len = (size_t)(round * 7) % (sizeof buf - off), want = 0;
			for (size_t i = 0; i < len; i++)
				want += buf[off + i] == c;
			same = mem_count_byte(buf + off, len, c) == want;
			if (!same)
				printf("# round %d: byte %02x, offset %zu, length %zu: %zu, want %zu\n", round, c, off, len,
				     mem_count_byte(buf + off, len, c), want);
		}
		ok(same, "mem_count_byte agrees with a count byte by byte (2,000 buffers)");
	}
	return tap_done();
}
