// The resident's language chosen by touch on the resident's panel (a resident without a smartphone
// cannot use the phone's choice): every offered language named in its own script, Japanese as
// やさしい日本語. While the language is 自動 the panel shows nothing but this choice (a neutral form: no
// guess at a language the resident may not read); once known, 🌐 and the language's own name reopen it.

import {el} from '/static/common/dom.js';

export const EASY_JAPANESE_NAME = 'やさしい日本語';

/** The name the resident knows their language by. */
export function nativeName(languages, code) {
  if (code === 'ja') return EASY_JAPANESE_NAME;
  return (languages || []).find((l) => l.code === code)?.name || code;
}

/** The offered languages as the panel lists them: Japanese (as やさしい日本語) last. */
export function panelLanguages(all) {
  return [...all.filter((l) => l.code !== 'ja'), ...all.filter((l) => l.code === 'ja')]
    .map((l) => ({code: l.code, name: nativeName(all, l.code)}));
}

/** やさしい日本語 breaks between its two words, never inside 日本語 (the button has word-break: keep-all). */
function breakable(name) {
  return name === EASY_JAPANESE_NAME ? ['やさしい', el('wbr'), '日本語'] : [name];
}

/** The grid of languages; `current` marked as chosen. */
export function languageGrid(languages, current, onChoose) {
  const buttons = (languages || []).map((l) => el('button', {type: 'button', class: 'panel-choice', lang: l.code,
    attrs: {'aria-pressed': String(l.code === current)}, on: {click: () => onChoose(l.code)}}, ...breakable(l.name)));
  // the heading in no one language: a globe, and "language" in the two a counter always shares
  return el('div', {class: 'panel-languages', attrs: {role: 'group', 'aria-label': '言語 · Language'}},
    el('p', {class: 'panel-languages-title', attrs: {'aria-hidden': 'true'}}, '🌐 ', el('span', {lang: 'ja', text: '言語'}),
      ' · ', el('span', {lang: 'en', text: 'Language'})),
    el('div', {class: 'panel-choices'}, ...buttons));
}

/** 🌐 and the current language's own name: opens (or closes) the grid. */
export function languageToggle(languages, current, open, onToggle) {
  return el('button', {type: 'button', class: 'panel-lang', attrs: {'aria-expanded': String(open)},
    on: {click: onToggle}}, el('span', {text: '🌐 '}),
  current === 'auto' ? el('span', {lang: 'ja', text: '言語 · Language'}) : el('span', {lang: current, text: nativeName(languages, current)}));
}
