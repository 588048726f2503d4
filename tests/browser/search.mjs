// The full-text search pages of a built site, opened from file:// in headless
// Chromium: words found in the text of the pages (not only their titles), with
// accents and Arabic alef forms typed differently, ranked, with a snippet that
// marks them; the count in the right plural; "No page matches." alone; only
// some of the index's shards loaded; the plain list without JavaScript.
// The pages a query should find are read from the built pages themselves (the
// text of <main>, as the browser has it), not from the index.
//   node search.mjs SITE_DIR      (SITE_DIR: the shipped site, built with vade build -o)
// Prints "ok ..." / "FAIL ..." lines.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const SITE = path.resolve(process.argv[2] || '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ok = (s) => console.log(`ok ${s}`);
const fail = (s) => console.log(`FAIL ${s}`);
const check = (cond, s, why = '') => (cond ? ok(s) : fail(why ? `${s}: ${why}` : s));

// A word of the query at the start of a word of the text (the last word of a query is a prefix).
const W = '[\\p{L}\\p{N}\\p{M}]';
const word = (src, whole) => new RegExp(`(?<!${W})${src}${whole ? `(?!${W})` : ''}`, 'iu');

// Per language: queries, each with the regexes a page's text must match to be found.
const CASES = {
  en: [
    { q: 'INTERPOL', res: [word('INTERPOL')] },
    { q: 'UNODC', res: [word('UNODC')] },
    { q: 'forced labour', res: [word('forced', true), word('labour')] },
  ],
  fr: [
    { q: 'hebergement', res: [word('hébergement')] },
    { q: 'UNODC', res: [word('UNODC')] },
  ],
  ar: [
    // typed with a bare alef; the page writes it with hamza below (الإبلاغ)
    { q: 'الابلاغ', res: [word('ال[اأإآٱ]بلاغ')] },
    // alef wasla and hamza above, neither of them the page's form
    { q: 'ٱلأبلاغ', res: [word('ال[اأإآٱ]بلاغ')] },
    { q: 'INTERPOL', res: [word('INTERPOL')] },
  ],
};
// The count's text per CLDR category, as the theme says it.
const COUNT = {
  en: { one: '{n} page matches.', other: '{n} pages match.' },
  fr: { one: '{n} page correspond.', many: '{n} pages correspondent.', other: '{n} pages correspondent.' },
  ar: { zero: 'لا صفحة مطابقة.', one: 'صفحة واحدة مطابقة.', two: 'صفحتان مطابقتان.', few: '{n} صفحات مطابقة.',
        many: '{n} صفحة مطابقة.', other: '{n} صفحة مطابقة.' },
};
const NONE = { en: 'No page matches.', fr: 'Aucune page ne correspond.', ar: 'لا توجد صفحة مطابقة.' };
const countText = (lang, n) => {
  const f = COUNT[lang];
  return (f[new Intl.PluralRules(lang).select(n)] || f.other).replace('{n}', String(n));
};

// The text of every page the search page lists: url (as the search page links it) -> text.
async function pageTexts(page, searchUrl) {
  await page.goto(searchUrl);
  const urls = await page.$$eval('#results li a', (as) => as.map((a) => a.getAttribute('href')));
  const texts = new Map();
  for (const u of urls) {
    await page.goto(new URL(u, searchUrl).href);
    texts.set(u, await page.evaluate(() => {
      const m = document.querySelector('main').cloneNode(true);
      m.querySelectorAll('nav, script, style, [data-nosearch]').forEach((e) => e.remove());
      return m.textContent.replace(/\s+/g, ' ');
    }));
  }
  return texts;
}

// Types q and waits for the results: the count's text, then every result filled.
async function query(page, q) {
  await page.fill('#q', '');
  await page.fill('#q', q);
  await page.waitForFunction(() => {
    const c = document.getElementById('search-count').textContent;
    const lis = [...document.querySelectorAll('#found li')];
    return c && lis.every((li) => li.querySelector('a'));
  });
  return page.evaluate(() => ({
    count: document.getElementById('search-count').textContent,
    results: [...document.querySelectorAll('#found li')].map((li) => ({
      url: li.querySelector('a').getAttribute('href'),
      title: li.querySelector('a').textContent,
      marks: [...li.querySelectorAll('p mark')].map((m) => m.textContent),
      snippet: li.querySelector('p') ? li.querySelector('p').textContent : '',
      lang: li.getAttribute('lang'),
    })),
    more: !document.getElementById('search-more').hidden,
    listHidden: document.getElementById('results').hidden,
    shards: [...document.querySelectorAll('script[src]')].map((s) => s.getAttribute('src')).filter((s) => /^s\/\d+\.js$/.test(s)),
  }));
}

