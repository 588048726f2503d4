// Print checks for vade's print outputs (card.html, sheet.html, handbook.html)
// in headless Chromium: every card side of every language fits (no overflow,
// type never below 6.5 pt, the theme's own fonts in use); PDFs have the right
// page size and count (pdfinfo) and hold every item (pdftotext); the back
// sheet mirrors the front for long-edge duplex; the handbook's notes number
// on across its chapters. Prints "ok ..." / "FAIL ..." lines as each file is done,
// and "# ..." progress lines.
//   node print.mjs SITE_DIR [PNG_DIR]    (PNG_DIR: also render pages as PNG, for people)
// Time: each step (one card file, one sheet on one paper, one handbook, one search
// page: its load, checks and PDF print) has its own limit (VADE_BT_STEP_TIMEOUT_MS, see
// steps.mjs); one that trips fails naming the step and file, and the others still run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { startServer } from './serve.mjs';
import { STEP_MS, limited, why, BrowserSlot } from './steps.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const SITE = path.resolve(process.argv[2] || '');
const PNG = process.argv[3] ? path.resolve(process.argv[3]) : null;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PT = 72 / 25.4;
// Each step reports into its own list, printed when the step ends; a step that was
// stopped is closed, so whatever it does afterwards is not reported.
function reporter() {
  const lines = [];
  let open = true;
  return {
    lines,
    ok: (s) => { if (open) lines.push(`ok ${s}`); },
    fail: (s) => { if (open) lines.push(`FAIL ${s}`); },
    close() { open = false; },
  };
}
// A helper program (pdfinfo, pdftotext, pdftoppm) gets the step limit too: a hung one
// would otherwise block the timers that enforce it.
const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', timeout: STEP_MS, killSignal: 'SIGKILL' });

function walk(dir, name, acc = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, name, acc);
    else if (e.name === name) acc.push(p);
  }
  return acc.sort();
}
const rel = (p) => path.relative(SITE, p);
const near = (a, b, tol = 1) => Math.abs(a - b) <= tol;

function pdfinfo(file) {
  const txt = run('pdfinfo', [file]);
  const m = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(txt);
  return { pages: Number(/Pages:\s+(\d+)/.exec(txt)[1]), w: Number(m[1]), h: Number(m[2]) };
}
// Text as pdftotext and the DOM can both give it: no spaces, soft hyphens or
// bidi controls; Arabic without vowel marks and without alef and lam, which
// pdftotext returns in visual order when it splits the lam-alef ligature.
const squash = (s) => s.normalize('NFKC')
  .replace(/[\s\u00ad\u200b-\u200f\u202a-\u202f\u2066-\u2069]+/g, '').replace(/-/g, '')
  .replace(/[\u064b-\u065f\u0670]/g, '').replace(/[\u0627\u0623\u0625\u0622\u0644]/g, '');

async function toPdf(page, file) {
  await page.emulateMedia({ media: 'print' });
  // Print only once the page's fonts are in: on a loaded machine a print made
  // while a face is still loading is laid out (and numbered) with another.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  if (PNG) {
    const base = path.join(PNG, rel(file).replace(/[\\/]/g, '_').replace(/\.pdf$/, ''));
    run('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '2', file, base]);
  }
  return pdfinfo(file);
}

