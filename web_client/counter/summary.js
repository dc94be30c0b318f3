// End of session: a summary (duration, utterances, languages, escalations) and the transcript
// downloads. The CSV gets a UTF-8 byte-order mark so that Excel in Japanese opens it as UTF-8.

import {api} from '/static/common/connection.js';
import {download, el} from '/static/common/dom.js';
import {japaneseName} from '/static/counter/notices.js';

function minutes(seconds) {
  const m = Math.floor(seconds / 60), s = Math.round(seconds % 60);
  return m ? `${m}分${s}秒` : `${s}秒`;
}

export async function loadSummary(token, sessionId, escalations) {
  const body = await api(`/api/sessions/${encodeURIComponent(sessionId)}/transcript?format=json`, {token});
  const session = body.session, rows = body.utterances;
  const end = session.closed_at || Date.now() / 1000;
  const langs = new Set(rows.map((r) => r.lang).filter(Boolean));
  for (const r of rows) for (const t of r.translations || []) langs.add(t.lang);
  const bySpeaker = (s) => rows.filter((r) => r.speaker === s).length;
  return [
    ['窓口', session.counter],
    ['時間', minutes(end - session.created_at)],
    ['発言数', `${rows.length}件（職員 ${bySpeaker('clerk')}・住民 ${bySpeaker('resident')}・通訳者 ${bySpeaker('operator')}）`],
    ['言語', [...langs].map(japaneseName).join('、') || '—'],
    ['通訳者の呼び出し', `${escalations}回`],
  ];
}

export function renderSummary(dl, items) {
  dl.replaceChildren(...items.flatMap(([term, value]) => [el('dt', {text: term}), el('dd', {text: value})]));
}

export async function downloadTranscript(token, sessionId, format) {
  const path = `/api/sessions/${encodeURIComponent(sessionId)}/transcript?format=${format}`;
  const text = await api(path, {token, accept: 'text'});
  const types = {txt: 'text/plain', csv: 'text/csv', json: 'application/json'};
  const bom = format === 'csv' && !text.startsWith('\ufeff') ? '\ufeff' : '';
  download(`madoguchi-${sessionId}.${format}`, new Blob([bom + text], {type: `${types[format]};charset=utf-8`}));
}
