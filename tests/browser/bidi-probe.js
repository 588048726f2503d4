// Visual order of Latin text in right-to-left pages, measured by Chromium
// (tests/browser/bidi.sh loads each page with this script and --dump-dom).
// Writes one line per check into <pre id="bidi-result">:
//   run    every <bdi> whose text starts Latin shows its characters left to
//          right in the order they are written (C++, AT&T, e-mail@x.org);
//   touch  a + # % written right after a Latin letter or digit (C++, 3.5%)
//          shows on that character's right, not on the other side of the word;
//   token  a word of Latin letters and digits joined by ASCII marks, no space
//          among them, and the / # \ @ ~ $ glued before it (C:\Users\x,
//          key=value, /usr/local/bin, #tag) reads left to right whole;
//   phrase Latin words apart by white space alone (a line break in the source, a
//          word in bold or code or a link between, in a paragraph or a table cell)
//          read left to right as one phrase;
//   cite   in the endnotes, each title (<cite>) of a source reads left to
//          right, its final punctuation included ("Who Is at Risk?").
(function () {
  const latin = /[A-Za-z0-9\u00c0-\u024f]/;
  const seen = /[A-Za-z0-9\u00c0-\u024f+#%?@&_.]/;
  // (a token needs a Latin letter: digits alone, 10:30, the bidi algorithm keeps in order)
  const token = /[\/#\\@~$]*[A-Za-z0-9]+(?:[\\:=\/._\-#@~+?&%$]+[A-Za-z0-9]+)*/g, tokenChar = /\S/;
  // The characters of el worth measuring, in logical order: {ch, x (centre), node, i}.
  function chars(el, want = seen) {
    const out = [], w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n; (n = w.nextNode());) {
      for (let i = 0; i < n.data.length; i++) {
        if (!want.test(n.data[i])) continue;
        const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
        const b = r.getBoundingClientRect();
        if (b.width > 0) out.push({ ch: n.data[i], x: b.left + b.width / 2, y: Math.round(b.top), node: n, i });
      }
    }
    return out;
  }
  // Left-to-right on each line: every character right of the one before (same line).
  function ltr(cs) {
    for (let k = 1; k < cs.length; k++)
      if (cs[k].y === cs[k - 1].y && cs[k].x <= cs[k - 1].x) return `'${cs[k].ch}' shows left of '${cs[k - 1].ch}'`;
    return '';
  }
  window.addEventListener('load', () => {
    const lines = [], page = location.pathname.split('/').slice(-3).join('/');
    const root = document.querySelector('main') || document.body; // a handbook has no <main>
    if (document.documentElement.dir !== 'rtl') { lines.push(`ok bidi ${page} (not right to left)`); }
    else {
      let runs = 0, bad = [];
      for (const b of root.querySelectorAll('bdi')) {
        const t = b.textContent.trim();
        if (!t || !latin.test(t[0])) continue;
        runs++;
        const why = ltr(chars(b));
        if (why) bad.push(`"${t}": ${why}`);
      }
      lines.push(bad.length ? `FAIL bidi run ${page}: ${bad.join('; ')}` : `ok bidi run ${page} (${runs} runs)`);
      // touch: over every block's text, across element boundaries
      let touches = 0; bad = [];
      for (const blk of root.querySelectorAll('p, li, h1, h2, h3, td')) {
        const cs = chars(blk);
        for (let k = 1; k < cs.length; k++) {
          if (!/[+#%]/.test(cs[k].ch) || !latin.test(cs[k - 1].ch)) continue;
          // written right after it, nothing between (same text, or the next text node starting with it)
          const adjacent = cs[k].node === cs[k - 1].node ? cs[k].i === cs[k - 1].i + 1 : cs[k].i === 0 && cs[k - 1].i === cs[k - 1].node.data.length - 1;
          if (!adjacent) continue;
          touches++;
          if (cs[k].x <= cs[k - 1].x) bad.push(`'${cs[k - 1].ch}${cs[k].ch}' shows as '${cs[k].ch}${cs[k - 1].ch}'`);
        }
      }
      lines.push(bad.length ? `FAIL bidi touch ${page}: ${bad.join('; ')}` : `ok bidi touch ${page} (${touches} symbols)`);
      // token: each one, its marks included, left to right (helper-148: Chromium showed
      // C:\Users\x cut at each '\' as x\Users\:C)
      let tokens = 0; bad = [];
      for (const blk of root.querySelectorAll('p, li, h1, h2, h3, td')) {
        const w = document.createTreeWalker(blk, NodeFilter.SHOW_TEXT), at = new Map();
        let text = '';
        for (let n; (n = w.nextNode());) { at.set(n, text.length); text += n.data; }
        const by = new Map(chars(blk, tokenChar).map((c) => [at.get(c.node) + c.i, c]));
        for (const m of text.matchAll(token)) {
          if (!/[A-Za-z]/.test(m[0]) || !/[^A-Za-z0-9]/.test(m[0])) continue;
          const cs = [];
          for (let p = m.index; p < m.index + m[0].length; p++) if (by.has(p)) cs.push(by.get(p));
          tokens++;
          const why = ltr(cs);
          if (why) bad.push(`"${m[0]}": ${why}`);
        }
      }
      lines.push(bad.length ? `FAIL bidi token ${page}: ${bad.join('; ')}` : `ok bidi token ${page} (${tokens} tokens)`);
      // phrase: Latin words apart by white space alone (over a line break in the source, one
      // of them in bold, code or a link) read left to right as one phrase, their first letters
      // in order.
      let phrases = 0; bad = [];
      for (const blk of root.querySelectorAll('p, li, h1, h2, h3, td, th')) {
        const w = document.createTreeWalker(blk, NodeFilter.SHOW_TEXT), at = new Map();
        let text = '';
        for (let n; (n = w.nextNode());) { at.set(n, text.length); text += n.data; }
        const cs = chars(blk).filter((c) => latin.test(c.ch)), pos = (c) => at.get(c.node) + c.i;
        for (let start = 0, k = 1; k <= cs.length; k++) {
          if (k < cs.length && /^\s*$/.test(text.slice(pos(cs[k - 1]) + 1, pos(cs[k])))) continue;
          const words = cs.slice(start, k).filter((c, j) => j === 0 || /\s/.test(text[pos(c) - 1]));
          if (words.length > 1) {
            phrases++;
            for (let j = 1; j < words.length; j++)
              if (words[j].y === words[j - 1].y && words[j].x <= words[j - 1].x) {
                bad.push(`"${text.slice(pos(cs[start]), pos(cs[k - 1]) + 1).replace(/\s+/g, ' ')}": its word ${j + 1} shows left of word ${j}`);
                break;
              }
          }
          start = k;
        }
      }
      lines.push(bad.length ? `FAIL bidi phrase ${page}: ${bad.join('; ')}` : `ok bidi phrase ${page} (${phrases} phrases)`);
      let cites = 0; bad = [];
      for (const c of root.querySelectorAll('li[id^="note-"] cite')) {
        cites++;
        const why = ltr(chars(c));
        if (why) bad.push(`"${c.textContent}": ${why}`);
      }
      lines.push(bad.length ? `FAIL bidi cite ${page}: ${bad.join('; ')}` : `ok bidi cite ${page} (${cites} titles)`);
      // ui: the theme's words of a note ("Id.", "supra"), which a language without UI strings of
      // its own takes from a left-to-right one, read left to right with their full stop.
      let words = 0; bad = [];
      for (const el of root.querySelectorAll('li[id^="note-"] i')) {
        if (!latin.test(el.textContent)) continue;
        words++;
        const why = ltr(chars(el));
        if (why) bad.push(`"${el.textContent}": ${why}`);
      }
      lines.push(bad.length ? `FAIL bidi ui ${page}: ${bad.join('; ')}` : `ok bidi ui ${page} (${words} words)`);
    }
    const pre = document.createElement('pre');
    pre.id = 'bidi-result';
    pre.textContent = lines.join('\n');
    document.body.appendChild(pre);
  });
})();
