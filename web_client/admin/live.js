// 現在の状況: open counters and who is connected, operators (by name) and their states, the queue (by
// counter), and the engines as /healthz reports them. Refreshed every few seconds.

import {api} from '/static/common/connection.js';
import {$, clear, el} from '/static/common/dom.js';
import {relayErrorText} from '/static/common/relay-errors.js';
import {engineDetail, engineName} from './engine-words.js';
import {REASONS, ROLES, STATES, languageName, percent, seconds} from './format.js';

const REFRESH_MS = 5000;
const RETRY_MS = 2000; // while the relay does not answer: back as soon as it does

function kpi(label, value) {
  return el('div', {class: 'kpi'}, el('span', {class: 'n', text: value}), el('span', {class: 'k', text: label}));
}

function rows(tbody, items, cells, empty) {
  const columns = tbody.closest('table').querySelectorAll('thead th').length;
  clear(tbody).append(...(items.length ? items.map((item) => el('tr', {}, cells(item).map((c) => el('td', {}, c))))
    : [el('tr', {}, el('td', {attrs: {colspan: String(columns)}, class: 'muted', text: empty}))]));
}

/** A person by name, with the token id small beside it for IT (the id alone where no name is known). */
function named(name, id) {
  if (!name) return id;
  return el('span', {}, name, el('span', {class: 'token-id', text: id, attrs: {'aria-label': `ID ${id}`}}));
}

/** A queued call's state; one that nobody signed in and not away covers is flagged: it waits for nobody. */
function queueState(e) {
  const state = STATES[e.state] || e.state;
  if (e.operator_name) return `${state}（${e.operator_name}）`;
  if (e.covered === false) return el('span', {class: 'uncovered', text: `${state}（対応できる通訳者なし）`});
  return state;
}

export async function refreshLive(token) {
  const [live, health] = await Promise.all([api('/api/admin/live', {token}), api('/healthz')]);
  const connections = Object.values(live.connections).reduce((a, b) => a + b, 0);
  const service = live.service || {};
  clear($('#kpis-live')).append(
    kpi('開いている窓口', String(live.counters.length)), kpi('接続', String(connections)),
    kpi('待っている窓口', String(live.queue.filter((e) => e.state !== 'connected').length)),
    kpi('受付可の通訳者', String(live.operators.filter((o) => o.state === 'available').length)),
    kpi('応答率（目標時間内）', percent(service.service_level)), kpi('平均応答時間', seconds(service.average_speed_of_answer_s)),
    kpi('放棄率（待ちきれず）', percent(service.abandonment_rate)), kpi('取り消し', `${service.cancelled ?? 0}件`),
    kpi('自動終了（タブレットなし）', `${service.dropped ?? 0}件`),
  );
  rows($('#counters'), live.counters, (c) => [c.counter, languageName(c.resident_lang),
    c.connected.map((r) => ROLES[r] || r).join('・') || '—', c.operator ? named(c.operator_name, c.operator) : '—'],
  '開いている窓口はありません');
  rows($('#operators'), live.operators, (o) => [named(o.name, o.operator_id), o.languages.map(languageName).join('・'),
    STATES[o.state] || o.state], 'サインインしている通訳者はいません');
  rows($('#queue'), live.queue, (e) => [String(e.position ?? '—'), e.counter || '—', languageName(e.lang),
    REASONS[e.reason] || e.reason, queueState(e)], '待っている窓口はありません');
  // the detail in Japanese; the relay's own words (as in its log) in the tooltip
  rows($('#engines'), Object.entries(health.engines), ([name, e]) => [engineName(name), e.state === 'ready' ? '準備完了' : '未インストール',
    el('span', {text: engineDetail(e.detail), attrs: {title: e.detail || ''}})], '—');
  $('#live-updated').textContent = `（${new Date().toLocaleTimeString('ja-JP')} 更新）`;
}

/** Polls every few seconds, sooner while it fails. A failed poll is reported (onError); the next
 * good one clears it and, after a failure, calls onRecover so that the other sections load again too.
 * Returns stop(). */
export function startLive(token, onError, onRecover = () => {}) {
  let failing = false;
  let timer = null;
  const tick = () => refreshLive(token).then(() => {
    onError('');
    if (failing) onRecover();
    failing = false;
  }).catch((err) => {
    failing = true;
    onError(relayErrorText(err, '現在の状況を取得できません'));
  }).finally(() => { timer = setTimeout(tick, failing ? RETRY_MS : REFRESH_MS); });
  tick();
  return () => clearTimeout(timer);
}
