// Browser and validator checks for a built vade site. Called by run.sh:
//   node check.mjs SITE_DIR
// Prints one line per check and page as soon as that page is done: "ok <check> <path>"
// or "FAIL <check> <path>: <why>", and "SKIP <check>: <why>" for a check whose tool
// run.sh could not provide (VADE_BT_SKIP_VNU / VADE_BT_SKIP_BROWSER hold the reason).
// Lines starting with "# " report progress.
// Checks:
//   vnu        every *.html file, Nu HTML Checker, errors only, one Java run per batch of files
//   axe        every <dir>/index.html page over http, axe-core with wcag2a/2aa/21a/21aa
//   dark       the same pages in the dark colour scheme (prefers-color-scheme: dark):
//              axe's color-contrast rule (WCAG AA), and the scheme must change the page
//   offline    the same pages: no request (or resource URL in the DOM) to a host other than 127.0.0.1
//   landmarks  the same pages: exactly one <main>, the first Tab stop is a skip link whose
//              target exists, and it shows a focus indicator inside the viewport when focused
//   direction  the same pages: the main column starts on the side the page's dir says
//   narrow     the same pages: nothing scrolls sideways on a phone-sized screen
//   type-scale the same pages: computed sizes keep the hierarchy in every language,
//              h1 > each h2 > each h3 >= body text, and the contents box, notes and
//              side navigation are not larger than body text (per-language
//              adjustments such as Arabic's larger size must not compound)
//   file-url   SITE_DIR/index.html over file://, to the default language home, click the
//              first link in <main>: must land on an existing file, no failed file request
// Time: no limit on the run; each step (a vnu batch, a page load, one check of a page,
// the file-url walk) has its own (VADE_BT_STEP_TIMEOUT_MS, see steps.mjs). A step that
// trips it fails, naming the step and the page, and the run goes on: a page that stalled
// in a check is loaded again for its remaining checks (once).
// Always exits 0 once it has run (the runner counts the ok/FAIL lines).
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { startServer } from './serve.mjs';
import { STEP_MS, limited, why, BrowserSlot } from './steps.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const VNU_JAR = path.join(HERE, 'node_modules/vnu-jar/build/dist/vnu.jar');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const PAGE_CHECKS = ['axe', 'dark', 'offline', 'landmarks', 'direction', 'narrow', 'type-scale'];
// Files per Java run: a stalled run fails these files, not all.
const VNU_BATCH = Number(process.env.VADE_BT_VNU_BATCH || 16);

const siteArg = process.argv[2];
if (!siteArg || !fs.existsSync(siteArg) || !fs.statSync(siteArg).isDirectory()) {
  console.error('usage: node check.mjs SITE_DIR');
  process.exit(2);
}
const SITE = fs.realpathSync(path.resolve(siteArg));

// ---------------------------------------------------------------- output
// Lines go out as soon as a step is done, so a slow run shows where it is.
let reported = 0;
function emit(lines) {
  if (!lines.length) return;
  reported += lines.filter((l) => /^(ok|FAIL) /.test(l)).length;
  process.stdout.write(lines.join('\n') + '\n');
}
const progress = (s) => process.stdout.write(`# ${s}\n`);
const oneLine = (s) => String(s).replace(/\s+/g, ' ').trim();
const clip = (s, n = 300) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

// ---------------------------------------------------------------- files
function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}
const rel = (p) => path.relative(SITE, p).split(path.sep).join('/');
const allFiles = walk(SITE);
const htmlFiles = allFiles.filter((f) => /\.html?$/i.test(f));
// Pages for the browser checks: <something>/index.html (the root index.html is the
// meta-refresh language chooser; it is validated by vnu and walked by file-url).
const pages = htmlFiles.filter((f) => path.basename(f) === 'index.html' && rel(f).includes('/'));

