// The relay's `error` messages, said to the interpreter in Japanese: what happened and what to do. The
// relay's own code is not for the interpreter: it goes to the banner's tooltip and the browser's console,
// for IT (docs/protocol.md lists every code); a code this table does not know is shown with the relay's
// (English) message.

const WORDS = {
  unknown_session: 'その依頼はもう待ち行列にありません（ほかの通訳者が受けたか、窓口が取り消しました）。',
  invalid_transition: 'その操作は今の状態ではできません（依頼がほかの通訳者に提示中か、状態が変わりました）。',
  unknown_operator: '受付の状態がまだ設定されていません。対応言語を選び、「受付可」を選んでください。',
  invalid_state: '今はその操作はできません（対応中の窓口がないか、先に「AIに戻す」が必要です）。',
  queue_unavailable: '待ち行列（共有サーバー）に一時的に接続できません。操作は反映されていません。少し待ってからもう一度行ってください。',
  queue_full: '待ち行列がいっぱいです。',
  store_unavailable: 'システムの一時的な障害で記録できませんでした。少し待ってからもう一度送ってください。',
  rate_limited: '短い時間に送りすぎました。少し待ってからもう一度送ってください。',
  session_closed: 'この受付はすでに終了しています。',
  empty_text: '空の返答は送れません。',
  forbidden: 'このトークンではその操作はできません。',
};

/** The queue's refusals of an `accept`: the session was not taken, nothing changed. */
export const TAKE_REFUSED = new Set(['unknown_session', 'invalid_transition', 'unknown_operator', 'queue_unavailable',
  'queue_full']);

/** What the interpreter reads of a relay error (no code). */
export function relayErrorWords(message) {
  return WORDS[message.code] || `エラー: ${message.message}`;
}

/** What IT reads of it: the code and the relay's own message. */
export const relayErrorDetail = (message) => `${message.code}: ${message.message || ''}`;

// why the relay closed the console's connection for good (docs/protocol.md, close codes)
const CLOSES = {
  4401: 'トークンが正しくないか、無効にされました。管理者に確認して、サインインし直してください。',
  4403: 'このトークンでは通訳者コンソールを使えません（通訳者のトークンではありません）。',
};

/** The sign-in screen's words after the relay ended the connection for good. */
export function fatalWords({code, error}) {
  if (CLOSES[code]) return `${CLOSES[code]}（${code}）`;
  if (error) return `${relayErrorWords(error)}（${error.code}）`; // the sign-in screen: what IT is asked about
  return `中継サーバーが接続を終了しました。サインインし直してください。（${code}）`;
}
