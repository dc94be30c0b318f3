// Language names for the console: each in its own script (as residents write it) and in Japanese.

const japanese = new Intl.DisplayNames(['ja'], {type: 'language'});
// The relay's own names (GET /api/languages): the browser's Intl data names some languages only in
// English (Chromium: "Burmese", "Nepali") or as in running text ("português"), not as a resident
// would read their language on a label.
const relayNames = new Map();

export function rememberNames(languages) {
  for (const {code, name} of languages) if (code && name && name !== code) relayNames.set(code, name);
}

export function nativeName(code) {
  if (code === 'auto') return '不明';
  if (relayNames.has(code)) return relayNames.get(code);
  let name = code;
  try { name = new Intl.DisplayNames([code], {type: 'language'}).of(code) || code; } catch { /* unknown code */ }
  return name.charAt(0).toLocaleUpperCase(code) + name.slice(1); // a label, not a word in a sentence
}

export function japaneseName(code) {
  if (code === 'auto') return '言語未判定';
  try { return japanese.of(code) || code; } catch { return code; }
}

/** "Tiếng Việt（ベトナム語）" — both, each with its own lang attribute, built by the caller. */
export function describe(code) {
  return {code, native: nativeName(code), japanese: japaneseName(code)};
}

export const REASONS = {
  button: 'ボタンで依頼', asked_in_words: '言葉で依頼', low_confidence: 'AIの確信度が低い',
  missing_mt: '翻訳モデルなし', engine_failed: 'エンジン障害', transferred: '引き継ぎ',
};
