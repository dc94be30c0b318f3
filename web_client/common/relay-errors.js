// Staff pages' words (Japanese) for a call to the relay that failed. A browser says only
// "TypeError: Failed to fetch" when the relay cannot be reached at all; a reverse proxy in front of
// a stopped relay answers 502–504. Both mean the same to the person at the screen: the relay is not
// reachable, the page keeps trying, nothing they typed is wrong.

export const RELAY_UNREACHABLE = '中継サーバーに接続できません（サーバーが止まっているか、ネットワークが切れています）。'
  + 'このページは自動で再試行し、つながると元に戻ります。長く続くときは情報システム担当に連絡してください。';

/** True when the relay itself could not be reached (not a refusal by the relay). */
export function isUnreachable(err) {
  if (!err) return false;
  if (err.code === 'network' || err.status === 0) return true;
  // a proxy's own 502–504 page (not JSON): the relay's own errors carry a code of their own
  return [502, 503, 504].includes(err.status) && String(err.code || '').startsWith('http_');
}

/** One sentence for a failed API call: `doing` says what failed (「現在の状況を取得できません」). */
export function relayErrorText(err, doing) {
  if (isUnreachable(err)) return `${doing}。${RELAY_UNREACHABLE}`;
  const detail = err && err.message ? err.message : String(err);
  return `${doing}（${detail}）。`;
}
