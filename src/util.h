/* util.h — memory, growable buffers and small file helpers shared by every module.
 *
 * Out-of-memory is fatal: the x* allocators never return NULL.
 *
 * struct buf invariants (after BUF_INIT or buf_init):
 *   - p is never NULL and p[len] == '\0';
 *   - cap > len, or cap == 0 while p points at a shared empty string;
 *   - buf_detach() is the one way to take the bytes; the caller frees them.
 */
#ifndef VADE_UTIL_H
#define VADE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <stdio.h>
#include <time.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Array p of n elements of size bytes with room for one more: grown to twice its size when n is
 * 0 or a power of two, so n pushes cost O(n) copies, not O(n^2) (under ASan, which copies on
 * every realloc, a 62,000-passage page took half an hour one element at a time). The capacity
 * is implied by n (the least power of two >= n): use it on an array made by xgrow() alone, and
 * trim it (xrealloc to n) only once nothing more is pushed. */
void *xgrow(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct buf {
	char *p;
	size_t len, cap;
};
extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *s, size_t n);
void buf_adds(struct buf *b, const char *s);
/* Inline: text is built a character at a time (escapes, search text, passages), and a call per
 * character was some 7 % of a large build's CPU (issue 13). */
static inline void buf_addc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s[0, n) percent-encoded (RFC 3986, 2.1: "%" and two upper-case hex digits) where a byte
 * is a control byte (below 0x20, and 0x7f), one of also's ASCII bytes, or, past 0x7f, as high says:
 * PCT_HIGH_RAW keeps every such byte, PCT_HIGH_UTF8 keeps those of valid UTF-8 sequences but C1
 * controls and noncharacters (HTML 13.2.5 refuses them in a page) and encodes the others (a name in a legacy code page: a page's address must stay UTF-8 text in HTML and JSON),
 * PCT_HIGH_ALL encodes them all (an ASCII-only address, a header value). One encoder for every
 * address, record line and header vade writes, each with the bytes its reader takes otherwise. */
enum pct_high { PCT_HIGH_RAW, PCT_HIGH_UTF8, PCT_HIGH_ALL };
void buf_add_pct(struct buf *b, const char *s, size_t n, const char *also, enum pct_high high);
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);
char *buf_detach(struct buf *b, size_t *len);
void buf_free(struct buf *b);

/* A growable array of pointers; items are borrowed unless the owner says otherwise. */
struct vec {
	void **v;
	size_t n, cap;
};
#define VEC_INIT { NULL, 0, 0 }
void vec_push(struct vec *v, void *item);
/* Pushes the malloc'd string s unless v (of strings) has it already, when s is freed: for short lists. */
void vec_push_once(struct vec *v, char *s);
void vec_free(struct vec *v);
/* vec_free() after free() of each item (a vec of malloc'd strings). */
void vec_free_items(struct vec *v);

/* A hash map from text to a size_t, for lookups that must stay linear in
 * the input (ids of a page, keys of a mapping, items by id). Open
 * addressing; keys are copied and owned when the map owns them
 * (STRMAP_INIT_OWNED), else borrowed and must outlive the map. */
struct strmap {
	char **keys;            /* [nslots]: NULL for an empty slot */
	size_t *vals;
	uint64_t *hashes;       /* [nslots]: each key's hash, compared before the key */
	size_t nslots, used;
	bool owned;
};
#define STRMAP_INIT { NULL, NULL, NULL, 0, 0, false }
#define STRMAP_INIT_OWNED { NULL, NULL, NULL, 0, 0, true }
/* The value of key, or NULL. The pointer is valid until the next strmap_put(). */
size_t *strmap_get(const struct strmap *m, const char *key);
/* Finds or adds key (value 0 when added, *added set if not NULL); returns its
 * value, valid until the next strmap_put(). */
size_t *strmap_put(struct strmap *m, const char *key, bool *added);
/* The map's own copy of key, or NULL. */
const char *strmap_key(const struct strmap *m, const char *key);
void strmap_free(struct strmap *m);

