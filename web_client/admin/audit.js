// 監査ログ: newest first, each entry in words — who (the token's name: 「通訳者「ベトナム語 通訳 田中」」),
// what (「トークンを無効化」), on what (the counter, the term, the token's name) — with the raw record
// (actor id, action code, detail) kept in the row's 「記録」 for IT.

import {api} from '/static/common/connection.js';
import {$, clear, el} from '/static/common/dom.js';
import {MODES, ROLES, languageName, when} from './format.js';

export const ACTIONS = {
  'login': '接続', 'session.create': '受付を開始', 'session.close': '受付を終了', 'session.settings': '受付の設定を変更',
  'operator.notes': '通訳者のメモ', 'token.add': 'トークンを作成', 'token.revoke': 'トークンを無効化',
  'glossary.put': '用語を保存', 'glossary.delete': '用語を削除', 'purge': '古い受付を削除',
};

const quoted = (name) => `「${name}」`;

/** Who did it, in words: the role and the token's name (a resident by its counter; the CLI by name). */
export function actorText(entry) {
  if (entry.actor === 'cli') return 'コマンドライン（madoguchi）';
  const role = ROLES[entry.actor_role] || entry.actor_role;
  if (entry.actor_role === 'resident') return entry.actor_name ? `住民（窓口${quoted(entry.actor_name)}）` : '住民';
  return entry.actor_name ? `${role}${quoted(entry.actor_name)}` : `${role}（ID ${entry.actor.split(':')[1] || entry.actor}）`;
}

function counterOf(entry) {
  const counter = entry.names?.counter || entry.detail.counter;
  return counter ? `窓口${quoted(counter)}` : '';
}

function settingsText(d) {
  const parts = [];
  if (d.resident_lang) parts.push(`言語: ${languageName(d.resident_lang)}`);
  if (d.mode) parts.push(`方式: ${MODES[d.mode] || d.mode}`);
  if (d.tts !== undefined) parts.push(`読み上げ: ${d.tts ? 'オン' : 'オフ'}`);
  return parts.join('、');
}

const DETAILS = {
  'login': (e) => [`${ROLES[e.detail.role] || e.detail.role}として`, counterOf(e), e.detail.peer ? `接続元 ${e.detail.peer}` : ''],
  'session.create': (e) => [counterOf(e)],
  'session.close': (e) => [counterOf(e)],
  'session.settings': (e) => [counterOf(e), settingsText(e.detail)],
  'operator.notes': (e) => [counterOf(e), e.detail.notes],
  'token.add': (e) => [`${ROLES[e.detail.role] || e.detail.role}${quoted(e.detail.name)}`],
  'token.revoke': (e) => [e.names?.token ? quoted(e.names.token) : `ID ${e.detail.token_id}`],
  'glossary.put': (e) => [`用語${quoted(e.detail.term)}`],
  'glossary.delete': (e) => [`用語${quoted(e.detail.term)}`],
  'purge': (e) => [`${e.detail.older_than_days}日より前の受付 ${e.detail.sessions_removed}件`],
};

/** What it was about, in words; an action this page does not know is shown as recorded. */
export function detailText(entry) {
  const describe = DETAILS[entry.action];
  return describe ? describe(entry).filter(Boolean).join('　') : JSON.stringify(entry.detail);
}

function raw(entry) {
  return el('details', {class: 'raw'}, el('summary', {text: '記録'}),
    el('code', {text: `${entry.actor} ${entry.action} ${JSON.stringify(entry.detail)}`}));
}

export async function loadAudit(token) {
  const action = $('#audit-action').value;
  const {entries} = await api(`/api/admin/audit?limit=50${action ? `&action=${encodeURIComponent(action)}` : ''}`, {token});
  clear($('#audit-rows')).append(...entries.map((e) => el('tr', {},
    el('td', {text: when(e.at)}),
    el('td', {text: actorText(e), title: e.actor}),
    el('td', {text: ACTIONS[e.action] || e.action, title: e.action}),
    el('td', {}, el('span', {text: detailText(e)}), raw(e)))));
}

/** The filter: every action by its Japanese name (the code in brackets, as IT searches for it). */
export function fillActionFilter() {
  clear($('#audit-action')).append(el('option', {value: '', text: 'すべて'}),
    ...Object.entries(ACTIONS).map(([code, label]) => el('option', {value: code, text: `${label}（${code}）`})));
}
