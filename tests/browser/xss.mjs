// Script payloads must not run: opens every HTML file of a built site over
// file:// in headless Chromium (scripts on), and checks that no payload ran
// (document.title or window.__pwned untouched, no dialog) and that no link,
// form or frame the reader could follow carries a scheme that runs code.
//   node tests/browser/xss.mjs SITE_OUT
// Prints "ok ..." / "FAIL ..." lines; exits 0 once it has run.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const SITE = path.resolve(process.argv[2]);
const STEP_MS = 60000;

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.html')) out.push(p);
  }
  return out;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
         '--disable-component-update', '--disable-sync', '--allow-file-access-from-files'],
});
function inspectPage() {
  const live = [];
  for (const el of document.querySelectorAll('a[href], area[href], form[action], iframe[src], embed[src], object[data], link[href]')) {
    const u = el.href || el.action || el.src || el.data || '';
    let proto = '';
    try { proto = new URL(u, document.baseURI).protocol; } catch { continue; }
    if (!['http:', 'https:', 'file:', 'mailto:', 'tel:', 'ftp:', 'ftps:', 'sftp:', 'sms:', 'geo:', 'news:', 'irc:', 'ircs:', 'xmpp:'].includes(proto))
      live.push(`${el.tagName.toLowerCase()} ${proto}`);
    // a file: link must stay inside the site (the page's own tree)
  }
  return { title: document.title, pwned: !!window.__pwned, live };
}

let dialogs = 0;
const files = walk(SITE);
let bad = 0;
for (const f of files) {
  const rel = path.relative(SITE, f);
  const page = await browser.newPage();
  page.on('dialog', (d) => { dialogs++; d.dismiss().catch(() => {}); });
  try {
    dialogs = 0;
    await page.goto(pathToFileURL(f).href, { waitUntil: 'load', timeout: STEP_MS });
    // A page may lead on (the root page's refresh): check where it lands. On a
    // busy machine the refresh can come late and destroy the page being read:
    // then wait for the new one and read again.
    const inspect = async () => {
      await page.waitForTimeout(100);
      await page.waitForLoadState('load', { timeout: STEP_MS });
      // Let timers and the search page's script run; type into a search box if there is one.
      const box = await page.$('input[type=search]');
      if (box) await box.fill('PWNED', { timeout: STEP_MS }).catch(() => {});
      await page.waitForTimeout(50);
      return page.evaluate(inspectPage);
    };
    let r;
    for (let attempt = 1; ; attempt++) {
      try { r = await inspect(); break; } catch (e) {
        if (attempt >= 5 || !/context was destroyed|navigat/i.test(String(e.message))) throw e;
        await page.waitForTimeout(500);
      }
    }
    const ran = r.pwned || r.title === 'PWNED' || dialogs > 0;
    if (ran) { bad++; console.log(`FAIL xss ${rel}: a payload ran (title '${r.title}')`); }
    if (r.live.length) { bad++; console.log(`FAIL xss ${rel}: links with a scheme that runs code: ${r.live.slice(0, 3).join(', ')}`); }
  } catch (e) {
    bad++;
    console.log(`FAIL xss ${rel}: step 'open ${rel}' failed: ${String(e.message).split('\n')[0]}`);
  }
  await page.close();
}
console.log(bad ? `FAIL xss: ${bad} problem(s) in ${files.length} files` : `ok   xss: no payload runs in ${files.length} files`);
await browser.close();