/* qsort and bsearch that accept an empty (NULL) array. */
void xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* strcmp() of two char * elements, for xqsort() and xbsearch() over arrays of strings. */
int cmp_str(const void *a, const void *b);
void *xbsearch(const void *key, const void *base, size_t n, size_t size,
               int (*cmp)(const void *, const void *));

/* The process's umask, read from /proc/self/status, which leaves it as it is (umask() can only read
 * it by setting it, a moment in which another thread's new file would get the wrong mode). */
mode_t process_umask(void);
/* Reads a whole file; returns 0 and sets *out (NUL-terminated, caller frees), or -1 with errno. */
int file_read(const char *path, char **out, size_t *len);
/* file_read() of a regular file only: anything else (a FIFO, a device, a folder) is -1 with
 * EINVAL (EISDIR), without waiting on it. For the files vade keeps for itself. */
int file_read_regular(const char *path, char **out, size_t *len);
/* Writes a whole file, creating parent folders; returns 0 or -1 with errno. */
int file_write(const char *path, const void *data, size_t len);
/* Replaces a file all at once, for files people keep (content/): the bytes go
 * to ".<name>.vade-tmp-XXXXXX" in the same folder, are synced, then renamed
 * over path, so a crash or a failed write leaves the old file or the new one,
 * never part of either. Keeps the old file's permission bits (a new file gets
 * 0666 less the umask, which it reads, so not while other threads create
 * files). Creates parent folders. Returns 0, or -1 with errno and no
 * temporary file left. */
int file_write_atomic(const char *path, const void *data, size_t len);
/* file_write_atomic() in two halves, for writing several files all or none:
 * file_stage() writes and syncs the new bytes to the temporary file beside
 * path (*tmp its name, caller frees; 0, or -1 with errno and nothing left);
 * file_stage_commit() renames it over path (0, or -1 with errno and the
 * temporary file removed). A caller that gives up between them unlinks tmp.
 * A symbolic link at path is replaced, never followed: a caller that should
 * write where a link leads resolves it first (site_write_path()). Staging a
 * file removes the temporary files of that file a killed writer left (as
 * file_sweep_temps() says); a folder's names are read once per process to
 * tell whether there are any (reading it per file staged cost n²). */
int file_stage(const char *path, const void *data, size_t len, char **tmp);
int file_stage_commit(const char *tmp, const char *path);
/* file_write_atomic() unless path already holds exactly these bytes (then the
 * file is not touched). Returns 1 when written, 0 when unchanged, -1 with errno. */
int file_update(const char *path, const void *data, size_t len);
/* A new file "<path>.tmp-XXXXXX" beside path, made with O_EXCL (mkostemp: nothing there, a
 * link included, is followed or reused), open for writing; *tmp its name (caller frees). NULL
 * with errno. For files vade keeps for itself and renames over path when complete. Such files a
 * killed process left (this user's, untouched for a minute) are removed first. */
FILE *file_create_temp(const char *path, char **tmp);
/* p[0, len) written whole to a file_create_temp() beside path: its name (caller frees), or NULL
 * when it could not be (nothing is left). */
char *file_write_temp(const char *path, const void *p, size_t len);
/* Writes p[0, len) as a record vade keeps for itself at path: through file_create_temp() (its
 * owner's alone), renamed over path; not synced (a record cut short fails its own digest). On a
 * failure path is removed too, and -1 returned. */
int file_write_record(const char *path, const void *p, size_t len);
/* Removes the temporary files "<prefix>XXXXXX" (six letters or digits, as mkostemp makes them) a
 * killed process left: regular files of this user with no other name, untouched for a minute (a
 * writer still at work touches its file within seconds). */
void file_sweep_temps(const char *prefix);
/* Which version of a file st describes: its size, modification and change times (seconds,
 * nanoseconds), inode and device, in that order. Any write, truncation, rename into place or
 * touch changes one of them — the kernel sets the change time on each, and no call sets it back —
 * so equal fields mean the same bytes, but for changes within the file system's time resolution
 * (state.c reads files changed that recently again). */
