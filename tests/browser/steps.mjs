// Time limits for the browser checks (check.mjs, print.mjs). There is no limit on a
// whole run: each step (a page load, one check of a page, one file's print checks,
// one vnu batch) has its own, generous limit. A step that trips it is reported as a
// FAIL line that names the step, what it was doing is abandoned, and the run goes on
// with the next step, so a busy machine makes the run slower, never shorter.
//   VADE_BT_STEP_TIMEOUT_MS   the limit of one step (default 120000)

export const STEP_MS = Number(process.env.VADE_BT_STEP_TIMEOUT_MS || 120000);
export const secs = (ms) => `${Math.round(ms / 1000)} s`;

// Runs fn() under a limit of ms. Resolves to { value }, { error } or { timeout: true };
// never rejects. A step that times out keeps running in the background and its late
// result (or rejection) is ignored.
export function limited(ms, fn) {
  let timer;
  const run = Promise.resolve().then(fn).then((value) => ({ value }), (error) => ({ error }));
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve({ timeout: true }), ms); });
  return Promise.race([run, late]).finally(() => clearTimeout(timer));
}

// Why a step did not give a value, for a FAIL line: "step 'axe' not finished after 120 s,
// stopped" (without the step's name when the line already starts with it).
export function why(step, r) {
  const s = step ? `step '${step}' ` : '';
  if (r.timeout) return `${s}not finished after ${secs(STEP_MS)}, stopped`;
  const msg = String(r.error && r.error.message ? r.error.message : r.error).replace(/\s+/g, ' ').trim();
  return `${s}failed: ${msg.length > 200 ? msg.slice(0, 199) + '…' : msg}`;
}

// A browser (or persistent context) that can be thrown away and launched again when a
// step leaves it wedged. launch() returns { browser, context }; close() is limited too.
export class BrowserSlot {
  constructor(launch) { this.launch = launch; this.cur = null; this.failed = []; }
  // The current context, launching a browser when there is none. After two failed
  // launches it stops trying: every later step fails at once with the reason.
  async context() {
    if (!this.cur) {
      if (this.failed.length >= 2) throw new Error(`Chromium did not start twice: ${this.failed.join('; ')}`);
      const r = await limited(STEP_MS, this.launch);
      if (!r.value) {
        this.failed.push(why('launch Chromium', r));
        throw new Error(this.failed[this.failed.length - 1]);
      }
      this.cur = r.value;
    }
    return this.cur.context;
  }
  // Closes a page; when even that does not finish, the whole browser is replaced.
  async closePage(page) {
    if (!page) return;
    const r = await limited(30000, () => page.close({ runBeforeUnload: false }));
    if (r.timeout) await this.recycle();
  }
  async recycle() {
    const cur = this.cur;
    this.cur = null;
    // playwright kills a browser it launched when node exits, should close() hang.
    if (cur) await limited(30000, () => cur.browser.close());
  }
  async close() { await this.recycle(); }
}
