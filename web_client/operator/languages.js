// Language names for the console: each in its own script (as residents write it) and in Japanese.

const japanese = new Intl.DisplayNames(['ja'], {type: 'language'});

export function nativeName(code) {
  if (code === 'auto') return '不明';
  try { return new Intl.DisplayNames([code], {type: 'language'}).of(code) || code; } catch { return code; }
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