#define FILE_VERSION 7
#define FILE_VERSION_INODE 5 /* where file_version() puts the inode number: never 0 for a file */
struct stat;
void file_version(const struct stat *st, int64_t v[FILE_VERSION]);
/* A digest of that version, never 0; 0 when either time is less than FILE_RACY seconds before
 * since (a build's start): a file changed so close to being read could change again within its
 * file system's time resolution and keep its times, as git's index calls an entry "racily clean",
 * so what was read of it is not kept for the next build. */
#define FILE_RACY 3
uint64_t file_version_id(const struct stat *st, time_t since);
/* Makes folder path and the folders above it that are missing (mkdir -p): 0, or -1 with errno. */
int mkdir_p(const char *path);
bool is_dir(const char *path);
bool is_file(const char *path);
char *path_join(const char *a, const char *b);
/* out_dir as a real path, also before it exists: the real path of the part of it that is there,
 * and the rest after it ("templates/x" before templates/ is made); "dist/" is "dist". NULL when
 * it cannot be resolved (a last part "." or "..", a folder that cannot be read). Caller frees. */
char *path_real_or_new(const char *out_dir);
/* The folder of path ("." for a bare name, "/" for the root's entries); caller frees. */
char *path_dir(const char *path);
/* Whether path is dir or a path under it, compared as written (both real paths, or both as given);
 * false for a NULL or empty dir. */
bool path_under(const char *path, const char *dir);
/* Whether name is prefix and six letters or digits: a temporary file mkostemp made. */
bool path_temp_name(const char *name, const char *prefix);

/* The length of the UTF-8 sequence at s (of len bytes at most; 1 for ASCII), its code point in *cp;
 * 0 when it is none (RFC 3629, 4: no overlong form, no surrogate, nothing past U+10FFFF). */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* s as UTF-8 text that keeps it apart from every other: each byte that is no UTF-8 as U+FFFD and
 * the byte's two hexadecimal digits ("caf\xe9" is "caf\uFFFDE9", "caf\xff" "caf\uFFFDFF"), and a
 * U+FFFD of s as U+FFFD and '+' (the name "caf\uFFFDE9" is "caf\uFFFD+E9"); NULL when s is valid
 * UTF-8 without U+FFFD (nothing to replace). For a name kept in a UTF-8 record (a translation
 * status record keys pages by their names). Caller frees. */
char *utf8_repaired(const char *s);
/* The byte offset in UTF-8 text s[0, len) of the first control character HTML does not allow in a
 * page (HTML 13.2.5, control-character-in-input-stream): C0 but tab, line feed and carriage return,
 * DEL, C1 (U+0080-U+009F); its code point in *cp. -1 when there is none. */
long text_control_at(const char *s, size_t len, uint32_t *cp);
/* Whether c shows as nothing: Unicode's Default_Ignorable_Code_Point (UAX #44; ICU's
 * UCHAR_DEFAULT_IGNORABLE_CODE_POINT): a soft hyphen, U+034F COMBINING GRAPHEME JOINER, the
 * Arabic letter mark, the zero width space, non-joiner and joiner, the directional marks,
 * embeddings, overrides and isolates, the word joiner and invisible operators, U+FEFF, the
 * variation selectors, the Hangul fillers, the tags... The one list of such characters that the
 * citations' syntax (cite.c), the addresses' warning (markdown.c), the search fold (search.c) and
 * the look-alike names (text_lookalike) read: three hand-written lists had each missed some of the
 * others' (helper-143). */
bool char_shows_nothing(uint32_t c);
/* Whether c is of a script written without spaces between words (ICU's script: Han, Hiragana, Katakana,
 * Thai, Lao, Khmer, Myanmar), whose runs of letters are sentences, not words: the search index cuts
 * them with ICU's word break iterator, and a command's option closes up to them (markdown.c). */
bool script_unspaced(uint32_t c);
/* Whether c, the code point at s[i, i + k) of s[0, n), after the code point prev (0 at the start),
 * is char_shows_nothing() and stray there: not a zero width non-joiner or joiner between two letters
 * of a script other than ASCII's (a Persian or Indic word is written with them), nor a zero width
 * joiner of an emoji sequence, nor a variation selector after a character that is no ASCII (whose
 * glyph it selects: an emoji) or of a keycap ("1\ufe0f\u20e3"). */
