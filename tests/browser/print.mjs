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

// The words of a text, letters and digits only, for comparing reading order:
// no punctuation (pdftotext places brackets and commas between a Latin and an
// Arabic run where they show), Arabic without vowel marks, alef and lam (see squash).
// A Latin run glued to an Arabic letter (the conjunction in "وJ2") is a word of its
// own: pdftotext gives the two runs apart.
const words = (s) => (s.normalize('NFKC').replace(/[\u064b-\u065f\u0670\u0640]/g, '').replace(/[\u0627\u0623\u0625\u0622\u0644]/g, '')
  .replace(/([\u0600-\u06ff])(?=[A-Za-z0-9])|([A-Za-z0-9])(?=[\u0600-\u06ff])/g, '$1$2 ')
  .match(/[\p{L}\p{N}]+/gu) || []);

// The words of a PDF with their boxes, page by page (pdftotext -bbox-layout):
// [{w, h, words: [{x0, y0, x1, y1, text}]}], in points.
function pdfWords(file) {
  const xml = run('pdftotext', ['-bbox-layout', file, '-']);
  const pages = [];
  const unq = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const re = /<page width="([\d.]+)" height="([\d.]+)">|<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)<\/word>/g;
  for (let m; (m = re.exec(xml));) {
    if (m[1]) pages.push({ w: +m[1], h: +m[2], words: [] });
    else pages[pages.length - 1].words.push({ x0: +m[3], y0: +m[4], x1: +m[5], y1: +m[6], text: unq(m[7]) });
  }
  return pages;
}
const ARABIC = /[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]/;
const script = (s) => (ARABIC.test(s) ? 'arabic' : 'latin');
// pdftotext gives a word the height of its font's ascent and descent at its size,
// a ratio that depends on the face. Measures it: the page's own cascade (lang, dir,
// fonts) with a Latin and an Arabic word at 10 pt, printed. Replaces the page's body.
async function wordHeightPerPt(page, tmp) {
  await page.evaluate(() => {
    document.body.innerHTML = '<p style="font-size: 10pt">Calibration</p><p style="font-size: 10pt">\u0645\u0639\u0627\u064a\u0631\u0629</p>';
  });
  const pdf = path.join(tmp, `calibration-${process.pid}.pdf`);
  await toPdf(page, pdf);
  const ratio = {};
  for (const w of pdfWords(pdf).flatMap((pg) => pg.words)) ratio[script(w.text)] = (w.y1 - w.y0) / 10;
  fs.rmSync(pdf, { force: true });
  return ratio;
}
// The size of most of the text of a PDF, in points: each word's height divided by
// its face's ratio, the most frequent value (to 0.1 pt) by characters.
function bodySize(pages, ratio) {
  const count = new Map();
  for (const w of pages.flatMap((pg) => pg.words)) {
    const r = ratio[script(w.text)];
    if (!r) continue;
    const pt = Math.round((w.y1 - w.y0) / r * 10) / 10;
    count.set(pt, (count.get(pt) || 0) + [...w.text].length);
  }
  return [...count].sort((a, b) => b[1] - a[1])[0][0];
}

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

// The page's script fits each side's type once the fonts are in, then marks <body data-fitted>.
const fitted = (page) => page.waitForSelector('body[data-fitted]', { state: 'attached' });

