// Typed texts that are not stored yet (common/outbox.js), shown under the input boxes so the clerk
// knows what has not reached the record and that nothing needs typing again: each with who typed it,
// what is happening to it in plain Japanese, and 取り消す. Texts being sent (normally a few
// milliseconds) are not shown: only those that wait. Speech that could not be stored is listed too,
// with its recognised text and 文字で送る, so nobody has to say it again.

import {el} from '/static/common/dom.js';

const WHO = {clerk: '職員', resident: '住民'};
const WHY = {
  store: '未保存：システムの一時的な障害のため、まだ記録されていません。直りしだい自動で送ります。',
  offline: '未送信：接続が戻ったら自動で送ります。',
  rate: '未送信：入力が続いたため、少し待ってから自動で送ります。',
};

const SPOKEN_WHY = '未記録：一時的な障害のため、話した内容を記録できませんでした。「文字で送る」を押すと、'
  + '認識した文を文字入力として送ります（直りしだい自動で送ります）。';

/**
 * `items`: the outbox's texts; `spoken`: speech the relay recognised but could not store
 * ({utterance_id, speaker, text}), each offered to be sent as typed text (`onSendSpoken`) or dropped.
 */
export function renderPending(section, items, onDiscard, spoken = [], {onSendSpoken, onDropSpoken} = {}) {
  const waiting = items.filter((item) => item.state === 'waiting');
  section.hidden = waiting.length + spoken.length === 0;
  const list = section.querySelector('ul');
  const discard = (label, click) => el('button', {type: 'button', class: 'discard', text: '取り消す',
    attrs: {'aria-label': label}, on: {click}});
  list.replaceChildren(
    ...spoken.map((item) => el('li', {class: 'pending-item spoken'},
      el('span', {class: 'who', text: `${WHO[item.speaker] || item.speaker}（音声）`}),
      el('span', {class: 'text', text: item.text}),
      el('button', {type: 'button', class: 'send-spoken', text: '文字で送る',
        attrs: {'aria-label': `「${item.text}」を文字で送る`}, on: {click: () => onSendSpoken(item.utterance_id)}}),
      discard(`「${item.text}」を送らずに消す`, () => onDropSpoken(item.utterance_id)),
      el('span', {class: 'why', text: SPOKEN_WHY}))),
    ...waiting.map((item) => el('li', {class: `pending-item ${item.reason}`},
      el('span', {class: 'who', text: WHO[item.speaker] || item.speaker}),
      el('span', {class: 'text', text: item.text}),
      discard(`「${item.text}」の送信を取り消す`, () => onDiscard(item.client_id)),
      el('span', {class: 'why', text: WHY[item.reason] || WHY.offline}))));
}