bool char_stray_invisible(const char *s, size_t n, size_t i, size_t k, uint32_t c, uint32_t prev);
/* Whether c is a noncharacter (Unicode 15.0, 23.7: U+FDD0-U+FDEF and the last two code points of
 * each plane, U+FFFE, U+FFFF, U+1FFFE...): HTML does not allow one in a page (HTML 13.2.5,
 * noncharacter-in-input-stream). */
bool unicode_noncharacter(uint32_t c);
/* text_control_at(), noncharacters too: the byte offset of the first character HTML does not allow
 * in a page, its code point in *cp; -1 when there is none. Bytes that are no UTF-8 are passed over. */
long text_unallowed_at(const char *s, size_t len, uint32_t *cp);
/* The byte offset of the first explicit directional formatting character of s that opens what it
 * does not close before its paragraph ends (a blank line, U+2029, or the end of s): an embedding
 * or override (LRE, RLE, LRO, RLO: U+202A, U+202B, U+202D, U+202E) without its PDF (U+202C), an
 * isolate (LRI, RLI, FSI: U+2066 to U+2068) without its PDI (U+2069), as UAX #9 (3.3.2, X1-X8)
 * pairs them; *cp gets it. Such an opener reorders or reverses the text after it, beyond its
 * own: the site's name after a title in a browser's tab, the words beside it in a list (Trojan
 * Source, CVE-2021-42574). -1 when each is closed. *next (may be NULL) gets where the paragraph
 * after the one it leaves open starts, for a caller that looks on. */
long bidi_unclosed_at(const char *s, size_t len, uint32_t *cp, size_t *next);
/* What such an opener cp is ("isolate", "override", "embedding"), for messages, and the character
 * that closes it (PDI U+2069, or PDF U+202C). */
const char *bidi_opener_kind(uint32_t cp);
uint32_t bidi_closer(uint32_t cp);
/* Whether code point c is one text_unallowed_at() finds: a control character (but tab and line
 * ends) or a noncharacter. */
bool unicode_unallowed(uint32_t c);
/* Replaces each character of b from byte from on that text_unallowed_at() finds with U+FFFD, as
 * the escapers write one (escape.h): a page's HTML made from Markdown that holds one (warned at
 * the source) stays a page HTML allows. */
void text_unallowed_replace(struct buf *b, size_t from);
/* Returns the byte offset of the first invalid UTF-8 sequence, or -1 when s is valid. */
long utf8_invalid_at(const char *s, size_t len);
/* The number of bytes (1 to 3, at most len; len > 0) of the ill-formed sequence at s (where
 * utf8_decode() gives 0) that one U+FFFD stands for when the text is shown: its maximal subpart
 * (Unicode 15.0, 3.9, "U+FFFD Substitution of Maximal Subparts"; the WHATWG Encoding Standard's
 * UTF-8 decoder and Python's "replace" decode alike): a lead byte with the continuation bytes
 * that follow it as long as they could still make a character ("\xe2\x82" is one, "\xed\xa0\x80" a
 * surrogate three), else the one byte. */
size_t utf8_invalid_len(const char *s, size_t len);

/* How many of the n bytes at p are c: eight at a time (a byte by byte count of a record's search
 * terms was a third of a one-page rebuild, deps.c). */
size_t mem_count_byte(const void *p, size_t n, unsigned char c);
/* s[0, n) with each ill-formed sequence (utf8_invalid_len) replaced by with: U+FFFD where it is
 * shown, as a browser shows it. Caller frees. */
char *utf8_replaced(const char *s, size_t n, const char *with);
/* s in Unicode Normalization Form C (UAX #15), malloc'd; NULL when s is NFC already (every ASCII
 * text is), is not valid UTF-8, or ICU fails. Names that are canonically equivalent are one
 * name: macOS and some editors write "café" as "cafe" + U+0301 (NFD), others as U+00E9. */
