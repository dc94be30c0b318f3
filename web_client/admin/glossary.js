// 用語集: the municipal glossary through its API (GET/PUT/DELETE /api/glossary): every term with its
// reading, its やさしい日本語 explanation and a translation for every offered language.

import {api} from '/static/common/connection.js';
import {$, clear, el, setText} from '/static/common/dom.js';
import {relayErrorText} from '/static/common/relay-errors.js';
import {languageName} from './format.js';

let languages = [];
let entries = [];

function renderForm(entry = null) {
  $('#term-ja').value = entry ? entry.ja : '';
  $('#term-reading').value = entry ? entry.reading : '';
  $('#term-easy').value = entry ? entry.easy : '';
  clear($('#term-translations')).append(...languages.map((code) => el('label', {},
    el('span', {text: languageName(code)}),
    el('input', {lang: code, value: entry ? entry.translations[code] || '' : '', dataset: {lang: code}, required: true}))));
}

function renderRows(token, onError) {
  const filter = $('#term-filter').value.trim();
  const shown = entries.filter((e) => !filter || e.ja.includes(filter) || e.reading.includes(filter));
  clear($('#term-rows')).append(...shown.map((e) => el('tr', {dataset: {term: e.ja}},
    el('td', {text: e.ja}), el('td', {text: e.reading}), el('td', {text: e.easy}),
    el('td', {class: 'small', text: Object.entries(e.translations).map(([k, v]) => `${k}: ${v}`).join(' / ')}),
    el('td', {}, el('button', {type: 'button', text: '編集', attrs: {'aria-label': `${e.ja} を編集`}, on: {click: () => {
      renderForm(e);
      $('#term-ja').focus();
    }}}), el('button', {type: 'button', class: 'danger', text: '削除', attrs: {'aria-label': `${e.ja} を削除`}, on: {click: () => {
      if (!window.confirm(`用語「${e.ja}」を削除します。よろしいですか？`)) return;
      api(`/api/glossary/${encodeURIComponent(e.ja)}`, {token, method: 'DELETE'})
        .then(() => load(token, onError)).catch((err) => onError(relayErrorText(err, '用語を削除できません')));
    }}})))));
}

async function load(token, onError) {
  entries = (await api('/api/glossary', {token})).entries.sort((a, b) => a.reading.localeCompare(b.reading, 'ja'));
  renderRows(token, onError);
}

/** The offered languages (the form's fields) and the terms; again after the relay was unreachable. */
export async function loadGlossary(token, onError = () => {}) {
  if (!languages.length) {
    languages = (await api('/api/languages', {token})).languages.map((l) => l.code).filter((c) => c !== 'ja');
    renderForm();
  }
  await load(token, onError);
}

export function setupGlossary(token, onError) {
  $('#term-filter').addEventListener('input', () => renderRows(token, onError));
  $('#term-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const term = $('#term-ja').value.trim();
    const translations = {};
    for (const input of document.querySelectorAll('#term-translations input')) translations[input.dataset.lang] = input.value.trim();
    try {
      await api(`/api/glossary/${encodeURIComponent(term)}`, {token, method: 'PUT',
        body: {reading: $('#term-reading').value.trim(), easy: $('#term-easy').value.trim(), translations}});
      setText($('#term-result'), `「${term}」を保存しました。次の発話から使われます。`);
      renderForm();
      await load(token, onError);
    } catch (err) {
      setText($('#term-result'), err.code === 'glossary_read_only'
        ? '組み込みの用語集は変更できません。設定 [mt] glossary_path にコピーを指定してください。' : `保存できません: ${err.message}`);
    }
  });
  loadGlossary(token, onError).then(() => onError(''))
    .catch((err) => onError(relayErrorText(err, '用語集を読み込めません')));
}
