// Browser and validator checks for a built vade site. Called by run.sh:
//   node check.mjs SITE_DIR
// Prints one line per check: "ok <check> <path>" or "FAIL <check> <path>: <why>",
// and "SKIP <check>: <why>" for a check whose tool run.sh could not provide
// (VADE_BT_SKIP_VNU / VADE_BT_SKIP_BROWSER hold the reason).
// Checks:
//   vnu        every *.html file, Nu HTML Checker, errors only, one Java run for all files
//   axe        every <dir>/index.html page over http, axe-core with wcag2a/2aa/21a/21aa
//   offline    the same pages: no request (or resource URL in the DOM) to a host other than 127.0.0.1
//   landmarks  the same pages: exactly one <main>, the first Tab stop is a skip link whose
//              target exists, and it shows a focus indicator inside the viewport when focused
//   file-url   SITE_DIR/index.html over file://, to the default language home, click the
//              first link in <main>: must land on an existing file, no failed file request
// Always exits 0 once it has run (the runner counts the ok/FAIL lines).
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { startServer } from './serve.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const VNU_JAR = path.join(HERE, 'node_modules/vnu-jar/build/dist/vnu.jar');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const TOTAL_TIMEOUT_MS = Number(process.env.VADE_BT_TIMEOUT_MS || 120000);
const PAGE_TIMEOUT_MS = 20000;

const siteArg = process.argv[2];
if (!siteArg || !fs.existsSync(siteArg) || !fs.statSync(siteArg).isDirectory()) {
  console.error('usage: node check.mjs SITE_DIR');
  process.exit(2);
}
const SITE = fs.realpathSync(path.resolve(siteArg));

// ---------------------------------------------------------------- output
const vnuLines = [];
const browserLines = [];
let printed = false;
function flush(extra = []) {
  if (printed) return;
  printed = true;
  const all = [...vnuLines, ...browserLines, ...extra];
  if (all.length) process.stdout.write(all.join('\n') + '\n');
}
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
function runVnu() {
  if (process.env.VADE_BT_SKIP_VNU) {
    vnuLines.push(`SKIP vnu: ${process.env.VADE_BT_SKIP_VNU}`);
    return { promise: Promise.resolve(), kill() {} };
  }
  if (htmlFiles.length === 0) {
    vnuLines.push('FAIL vnu .: no .html file under the site folder');
    return { promise: Promise.resolve(), kill() {} };
  }
  const args = ['-Xss4m', '-jar', VNU_JAR, '--errors-only', '--format', 'json', '--exit-zero-always', ...htmlFiles];
  const child = spawn(process.env.JAVA || 'java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const promise = new Promise((resolve) => {
    child.on('error', (e) => { vnuLines.push(`FAIL vnu .: could not start java: ${e.message}`); resolve(); });
    child.on('close', (code, signal) => {
      // vnu writes its JSON report to stderr; anything else there is noise from the JVM.
      const text = err.trim() || out.trim();
      const start = text.indexOf('{"');
      let report = null;
      try { report = JSON.parse(text.slice(start)); } catch { /* handled below */ }
      if (!report || !Array.isArray(report.messages)) {
        vnuLines.push(`FAIL vnu .: no report from vnu (exit ${code ?? signal}): ${clip(oneLine(text || 'no output'), 200)}`);
        return resolve();
      }
      const byFile = new Map(htmlFiles.map((f) => [f, []]));
      const orphan = [];
      for (const m of report.messages) {
        if (m.type === 'info') continue; // --errors-only gives none, but be safe
        let file = null;
        if (m.url) {
          try { file = fileURLToPath(m.url); } catch { file = null; }
          if (file && !byFile.has(file)) {
            const hit = htmlFiles.find((f) => m.url.endsWith(rel(f)));
            file = hit || null;
          }
        }
        const where = m.lastLine ? `L${m.firstLine || m.lastLine}` + (m.firstColumn ? `:${m.firstColumn}` : '') + ': ' : '';
        const msg = where + oneLine(m.message || m.type);
        if (file) byFile.get(file).push(msg); else orphan.push(msg);
      }
      for (const [f, msgs] of byFile) {
        if (msgs.length === 0) vnuLines.push(`ok vnu ${rel(f)}`);
        else vnuLines.push(`FAIL vnu ${rel(f)}: ${clip(msgs.slice(0, 3).join(' | '), 400)}` + (msgs.length > 3 ? ` (+${msgs.length - 3} more)` : ''));
      }
      if (orphan.length) vnuLines.push(`FAIL vnu .: ${clip(orphan.slice(0, 3).join(' | '), 400)}`);
      resolve();
    });
  });
  return { promise, kill() { try { child.kill('SIGKILL'); } catch { /* gone */ } } };
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

