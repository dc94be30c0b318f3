// A tiny i18n helper: a page keeps its own table {lang: {key: text}}; missing keys fall back to
// English, then to the key itself, so a half-translated language still works.
// A text may carry furigana in Aozora Bunko's notation, ｜窓口《まどぐち》 (the phone's やさしい日本語):
// putText shows it as <ruby>; plainText keeps the base alone, for places that take no markup
// (aria-label, placeholder, title).

import {rubyText} from '/static/common/dom.js';

const RTL = new Set(['ar', 'fa', 'he', 'ur']);

export function translator(table, lang, fallback = 'en') {
  const primary = table[lang] || {};
  const second = table[fallback] || {};
  return (key, vars = {}) => {
    const text = primary[key] ?? second[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
  };
}

/** Which language of the table a string actually came from (for its lang attribute). */
export function sourceLang(table, lang, key, fallback = 'en') {
  return table[lang] && key in table[lang] ? lang : fallback;
}

const RUBY_MARK = /｜([^｜《》]+)《([^《》]+)》/g;

/** Put `text` into `node` as text and <ruby>/<rt> elements (never as HTML), with the renderer the
 * relay's furigana use (dom.js rubyText): the marks become spans of the plain text. */
export function putText(node, text) {
  const spans = [];
  let plain = '';
  let at = 0;
  for (const match of text.matchAll(RUBY_MARK)) {
    plain += text.slice(at, match.index);
    spans.push({start: plain.length, end: plain.length + match[1].length, reading: match[2]});
    plain += match[1];
    at = match.index + match[0].length;
  }
  plain += text.slice(at);
  if (spans.length) node.replaceChildren(rubyText(plain, spans));
  else node.textContent = plain;
  return node;
}

/** The text without its furigana marks (the base text stays). */
export function plainText(text) {
  return text.replace(RUBY_MARK, '$1');
}

/** Set lang (fonts, screen-reader voice) and direction on an element. */
export function setLang(node, lang) {
  node.lang = lang;
  node.dir = RTL.has(lang) ? 'rtl' : 'ltr';
  return node;
}

/** Apply a table to every element with data-i18n="key" (text) under root. */
export function applyStrings(root, table, lang) {
  const t = translator(table, lang);
  for (const node of root.querySelectorAll('[data-i18n]')) {
    putText(node, t(node.dataset.i18n));
    setLang(node, sourceLang(table, lang, node.dataset.i18n));
  }
  for (const node of root.querySelectorAll('[data-i18n-label]')) {
    node.setAttribute('aria-label', plainText(t(node.dataset.i18nLabel)));
  }
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) {
    node.setAttribute('placeholder', plainText(t(node.dataset.i18nPlaceholder)));
  }
  return t;
}