// ---------------------------------------------------------------- vnu
// One Java run over files; resolves to their lines. kill() stops the run.
function vnuRun(files) {
  let child = null;
  const promise = new Promise((resolve) => {
    const args = ['-Xss4m', '-jar', VNU_JAR, '--errors-only', '--format', 'json', '--exit-zero-always', ...files];
    child = spawn(process.env.JAVA || 'java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', (e) => resolve(files.map((f) => `FAIL vnu ${rel(f)}: could not start java: ${e.message}`)));
    child.on('close', (code, signal) => {
      // vnu writes its JSON report to stderr; anything else there is noise from the JVM.
      const text = err.trim() || out.trim();
      const start = text.indexOf('{"');
      let report = null;
      try { report = JSON.parse(text.slice(start)); } catch { /* handled below */ }
      if (!report || !Array.isArray(report.messages)) {
        const why = `no report from vnu (exit ${code ?? signal}): ${clip(oneLine(text || 'no output'), 200)}`;
        return resolve(files.map((f) => `FAIL vnu ${rel(f)}: ${why}`));
      }
      const lines = [];
      const byFile = new Map(files.map((f) => [f, []]));
      const orphan = [];
      for (const m of report.messages) {
        if (m.type === 'info') continue; // --errors-only gives none, but be safe
        let file = null;
        if (m.url) {
          try { file = fileURLToPath(m.url); } catch { file = null; }
          if (file && !byFile.has(file)) {
            const hit = files.find((f) => m.url.endsWith(rel(f)));
            file = hit || null;
          }
        }
        const where = m.lastLine ? `L${m.firstLine || m.lastLine}` + (m.firstColumn ? `:${m.firstColumn}` : '') + ': ' : '';
        const msg = where + oneLine(m.message || m.type);
        if (file) byFile.get(file).push(msg); else orphan.push(msg);
      }
      for (const [f, msgs] of byFile) {
        if (msgs.length === 0) lines.push(`ok vnu ${rel(f)}`);
        else lines.push(`FAIL vnu ${rel(f)}: ${clip(msgs.slice(0, 3).join(' | '), 400)}` + (msgs.length > 3 ? ` (+${msgs.length - 3} more)` : ''));
      }
      if (orphan.length) lines.push(`FAIL vnu .: ${clip(orphan.slice(0, 3).join(' | '), 400)}`);
      resolve(lines);
    });
  });
  return { promise, kill() { try { child.kill('SIGKILL'); } catch { /* gone */ } } };
}

// Every .html file, VNU_BATCH files per Java run, one run at a time; each run is a step.
async function runVnu() {
  if (process.env.VADE_BT_SKIP_VNU) return emit([`SKIP vnu: ${process.env.VADE_BT_SKIP_VNU}`]);
  if (htmlFiles.length === 0) return emit(['FAIL vnu .: no .html file under the site folder']);
  for (let i = 0; i < htmlFiles.length; i += VNU_BATCH) {
    const files = htmlFiles.slice(i, i + VNU_BATCH);
    const run = vnuRun(files);
    const r = await limited(STEP_MS, () => run.promise);
    if (r.value) { emit(r.value); continue; }
    run.kill();
    const step = `vnu of files ${i + 1}-${i + files.length} of ${htmlFiles.length}`;
    emit(files.map((f) => `FAIL vnu ${rel(f)}: ${why(step, r)}`));
  }
  progress(`vnu: ${htmlFiles.length} files validated`);
}

// ---------------------------------------------------------------- browser checks
const isLocalHttp = (u) => u.hostname === '127.0.0.1';
function externalUrl(raw) {
  // A URL that leaves the machine: any scheme with a network host other than 127.0.0.1.
  let u;
  try { u = new URL(raw); } catch { return false; }
  if (['data:', 'blob:', 'about:', 'javascript:', 'chrome:', 'chrome-error:', 'devtools:', 'file:'].includes(u.protocol)) return false;
  return !isLocalHttp(u);
}

// In the page: DOM resources that would be fetched (also lazily or as a connection hint).
function domResourceUrls() {
  const urls = [];
  const add = (v) => { if (v) urls.push(new URL(v, document.baseURI).href); };
  for (const el of document.querySelectorAll('[src]')) add(el.getAttribute('src'));
  for (const el of document.querySelectorAll('[srcset]')) {
    for (const part of el.getAttribute('srcset').split(',')) add(part.trim().split(/\s+/)[0]);
  }
  for (const el of document.querySelectorAll('video[poster]')) add(el.getAttribute('poster'));
  for (const el of document.querySelectorAll('object[data]')) add(el.getAttribute('data'));
  for (const el of document.querySelectorAll('link[href]')) {
    const rels = (el.getAttribute('rel') || '').toLowerCase().split(/\s+/);
    if (rels.some((r) => ['stylesheet', 'icon', 'preload', 'prefetch', 'preconnect', 'dns-prefetch', 'modulepreload', 'manifest', 'apple-touch-icon', 'prerender'].includes(r))) add(el.getAttribute('href'));
  }
  return urls;
}