char *text_nfc(const char *s);
/* Why a name (s[0, n): one file or folder name, "about.md") may be taken for another by a reader:
 * it holds a character that shows as nothing (U+200B ZERO WIDTH SPACE, U+00AD SOFT HYPHEN, a bidi
 * control: Unicode's Default_Ignorable_Code_Point), one that reads as another (U+FF41 FULLWIDTH
 * LATIN SMALL LETTER A, the ligature U+FB01: its NFKC form differs, UAX #15), or letters of
 * scripts mixed as a look-alike mixes them (a Cyrillic 'а' among Latin letters: UTS #39's
 * "moderately restrictive" level, or digits of two systems, by ICU's spoof checker). Phrases
 * naming each such character once, up to eight (then a count of the rest), and the mix of scripts
 * last ("U+200B ZERO WIDTH SPACE, which shows as nothing; and U+202E ..."); caller frees. NULL when there is none, or s is not UTF-8. U+200C and U+200D (ZWNJ, ZWJ) are left
 * alone where they join (RFC 5892's CONTEXTJ: after a virama, ZWNJ between letters that join; an
 * emoji ZWJ sequence): Persian and Indic words are written with them. A full-width or half-width
 * form that reads as no letter or digit (the parentheses of "資料（2025）") is no look-alike. */
char *text_lookalike(const char *s, size_t n);
/* Appends s[0, n) as a terminal shows it for what it is, with the escapes of GCC's diagnostics
 * (-fdiagnostics-escape-format=unicode): a control character (Unicode's Cc: a tab, ESC, a line
 * feed), a bidi control (Bidi_Control: U+202E shows the rest of a line reversed, the "Trojan
 * Source" trick, CVE-2021-42574) and a line or paragraph separator as <U+202E>; a byte that is no
 * UTF-8 as <e9>. The rest, UTF-8 included, as it is: a name in Cyrillic or Arabic reads as its
 * own. For what vade prints of a site's names and texts, which hold what they hold. */
void buf_add_shown(struct buf *b, const char *s, size_t n);
/* s as buf_add_shown() writes it; caller frees. */
char *text_shown(const char *s);
/* printf(fmt, path) with path text_shown(): a line that names a file the user named or made (a
 * bidi control or a line end in a name reversed or split the line: helper-126). */
void say_path(const char *fmt, const char *path);
/* Replaces *s (malloc'd) with its NFC form when that differs, freeing the old text. */
void text_to_nfc(char **s);
/* Whether s shows nothing: only white space, ASCII or Unicode's (Zs: the no-break space U+00A0,
 * U+2000-U+200A, U+202F, U+3000...), and the invisible U+200B and U+FEFF. */
bool text_blank(const char *s);
/* The bytes of s's first characters, at most max bytes of them, for "%.*s": a message shows the
 * start of a long text without cutting a UTF-8 sequence in half. */
int text_head(const char *s, size_t max);
/* Line and column (1-based; the column in characters, as editors and libyaml count it: a
 * UTF-8 sequence is one) of byte offset off in s. A line ends at LF, CRLF or a lone CR, as
 * CommonMark (2.1), YAML (5.4), XML (2.11) and Lua's lexer end lines. */
void text_pos(const char *s, size_t off, int *line, int *col);

/* Text as every reader of vade's takes it: a leading UTF-8 byte order mark
 * dropped, CRLF (Windows) and a lone CR (old Mac OS) made LF, in place; so
 * lines count the same in every file (columns on the first line count from
 * after the mark, as editors show them). s[len] must be writable; returns
 * the new length (s stays NUL-terminated). */
size_t text_normalize(char *s, size_t len);
/* s[0, n) with every "%XX" (two hexadecimal digits) replaced by its byte, as
 * a browser reads a URL; a '%' not followed by two hexadecimal digits stays
 * as it is. The result may hold any byte (check it with utf8_invalid_at, and
 * for NUL with *len). Caller frees; *len (may be NULL) gets its length. */
char *percent_decode(const char *s, size_t n, size_t *len);
/* Whether s[0, n) may stand as a URL's fragment as far as '%' and '#' go: it holds no '#', and
 * every '%' starts a "%XX" (URL Standard, fragment state: anything else is a validation error, which
 * vnu reports). Where it may not, buf_add_pct(b, s, n, "%#", PCT_HIGH_RAW) writes one that decodes
 * to s, which a browser's second try finds (HTML 7.4.6.3). */