async function cardFacts(page) {
  return page.evaluate(async () => {
    await document.fonts.ready;
    const sides = [...document.querySelectorAll('.card-side')].map((s) => {
      const inner = s.querySelector('.card-inner');
      let min = Infinity;
      for (const el of inner.querySelectorAll('*')) {
        if ([...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) min = Math.min(min, parseFloat(getComputedStyle(el).fontSize));
      }
      return { over: inner.scrollHeight > inner.clientHeight + 1 || inner.scrollWidth > inner.clientWidth + 1,
               minPt: min * 72 / 96, marked: s.classList.contains('overflowing'),
               items: [...inner.querySelectorAll('li')].map((li) => li.textContent.trim()) };
    });
    const fonts = [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/"/g, ''));
    return { sides, fonts };
  });
}

async function checkCard(t, page, base, file, tmp) {
  const { ok, fail } = t;
  const p = rel(file);
  await page.goto(base + p, { waitUntil: 'load', timeout: 0 });
  const f = await cardFacts(page);
  f.sides.forEach((s, i) => {
    const name = `${p} side ${i + 1}`;
    if (s.over) fail(`card fits: ${name} overflows its card`); else ok(`card fits: ${name}`);
    if (s.minPt < 6.49) fail(`legible: ${name} has ${s.minPt.toFixed(2)} pt type`); else ok(`legible: ${name} (smallest ${s.minPt.toFixed(2)} pt)`);
    if (s.over !== s.marked) fail(`screen marks overflow: ${name}`);
  });
  if (!f.fonts.some((x) => x.startsWith('Vade Sans'))) fail(`fonts: ${p} does not use the theme's fonts (${f.fonts.join(', ')})`);
  else ok(`fonts: ${p} uses ${[...new Set(f.fonts)].join(', ')}`);
  const pdf = path.join(tmp, p.replace(/\.html$/, '.pdf'));
  fs.mkdirSync(path.dirname(pdf), { recursive: true });
  const info = await toPdf(page, pdf);
  // the trimmed sizes in millimetres, plus 3 mm of bleed on each side when asked
  const mmSizes = { id1: [85.6, 54], a7: [105, 74], a6: [148, 105] };
  const meta = await page.evaluate(() => ({ size: document.body.dataset.size, bleed: +document.body.dataset.bleed }));
  const dim = mmSizes[meta.size] || [0, 0];
  const size = { w: (dim[0] + 2 * meta.bleed) * PT, h: (dim[1] + 2 * meta.bleed) * PT };
  if (info.pages === 2 && near(info.w, size.w) && near(info.h, size.h)) ok(`card PDF: ${p} ${meta.size}${meta.bleed ? ' with bleed' : ''}: 2 pages of ${info.w} x ${info.h} pt`);
  else fail(`card PDF: ${p} has ${info.pages} pages of ${info.w} x ${info.h} pt, want 2 of ${size.w.toFixed(1)} x ${size.h.toFixed(1)}`);
  const text = squash(run('pdftotext', [pdf, '-']));
  const items = f.sides.flatMap((s) => s.items);
  const missing = items.filter((t) => !text.includes(squash(t)));
  if (missing.length === 0 && items.length > 0) ok(`card text complete: ${p} (${items.length} items in the PDF)`);
  else fail(`card text complete: ${p}: ${missing.length} of ${items.length} items missing, e.g. "${missing[0]}"`);
}

async function checkSheet(t, page, base, file, tmp, paper) {
  const { ok, fail } = t;
  const p = rel(file);
  const want = { a4: [595.3, 841.9], letter: [612, 792] };
  await page.goto(base + p + '#' + paper, { waitUntil: 'load', timeout: 0 });
  const g = await page.evaluate(async (paper) => {
    await document.fonts.ready;
    const [front, back] = [...document.querySelectorAll(`.sheet.${paper}`)];
    const box = (el) => { const r = el.getBoundingClientRect(), s = el.parentElement.getBoundingClientRect(); return { x: r.left - s.left, y: r.top - s.top, w: r.width, h: r.height }; };
    const cards = (sh) => [...sh.querySelectorAll('.card-side')].map((c) => ({ slot: +c.dataset.slot, ...box(c), over: (() => { const i = c.querySelector('.card-inner'); return i.scrollHeight > i.clientHeight + 1; })() }));
    const crops = [...front.querySelectorAll('.crop')].map(box);
    return { W: front.getBoundingClientRect().width, H: front.getBoundingClientRect().height, front: cards(front), back: cards(back), crops };
  }, paper);
  const n = g.front.length;
  const mirrored = n > 0 && g.back.length === n && g.front.every((f) => {
    const b = g.back.find((x) => x.slot === f.slot);
    return b && near(b.x, g.W - f.x - f.w, 0.6) && near(b.y, f.y, 0.6);
  });
  if (mirrored) ok(`sheet mirrors for long-edge duplex: ${p} ${paper}, ${n} cards`);
  else fail(`sheet mirrors for long-edge duplex: ${p} ${paper}`);
  const inside = (c) => g.front.every((f) => c.x + c.w <= f.x + 0.3 || c.x >= f.x + f.w - 0.3 || c.y + c.h <= f.y + 0.3 || c.y >= f.y + f.h - 0.3);
  const margin = 5 * 96 / 25.4;
  const inMargin = (c) => c.x >= margin - 0.5 && c.y >= margin - 0.5 && c.x + c.w <= g.W - margin + 0.5 && c.y + c.h <= g.H - margin + 0.5;
  if (g.crops.length >= 4 && g.crops.every(inside) && g.crops.every(inMargin) && g.front.every(inMargin)) ok(`crop marks outside the cards and inside the printable area: ${p} ${paper} (${g.crops.length} marks)`);
  else fail(`crop marks outside the cards and inside the printable area: ${p} ${paper}`);
  const over = [...g.front, ...g.back].filter((c) => c.over).length;
  if (over) fail(`sheet cards fit: ${p} ${paper}: ${over} overflow`); else ok(`sheet cards fit: ${p} ${paper}`);
  const pdf = path.join(tmp, p.replace(/\.html$/, `-${paper}.pdf`));
  fs.mkdirSync(path.dirname(pdf), { recursive: true });
  const info = await toPdf(page, pdf);
  if (info.pages === 2 && near(info.w, want[paper][0]) && near(info.h, want[paper][1])) ok(`sheet PDF: ${p} ${paper} 2 pages of ${info.w} x ${info.h} pt`);
  else fail(`sheet PDF: ${p} ${paper} has ${info.pages} pages of ${info.w} x ${info.h} pt`);
}

async function checkHandbook(t, page, base, file, tmp) {
  const { ok, fail } = t;
  const p = rel(file);
  await page.goto(base + p, { waitUntil: 'load', timeout: 0 });
  const f = await page.evaluate(() => {
    const chapters = [...document.querySelectorAll('section.chapter')].map((c) => [...c.querySelectorAll('sup.cite a')].map((a) => +a.textContent));
    const notes = [...document.querySelectorAll('.notes li[id^="note-"]')].map((li) => +li.id.slice(5));
    const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
    const broken = [...document.querySelectorAll('a[href^="#"]')].map((a) => decodeURIComponent(a.getAttribute('href').slice(1))).filter((h) => h && !document.getElementById(h));
    return { chapters, notes, dup: ids.length - new Set(ids).size, broken, paper: document.body.className };
  });
  const markers = f.chapters.flat();
  const seq = markers.every((n, i) => n === i + 1) && f.notes.every((n, i) => n === i + 1) && f.notes.length === markers.length;
  const spread = f.chapters.filter((c) => c.length).length;
  if (seq && spread > 1) ok(`handbook notes number on across chapters: ${p} (${markers.length} notes in ${spread} chapters)`);
  else fail(`handbook notes number on across chapters: ${p} (markers ${markers.slice(0, 20).join(',')}…, ${f.notes.length} notes)`);
  if (f.dup === 0 && f.broken.length === 0) ok(`handbook ids unique and internal links resolve: ${p}`);
  else fail(`handbook ids unique and internal links resolve: ${p}: ${f.dup} duplicate ids, broken ${f.broken.slice(0, 3).join(' ')}`);
  const pdf = path.join(tmp, p.replace(/\.html$/, '.pdf'));
  fs.mkdirSync(path.dirname(pdf), { recursive: true });
  const info = await toPdf(page, pdf);
  const want = /paper-a4/.test(f.paper) ? [595.3, 841.9] : [419.5, 595.3];
  if (near(info.w, want[0]) && near(info.h, want[1]) && info.pages >= 4) ok(`handbook PDF: ${p} ${info.pages} pages of ${info.w} x ${info.h} pt`);
  else fail(`handbook PDF: ${p} ${info.pages} pages of ${info.w} x ${info.h} pt, want ${want.join(' x ')}`);
  const pages = run('pdftotext', [pdf, '-']).split('\f');
  // The number stands on a line of its own; pdftotext may put that line first or last
  // (the running header and the number of a right-to-left page come in either order).
  const numbered = pages.filter((t, i) => i >= 2 && new RegExp(`(^|\\n)[ \\t]*${i + 1}[ \\t]*(\\n|$)`).test(t.trim())).length;
  if (numbered >= pages.length / 2) ok(`handbook has page numbers: ${p} (${numbered} pages)`);
  else fail(`handbook has page numbers: ${p} (${numbered} of ${pages.length} pages)`);
}

// The offline search page: typing a word of one page's title finds that page
// in its full-text index (tests/browser/search.mjs checks the search in depth).
async function checkSearch(t, page, base, file) {
  const { ok, fail } = t;
  const p = rel(file);
  await page.goto(base + p, { waitUntil: 'load', timeout: 0 });
  const all = await page.locator('#results li').count();
  const title = (await page.locator('#results li a').nth(Math.min(2, all - 1)).textContent()).trim();
  const word = title.split(/[^\p{L}\p{N}]+/u).sort((a, b) => b.length - a.length)[0];
  const done = () => page.waitForFunction(() => document.getElementById('search-count').textContent &&
    [...document.querySelectorAll('#found li')].every((li) => li.querySelector('a')));
  await page.fill('#q', word);
  await done();
  const shown = await page.locator('#found li').count();
  const has = await page.locator('#found li a', { hasText: title }).count();
  if (all > 2 && shown >= 1 && has === 1) ok(`search filters offline: ${p} ("${word}": ${shown} of ${all})`);
  else fail(`search filters offline: ${p} ("${word}": ${shown} of ${all}, match ${has})`);
  await page.fill('#q', 'zzqxjv');
  await done();
  const none = (await page.locator('#found li').count()) === 0 && (await page.locator('#search-count').isVisible());
  if (none) ok(`search says when nothing matches: ${p}`); else fail(`search says when nothing matches: ${p}`);
}

// One step: a fresh tab, fn(reporter, page), the tab closed; under the step limit.
// Prints the step's lines; a step that failed or was stopped adds a FAIL naming it.
async function step(slot, name, fn) {
  const t = reporter();
  const holder = {};
  const r = await limited(STEP_MS, async () => {
    const page = holder.page = await (await slot.context()).newPage();
    page.setDefaultTimeout(0);   // the step limit is the one that counts
    await fn(t, page);
  });
  t.close();
  if (r.error || r.timeout) t.lines.push(`FAIL ${name}: ${why(null, r)}`);
  await slot.closePage(holder.page);
  if (t.lines.length) console.log(t.lines.join('\n'));
}

async function main() {
  if (!fs.existsSync(SITE)) { console.log(`usage: node print.mjs SITE_DIR [PNG_DIR]`); process.exit(2); }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vade-print-'));
  const srv = await startServer(SITE);
  const udds = [];
  const slot = new BrowserSlot(async () => {
    const udd = fs.mkdtempSync(path.join(os.tmpdir(), 'vade-print-chromium-'));
    udds.push(udd);
    const context = await chromium.launchPersistentContext(udd, {
      executablePath: CHROMIUM, headless: true, timeout: 0,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
    return { browser: context, context };
  });
  const base = srv.url;
  const steps = [];
  for (const f of walk(SITE, 'card.html')) steps.push([`card ${rel(f)}`, (t, pg) => checkCard(t, pg, base, f, tmp)]);
  for (const f of walk(SITE, 'sheet.html')) {
    for (const paper of ['a4', 'letter']) steps.push([`sheet ${rel(f)} ${paper}`, (t, pg) => checkSheet(t, pg, base, f, tmp, paper)]);
  }
  for (const f of walk(SITE, 'handbook.html')) steps.push([`handbook ${rel(f)}`, (t, pg) => checkHandbook(t, pg, base, f, tmp)]);
  for (const f of walk(SITE, 'index.html').filter((x) => /[\\/]search[\\/]index\.html$/.test(x))) {
    steps.push([`search ${rel(f)}`, (t, pg) => checkSearch(t, pg, base, f)]);
  }
  console.log(`# print checks: ${steps.length} steps in ${SITE}`);
  try {
    if (PNG) fs.mkdirSync(PNG, { recursive: true });
    for (const [name, fn] of steps) await step(slot, name, fn);
  } finally {
    await slot.close();
    await srv.close();
    for (const udd of udds) fs.rmSync(udd, { recursive: true, force: true });
    if (!process.env.VADE_KEEP_PDF) fs.rmSync(tmp, { recursive: true, force: true }); else console.log(`# PDFs kept in ${tmp}`);
  }
  process.exit(0);
}
main();