// In the page: the landmark and skip-link facts, after one Tab press from the top.
function landmarkFacts() {
  const problems = [];
  const mains = [...document.querySelectorAll('main, [role="main"]')].filter((m) => !m.hidden);
  if (mains.length !== 1) problems.push(`${mains.length} <main> elements (want exactly 1)`);
  const el = document.activeElement;
  const desc = (e) => e ? `<${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.getAttribute('href') ? ` href="${e.getAttribute('href')}"` : ''}>` : 'nothing';
  const href = el && el.tagName === 'A' ? el.getAttribute('href') || '' : '';
  if (!el || el === document.body || el.tagName !== 'A' || !href.startsWith('#') || href.length < 2) {
    problems.push(`no skip link: the first Tab stop is ${el === document.body ? 'nothing' : desc(el)}`);
    return problems;
  }
  let id = href.slice(1);
  try { id = decodeURIComponent(id); } catch { /* keep raw */ }
  const target = document.getElementById(id);
  if (!target) problems.push(`skip link ${desc(el)} points to a missing id`);
  else if (mains.length === 1 && !(target === mains[0] || mains[0].contains(target) || target.contains(mains[0]))) {
    problems.push(`skip link ${desc(el)} does not lead to <main>`);
  }
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 && !/rgba\([^)]*,\s*0\)|transparent/.test(cs.outlineColor);
  const shadow = cs.boxShadow && cs.boxShadow !== 'none' && !/^(rgba\([^)]*,\s*0\)\s*)?(0px\s*){2,4}$/.test(cs.boxShadow.trim());
  if (!outline && !shadow) problems.push(`focused skip link has no visible focus indicator (outline: ${cs.outlineStyle} ${cs.outlineWidth}; box-shadow: ${cs.boxShadow})`);
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1 || r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth
      || cs.visibility === 'hidden' || parseFloat(cs.opacity) === 0) {
    problems.push(`focused skip link is not visible on screen (box ${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)})`);
  }
  return problems;
}

