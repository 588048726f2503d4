/* bench/cmark-race.c — why markdown.c fills cmark-gfm's table of extension characters once
 * and takes the library's calls that set and clear it (else it would need a lock around each
 * inline pass; tests/unit/test_markdown.c runs the same race through vade's own parses).
 * Two threads parse "~~struck~~" 200,000 times each, every extension registered and
 * attached before they start; unlocked, some parses lose their <del> (on the 2-core
 * bench machine: 606 of 400,000), locked none. cmark-gfm sets the characters that
 * trigger extensions in one global table at the start of each inline pass and clears
 * them at its end (github/cmark-gfm#176), so one parser's end clears another's
 * middle. ThreadSanitizer cannot show it: Debian's library is not instrumented.
 *   cc -O2 -o build/bench/cmark-race bench/cmark-race.c -lcmark-gfm -lcmark-gfm-extensions -lpthread
 *   build/bench/cmark-race; build/bench/cmark-race locked */
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int locked;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static const char *doc = "Some text with ~~struck~~ words and more text to parse here.\n";
static void *run(void *arg) {
  long lost = 0;
  const char *exts[] = {"strikethrough", "autolink", "table"};
  for (int i = 0; i < 200000; i++) {
    cmark_parser *p = cmark_parser_new(0);
    for (int k = 0; k < 3; k++) cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(exts[k]));
    cmark_parser_feed(p, doc, strlen(doc));
    if (locked) pthread_mutex_lock(&m);
    cmark_node *d = cmark_parser_finish(p);
    if (locked) pthread_mutex_unlock(&m);
    char *h = cmark_render_html(d, 0, cmark_parser_get_syntax_extensions(p));
    if (!strstr(h, "<del>")) lost++;
    free(h); cmark_node_free(d); cmark_parser_free(p);
  }
  return (void *)lost;
}
int main(int argc, char **argv) {
  locked = argc > 1;
  cmark_gfm_core_extensions_ensure_registered();
  pthread_t t[2]; void *r[2];
  for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, run, 0);
  for (int i = 0; i < 2; i++) pthread_join(t[i], &r[i]);
  printf("%s: %ld of 400000 parses lost their <del>\n", locked ? "locked" : "unlocked", (long)r[0] + (long)r[1]);
}