bool url_fragment_valid(const char *s, size_t n);
/* Fragment s[0, n) (an href's, after its '#') as a browser keeps it once parsed: each byte of the
 * URL Standard's fragment percent-encode set (C0 controls, space, '"', '<', '>', '`', and each byte
 * past 0x7E) percent-encoded. HTML finds the element whose id is that, else the one whose id is
 * it percent-decoded ("find a potential indicated element", HTML 7.4.6.3). Caller frees. */
char *url_fragment_parsed(const char *s, size_t n);
/* Levenshtein distance in bytes; (size_t)-1 for texts over 1024 bytes. */
size_t text_distance(const char *a, const char *b);
/* Whether the key a is b, case and the '_' or '-' between words aside ("baseURL", "base-url" and
 * "base_url"; Hugo's "publishDate" and a plugin's "publish_date"). */
bool name_like(const char *a, const char *b);
/* text_distance(), given up past max: max + 1 as soon as the distance is known to be more. */
size_t text_distance_max(const char *a, const char *b, size_t max);
/* The candidate closest to key by text_distance, at most limit edits away
 * (so it is likely the one meant); ties go to the first in byte order. NULL
 * when none is that close, or when the guess budget (below) has not n left. Borrowed from cands. */
const char *text_nearest(const char *key, const char *const *cands, size_t n, size_t limit);
/* The guesses of a build ("did you mean"): each compares a misspelt name with every candidate, and a
 * site of thousands of misspelt links, keys or anchors compared each with thousands (helper-167: 8,000
 * links to no page took 10 s to check). Every guess takes what it compares from one budget a build,
 * GUESS_BUDGET candidates; past it a misspelling is said without a guess. Thread-safe. */
#define GUESS_BUDGET ((size_t)16 << 20)
void guess_budget_reset(void);
/* Takes n from the budget: false, taking nothing, when it has not n left. */
bool guess_budget_take(size_t n);

/* {======= machine-local binary records (deps.h's record, the status cache)
 * Native byte order; every field 8-byte aligned: a u64, a string as its u64 length, its
 * bytes, a NUL and padding. A reader checks each step against the bytes left; a failed
 * step clears ok and reads as zero or "". */
void bin_put_u64(struct buf *b, uint64_t v);
/* LEB128, a number in 7 bits a byte, the low ones first, the high bit set on every byte but the last
 * (DWARF 5, 7.6): appended to b; read at *p (moved past it), false when it runs past end or past 64
 * bits. Front matter images (yml.c) and a page's search terms (search.h) are written so. */
void buf_add_leb128(struct buf *b, uint64_t v);
bool leb128_read(const unsigned char **p, const unsigned char *end, uint64_t *v);
void bin_pad8(struct buf *b);
void bin_put_str(struct buf *b, const char *s);     /* NULL as "" */
struct bin_rd {
	const char *p, *end;    /* p 8-byte aligned in a record's mapping (bin_map) */
	bool ok;
};
uint64_t bin_u64(struct bin_rd *r);
const void *bin_skip(struct bin_rd *r, uint64_t n);  /* n bytes, padded; NULL when short */
const char *bin_str(struct bin_rd *r);                /* a string without NULs */
/* A string bin_str() found whole in an earlier walk of the same bytes: not looked through again. */
const char *bin_str_walked(struct bin_rd *r);
/* A record's bytes, mapped read-only (mmap(2), MAP_POPULATE): a large site's records are tens of
 * megabytes, and reading them into memory of our own (a copy, and a page fault on every page of the
 * new buffer) was a sixth of a one-page rebuild (issue 13). Page-aligned, so 8-byte aligned. A
 * record is replaced by rename(2), never rewritten in place, so a mapping keeps the bytes it was
 * made with while the next build writes. A record is its 16 bytes head, its fields, and the
 * XXH3-64 of all before it (bin_put_u64 of XXH3_64bits): bin_map() checks all three. Returns 0, or
 * -1 with errno (a regular file only, as file_read_regular; a file that is no whole record is
 * EINVAL, and one without the head is not even mapped, however large). Release with bin_unmap(). A file another program
 * cuts short while mapped makes a read past its end a SIGBUS: vade then names the file and dies
 * of the signal (a handler installed by the first bin_map(); other SIGBUS are left alone). */