async function checkLang(ctx, lang) {
  const file = path.join(SITE, lang, 'search', 'index.html');
  const url = pathToFileURL(file).href;
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const texts = await pageTexts(page, url);
  await page.goto(url);
  const idx = fs.readFileSync(path.join(SITE, lang, 'search', 'index.js'), 'utf8');
  const nshards = JSON.parse(idx.slice(idx.indexOf('{'), idx.lastIndexOf('}') + 1)).shards.length;
  const loaded = new Set();
  for (const c of CASES[lang]) {
    const want = [...texts].filter(([, t]) => c.res.every((re) => re.test(t))).map(([u]) => u).sort();
    const r = await query(page, c.q);
    r.shards.forEach((s) => loaded.add(s));
    // Every result shown (at most ten at a time): all of them are right, and as many as expected.
    const got = r.results.map((x) => x.url);
    const wrong = got.filter((u) => !want.includes(u));
    check(want.length > 0 && wrong.length === 0 && got.length === Math.min(10, want.length) && (want.length > 10) === r.more,
      `search ${lang} "${c.q}" finds its pages from file://`,
      `want ${want.join(' ')}; got ${got.join(' ')}`);
    check(r.count === countText(lang, want.length), `search ${lang} "${c.q}" counts ${want.length}`, `"${r.count}"`);
    const bare = r.results.filter((x) => !x.marks.some((m) => c.res.some((re) => re.test(m))));
    check(r.results.length > 0 && bare.length === 0, `search ${lang} "${c.q}" shows a snippet with the match marked`,
      bare.map((x) => `${x.url}: "${x.snippet.slice(0, 80)}"`).join('; '));
    check(r.listHidden, `search ${lang} "${c.q}" hides the plain list`);
  }
  // A fallback copy (text in the default language) is marked with its language.
  if (lang !== 'en') {
    const r = await query(page, 'INTERPOL');
    const fallback = r.results.filter((x) => x.lang);
    if (fallback.length) check(fallback.every((x) => x.lang === 'en'), `search ${lang}: fallback copies carry lang="en"`);
  }
  // The count for exactly one page and for several.
  const counts = new Map();
  for (const t of texts.values())
    for (const w of new Set(t.toLowerCase().match(/[\p{L}\p{N}]{6,}/gu) || [])) counts.set(w, (counts.get(w) || 0) + 1);
  const once = [...counts].find(([w, n]) => n === 1 && /^\p{L}+$/u.test(w));
  if (once) {
    const r = await query(page, once[0]);
    check(r.count === countText(lang, 1) && r.results.length === 1, `search ${lang}: one page counted as one ("${once[0]}")`,
      `"${r.count}", ${r.results.length} results`);
  }
  // Nothing found: the one sentence that says so, no count beside it.
  const r0 = await query(page, 'zzqxjv');
  const shownText = await page.evaluate(() => document.querySelector('article').innerText);
  check(r0.count === NONE[lang] && r0.results.length === 0 && !/\d/.test(shownText.replace(/\s+/g, ' ')),
    `search ${lang}: a word on no page shows only "${NONE[lang]}"`, `"${r0.count}" / ${r0.results.length} results`);
  // A word that names a property every script object has ("constructor", not the last word: that one
  // is matched as a prefix) is a word like another: on no page here (helper-187: the shard's
  // inherited property was taken for its postings, and the page threw).
  const rp = await query(page, 'constructor x');
  check(rp.count === NONE[lang] && rp.results.length === 0,
    `search ${lang}: "constructor x" (a name every object has; x no word) shows only "${NONE[lang]}"`, `"${rp.count}"`);
  // A query in the address with a stray "%" (a link cut short): the page still searches, no error.
  await page.goto(url + '?q=zzqxjv%25%');
  await page.waitForFunction(() => document.getElementById('search-count').textContent);
  const rq = await page.evaluate(() => [document.getElementById('q').value, document.getElementById('search-count').textContent]);
  check(rq[0] === 'zzqxjv%%' && rq[1] === NONE[lang], `search ${lang}: "?q=zzqxjv%25%" in the address is searched as typed`,
    JSON.stringify(rq));
  check(loaded.size > 0 && loaded.size < nshards, `search ${lang}: queries load only some shards`,
    `${loaded.size} of ${nshards}`);
  // Ranking: a word of a page's title puts that page first.
  const titled = [...texts.keys()][Math.min(2, texts.size - 1)];
  await page.goto(url);
  const title = await page.$eval(`#results li a[href="${titled}"]`, (a) => a.textContent);
  const tw = title.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 4).sort((a, b) => b.length - a.length)[0];
  if (tw) {
    const r = await query(page, tw);
    const titleHits = r.results.filter((x) => word(tw, true).test(x.title)).length;
    const firstBody = r.results.findIndex((x) => !word(tw, true).test(x.title));
    check(r.results.some((x) => x.url === titled) && (firstBody < 0 || firstBody >= titleHits),
      `search ${lang}: pages with "${tw}" in the title come first`, r.results.map((x) => x.title).join(' | '));
  }
  check(errors.length === 0, `search ${lang}: no script errors`, errors.join('; '));
  await page.close();
}

async function noScript(browser, lang) {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(pathToFileURL(path.join(SITE, lang, 'search', 'index.html')).href);
  const n = await page.locator('#results li:visible').count();
  check(n > 1, `search ${lang} without JavaScript lists the language's pages`, `${n} shown`);
  await ctx.close();
}

async function main() {
  if (!fs.existsSync(path.join(SITE, 'en', 'search', 'index.html'))) {
    console.log('usage: node search.mjs SITE_DIR   (the shipped site, built)');
    process.exit(2);
  }
  // launch() starts Chromium on a fresh profile of its own, removed when it closes.
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
           '--disable-component-update', '--disable-sync'],
  });
  try {
    const ctx = await browser.newContext();
    for (const lang of Object.keys(CASES)) {
      if (!fs.existsSync(path.join(SITE, lang, 'search', 'index.html'))) { fail(`search ${lang}: no search page`); continue; }
      await checkLang(ctx, lang);
      await noScript(browser, lang);
    }
  } finally {
    await browser.close();
  }
}
main().catch((e) => { fail(`search tests: ${e.message}`); process.exit(1); });
