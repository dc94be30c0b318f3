// The counter tablet: sign in once per device, start a session, talk, end with a summary.
// The clerk token is kept in this device's localStorage; IT can provision a kiosk tablet by opening
// /counter#token=… once (the fragment never reaches the server and is removed from the address bar).

import {ApiError, api} from '/static/common/connection.js';
import {$, $$} from '/static/common/dom.js';
import {japaneseName} from '/static/counter/notices.js';
import {renderLanguageButtons} from '/static/counter/setup.js';
import {downloadTranscript, loadSummary, renderSummary} from '/static/counter/summary.js';
import {Talk} from '/static/counter/talk.js';

const KEYS = {token: 'madoguchi.clerkToken', counter: 'madoguchi.counterName', session: 'madoguchi.counterSession'};
const state = {token: localStorage.getItem(KEYS.token), lang: 'auto', mode: 'translation', talk: null, ended: null};

function show(name) {
  for (const view of $$('.view')) view.hidden = view.id !== `view-${name}`;
  document.body.dataset.view = name;
  const heading = $(`#view-${name} h2`);
  if (heading) { heading.tabIndex = -1; heading.focus({preventScroll: true}); }
}

function provisionFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (token) {
    localStorage.setItem(KEYS.token, token);
    state.token = token;
  }
  if (location.hash) history.replaceState(null, '', location.pathname);
}

function signIn(message = '') {
  $('#signin-error').textContent = message;
  show('signin');
}

async function startView() {
  $('#counter-name').value = localStorage.getItem(KEYS.counter) || '';
  let languages;
  try {
    languages = (await api('/api/languages', {token: state.token})).languages;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      localStorage.removeItem(KEYS.token);
      signIn('このトークンは使えません（誤りか、取り消されています）。情報システム担当に確認してください。');
      return;
    }
    $('#start-error').textContent = 'リレーに接続できません。ネットワークを確認して、ページを再読み込みしてください。';
    show('start');
    return;
  }
  state.lang = 'auto';
  setMode('translation');
  renderLanguageButtons($('#language-buttons'), languages, (code) => {
    state.lang = code;
    steerMode(languages.find((lang) => lang.code === code));
  });
  show('start');
}

async function startSession() {
  const counter = $('#counter-name').value.trim();
  if (!counter) {
    $('#counter-name-error').textContent = '窓口名を入力してください。';
    $('#counter-name').setAttribute('aria-invalid', 'true');
    $('#counter-name').focus();
    return;
  }
  localStorage.setItem(KEYS.counter, counter);
  $('#start-error').textContent = '';
  try {
    const created = await api('/api/sessions', {token: state.token, method: 'POST',
      body: {counter, resident_lang: state.lang, mode: state.mode}});
    const session = {session_id: created.session_id, resident_url: created.resident_url, counter,
      resident_url_local: Boolean(created.resident_url_local),
      resident_lang: state.lang, mode: state.mode};
    localStorage.setItem(KEYS.session, JSON.stringify(session));
    enterTalk(session);
  } catch (err) {
    $('#start-error').textContent = startErrorText(err);
  }
}

function setMode(mode, note = '') {
  state.mode = mode;
  for (const b of $$('.mode')) b.setAttribute('aria-pressed', String(b.dataset.mode === mode));
  $('#mode-note').textContent = note;
}

/** A language whose clerk's words the relay cannot machine-translate (no model, or only the resident's way)
 * starts in やさしい日本語, said plainly: in 翻訳 every sentence but a fixed phrase failed in red (a first-time
 * clerk's walk-through). The clerk may still press 翻訳; a language that translates goes back to it. */
function steerMode(lang) {
  if (lang && !lang.mt_from_ja) {
    setMode('easy_japanese', `${japaneseName(lang.code)}は機械翻訳が入っていないため、やさしい日本語で話します。定型文は${japaneseName(lang.code)}で伝わります。`);
  } else if ($('#mode-note').textContent) {
    setMode('translation');
  }
}

function startErrorText(err) {
  if (err.status === 429) return '同時に開ける受付の数を超えています。終わった受付を閉じてください。';
  if (err.status === 403) return 'この端末に登録されたトークンでは受付を始められません（職員用のトークンではありません）。情報システム担当に確認してください。';
  if (err.status === 503) return 'システムの一時的な障害で受付を始められません。少し待ってからもう一度押してください。';
  return `受付を開始できませんでした（${err.code || err.message}）。もう一度押すか、情報システム担当に連絡してください。`;
}

function banner(text) {
  $('#banner').textContent = text;
  $('#banner').hidden = !text;
}