struct bin_map {
	const char *p;
	size_t len;
	int64_t version[FILE_VERSION]; /* the file's when it was mapped (file_version) */
};
int bin_map(const char *path, const char head[16], struct bin_map *m);
void bin_unmap(struct bin_map *m);
/* The XXH3-64 a mapped record ends with (bin_map() checked it): what a record's patch names it by. */
uint64_t bin_map_sum(const struct bin_map *m);

/* A record and its patch (the deps record, the page facts, the status cache). A record of every
 * page written whole again after a one-page edit was a tenth of that edit's rebuild at 10,000
 * pages x 3 (issue 13): what changed since it was written whole goes in a patch beside it, at
 * "<path>-patch". A patch is a record (bin_map) whose head is followed by u64 the XXH3-64 its
 * record ends with (bin_map_sum), then its owner's fields from byte BIN_PATCH_BODY. A patch that
 * names another record (written whole since) is none; a record written whole has no patch. */
struct bin_patched {
	struct bin_map whole;   /* the record, or none (p NULL) */
	struct bin_map patch;   /* its patch, or none */
	bool damaged;           /* a patch was there but is none of this record's kind (cut short,
	                         * another program's): its owner decides whether the record stands alone */
};
#define BIN_PATCH_BODY 24
/* "<path>-patch". Caller frees. */
char *bin_patch_path(const char *path);
/* Maps the record at path (its head `head`) and its patch (`patch_head`) into r. Returns 0, or -1
 * with errno when the record is not (r then maps nothing; a patch without its record is none).
 * Release with bin_patched_unmap(). */
int bin_patched_map(const char *path, const char head[16], const char patch_head[16], struct bin_patched *r);
/* Maps r's patch again, as bin_patched_map() would beside the record r maps (which stays). */
void bin_patched_remap(const char *path, const char patch_head[16], struct bin_patched *r);
void bin_patched_unmap(struct bin_patched *r);
/* The end (before its sum) of the mapping of r that p is in: its patch's or its record's. */
const char *bin_patched_end(const struct bin_patched *r, const char *p);
/* Whether `changed` of the n entries of a record go in a patch rather than the record written
 * whole: at most 64 and an eighth of n, and half of n (a small site's patch would otherwise grow
 * past its record). Past it the record is written whole, which also leaves out what is gone. */
bool bin_patch_fits(size_t changed, size_t n);
/* Starts a record in b: its head, or for a patch of `of` (not NULL) patch_head and of's sum. */
void bin_put_head(struct buf *b, const char head[16], const char patch_head[16], const struct bin_map *of);
/* Puts the file tmp (NULL when it could not be written) in place as the record at path, or as its
 * patch: a record written whole removes its patch. When tmp is NULL or cannot be put there, it,
 * the record and its patch are removed (the record alone may be older than the output). Frees
 * tmp. Returns 0 or -1. */
int bin_patched_install(const char *path, char *tmp, bool patch);
/* Removes the record at path and its patch. */
void bin_patched_remove(const char *path);
/* }======= */

/* The XXH3-64 digest of vade's own binary (another vade may write other bytes): read once per
 * process, for the up-to-date check (state.h) and the status cache (status.h). False when it
 * cannot be read. */
bool self_digest(uint64_t *d);

/* Runs fn(arg) on up to threads threads, the caller's among them, and returns when all have
 * returned: fn takes its share of the work from arg (an atomic counter, say) until none is left,
 * so a thread that cannot be started only leaves more to the others. threads < 1 is 1. */
void run_threads(void *(*fn)(void *), void *arg, size_t threads);

/* Seconds on the monotonic clock (for durations: build stages, the progress line). */
double monotonic_seconds(void);

#endif
