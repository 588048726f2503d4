// How fast the full-text search answers from file://, and how much of the index
// a query loads, on a built site (the 10,000-page bench corpus: see
// bench/gen-corpus and `make bench-search`).
//   node search-bench.mjs SITE_DIR [LANG[:QUERY,QUERY...]]...
// Each query runs in a fresh tab on a fresh search page (nothing of the index
// loaded yet, as for a reader who opens it and types), the query set at once.
// Measured: ms from the input event to the first result shown with its
// snippet (and to every result of the first batch), and the bytes of the
// index's script files the query loaded (index.js, shards, groups of page texts),
// summed from the files on disk. Prints a line per query, then "ok"/"FAIL"
// lines against the budget: first results within 300 ms, at most 1 MB loaded.
// Environment: CHROMIUM (default /usr/bin/chromium), BUDGET_MS, BUDGET_BYTES.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const SITE = path.resolve(process.argv[2] || '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const BUDGET_MS = Number(process.env.BUDGET_MS || 300);
const BUDGET_BYTES = Number(process.env.BUDGET_BYTES || 1000000);

// Words of the bench corpus's pseudo-text (its generator's vocabulary) and of the shipped site.
const DEFAULT = {
  en: ['the', 'data', 'report network', 'proc', 'zzqxjv'],
  fr: ['donnees', 'reseau', 'ete', 'zzqxjv'],
  de: ['uber', 'strasse', 'zzqxjv'],
};

function plan() {
  const args = process.argv.slice(3);
  if (!args.length) return Object.entries(DEFAULT).filter(([l]) => fs.existsSync(path.join(SITE, l, 'search')));
  return args.map((a) => {
    const [l, qs] = a.split(':');
    return [l, qs ? qs.split(',') : DEFAULT[l] || ['the']];
  });
}

async function measure(ctx, lang, q) {
  const url = pathToFileURL(path.join(SITE, lang, 'search', 'index.html')).href;
  const page = await ctx.newPage();
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  const loadMs = Date.now() - t0;
  const r = await page.evaluate((query) => new Promise((resolve) => {
    const input = document.getElementById('q'), found = document.getElementById('found');
    const count = document.getElementById('search-count');
    let first = null;
    const start = performance.now();
    const done = () => {
      const lis = [...found.querySelectorAll('li')];
      if (first === null && lis.length && lis[0].querySelector('p')) first = performance.now() - start;
      if (count.textContent && lis.every((li) => li.querySelector('p'))) {
        if (first === null) first = performance.now() - start;
        obs.disconnect();
        resolve({ first, all: performance.now() - start, count: count.textContent, shown: lis.length });
      }
    };
    const obs = new MutationObserver(done);
    obs.observe(document.querySelector('article'), { childList: true, subtree: true, characterData: true });
    input.value = query;
    input.dispatchEvent(new Event('input'));
  }), q);
  const srcs = await page.$$eval('script[src]', (ss) => ss.map((s) => s.getAttribute('src')));
  const dir = path.join(SITE, lang, 'search');
  let bytes = 0, shards = 0, frags = 0;
  for (const s of srcs) {
    bytes += fs.statSync(path.join(dir, s)).size;
    if (s.startsWith('s/')) shards++;
    if (s.startsWith('p/')) frags++;
  }
  await page.close();
  return { lang, q, loadMs, ...r, bytes, shards, frags };
}

async function main() {
  if (!fs.existsSync(SITE)) { console.log('usage: node search-bench.mjs SITE_DIR [LANG[:QUERY,...]]...'); process.exit(2); }
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
           '--disable-component-update', '--disable-sync'],
  });
  const rows = [];
  try {
    const ctx = await browser.newContext();
    // One page load first, so the first query does not pay for Chromium's start.
    const warm = await ctx.newPage();
    await warm.goto(pathToFileURL(path.join(SITE, plan()[0][0], 'search', 'index.html')).href);
    await warm.close();
    for (const [lang, qs] of plan())
      for (const q of qs) {
        const r = await measure(ctx, lang, q);
        rows.push(r);
        console.log(`# ${lang} "${q}": first results ${r.first.toFixed(0)} ms, all shown ${r.all.toFixed(0)} ms, ` +
          `${r.bytes} bytes loaded (${r.shards} shards, ${r.frags} page groups, index.js), "${r.count}"; page load ${r.loadMs} ms`);
      }
  } finally {
    await browser.close();
  }
  for (const r of rows) {
    const name = `${r.lang} "${r.q}"`;
    console.log(`${r.first <= BUDGET_MS ? 'ok' : 'FAIL'} search-bench first results within ${BUDGET_MS} ms: ${name} (${r.first.toFixed(0)} ms)`);
    console.log(`${r.bytes <= BUDGET_BYTES ? 'ok' : 'FAIL'} search-bench at most ${BUDGET_BYTES} bytes of index: ${name} (${r.bytes})`);
  }
}
main().catch((e) => { console.log(`FAIL search-bench: ${e.message}`); process.exit(1); });
