// 履歴: sessions by day and language, by language, escalation reasons, how the calls ended (answered,
// abandoned, cancelled, no interpreter), confidence by language, and the service figures, over a date
// range (GET /api/admin/history).

import {api} from '/static/common/connection.js';
import {$, clear, el} from '/static/common/dom.js';
import {relayErrorText} from '/static/common/relay-errors.js';
import {barChart, stackedColumns} from './charts.js';
import {OUTCOMES, REASONS, languageName, percent, seconds} from './format.js';

const DAY_MS = 86400000;

function isoDay(date) {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

function kpi(label, value) {
  return el('div', {class: 'kpi'}, el('span', {class: 'n', text: value}), el('span', {class: 'k', text: label}));
}

export async function showHistory(token) {
  const from = new Date(`${$('#from').value}T00:00:00`).getTime() / 1000;
  const to = new Date(`${$('#to').value}T00:00:00`).getTime() / 1000 + 86400;
  const h = await api(`/api/admin/history?from=${from}&to=${to}`, {token});
  clear($('#kpis-history')).append(
    // a call the relay made by itself (a language it cannot translate) is not one a person asked for
    kpi('受付数', String(h.sessions)), kpi('通訳者を依頼した割合（職員・住民が依頼）', percent(h.asked_rate)),
    kpi('自動で通訳者を呼んだ割合（翻訳できない言語など）', percent(h.automatic_rate)),
    kpi('目標時間内の応答', percent(h.service_level)), kpi('平均応答時間', seconds(h.average_speed_of_answer_s)),
    kpi('放棄率（待ちきれず）', percent(h.abandonment_rate)), kpi('取り消し（呼び出しを取り消した）', `${h.cancelled}件`),
    kpi('自動終了（タブレットが閉じられた）', `${h.dropped ?? 0}件`),
    kpi('平均受付時間', seconds(h.mean_session_s)),
  );
  const languages = Object.keys(h.sessions_by_language).sort((a, b) => h.sessions_by_language[b] - h.sessions_by_language[a]);
  clear($('#charts')).append(
    stackedColumns('日別の受付数（言語別）', h.days.map((d) => ({day: d.day, parts: d.by_language})), languages, languageName),
    barChart('言語別の受付数', languages.map((code) => ({label: languageName(code), value: h.sessions_by_language[code]})),
      {format: (v) => `${v}件`}),
    barChart('通訳者を呼んだ理由', Object.entries(h.escalations_by_reason).map(([r, n]) => ({label: REASONS[r] || r, value: n})),
      {format: (v) => `${v}件`}),
    barChart('通訳者を呼んだ結果', Object.entries(OUTCOMES).map(([key, label]) => ({label, value: h[key] || 0})),
      {format: (v) => `${v}件`}),
    barChart('言語別の認識の確信度', Object.entries(h.confidence_by_language).map(([code, c]) => ({label: languageName(code), value: c.mean})),
      {format: (v) => v.toFixed(2), max: 1}),
  );
}

export function setupHistory(token, onError) {
  const today = new Date();
  $('#to').value = isoDay(today);
  $('#from').value = isoDay(new Date(today.getTime() - 13 * DAY_MS));
  const run = () => showHistory(token).then(() => onError(''))
    .catch((err) => onError(relayErrorText(err, '履歴を取得できません')));
  $('#range-form').addEventListener('submit', (event) => { event.preventDefault(); run(); });
  run();
}
