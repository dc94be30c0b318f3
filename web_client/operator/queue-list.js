// The waiting list, one item per queued request in two lines that fit the side column of a laptop
// screen (1280×800, 1366×768): the position, the language in its own script and in Japanese, and 取る;
// then why, how long it has waited, and which counter. Nothing inside a name or a figure breaks: the
// counter's name, last, is the part shortened with an ellipsis when the line is full (its whole name
// stays in the text for screen readers and in the item's tooltip).

import {clear, el, setText} from '/static/common/dom.js';
import {REASONS, describe} from './languages.js';

export function languageLabel(code) {
  const {native, japanese} = describe(code);
  return el('span', {class: 'lang'}, el('span', {class: 'lang-native', lang: code === 'auto' ? 'ja' : code, text: native}),
    el('span', {class: 'lang-ja', lang: 'ja', text: japanese}));
}

export function waited(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s}秒` : `${Math.floor(s / 60)}分${s % 60}秒`;
}

function action(entry, {allowPick, onTake}) {
  if (entry.state === 'waiting' && allowPick) {
    return el('button', {type: 'button', class: 'q-take', text: '取る',
      attrs: {'aria-label': `${describe(entry.lang).japanese}の窓口を取る`}, on: {click: () => onTake(entry.session_id)}});
  }
  return el('span', {class: 'q-take muted', text: entry.state === 'waiting' ? '待ち' : '提示中'});
}

/** Fills `list` (an <ol>) with `entries`; counterName(sessionId) → the counter's name, or '' until known. */
export function renderQueueList(list, entries, {allowPick, onTake, counterName}) {
  clear(list).append(...entries.map((entry) => {
    const counter = counterName(entry.session_id);
    return el('li', {class: 'queued', dataset: {session: entry.session_id}, title: counter || ''},
      el('span', {class: 'q-pos', text: String(entry.position ?? ''), attrs: {'aria-label': `${entry.position}番目`}}),
      el('span', {class: 'q-lang'}, languageLabel(entry.lang)),
      action(entry, {allowPick, onTake}),
      el('span', {class: 'q-info', lang: 'ja'},
        el('span', {class: 'q-reason', text: REASONS[entry.reason] || entry.reason}),
        el('span', {class: 'q-wait'}, '待ち ', el('span', {class: 'waited', dataset: {since: String(entry.waiting_since)}})),
        el('span', {class: 'q-counter', text: counter})));
  }));
  renderWaits(list);
}

export function renderWaits(list) {
  for (const cell of list.querySelectorAll('.waited')) setText(cell, waited(Date.now() / 1000 - Number(cell.dataset.since)));
}

/** A counter's name arrived: shown in its item (if still listed). */
export function showCounterName(list, sessionId, name) {
  for (const item of list.querySelectorAll('li.queued')) {
    if (item.dataset.session !== sessionId) continue;
    setText(item.querySelector('.q-counter'), name);
    item.title = name;
  }
}
