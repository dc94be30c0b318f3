// Typed texts that are not stored yet (common/outbox.js), shown under the input boxes so the clerk
// knows what has not reached the record and that nothing needs typing again: each with who typed it,
// what is happening to it in plain Japanese, and 取り消す. Texts being sent (normally a few
// milliseconds) are not shown: only those that wait.

import {el} from '/static/common/dom.js';

const WHO = {clerk: '職員', resident: '住民'};
const WHY = {
  store: '未保存：システムの一時的な障害のため、まだ記録されていません。直りしだい自動で送ります。',
  offline: '未送信：接続が戻ったら自動で送ります。',
  rate: '未送信：入力が続いたため、少し待ってから自動で送ります。',
};

export function renderPending(section, items, onDiscard) {
  const waiting = items.filter((item) => item.state === 'waiting');
  section.hidden = waiting.length === 0;
  const list = section.querySelector('ul');
  list.replaceChildren(...waiting.map((item) => el('li', {class: `pending-item ${item.reason}`},
    el('span', {class: 'who', text: WHO[item.speaker] || item.speaker}),
    el('span', {class: 'text', text: item.text}),
    el('button', {type: 'button', class: 'discard', text: '取り消す',
      attrs: {'aria-label': `「${item.text}」の送信を取り消す`}, on: {click: () => onDiscard(item.client_id)}}),
    el('span', {class: 'why', text: WHY[item.reason] || WHY.offline}))));
}
