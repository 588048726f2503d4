// The link crawler: every HTML file of a built site, opened from file:// in headless
// Chromium with scripts off (what a reader on a file share without scripts gets; the
// links scripts add are checked by check.mjs and print.mjs), and every link, stylesheet,
// script, image and icon it names:
//   - a file: address must name an existing file (a folder would show the reader a
//     directory listing from file://, so it fails too), inside the site folder;
//   - a #fragment must be an id (or <a name>) in the target as Chromium parsed it
//     (#top always is; a fragment of a file that is not HTML is not read);
//   - a <meta http-equiv=refresh> target obeys the same rules;
//   - a page with <base href> (404 pages, which a server sends at any address) is
//     read at its own address, and its base must end with that address;
//   - the language switcher of a page under <lang>/ leads to the same path under each
//     other language's folder (fallback pages included), never to another page;
//   - with scripts on, the switcher of each search page keeps the query (?q=) it was
//     opened with and the one typed, and the page it leads to searches for it;
//   - with scripts on, the root index.html takes a reader whose browser asks for one of
//     the site's languages there (fr, fr-XX), and anyone else to the default language.
// Addresses with another scheme (https:, mailto:) are counted, not followed.
//   node crawl.mjs SITE_DIR
// Prints "ok crawl <file> (<n> links)" or "FAIL crawl <file>: <link> -> <why>" per file,
// then "ok crawl-summary ..." / "FAIL crawl-summary ..." with the totals. Each file's load
// is a step with its own limit (VADE_BT_STEP_TIMEOUT_MS, steps.mjs). Exits 0 once it ran.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { STEP_MS, limited, why } from './steps.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const arg = process.argv[2];
if (!arg || !fs.existsSync(arg) || !fs.statSync(arg).isDirectory()) {
  console.error('usage: node crawl.mjs SITE_DIR');
  process.exit(2);
}
const SITE = fs.realpathSync(path.resolve(arg));
const rel = (p) => path.relative(SITE, p).split(path.sep).join('/');
const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true })
  .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
const htmlFiles = walk(SITE).filter((f) => /\.html$/.test(f));