function enterTalk(session) {
  $('#counter-label').textContent = session.counter || '';
  const talk = new Talk({token: state.token, session});
  state.talk = talk;
  talk.player.unlock();
  talk.addEventListener('closed', (e) => endView(talk, e.detail.reason));
  talk.addEventListener('fatal', (e) => {
    const {code} = e.detail;
    if (code === 4401) { leaveTalk(); signIn('トークンが取り消されたか、期限切れです。情報システム担当に確認してください。'); }
    else if (code === 4410 || code === 4404) endView(talk);
    else if (code !== 1000) banner(`リレーに接続できません（${code}）。ページを再読み込みしてください。直らなければ情報システム担当に連絡してください。`);
  });
  show('talk');
}

function leaveTalk() {
  if (state.talk) state.talk.dispose();
  state.talk = null;
  localStorage.removeItem(KEYS.session);
}

async function endView(talk, reason = '') {
  if (state.ended === talk.session.session_id) return;
  state.ended = talk.session.session_id;
  const escalations = talk.escalations;
  leaveTalk();
  banner('');
  $('#link-state').textContent = '';
  const note = endedBy(reason);
  $('#summary-note').textContent = note;
  $('#summary-note').hidden = !note;
  show('summary');
  try {
    renderSummary($('#summary'), await loadSummary(state.token, state.ended, escalations));
  } catch {
    renderSummary($('#summary'), [['記録', '読み込めませんでした']]);
  }
}

/** Why the session ended, when the clerk did not end it (session.closed's reason). */
function endedBy(reason) {
  if (reason === 'closed by the interpreter') return '通訳者が受付を終了しました。';
  if (reason === 'expired') return '長い間やりとりがなかったため、受付は自動で終了しました。';
  if (reason === 'closed by admin') return '管理者が受付を終了しました。';
  return '';
}

async function resume() {
  const saved = JSON.parse(localStorage.getItem(KEYS.session) || 'null');
  if (!saved) return false;
  try {
    const session = await api(`/api/sessions/${encodeURIComponent(saved.session_id)}`, {token: state.token});
    if (session.status !== 'open') throw new Error('closed');
    enterTalk({...saved, ...session, resident_url: saved.resident_url});
    return true;
  } catch {
    localStorage.removeItem(KEYS.session);
    return false;
  }
}

function wire() {
  $('#signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('#token-input').value.trim();
    if (!token) return;
    localStorage.setItem(KEYS.token, token);
    state.token = token;
    $('#token-input').value = '';
    startView();
  });
  $('#signout-button').addEventListener('click', () => $('#signout-dialog').showModal());
  $('#signout-cancel').addEventListener('click', () => $('#signout-dialog').close());
  $('#signout-confirm').addEventListener('click', () => {
    $('#signout-dialog').close();
    localStorage.removeItem(KEYS.token);
    state.token = null;
    signIn();
  });
  for (const button of $$('.mode')) button.addEventListener('click', () => setMode(button.dataset.mode));
  $('#start-button').addEventListener('click', startSession);
  $('#counter-name').addEventListener('input', () => { // remembered as typed: a reload does not lose it
    localStorage.setItem(KEYS.counter, $('#counter-name').value.trim());
    $('#counter-name-error').textContent = '';
    $('#counter-name').removeAttribute('aria-invalid');
  });
  $('#end-button').addEventListener('click', () => $('#end-dialog').showModal());
  $('#end-confirm').addEventListener('click', async () => {
    $('#end-dialog').close();
    const talk = state.talk;
    if (!talk) return;
    try { await talk.close(); } catch (err) { if (err.status !== 409) { banner('終了できませんでした。もう一度押してください。'); return; } }
    endView(talk);
  });
  $('#end-cancel').addEventListener('click', () => $('#end-dialog').close());
  for (const button of $$('.download')) {
    button.addEventListener('click', () => downloadTranscript(state.token, state.ended, button.dataset.format)
      .catch(() => banner('記録をダウンロードできませんでした。')));
  }
  $('#next-button').addEventListener('click', () => { state.ended = null; startView(); });
}

async function main() {
  wire();
  provisionFromFragment();
  if (!state.token) { signIn(); return; }
  if (!(await resume())) await startView();
}

// a handle for the browser tests and for IT looking at a tablet in the developer tools
window.madoguchi = state;
// a provisioning link opened in a tab that is already on /counter: start again with its token
window.addEventListener('hashchange', () => { if (new URLSearchParams(location.hash.slice(1)).get('token')) location.reload(); });
main();