// Each check of a page: (page, p, seen) -> its line. `seen` holds the external requests
// the page made since it was loaded.
const CHECK = {
  // axe (injected through evaluate, so a page CSP cannot block it)
  async axe(page, p) {
    await page.evaluate(AXE_SOURCE);
    const res = await page.evaluate(async (tags) => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return {
        violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length, target: v.nodes[0] ? v.nodes[0].target.join(' ') : '' })),
        incomplete: r.incomplete.map((v) => v.id),
      };
    }, AXE_TAGS);
    if (res.violations.length === 0) {
      return `ok axe ${p}` + (res.incomplete.length ? ` (to review by hand: ${res.incomplete.join(', ')})` : '');
    }
    const parts = res.violations.map((v) => `${v.id} (${v.impact}, ${v.n}x) at ${clip(v.target, 80)}`);
    return `FAIL axe ${p}: ${clip(parts.join('; '), 500)}`;
  },

  // dark: the dark colour scheme keeps AA contrast
  async dark(page, p) {
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await bg();
    await page.emulateMedia({ colorScheme: 'dark' });
    try {
      const dark = await bg();
      if (dark === light) return `FAIL dark ${p}: the page looks the same in the dark scheme (background ${dark})`;
      await page.evaluate(AXE_SOURCE);
      const v = await page.evaluate(async () => {
        const r = await window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] }, resultTypes: ['violations'] });
        return r.violations.flatMap((x) => x.nodes.map((n) => `${n.target.join(' ')}: ${(n.any[0] && n.any[0].message) || x.id}`));
      });
      if (v.length) return `FAIL dark ${p}: ${v.length} contrast failure(s): ${clip(v.slice(0, 2).join('; '), 400)}`;
      return `ok dark ${p} (background ${dark})`;
    } finally {
      await page.emulateMedia({ colorScheme: 'light' });
    }
  },

  // offline: requests seen so far plus resource URLs in the DOM (lazy images, preconnect hints)
  async offline(page, p, seen) {
    const dom = (await page.evaluate(domResourceUrls)).filter(externalUrl);
    const bad = [...new Set([...seen.external, ...dom])];
    if (bad.length === 0) return `ok offline ${p}`;
    return `FAIL offline ${p}: ${bad.length} external URL(s): ${clip(bad.slice(0, 3).join(' '), 300)}`;
  },

  // landmarks + skip link + visible focus, by keyboard from the top of the page
  async landmarks(page, p) {
    await page.evaluate(() => { if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur(); window.scrollTo(0, 0); });
    await page.keyboard.press('Tab');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    // Let a CSS transition on the skip link finish before measuring it.
    await page.evaluate(() => Promise.all((document.activeElement?.getAnimations?.() || []).map((a) => a.finished.catch(() => {})))).catch(() => {});
    const problems = await page.evaluate(landmarkFacts);
    if (problems.length === 0) return `ok landmarks ${p}`;
    return `FAIL landmarks ${p}: ${clip(problems.join('; '), 400)}`;
  },

  // direction: on a right-to-left page the main column starts at the right
  // edge of the layout (and the side navigation sits to its left); on a
  // left-to-right page the other way round.
  async direction(page, p) {
    const f = await page.evaluate(() => {
      const main = document.querySelector('main'), lay = document.querySelector('.layout'), nav = document.querySelector('.sidenav');
      if (!main || !lay) return null;
      const cs = getComputedStyle(lay), m = main.getBoundingClientRect(), l = lay.getBoundingClientRect();
      const start = document.documentElement.dir === 'rtl' ? l.right - parseFloat(cs.paddingRight) - m.right : m.left - (l.left + parseFloat(cs.paddingLeft));
      const n = nav ? nav.getBoundingClientRect() : null;
      return { dir: document.documentElement.dir, cssdir: getComputedStyle(main).direction, start, navOk: !n || (document.documentElement.dir === 'rtl' ? n.right <= m.left + 1 : n.left >= m.right - 1) };
    });
    if (!f) return `ok direction ${p} (no layout)`;
    if (f.dir !== f.cssdir) return `FAIL direction ${p}: dir=${f.dir} but main is laid out ${f.cssdir}`;
    if (Math.abs(f.start) > 2 || !f.navOk) return `FAIL direction ${p}: main starts ${f.start.toFixed(1)}px from the ${f.dir === 'rtl' ? 'right' : 'left'} edge; side navigation ${f.navOk ? 'ok' : 'on the wrong side'}`;
    return `ok direction ${f.dir} ${p}`;
  },

  // type-scale: computed font sizes in px
  async 'type-scale'(page, p) {
    const f = await page.evaluate(() => {
      const px = (el) => parseFloat(getComputedStyle(el).fontSize);
      const all = (sel) => [...document.querySelectorAll(sel)].map((el) => ({ sel, px: px(el), text: (el.textContent || '').trim().slice(0, 30) }));
      const body = document.querySelector('main .prose p, main p') || document.querySelector('main');
      return { body: body ? px(body) : 0, h1: all('main h1'), h2: all('main h2:not(.toc h2)'), h3: all('main h3'),
        small: ['.toc', '.toc li', '.notes', '.notes li', '.sidenav', '.sidenav li'].flatMap(all) };
    });
    const bad = [];
    const h1 = f.h1.length ? Math.min(...f.h1.map((h) => h.px)) : Infinity;
    for (const h of f.h2) if (!(h.px < h1)) bad.push(`h2 "${h.text}" ${h.px}px not below h1 ${h1}px`);
    const h2 = f.h2.length ? Math.min(...f.h2.map((h) => h.px)) : h1;
    for (const h of f.h3) if (!(h.px < h2)) bad.push(`h3 "${h.text}" ${h.px}px not below h2 ${h2}px`);
    for (const h of [...f.h1, ...f.h2, ...f.h3]) if (!(h.px > f.body)) bad.push(`heading "${h.text}" ${h.px}px not above body ${f.body}px`);
    for (const s of f.small) if (s.px > f.body + 0.01) bad.push(`${s.sel} "${s.text}" ${s.px}px larger than body ${f.body}px`);
    if (bad.length) return `FAIL type-scale ${p}: ${clip(bad.slice(0, 4).join('; '), 400)}`;
    return `ok type-scale ${p} (h1 ${h1 === Infinity ? '-' : h1}px, body ${f.body}px)`;
  },

  // narrow: on a phone-sized screen nothing makes the page scroll sideways
  async narrow(page, p) {
    await page.setViewportSize({ width: 390, height: 800 });
    const f = await page.evaluate(() => {
      const W = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('body *')].filter((el) => el.children.length === 0 && el.getBoundingClientRect().right > W + 1 && !el.closest('table, pre'));
      return { W, sw: document.documentElement.scrollWidth, first: wide[0] ? wide[0].tagName + ': ' + (wide[0].textContent || '').slice(0, 60) : '' };
    });
    await page.setViewportSize({ width: 1280, height: 720 });
    if (f.sw <= f.W + 1) return `ok narrow ${p}`;
    return `FAIL narrow ${p}: ${f.sw}px wide at ${f.W}px (${f.first})`;
  },
};

