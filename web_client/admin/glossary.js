// 用語集: the municipal glossary through its API (GET/PUT/DELETE /api/glossary): every term with its
// reading, its やさしい日本語 explanation and its translations. A city fills in the languages it knows:
// the others may stay empty (MT then translates the term there like any word), but at least one is
// needed, or the term would never be used in translation. Both are said in plain words on the page.

import {api} from '/static/common/connection.js';
import {$, clear, el, setText} from '/static/common/dom.js';
import {relayErrorText} from '/static/common/relay-errors.js';
import {languageName} from './format.js';

const READING = /^[\u3041-\u309f\u30fc\s・]+$/; // as pipelines/glossary.py checks it: hiragana, ー, spaces
const NEED_ONE = '訳を少なくとも1つの言語で入力してください。日本語だけの用語は翻訳に使われません（分からない言語は空のままで構いません）。';

let languages = [];
let entries = [];

function renderForm(entry = null) {
  $('#term-ja').value = entry ? entry.ja : '';
  $('#term-reading').value = entry ? entry.reading : '';
  $('#term-easy').value = entry ? entry.easy : '';
  clear($('#term-translations')).append(...languages.map((code) => el('label', {},
    el('span', {text: languageName(code)}),
    el('input', {lang: code, value: entry ? entry.translations[code] || '' : '', dataset: {lang: code}}))));
}

function translationsText(translations) {
  return Object.entries(translations).map(([code, text]) => `${languageName(code)}: ${text}`).join(' / ');
}

function renderRows(token, onError) {
  const filter = $('#term-filter').value.trim();
  const shown = entries.filter((e) => !filter || e.ja.includes(filter) || e.reading.includes(filter));
  clear($('#term-rows')).append(...shown.map((e) => el('tr', {dataset: {term: e.ja}},
    el('td', {text: e.ja}), el('td', {text: e.reading}), el('td', {text: e.easy}),
    el('td', {class: 'small', text: translationsText(e.translations)}),
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

/** What is wrong with the form, in words, before anything is sent (the relay checks the same). */
function formProblem(translations) {
  if (!READING.test($('#term-reading').value.trim())) return '読みはひらがなで入力してください（例：そだいごみ）。';
  if (!Object.values(translations).some(Boolean)) return NEED_ONE;
  return '';
}

function savedText(term, untranslated) {
  const saved = `「${term}」を保存しました。次の発話から使われます。`;
  if (!untranslated || !untranslated.length) return saved;
  return `${saved}訳のない言語（${untranslated.map(languageName).join('、')}）では、この用語は機械翻訳がそのまま訳します。`;
}

async function save(token, onError) {
  const term = $('#term-ja').value.trim();
  const translations = {};
  for (const input of document.querySelectorAll('#term-translations input')) translations[input.dataset.lang] = input.value.trim();
  const problem = formProblem(translations);
  if (problem) { setText($('#term-result'), problem); return; }
  try {
    const saved = await api(`/api/glossary/${encodeURIComponent(term)}`, {token, method: 'PUT',
      body: {reading: $('#term-reading').value.trim(), easy: $('#term-easy').value.trim(), translations}});
    setText($('#term-result'), savedText(term, saved.untranslated));
    renderForm();
    await load(token, onError);
  } catch (err) {
    setText($('#term-result'), err.code === 'glossary_read_only'
      ? '組み込みの用語集は変更できません。設定 [mt] glossary_path にコピーを指定してください。' : relayErrorText(err, '保存できません'));
  }
}

export function setupGlossary(token, onError) {
  $('#term-filter').addEventListener('input', () => renderRows(token, onError));
  $('#term-form').addEventListener('submit', (event) => { event.preventDefault(); save(token, onError); });
  loadGlossary(token, onError).then(() => onError(''))
    .catch((err) => onError(relayErrorText(err, '用語集を読み込めません')));
}