async function checkPage(context, base, file) {
  const p = rel(file);
  const url = base + p.split('/').map(encodeURIComponent).join('/');
  const page = await context.newPage();
  const external = [];
  page.on('request', (r) => { if (externalUrl(r.url())) external.push(r.url()); });
  page.on('websocket', (ws) => { if (externalUrl(ws.url())) external.push(ws.url()); });
  try {
    let resp;
    try {
      resp = await page.goto(url, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
    } catch (e) {
      for (const c of ['axe', 'offline', 'landmarks']) browserLines.push(`FAIL ${c} ${p}: page did not load: ${clip(oneLine(e.message), 150)}`);
      return;
    }
    if (!resp || resp.status() !== 200) {
      for (const c of ['axe', 'offline', 'landmarks']) browserLines.push(`FAIL ${c} ${p}: HTTP ${resp ? resp.status() : 'no response'}`);
      return;
    }
    await page.evaluate(() => document.fonts && document.fonts.ready).catch(() => {});

    // axe (injected through evaluate, so a page CSP cannot block it)
    try {
      await page.evaluate(AXE_SOURCE);
      const res = await page.evaluate(async (tags) => {
        const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
        return {
          violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length, target: v.nodes[0] ? v.nodes[0].target.join(' ') : '' })),
          incomplete: r.incomplete.map((v) => v.id),
        };
      }, AXE_TAGS);
      if (res.violations.length === 0) {
        browserLines.push(`ok axe ${p}` + (res.incomplete.length ? ` (to review by hand: ${res.incomplete.join(', ')})` : ''));
      } else {
        const parts = res.violations.map((v) => `${v.id} (${v.impact}, ${v.n}x) at ${clip(v.target, 80)}`);
        browserLines.push(`FAIL axe ${p}: ${clip(parts.join('; '), 500)}`);
      }
    } catch (e) {
      browserLines.push(`FAIL axe ${p}: axe did not run: ${clip(oneLine(e.message), 200)}`);
    }

    // offline: requests seen so far plus resource URLs in the DOM (lazy images, preconnect hints)
    try {
      const dom = (await page.evaluate(domResourceUrls)).filter(externalUrl);
      const bad = [...new Set([...external, ...dom])];
      if (bad.length === 0) browserLines.push(`ok offline ${p}`);
      else browserLines.push(`FAIL offline ${p}: ${bad.length} external URL(s): ${clip(bad.slice(0, 3).join(' '), 300)}`);
    } catch (e) {
      browserLines.push(`FAIL offline ${p}: ${clip(oneLine(e.message), 200)}`);
    }

    // landmarks + skip link + visible focus, by keyboard from the top of the page
    try {
      await page.evaluate(() => { if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur(); window.scrollTo(0, 0); });
      await page.keyboard.press('Tab');
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      // Let a CSS transition on the skip link finish before measuring it.
      await page.evaluate(() => Promise.all((document.activeElement?.getAnimations?.() || []).map((a) => a.finished.catch(() => {})))).catch(() => {});
      const problems = await page.evaluate(landmarkFacts);
      if (problems.length === 0) browserLines.push(`ok landmarks ${p}`);
      else browserLines.push(`FAIL landmarks ${p}: ${clip(problems.join('; '), 400)}`);
    } catch (e) {
      browserLines.push(`FAIL landmarks ${p}: ${clip(oneLine(e.message), 200)}`);
    }
    // direction: on a right-to-left page the main column starts at the right
    // edge of the layout (and the side navigation sits to its left); on a
    // left-to-right page the other way round.
    try {
      const f = await page.evaluate(() => {
        const main = document.querySelector('main'), lay = document.querySelector('.layout'), nav = document.querySelector('.sidenav');
        if (!main || !lay) return null;
        const cs = getComputedStyle(lay), m = main.getBoundingClientRect(), l = lay.getBoundingClientRect();
        const start = document.documentElement.dir === 'rtl' ? l.right - parseFloat(cs.paddingRight) - m.right : m.left - (l.left + parseFloat(cs.paddingLeft));
        const n = nav ? nav.getBoundingClientRect() : null;
        return { dir: document.documentElement.dir, cssdir: getComputedStyle(main).direction, start, navOk: !n || (document.documentElement.dir === 'rtl' ? n.right <= m.left + 1 : n.left >= m.right - 1) };
      });
      if (!f) browserLines.push(`ok direction ${p} (no layout)`);
      else if (f.dir !== f.cssdir) browserLines.push(`FAIL direction ${p}: dir=${f.dir} but main is laid out ${f.cssdir}`);
      else if (Math.abs(f.start) > 2 || !f.navOk) browserLines.push(`FAIL direction ${p}: main starts ${f.start.toFixed(1)}px from the ${f.dir === 'rtl' ? 'right' : 'left'} edge; side navigation ${f.navOk ? 'ok' : 'on the wrong side'}`);
      else browserLines.push(`ok direction ${f.dir} ${p}`);
    } catch (e) {
      browserLines.push(`FAIL direction ${p}: ${clip(oneLine(e.message), 200)}`);
    }
    // narrow: on a phone-sized screen nothing makes the page scroll sideways
    try {
      await page.setViewportSize({ width: 390, height: 800 });
      const f = await page.evaluate(() => {
        const W = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll('body *')].filter((el) => el.children.length === 0 && el.getBoundingClientRect().right > W + 1 && !el.closest('table, pre'));
        return { W, sw: document.documentElement.scrollWidth, first: wide[0] ? wide[0].tagName + ': ' + (wide[0].textContent || '').slice(0, 60) : '' };
      });
      if (f.sw <= f.W + 1) browserLines.push(`ok narrow ${p}`);
      else browserLines.push(`FAIL narrow ${p}: ${f.sw}px wide at ${f.W}px (${f.first})`);
      await page.setViewportSize({ width: 1280, height: 720 });
    } catch (e) {
      browserLines.push(`FAIL narrow ${p}: ${clip(oneLine(e.message), 200)}`);
    }
    // Requests made after the first offline line (none expected) still count.
    if (external.length && browserLines.includes(`ok offline ${p}`)) {
      browserLines[browserLines.indexOf(`ok offline ${p}`)] = `FAIL offline ${p}: external URL(s): ${clip([...new Set(external)].slice(0, 3).join(' '), 300)}`;
    }
  } finally {
    await page.close().catch(() => {});
  }
}

