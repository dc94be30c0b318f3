// DOM helpers. Every piece of text goes in through textContent (never innerHTML), so a transcript
// such as `<img src=x onerror=…>` is shown as the characters it is and runs nothing.

/** Create an element: el('li', {class: 'bubble', lang: 'vi', attrs: {'aria-label': '…'}, on: {click: f}}, 'text', child) */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'attrs') for (const [a, v] of Object.entries(value)) { if (v !== undefined && v !== null) node.setAttribute(a, String(v)); }
    else if (key === 'on') for (const [type, handler] of Object.entries(value)) node.addEventListener(type, handler);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node[key] = value; // lang, dir, id, type, hidden, disabled, value, title …
  }
  append(node, ...children);
  return node;
}

export function append(node, ...children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

/** Replace the text of an element (keeps screen readers' live regions working). */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

// a character of Japanese text: a space between two of them is a 分かち書き space, not a word's own
const JAPANESE = /[\u3001-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff60々〆ー]/;

/** Whether the space at `at` stands between two Japanese characters. */
function wakachiSpace(text, at) {
  return (text[at] === ' ' || text[at] === '\u3000') && JAPANESE.test(text[at - 1] || '') && JAPANESE.test(text[at + 1] || '');
}

const KANJI = /[\u3400-\u9fff\uf900-\ufaff々〆]/;
const KANA = /[\u3041-\u309f\u30a1-\u30ff]/;
const KANA_RUNS = /[\u3041-\u309f\u30a1-\u30ff]+|[^\u3041-\u309f\u30a1-\u30ff]+/g;
const hiragana = (s) => s.replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));

/** A reading over a word with kana inside it (引っ越 read ひっこ) goes over each kanji alone — ひ over 引,
 * こ over 越, nothing over っ — as printed furigana do; a reading that does not split that way (no kana
 * inside, or kana the reading lacks) is left over the whole word. */
function overKanjiOnly(span, text) {
  const base = text.slice(span.start, span.end);
  if (!KANA.test(base) || !KANJI.test(base)) return [span];
  const runs = base.match(KANA_RUNS);
  const kana = (run) => KANA.test(run[0]);
  const pattern = new RegExp(`^${runs.map((run) => (kana(run) ? hiragana(run) : '(.+?)')).join('')}$`);
  const readings = hiragana(span.reading).match(pattern);
  if (!readings) return [span];
  const spans = [];
  let at = span.start, group = 1;
  for (const run of runs) {
    if (!kana(run)) spans.push({start: at, end: at + run.length, reading: readings[group++]});
    at += run.length;
  }
  return spans;
}

/** A reading wider than its kanji may overhang the characters beside it — kana, punctuation, a space —
 * as printed furigana do (JIS X 4051), so that the word is not set apart by a gap; never a kanji (the
 * reading would seem to belong to it) nor another reading (they would collide). At the text's edges it
 * reaches into the box's padding (the panel's text keeps some for it). */
function mayOverhang(before, after) {
  return before !== null && after !== null && !KANJI.test(before) && !KANJI.test(after); // '' : an edge of the text
}

/** Text with furigana: `ruby` is [{start, end, reading}] offsets into `text` (from a translation of
 * kind easy_japanese). With `phrases` (offsets from the same message) a space is put before each
 * phrase: 分かち書き. `spaces: false` (分かち書き off) also drops the spaces the text brings itself
 * between Japanese words (a glossary's explanation, 「ほかの 市から …」, is written spaced). Built from
 * text nodes and <ruby>/<rt> elements only. */
export function rubyText(text, ruby, {furigana = true, phrases = null, spaces = true} = {}) {
  const frag = document.createDocumentFragment();
  const spans = [...(ruby || [])].filter((r) => r.start >= 0 && r.end <= text.length && r.start < r.end)
    .flatMap((r) => overKanjiOnly(r, text)).sort((a, b) => a.start - b.start);
  const breaks = new Set((phrases || []).filter((at) => !spans.some((r) => at > r.start && at < r.end)));
  let run = '';
  let last = ''; // the character shown last ('' at the start, null right after a reading)
  const flush = () => { if (run) frag.append(document.createTextNode(run)); run = ''; };
  let at = 0;
  while (at < text.length) {
    if (!spaces && wakachiSpace(text, at)) { at += 1; continue; }
    if (breaks.has(at) && at > 0) { run += ' '; last = ' '; } // between phrases, not before the first
    const span = spans.find((r) => r.start === at);
    if (span && furigana) {
      flush();
      const next = spans.some((r) => r.start === span.end) ? null : (text[span.end] || '');
      // at the text's start the word itself starts there, its reading reaching rightwards only: centred,
      // a long reading would push the word in and leave a gap at the bubble's edge
      const classes = [last === '' ? 'lead' : '', mayOverhang(last, next) ? 'overhang' : ''].filter(Boolean);
      frag.append(el('ruby', {class: classes.join(' ') || undefined},
        text.slice(span.start, span.end), el('rt', {text: span.reading})));
      last = null;
      at = span.end;
      continue;
    }
    run += text[at];
    last = text[at];
    at += 1;
  }
  flush();
  return frag;
}

/** Download text as a file (the transcript exports). */
export function download(filename, blob) {
  const url = URL.createObjectURL(blob);
  const a = el('a', {href: url, download: filename, hidden: true});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** A log that shrinks (a video call opens above it, a notice appears) or whose last line grows (a partial
 * line filling in, a line marked untranslated after it was drawn) keeps its latest line in view, unless the
 * reader had scrolled up to read an earlier one. The counter's log and the resident's phone. */
export function keepTheLatestInView(log, list) {
  if (!log || typeof ResizeObserver !== 'function') return;
  let atEnd = true, lastTop = 0;
  log.addEventListener('scroll', () => {
    // a scroll event comes a frame late, maybe after new lines grew the log: only a scroll upwards
    // (the reader's, never ours, which go down) leaves the end
    if (log.scrollHeight - log.scrollTop - log.clientHeight < 24) atEnd = true;
    else if (log.scrollTop < lastTop) atEnd = false;
    lastTop = log.scrollTop;
  });
  const follow = new ResizeObserver(() => { if (atEnd) log.scrollTop = log.scrollHeight; });
  follow.observe(log);
  follow.observe(list);
}
