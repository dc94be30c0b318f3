// Figures for people: languages by name, times, shares, durations.

const japanese = new Intl.DisplayNames(['ja'], {type: 'language'});

export function languageName(code) {
  if (code === 'auto') return '未判定';
  try { return japanese.of(code) || code; } catch { return code; }
}

export const percent = (x) => (x === null || x === undefined ? '—' : `${Math.round(x * 1000) / 10}%`);
export const seconds = (x) => (x === null || x === undefined ? '—' : x < 90 ? `${Math.round(x)}秒` : `${Math.round(x / 60)}分`);
export const when = (t) => (t ? new Date(t * 1000).toLocaleString('ja-JP') : '—');
export const STATES = {available: '受付可', offered: '提示中', busy: '対応中', wrap_up: '後処理中', away: '離席', offline: 'オフライン',
  waiting: '待ち', connected: '対応中'};
export const REASONS = {button: 'ボタン', asked_in_words: '言葉で依頼', low_confidence: '確信度が低い', missing_mt: '翻訳モデルなし',
  engine_failed: 'エンジン障害'};
export const ROLES = {clerk: '職員', operator: '通訳者', admin: '管理者', counter: '窓口', resident: '住民'};
// How a call for an interpreter ended: abandoned = the caller gave up waiting (closed the conversation);
// cancelled = withdrawn with 「呼び出しを取り消す」; dropped = ended by the relay because the counter's
// tablet had gone (closed without 受付終了): nobody was waiting. The last two are not in the rates.
export const OUTCOMES = {answered: '応答', abandoned: '放棄（待ちきれず）', cancelled: '取り消し', unavailable: '通訳者なし',
  dropped: '自動終了（タブレットなし）'};
export const MODES = {translation: '翻訳', easy_japanese: 'やさしい日本語'};