// What one HTML file names, read from Chromium's DOM (addresses already resolved
// against the file's own, as the reader's browser resolves them).
function facts() {
  const links = [];
  // A page with <base href> (a 404 page: a server sends it at any address) is read as
  // at its own address, and its base must be that address.
  const own = document.URL.replace(/[?#].*$/, '');
  const baseEl = document.querySelector('base[href]');
  const abs = (v) => new URL(v, baseEl ? own : document.baseURI).href;
  const add = (el, v) => links.push({ url: abs(v), what: `<${el.localName}${el.id ? '#' + el.id : ''}> ${v}` });
  for (const el of document.querySelectorAll('a[href], area[href], link[href]')) add(el, el.getAttribute('href'));
  for (const el of document.querySelectorAll('img[src], script[src], iframe[src], source[src], video[src], audio[src]')) add(el, el.getAttribute('src'));
  for (const el of document.querySelectorAll('meta[http-equiv="refresh" i]')) {
    const m = /url\s*=\s*['"]?([^'"]+)/i.exec(el.getAttribute('content') || '');
    if (m) links.push({ url: new URL(m[1], document.baseURI).href, what: `<meta refresh> ${m[1]}` });
  }
  // the language switcher: the same page in each other language
  const switcher = [...document.querySelectorAll('.languages a[hreflang]')].map((a) => ({ lang: a.hreflang, url: abs(a.getAttribute('href')) }));
  const ids = [...document.querySelectorAll('[id]')].map((e) => e.id)
    .concat([...document.querySelectorAll('a[name]')].map((e) => e.getAttribute('name')));
  const base = baseEl ? baseEl.getAttribute('href') : null;
  return { links, ids, switcher, base };
}

const browser = await chromium.launch({
  executablePath: CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
// Scripts off; a refresh must not take the page away before it is read, so the
// parsed document is read as soon as it exists (domcontentloaded) and the page is
// stopped from going on.
const context = await browser.newContext({ javaScriptEnabled: false, serviceWorkers: 'block' });
await context.route(/^(https?|wss?):/, (route) => route.abort('blockedbyclient'));
// Closing a tab that stalled can stall too: it gets a few seconds, then is left behind.
const closed = (page) => (page ? Promise.race([page.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000).unref())]) : null);
const byFile = new Map();   // absolute path -> {links, ids, switcher} | {error}
const out0 = [];            // the search pages' lines
try {
  for (const f of htmlFiles) {
    let page = null;
    const r = await limited(STEP_MS, async () => {
      page = await context.newPage();
      await page.goto(pathToFileURL(f).href, { waitUntil: 'commit', timeout: 0 });
      await page.waitForLoadState('domcontentloaded', { timeout: 0 });
      return page.evaluate(facts);
    });
    byFile.set(f, r.value || { error: why(`load ${rel(f)}`, r) });
    await closed(page);
  }
  out0.push(...await searchKeepsQuery());
  out0.push(...await rootLanguage());
} finally {
  await browser.close().catch(() => {});
}

// The root page with scripts on, for readers whose browser asks for a language: the
// site's home in that language (whole tag, then primary subtag), else the first
// language's (the default); the site's languages are read from its language list.
async function rootLanguage() {
  const root = path.join(SITE, 'index.html');
  if (!fs.existsSync(root)) return [];
  const codes = (byFile.get(root)?.links || []).map((l) => rel(fileURLToPath(l.url)).split('/')[0]).filter((c) => c !== 'assets');
  if (codes.length < 2) return [];
  // the second language's tag, that tag with a region added (its primary subtag and a
  // region when it has subtags of its own), a language the site lacks, the default
  const primary = codes[1].split('-')[0];
  const regional = codes[1].includes('-') ? null : `${codes[1]}-CH`;
  const cases = [[codes[1], codes[1]], ...(regional ? [[regional, codes[1]]] : []), ['tlh', codes[0]], [codes[0], codes[0]]];
  if (!codes.some((c) => c.split('-')[0] === 'tlh') && primary !== codes[1]) cases.push([`${primary}`, codes[1]]);
  const lines = [];
  for (const [locale, want] of cases) {
    let ctx;
    try {
      ctx = await browser.newContext({ locale, serviceWorkers: 'block' });
    } catch (e) {
      lines.push(`FAIL crawl-root-language ${locale}: the browser takes no such locale (${String(e.message).split('\n')[0]})`);
      continue;
    }
    const page = await ctx.newPage();
    const r = await limited(STEP_MS, async () => {
      await page.goto(pathToFileURL(root).href, { waitUntil: 'load', timeout: 0 });
      const until = Date.now() + 10000;
      while (page.url().endsWith('/index.html') && rel(fileURLToPath(page.url())) === 'index.html' && Date.now() < until) await page.waitForTimeout(50);
      return rel(fileURLToPath(page.url().replace(/[?#].*$/, '')));
    });
    const got = r.value;
    lines.push(got === `${want}/index.html` ? `ok crawl-root-language ${locale} -> ${got}`
      : `FAIL crawl-root-language ${locale}: ${got ? `went to ${got}, not ${want}/index.html` : why('root page', r)}`);
    await ctx.close().catch(() => {});
  }
  return lines;
}

// The search pages with scripts on: the switcher keeps the query, opened with and typed.
async function searchKeepsQuery() {
  const lines = [];
  const ctx = await browser.newContext({ serviceWorkers: 'block' });
  await ctx.route(/^(https?|wss?):/, (route) => route.abort('blockedbyclient'));
  for (const f of htmlFiles.filter((x) => /^[^/]+\/search\/index\.html$/.test(rel(x)))) {
    const page = await ctx.newPage();
    const r = await limited(STEP_MS, async () => {
      const bad = [];
      await page.goto(pathToFileURL(f).href + '?q=forced+labour', { waitUntil: 'load', timeout: 0 });
      const hrefs = () => page.$$eval('a[data-keep-query]', (as) => as.map((a) => a.href));
      const first = await hrefs();
      if (!first.length) {
        // a site in one language has no language links to keep the query in
        if (await page.$('.languages a[hreflang]')) bad.push('no language links marked data-keep-query');
        return bad;
      }
      for (const h of first) if (!h.includes('?q=forced%20labour')) bad.push(`opened with ?q=forced+labour, a language link is ${h}`);
      if (await page.$('#q')) {
        await page.fill('#q', 'Palermo é');
        for (const h of await hrefs()) if (!h.includes('?q=Palermo%20%C3%A9')) bad.push(`after typing, a language link is ${h}`);
        const other = (await hrefs()).find((h) => !h.startsWith(pathToFileURL(f).href));
        if (other) {
          await page.goto(other, { waitUntil: 'load', timeout: 0 });
          const v = await page.inputValue('#q');
          if (v !== 'Palermo é') bad.push(`the other language's search page opened with "${v}" in the box`);
        }
      }
      return bad;
    });
    lines.push(r.value ? (r.value.length ? `FAIL crawl-search-query ${rel(f)}: ${r.value.slice(0, 3).join('; ')}` : `ok crawl-search-query ${rel(f)}`)
      : `FAIL crawl-search-query ${rel(f)}: ${why('search page', r)}`);
    await closed(page);
  }
  await ctx.close().catch(() => {});
  return lines;
}

// A link's problem, or '' when it resolves.
function problem(url) {
  let u;
  try { u = new URL(url); } catch { return 'not an address'; }
  if (u.protocol !== 'file:') return '';
  const target = fileURLToPath(u.href.replace(/[?#].*$/, ''));
  if (rel(target).startsWith('..')) return 'outside the site folder';
  if (!fs.existsSync(target)) return 'no such file';
  if (fs.statSync(target).isDirectory()) return 'a folder (from file:// the reader gets a directory listing)';
  // The fragment as written (serialized), then percent-decoded: HTML's "find a potential
  // indicated element" tries both, in that order ([^%41] has id "fn-%41").
  const raw = u.hash.slice(1);
  let frag;
  try { frag = decodeURIComponent(raw); } catch { return `a malformed fragment ${u.hash}`; }
  // "#top" is the top of any document (HTML, "scroll to the fragment"); a fragment of
  // a file that is not HTML (a PDF's #page=2) is the viewer's to read.
  if (!frag || frag.toLowerCase() === 'top') return '';
  const t = byFile.get(target);
  if (!t) return '';
  if (t.error) return `#${frag}: the target did not load`;
  return t.ids.includes(raw) || t.ids.includes(frag) ? '' : `no id "${frag}" in ${rel(target)}`;
}

let links = 0, external = 0, broken = 0;
let basePrefix;             // what every page's <base href> has before the page's own path
// A site in several languages has a language switcher on every page of a language.
const switchers = [...byFile.values()].some((r) => r.switcher && r.switcher.length);
const out = [];
for (const f of htmlFiles) {
  const r = byFile.get(f);
  if (r.error) { out.push(`FAIL crawl ${rel(f)}: ${r.error}`); broken++; continue; }
  const bad = [];
  for (const l of r.links) {
    links++;
    if (!l.url.startsWith('file:')) { external++; continue; }
    const p = problem(l.url);
    if (p) bad.push(`${l.what} -> ${p}`);
  }
  const here = rel(f).split('/');
  if (r.base !== null) {
    const prefix = r.base.endsWith('/' + rel(f)) ? r.base.slice(0, -rel(f).length) : null;
    if (prefix === null) bad.push(`<base href="${r.base}"> is not the page's own address (…/${rel(f)})`);
    else if (basePrefix === undefined) basePrefix = prefix;
    else if (prefix !== basePrefix) bad.push(`<base href="${r.base}"> is not under ${basePrefix}, the other pages' base`);
  }
  if (switchers && here.length > 1 && /(^|\/)(index|404)\.html$/.test(rel(f)) && !r.switcher.length) bad.push('no language switcher (.languages a[hreflang])');
  if (here.length > 1) {
    for (const sw of r.switcher) {
      let to = '';
      try { to = rel(fileURLToPath(sw.url.replace(/[?#].*$/, ''))); } catch { /* not a file: address */ }
      const want = [sw.lang, ...here.slice(1)].join('/');
      if (to !== want) bad.push(`language link ${sw.lang} -> ${to || sw.url}, not the same page ${want}`);
    }
  }
  broken += bad.length;
  out.push(bad.length ? `FAIL crawl ${rel(f)}: ${bad.length} broken: ${bad.slice(0, 5).join('; ')}`
    : `ok crawl ${rel(f)} (${r.links.length} links)`);
}
out.push(`${broken ? 'FAIL' : 'ok'} crawl-summary ${htmlFiles.length} files, ${links} links (${external} outside file://), ${broken} broken`);
process.stdout.write([...out, ...out0].join('\n') + '\n');
process.exit(0);