// Loads the page in a new tab (the step 'load'): resolves to null when it did, else to
// the reason. The tab is kept in holder.page so that a load that stalls can be closed.
async function loadPage(slot, seen, holder) {
  const page = holder.page = await (await slot.context()).newPage();
  page.on('request', (r) => { if (externalUrl(r.url())) seen.external.push(r.url()); });
  page.on('websocket', (ws) => { if (externalUrl(ws.url())) seen.external.push(ws.url()); });
  const resp = await page.goto(seen.url, { waitUntil: 'load', timeout: 0 });
  if (!resp || resp.status() !== 200) throw new Error(`HTTP ${resp ? resp.status() : 'no response'}`);
  await page.evaluate(() => document.fonts && document.fonts.ready).catch(() => {});
}

// Every check of one page, each a step with its own limit; the page's lines are emitted
// together once it is done (a late external request can still turn 'offline' into FAIL).
// A check that stalls fails alone: the page is closed and loaded afresh for the checks
// after it; if it stalls a second time (or does not load), those fail saying why.
async function checkPage(slot, base, file) {
  const p = rel(file);
  const seen = { url: base + p.split('/').map(encodeURIComponent).join('/'), external: [] };
  const lines = new Map();
  let page = null, reloads = 0, gaveUp = null;
  for (const check of PAGE_CHECKS) {
    if (gaveUp) { lines.set(check, `FAIL ${check} ${p}: not run, ${gaveUp}`); continue; }
    if (!page) {
      seen.external.length = 0;
      const holder = {};
      const r = await limited(STEP_MS, () => loadPage(slot, seen, holder));
      if (r.error || r.timeout) {
        await slot.closePage(holder.page);
        gaveUp = `the page did not load (${why('load', r)})`;
        lines.set(check, `FAIL ${check} ${p}: ${why('load', r)}`);
        continue;
      }
      page = holder.page;
    }
    const r = await limited(STEP_MS, () => CHECK[check](page, p, seen));
    if (r.value) { lines.set(check, r.value); continue; }
    lines.set(check, `FAIL ${check} ${p}: ${why(null, r)}`);
    if (r.timeout) {
      await slot.closePage(page);
      page = null;
      if (++reloads > 1) gaveUp = `the page stalled twice (last in step '${check}')`;
    }
  }
  // Requests made after the offline check (none expected) still count.
  const off = lines.get('offline');
  if (seen.external.length && off && off.startsWith('ok ')) {
    lines.set('offline', `FAIL offline ${p}: external URL(s): ${clip([...new Set(seen.external)].slice(0, 3).join(' '), 300)}`);
  }
  await slot.closePage(page);
  emit(PAGE_CHECKS.map((c) => lines.get(c)));
}