async function checkFileUrl(context) {
  const name = 'file-url';
  const rootFile = path.join(SITE, 'index.html');
  if (!fs.existsSync(rootFile)) { browserLines.push(`FAIL ${name}: ${rel(rootFile)} does not exist`); return; }
  const page = await context.newPage();
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
      await page.waitForLoadState('load', { timeout: PAGE_TIMEOUT_MS }).catch(() => {});
      return true;
    };
    const failure = (steps, why) => `FAIL ${name}: ${steps.join(' -> ')}: ${why}`;
    await page.goto(rootUrl, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
    const steps = ['index.html'];
    // The root page leads to the default language: by its meta refresh if it has one,
    // else by its first link (the default language comes first).
    let moved = await leave(rootUrl, 3000);
    if (!moved && !failed.length) {
      const link = page.locator('main a[href]:not([href^="#"]), body a[href]:not([href^="#"])').first();
      if (await link.count() === 0) { browserLines.push(failure(steps, 'neither redirects nor links to a language home')); return; }
      steps.push(await link.getAttribute('href'));
      await link.click({ timeout: 5000 });
      moved = await leave(rootUrl, 5000);
    }
    if (failed.length) { browserLines.push(failure(steps, failed[0])); return; }
    if (!moved) { browserLines.push(failure(steps, 'does not lead anywhere')); return; }
    const home = page.url();
    if (steps.length === 1) steps.push(home.startsWith('file:') ? rel(fileURLToPath(home.replace(/[?#].*$/, ''))) : home);
    let bad = landsOnFile(home);
    if (bad) { browserLines.push(failure(steps, bad)); return; }
    const link = page.locator('main a[href]:not([href^="#"])').first();
    if (await link.count() === 0) { browserLines.push(failure(steps, 'no link inside <main>')); return; }
    const href = await link.getAttribute('href');
    steps.push(href);
    await link.click({ timeout: 5000 });
    moved = await leave(home, 5000);
    if (failed.length) { browserLines.push(failure(steps, failed[0])); return; }
    if (!moved) { browserLines.push(failure(steps, 'clicking the first link in <main> did not navigate')); return; }
    bad = landsOnFile(page.url());
    if (bad) browserLines.push(failure(steps, bad));
    else browserLines.push(`ok ${name} ${steps.join(' -> ')}`);
  } catch (e) {
    browserLines.push(`FAIL ${name}: ${clip(oneLine(e.message), 200)}` + (failed.length ? ` (${failed[0]})` : ''));
  } finally {
    await page.close().catch(() => {});
  }
}

let AXE_SOURCE = '';
async function runBrowser(state) {
  if (process.env.VADE_BT_SKIP_BROWSER) {
    for (const c of ['axe', 'offline', 'landmarks', 'file-url']) browserLines.push(`SKIP ${c}: ${process.env.VADE_BT_SKIP_BROWSER}`);
    return;
  }
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
    AXE_SOURCE = require('axe-core').source;
  } catch (e) {
    browserLines.push(`FAIL browser: cannot load playwright-core/axe-core: ${clip(oneLine(e.message), 200)}`);
    return;
  }
  if (pages.length === 0) browserLines.push('FAIL axe .: no <folder>/index.html page under the site folder');
  const srv = await startServer(SITE);
  state.srv = srv;
  let browser;
  try {
    // playwright gives the browser a fresh temporary --user-data-dir of its own.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60000,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    state.browser = browser;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block', locale: 'en-US' });
    // Nothing may leave the machine: let local requests through, stop the others (they are
    // still recorded by the page's 'request' listener, so they still fail the offline check).
    await context.route((u) => u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:' || u.protocol === 'wss:',
      (route) => (externalUrl(route.request().url()) ? route.abort('blockedbyclient') : route.continue()));
    for (const f of pages) await checkPage(context, srv.url, f);
    await checkFileUrl(context);
  } catch (e) {
    browserLines.push(`FAIL browser: ${clip(oneLine(e.message), 300)}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    await srv.close().catch(() => {});
  }
}

// ---------------------------------------------------------------- main
const state = {};
const vnu = runVnu();
const watchdog = setTimeout(() => {
  flush([`FAIL run: not finished after ${TOTAL_TIMEOUT_MS / 1000} s, stopped`]);
  vnu.kill();
  try { state.browser?.close(); } catch { /* ignore */ }
  process.exit(0);
}, TOTAL_TIMEOUT_MS);
try {
  await Promise.all([vnu.promise, runBrowser(state)]);
} catch (e) {
  browserLines.push(`FAIL run: ${clip(oneLine(e.stack || e.message), 300)}`);
}
clearTimeout(watchdog);
flush();
process.exit(0);
