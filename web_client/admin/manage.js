// 管理: staff tokens (create — the plaintext shown once — and revoke), the audit log (admin/audit.js),
// retention and purge.

import {api} from '/static/common/connection.js';
import {$, clear, el, setText} from '/static/common/dom.js';
import {relayErrorText} from '/static/common/relay-errors.js';
import {fillActionFilter, loadAudit} from './audit.js';
import {ROLES, when} from './format.js';

let report = () => {}; // the section's message in the banner (admin/notices.js), set up below

async function loadTokens(token) {
  const {tokens} = await api('/api/admin/tokens', {token});
  clear($('#token-rows')).append(...tokens.map((t) => el('tr', {dataset: {token: t.id}},
    el('td', {text: t.id}), el('td', {text: ROLES[t.role] || t.role}), el('td', {text: t.name}), el('td', {text: when(t.created_at)}),
    el('td', {text: t.revoked_at ? `無効（${when(t.revoked_at)}）` : '有効'}),
    el('td', {}, t.revoked_at ? null : el('button', {type: 'button', class: 'danger', text: '無効にする',
      attrs: {'aria-label': `${t.name} のトークンを無効にする`}, on: {click: () => revoke(token, t).then(() => report('')).catch((err) => report(relayErrorText(err, 'トークンを無効にできません')))}})))));
}

async function revoke(token, t) {
  if (!window.confirm(`「${t.name}」のトークンを無効にします。よろしいですか？`)) return;
  await api(`/api/admin/tokens/${t.id}`, {token, method: 'DELETE'});
  await Promise.all([loadTokens(token), loadAudit(token)]);
}

async function loadRetention(token) {
  const r = await api('/api/admin/retention', {token});
  const keep = r.retention_days > 0 ? `${r.retention_days}日` : '無期限';
  setText($('#retention-info'), `保存期間: ${keep}。保存されている受付: ${r.sessions}件（最も古いもの: ${when(r.oldest_session_at)}）。保存期間を過ぎたもの: ${r.due_for_purge}件（毎日自動で削除されます）。`);
  if (!$('#purge-days').value) $('#purge-days').value = String(r.retention_days || 90);
}

/** Tokens, audit log and retention, (re)loaded together. */
export function loadManagement(token) {
  return Promise.all([loadTokens(token), loadAudit(token), loadRetention(token)]);
}

export function setupManagement(token, onError) {
  report = onError;
  fillActionFilter();
  const guard = (promise) => promise.then(() => onError('')).catch((err) => onError(relayErrorText(err, '操作できません')));
  $('#token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    guard((async () => {
      const created = await api('/api/admin/tokens', {token, method: 'POST',
        body: {role: $('#token-role').value, name: $('#token-name').value.trim()}});
      setText($('#new-token-value'), created.token);
      $('#new-token').hidden = false;
      $('#token-name').value = '';
      await Promise.all([loadTokens(token), loadAudit(token)]);
    })());
  });
  $('#audit-form').addEventListener('submit', (event) => { event.preventDefault(); guard(loadAudit(token)); });
  $('#audit-action').addEventListener('change', () => guard(loadAudit(token)));
  $('#purge-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const days = Number($('#purge-days').value);
    if (!window.confirm(`${days}日より前の受付を、会話の記録ごと削除します。元に戻せません。よろしいですか？`)) return;
    guard((async () => {
      const result = await api('/api/admin/purge', {token, method: 'POST', body: {older_than_days: days}});
      setText($('#purge-result'), `${result.sessions_removed}件の受付を削除しました。`);
      await Promise.all([loadRetention(token), loadAudit(token)]);
    })());
  });
  loadManagement(token).then(() => onError(''))
    .catch((err) => onError(relayErrorText(err, '管理の情報を取得できません')));
}