async function checkFileUrl(slot) {
  const name = 'file-url';
  const rootFile = path.join(SITE, 'index.html');
  if (!fs.existsSync(rootFile)) return `FAIL ${name}: ${rel(rootFile)} does not exist`;
  const page = await (await slot.context()).newPage();
  const failed = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText || ''}`));
  const landsOnFile = (u) => {
    if (!u.startsWith('file:')) return `left file:// (${u})`;
    let f;
    try { f = fileURLToPath(u.replace(/[?#].*$/, '')); } catch { return `bad URL ${u}`; }
    if (!fs.existsSync(f)) return `${u} does not exist`;
    if (!fs.statSync(f).isFile()) return `${u} is a folder, not a file (folder listing on file://)`;
    return null;
  };
  try {
    const rootUrl = pathToFileURL(rootFile).href;
    // Waits until the page has left `from` (a failed navigation ends on chrome-error://).
    const leave = async (from, ms) => {
      const until = Date.now() + ms;
      while (page.url() === from && Date.now() < until) await page.waitForTimeout(50);
      if (page.url() === from) return false;
      await page.waitForLoadState('load', { timeout: 0 }).catch(() => {});
      return true;
    };
    const failure = (steps, why) => `FAIL ${name}: ${steps.join(' -> ')}: ${why}`;
    await page.goto(rootUrl, { waitUntil: 'load', timeout: 0 });
    const steps = ['index.html'];
    // The root page leads to the default language: by its meta refresh if it has one,
    // else by its first link (the default language comes first).
    let moved = await leave(rootUrl, 10000);
    if (!moved && !failed.length) {
      const link = page.locator('main a[href]:not([href^="#"]), body a[href]:not([href^="#"])').first();
      if (await link.count() === 0) return failure(steps, 'neither redirects nor links to a language home');
      steps.push(await link.getAttribute('href'));
      await link.click({ timeout: 30000 });
      moved = await leave(rootUrl, 30000);
    }
    if (failed.length) return failure(steps, failed[0]);
    if (!moved) return failure(steps, 'does not lead anywhere');
    const home = page.url();
    if (steps.length === 1) steps.push(home.startsWith('file:') ? rel(fileURLToPath(home.replace(/[?#].*$/, ''))) : home);
    let bad = landsOnFile(home);
    if (bad) return failure(steps, bad);
    const link = page.locator('main a[href]:not([href^="#"])').first();
    if (await link.count() === 0) return failure(steps, 'no link inside <main>');
    const href = await link.getAttribute('href');
    steps.push(href);
    await link.click({ timeout: 30000 });
    moved = await leave(home, 30000);
    if (failed.length) return failure(steps, failed[0]);
    if (!moved) return failure(steps, 'clicking the first link in <main> did not navigate');
    bad = landsOnFile(page.url());
    return bad ? failure(steps, bad) : `ok ${name} ${steps.join(' -> ')}`;
  } catch (e) {
    return `FAIL ${name}: ${clip(oneLine(e.message), 200)}` + (failed.length ? ` (${failed[0]})` : '');
  } finally {
    await slot.closePage(page);
  }
}

let AXE_SOURCE = '';
async function runBrowser() {
  if (process.env.VADE_BT_SKIP_BROWSER) {
    return emit([...PAGE_CHECKS, 'file-url'].map((c) => `SKIP ${c}: ${process.env.VADE_BT_SKIP_BROWSER}`));
  }
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
    AXE_SOURCE = require('axe-core').source;
  } catch (e) {
    return emit([`FAIL browser: cannot load playwright-core/axe-core: ${clip(oneLine(e.message), 200)}`]);
  }
  if (pages.length === 0) emit(['FAIL axe .: no <folder>/index.html page under the site folder']);
  const srv = await startServer(SITE);
  // playwright gives the browser a fresh temporary --user-data-dir of its own.
  const slot = new BrowserSlot(async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 0,   // the launch is a step: limited by BrowserSlot
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block', locale: 'en-US' });
    // Nothing may leave the machine: let local requests through, stop the others (they are
    // still recorded by the page's 'request' listener, so they still fail the offline check).
    await context.route((u) => u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:' || u.protocol === 'wss:',
      (route) => (externalUrl(route.request().url()) ? route.abort('blockedbyclient') : route.continue()));
    return { browser, context };
  });
  try {
    let n = 0;
    for (const f of pages) {
      await checkPage(slot, srv.url, f);
      if (++n % 10 === 0 && n < pages.length) progress(`browser: ${n} of ${pages.length} pages checked`);
    }
    progress(`browser: ${pages.length} pages checked`);
    const r = await limited(STEP_MS, () => checkFileUrl(slot));
    emit([r.value || `FAIL file-url: ${why(null, r)}`]);
  } finally {
    await slot.close();
    await srv.close().catch(() => {});
  }
}

// ---------------------------------------------------------------- main
// vnu and the browser run side by side. Every planned check reports a line; should one
// not (a bug here), that is a FAIL too rather than a check that silently did not run.
const planned = (process.env.VADE_BT_SKIP_VNU ? 0 : htmlFiles.length)
  + (process.env.VADE_BT_SKIP_BROWSER ? 0 : pages.length * PAGE_CHECKS.length + 1);
progress(`${planned} checks: vnu on ${htmlFiles.length} files, ${PAGE_CHECKS.join(', ')} on ${pages.length} pages, file-url`);
const results = await Promise.allSettled([runVnu(), runBrowser()]);
for (const r of results) {
  if (r.status === 'rejected') emit([`FAIL run: ${clip(oneLine(r.reason?.stack || r.reason?.message || r.reason), 300)}`]);
}
if (reported < planned) emit([`FAIL run: ${planned - reported} of ${planned} checks reported nothing`]);
process.exit(0);