async function cardFacts(page) {
  await fitted(page);
  return page.evaluate(async () => {
    await document.fonts.ready;
    const over = (el) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
    const sides = [...document.querySelectorAll('.card-side')].map((s) => {
      const inner = s.querySelector('.card-inner');
      // The step the page chose, and whether the next larger one overflows.
      const steps = (inner.dataset.steps || '').split(' ');
      const step = inner.dataset.step;
      const at = steps.indexOf(step);
      let larger = null;
      if (at > 0) {
        inner.classList.replace(step, steps[at - 1]);
        larger = { step: steps[at - 1], over: over(inner) };
        inner.classList.replace(steps[at - 1], step);
      }
      // How much of the side's room its text leaves empty, and the space
      // between the band and the first line under it.
      const r = inner.getBoundingClientRect();
      const kids = [...inner.children];
      const bottom = Math.max(...kids.map((k) => k.getBoundingClientRect().bottom));
      const band = s.querySelector('.card-band').getBoundingClientRect().bottom;
      const head = inner.querySelector('.card-title, h2.band');
      const first = head && head.nextElementSibling;
      const firstLine = first ? (first.querySelector('li') || first).getBoundingClientRect().top : null;
      const ed = s.querySelector('.card-edition');
      let edClash = false;
      if (ed && head) {
        const range = document.createRange(); range.selectNodeContents(head);
        const a = range.getBoundingClientRect(), e = ed.firstChild ? (() => { const q = document.createRange(); q.selectNodeContents(ed); return q.getBoundingClientRect(); })() : ed.getBoundingClientRect();
        const sr = s.getBoundingClientRect();
        edClash = !(a.right <= e.left || e.right <= a.left || a.bottom <= e.top || e.bottom <= a.top) || e.left < sr.left || e.right > sr.right;
      }
      const pt = 72 / 96;
      const facts = () => ({ step, stepPt: parseFloat(getComputedStyle(inner).fontSize) * pt, largest: at === 0, larger,
               empty: 1 - (bottom - r.top) / r.height, gapPt: firstLine === null ? null : (firstLine - band) * pt,
               edition: ed ? ed.textContent.trim() : null, edClash });
      let min = Infinity;
      for (const el of inner.querySelectorAll('*')) {
        if ([...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) min = Math.min(min, parseFloat(getComputedStyle(el).fontSize));
      }
      // The title (the back's heading) too: a line more than the band holds is white on white.
      return { ...facts(), over: over(inner) || !!(head && over(head)),
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
    // The largest step that fits, measured: the next larger one overflows.
    const how = `${s.step}, ${s.stepPt.toFixed(1)} pt, ${Math.round(s.empty * 100)} % empty`;
    if (!s.step) fail(`card type fitted in the browser: ${name} has no chosen step`);
    else if (s.largest || (s.larger && s.larger.over)) ok(`card type fitted in the browser: ${name} (${how}${s.largest ? ', the largest step' : `; ${s.larger.step} overflows`})`);
    else fail(`card type fitted in the browser: ${name} (${how}) but ${s.larger.step} fits too`);
    if (s.gapPt !== null && s.gapPt < 1.5) fail(`card space under the band: ${name}: first line ${s.gapPt.toFixed(2)} pt below the band`);
    else if (s.gapPt !== null) ok(`card space under the band: ${name} (${s.gapPt.toFixed(1)} pt)`);
    if (s.edClash) fail(`card edition clear of the heading and inside the card: ${name}`);
  });
  const editions = f.sides.map((s, i) => [i, s.edition]).filter((x) => x[1]);
  if (!editions.length) ok(`card shows its edition: ${p} has none (no edition in site.yaml, no updated date)`);
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
  for (const [i, ed] of editions) {
    const side = squash(run('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), pdf, '-']));
    // word by word: pdftotext may give "2026-11" in a right-to-left line as "11-2026"
    if (ed.split(/[\s-]+/).every((w) => side.includes(squash(w)))) ok(`card shows its edition: ${p} side ${i + 1} ("${ed}" in the PDF)`);
    else fail(`card shows its edition: ${p} side ${i + 1}: "${ed}" not in the PDF`);
  }
  // ... or as laid out: pdftotext may read the edition in the band into the middle of an
  // item that wraps (a long web address broken over lines).
  const laid = squash(run('pdftotext', ['-layout', pdf, '-']));
  const items = f.sides.flatMap((s) => s.items);
  const missing = items.filter((t) => !text.includes(squash(t)) && !laid.includes(squash(t)));
  if (missing.length === 0 && items.length > 0) ok(`card text complete: ${p} (${items.length} items in the PDF)`);
  else fail(`card text complete: ${p}: ${missing.length} of ${items.length} items missing, e.g. "${missing[0]}"`);
}

async function checkSheet(t, page, base, file, tmp, paper) {
  const { ok, fail } = t;
  const p = rel(file);
  const want = { a4: [595.3, 841.9], letter: [612, 792] };
  await page.goto(base + p + '#' + paper, { waitUntil: 'load', timeout: 0 });
  await fitted(page);
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
  const urls = await page.evaluate(() => [...document.querySelectorAll('main a[href^="http"]')]
    .map((a) => (/:\/\//.test(a.textContent) ? a.textContent : a.getAttribute('href')).trim()));
  const info = await toPdf(page, pdf);
  // Italic text set in the shipped italic face, not slanted by the renderer:
  // Noto Sans Italic embedded wherever there is Latin italic; in Arabic, the
  // upright Arabic face that stands for italic is the one in use.
  const italic = await page.evaluate(() => ({
    latin: [...document.querySelectorAll('main i, main em, main cite')].some((e) => /[A-Za-z]/.test(e.textContent) && getComputedStyle(e).fontStyle === 'italic'),
    arabic: [...document.querySelectorAll('main i, main em, main cite')].some((e) => /[\u0600-\u06ff]/.test(e.textContent) && getComputedStyle(e).fontStyle === 'italic'),
    faces: [...document.fonts].filter((x) => x.status === 'loaded').map((x) => `${x.family.replace(/"/g, '')} ${x.style}`) }));
  const embedded = run('pdffonts', [pdf]);
  if (italic.latin) {
    if (/NotoSans-Italic/.test(embedded)) ok(`handbook italic face embedded: ${p} (NotoSans-Italic)`);
    else fail(`handbook italic face embedded: ${p}: no NotoSans-Italic in the PDF (${embedded.split('\n').slice(2).map((l) => l.split(' ')[0]).filter(Boolean).join(', ')})`);
  }
  if (italic.arabic) {
    if (italic.faces.includes('Vade Sans Arabic italic')) ok(`handbook Arabic italic upright: ${p} (the Arabic face declared as italic in use)`);
    else fail(`handbook Arabic italic upright: ${p}: Arabic italic text without an italic face (slanted by the renderer)`);
  }
  const want = /paper-a4/.test(f.paper) ? [595.3, 841.9] : [419.5, 595.3];
  if (near(info.w, want[0]) && near(info.h, want[1]) && info.pages >= 4) ok(`handbook PDF: ${p} ${info.pages} pages of ${info.w} x ${info.h} pt`);
  else fail(`handbook PDF: ${p} ${info.pages} pages of ${info.w} x ${info.h} pt, want ${want.join(' x ')}`);
  const pages = run('pdftotext', [pdf, '-']).split('\f');
  // The edition on the cover (the first page), when the site has one.
  const edition = await page.evaluate(() => { const e = document.querySelector('.cover-edition'); return e ? e.textContent.trim() : null; });
  if (edition) {
    if (edition.split(/[\s-]+/).every((w) => squash(pages[0]).includes(squash(w)))) ok(`handbook cover shows the edition: ${p} ("${edition}")`);
    else fail(`handbook cover shows the edition: ${p}: "${edition}" not on the first page`);
  }
  // The number stands on a line of its own; pdftotext may put that line first or last
  // (the running header and the number of a right-to-left page come in either order).
  // (pdftotext wraps the lines of a right-to-left page in bidi embedding controls.)
  const numbered = pages.filter((t, i) => i >= 2 && new RegExp(`(^|\\n)[ \\t]*${i + 1}[ \\t]*(\\n|$)`)
    .test(t.replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim())).length;
  if (numbered >= pages.length / 2) ok(`handbook has page numbers: ${p} (${numbered} pages)`);
  else fail(`handbook has page numbers: ${p} (${numbered} of ${pages.length} pages)`);
  // Printed at its own size: a line wider than the page (a long web address) makes
  // Chromium shrink the whole document to fit, or, right to left, cut its start.
  // Without brackets: pdftotext puts a bracket of a right-to-left line where it
  // shows. In a right-to-left page, an address that wraps comes out in pieces
  // (each line's Arabic words come first): there, whole pieces of at least 12
  // characters, in order, at most 3.
  const unbracket = (x) => squash(x).replace(/[()[\]]/g, '');
  const text = unbracket(pages.join(''));
  const rtl = await page.evaluate(() => document.documentElement.dir === 'rtl');
  const whole = (u) => {
    if (text.includes(u)) return true;
    if (!rtl) return false;
    let at = 0, from = 0;
    for (let n = 0; n < 3 && from < u.length; n++) {
      let len = u.length - from;
      while (len >= 12 && text.indexOf(u.slice(from, from + len), at) < 0) len--;
      if (len < 12 && len < u.length - from) return false;
      at = text.indexOf(u.slice(from, from + len), at) + len;
      from += len;
    }
    return from === u.length;
  };
  const cut = urls.filter((u) => !whole(unbracket(u)));
  if (urls.length && !cut.length) ok(`handbook prints every web address whole: ${p} (${urls.length})`);
  else fail(`handbook prints every web address whole: ${p}: ${cut.length} of ${urls.length} cut, e.g. ${cut[0]}`);
  const boxes = pdfWords(pdf);
  // Every word inside the page's margins (handbook.css: 14 mm left and right), give
  // or take a space (pdftotext counts one into a word at a right-to-left line end);
  // a note's number exactly inside.
  const side = 14 * PT;
  const out = [];
  for (const pg of boxes) {
    for (const w of pg.words) {
      const slack = /^(\d+\.|\.\d+)$/.test(w.text) ? 0.5 : 3;
      if (w.x0 < side - slack || w.x1 > pg.w - side + slack || w.y0 < 0 || w.y1 > pg.h) out.push(`${w.text} at ${w.x0.toFixed(1)}–${w.x1.toFixed(1)} pt`);
    }
  }
  if (!out.length) ok(`handbook text inside the page margins: ${p}`);
  else fail(`handbook text inside the page margins: ${p}: ${out.length} words outside, e.g. ${out.slice(0, 3).join('; ')}`);
  // A link that shows its own address (an organization's site, a note's source)
  // is not followed by it again in print.
  await page.emulateMedia({ media: 'print' });
  const twice = await page.evaluate(() => [...document.querySelectorAll('main a[href^="http"]')]
    .filter((a) => /:\/\//.test(a.textContent) && getComputedStyle(a, '::after').content.includes('http')).map((a) => a.textContent.trim()));
  await page.emulateMedia({ media: 'screen' });
  if (!twice.length) ok(`handbook prints an address shown as the link once: ${p}`);
  else fail(`handbook prints an address shown as the link once: ${p}: ${twice.length} twice, e.g. ${twice[0]}`);
  // Right to left: pdftotext gives the words of sentences that hold Latin names
  // in reading order (a PDF whose text layer is wrong gives them jumbled, glued
  // together or not at all).
  if (rtl) {
    const sentences = await page.evaluate(() => {
      const out = [];
      for (const el of document.querySelectorAll('main .chapter-text:not([lang]) :is(p, li), main .entry > p:not([lang])')) {
        const c = el.cloneNode(true);
        c.querySelectorAll('sup.cite, .back').forEach((x) => x.remove());
        for (const s of c.textContent.split(/(?<=[.؟!])\s+/)) {
          if (/[A-Za-z]{2,}/.test(s) && /[\u0600-\u06ff]{2,}/.test(s) && s.length > 30) out.push(s.trim());
        }
      }
      return out;
    });
    const title = await page.evaluate(() => document.querySelector('.cover-title').textContent);
    const body = pages.map((pg) => pg.split('\n').filter((l) => !/^\s*\d*\s*$/.test(l) && words(l).join(' ') !== words(title).join(' ')).join('\n')).join('\n');
    const all = ' ' + words(body).join(' ') + ' ';
    const lost = sentences.filter((x) => !all.includes(' ' + words(x).join(' ') + ' '));
    if (sentences.length >= 2 && !lost.length) ok(`handbook text in reading order: ${p} (${sentences.length} sentences with Latin names)`);
    else fail(`handbook text in reading order: ${p}: ${lost.length} of ${sentences.length} sentences not in order, e.g. "${lost[0] || ''}"`);
  }
  const ratio = await wordHeightPerPt(page, tmp);
  const size = bodySize(boxes, ratio);
  const least = /paper-a4/.test(f.paper) ? 10 : 9;   // handbook.css: 9.5 pt on A5, 10.5 on A4
  if (size >= least) ok(`handbook printed at full size: ${p} (text ${size} pt)`);
  else fail(`handbook printed at full size: ${p}: text ${size} pt, want at least ${least} (shrunk to fit?)`);
}

// The handbook on screen, at desktop and phone widths: a column of about 70
// characters, nothing wider than the window (a right-to-left page cannot scroll
// to what overflows on its right: it is cut off), it scrolls, and a link leads
// back to its page.
async function checkHandbookScreen(t, page, base, file) {
  const { ok, fail } = t;
  const p = rel(file);
  for (const [w, h] of [[1280, 800], [375, 700]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(base + p, { waitUntil: 'load', timeout: 0 });
    const g = await page.evaluate(async () => {
      await document.fonts.ready;
      const de = document.documentElement;
      const outside = [];
      const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n; (n = walk.nextNode());) {
        if (!n.textContent.trim()) continue;
        const r = document.createRange(); r.selectNodeContents(n);
        for (const q of r.getClientRects()) if (q.width && (q.left < -0.5 || q.right > de.clientWidth + 0.5)) outside.push(n.textContent.trim().slice(0, 40));
      }
      const probe = document.createElement('span'); probe.style.cssText = 'display: inline-block; width: 1ch'; document.querySelector('main p').appendChild(probe);
      const ch = probe.getBoundingClientRect().width; probe.remove();
      const measure = Math.max(...[...document.querySelectorAll('main p')].map((e) => e.getBoundingClientRect().width)) / ch;
      scrollTo(0, 3000);
      const scrolled = scrollY > 0;
      const back = [...document.querySelectorAll('a')].some((a) => a.getAttribute('href') === 'index.html' && a.getBoundingClientRect().width > 0);
      return { sw: de.scrollWidth, cw: de.clientWidth, outside, measure, scrolled, back };
    });
    const name = `${p} at ${w} px`;
    if (g.sw <= g.cw && !g.outside.length) ok(`handbook on screen fits the window: ${name}`);
    else fail(`handbook on screen fits the window: ${name}: ${g.sw} px wide in ${g.cw}, ${g.outside.length} text runs outside, e.g. "${g.outside[0] || ''}"`);
    if (g.measure <= 80) ok(`handbook on screen reads in a column: ${name} (${Math.round(g.measure)} ch)`);
    else fail(`handbook on screen reads in a column: ${name}: lines of ${Math.round(g.measure)} ch`);
    if (g.scrolled && g.back) ok(`handbook on screen scrolls and links back to its page: ${name}`);
    else fail(`handbook on screen scrolls and links back to its page: ${name} (scrolls ${g.scrolled}, link back ${g.back})`);
  }
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
  for (const f of walk(SITE, 'handbook.html')) steps.push([`handbook on screen ${rel(f)}`, (t, pg) => checkHandbookScreen(t, pg, base, f)]);
  for (const f of walk(SITE, 'index.html').filter((x) => /[\\/]search[\\/]index\.html$/.test(x))) {
    steps.push([`search ${rel(f)}`, (t, pg) => checkSearch(t, pg, base, f)]);
  }
  // VADE_PRINT_ONLY=REGEX: only the steps whose name matches (a targeted run).
  if (process.env.VADE_PRINT_ONLY) {
    const only = new RegExp(process.env.VADE_PRINT_ONLY);
    steps.splice(0, steps.length, ...steps.filter(([name]) => only.test(name)));
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
