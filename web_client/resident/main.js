// The resident's phone: opened from the QR code (the token is in the URL fragment, never in the query
// string, so it is not sent to the server with the page request nor kept in server logs). The page
// speaks the resident's language: every text carries its lang attribute.

import {MicCapture, CAPTURE_RATE} from '/static/common/capture.js';
import {RelayConnection} from '/static/common/connection.js';
import {$, el, rubyText} from '/static/common/dom.js';
import {applyStrings, plainText, putText, setLang, sourceLang, translator} from '/static/common/i18n.js';
import {Outbox} from '/static/common/outbox.js';
import {SpeechPlayer} from '/static/common/playback.js';
import {LanguageChoice} from '/static/resident/language-choice.js';
import {queuedKey} from '/static/resident/strings.js';
import {PHONE_STRINGS as RESIDENT_STRINGS, errorKey} from '/static/resident/strings-session.js';
import {ResidentVideo} from '/static/resident/video.js';
import {MissedWords} from '/static/resident/missed.js';
import {forgetLines, keepLine, keptLines} from '/static/resident/kept.js';
import {markNotUnderstood, markUntranslated} from '/static/resident/marks.js';

const KEY = 'madoguchi.resident';
const LANG_KEY = 'madoguchi.resident.lang'; // the resident's language, once known: also for the page after the end
const ENDED_KEY = 'madoguchi.resident.ended'; // this tab's conversation is over (a reload says so, not 'bad link')
let lang = pickLang(localStorage.getItem(LANG_KEY) || navigator.language);
let t = translator(RESIDENT_STRINGS, lang);
const bubbles = new Map();
const missed = new MissedWords($('#bubbles'), RESIDENT_STRINGS, () => lang); // the staff's words that did not come through
const player = new SpeechPlayer();
player.muted = true;
const mic = new MicCapture();
let connection = null, outbox = null, residentLang = null, speaking = false, started = false, closed = false;
let choice = null, voices = new Set(); // the languages the relay has a voice for (welcome.engines.tts)

function pickLang(tag) {
  const code = (tag || 'en').toLowerCase().split('-')[0];
  return code in RESIDENT_STRINGS ? code : 'en';
}

function credentials() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get('token')) {
    const saved = {session: params.get('session'), token: params.get('token')};
    const before = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    if (!before || before.token !== saved.token) { // another visit's texts and lines
      sessionStorage.removeItem(`${KEY}.outbox`);
      forgetLines();
    }
    sessionStorage.removeItem(ENDED_KEY);
    sessionStorage.setItem(KEY, JSON.stringify(saved));
    history.replaceState(null, '', location.pathname); // the token leaves the address bar
    return saved;
  }
  return JSON.parse(sessionStorage.getItem(KEY) || 'null');
}

function setUiLang(code) {
  lang = pickLang(code);
  t = applyStrings(document.body, RESIDENT_STRINGS, lang);
  setLang(document.documentElement, lang);
  document.title = plainText(t('title'));
  renderPending();
  putText($('#speak-label'), t(speaking ? 'stop' : 'speak'));
  setLang($('#speak-label'), sourceLang(RESIDENT_STRINGS, lang, speaking ? 'stop' : 'speak'));
}

function status(key, vars = {}, level = 'info') {
  const node = $('#status');
  node.dataset.key = key || '';
  node.hidden = !key;
  if (!key) return;
  putText(node, t(key, vars));
  node.dataset.level = level;
  setLang(node, sourceLang(RESIDENT_STRINGS, lang, key));
}

function bubble(id, kind) {
  let b = bubbles.get(id);
  if (!b) {
    const who = el('p', {class: 'who'});
    const text = el('p', {class: 'text'});
    b = {li: el('li', {class: `bubble ${kind}`}, who, text), who, text};
    bubbles.set(id, b);
    $('#bubbles').append(b.li);
  }
  b.li.className = `bubble ${kind}`;
  const key = {resident: 'you', operator: 'interpreter'}[kind] || 'staff';
  putText(b.who, t(key));
  setLang(b.who, sourceLang(RESIDENT_STRINGS, lang, key));
  const log = $('#bubbles').parentElement;
  log.scrollTop = log.scrollHeight;
  return b;
}

/** An interpreter's correction: the AI's line struck through above it. */
function crossOut(b, old) {
  b.li.insertBefore(el('p', {class: 'old', text: old.text, lang: old.lang}), b.text);
}

/** After a reload of an ended conversation: the lines this tab kept (kept.js), as they were shown. */
function showKeptLines() {
  for (const [id, line] of keptLines()) {
    const b = bubble(id, line.kind);
    if (line.old) crossOut(b, line.old);
    show(b, line.text, line.lang, line.ruby, line.phrases);
    if (line.untranslated) untranslated(id);
  }
}

const untranslated = (id) => markUntranslated(bubbles.get(id), t, lang);
const notUnderstood = (id) => markNotUnderstood(bubbles.get(id), t, lang);

function show(b, text, textLang, ruby, phrases) {
  setLang(b.text, textLang);
  // やさしい日本語 on the phone: furigana and 分かち書き, as printed easy-Japanese texts are
  b.text.replaceChildren(ruby || phrases ? rubyText(text, ruby, {phrases}) : text);
}

/** Typed texts not stored yet (common/outbox.js): kept, shown as not sent, resent by themselves. */
function renderPending() {
  const list = $('#pending');
  const waiting = outbox ? outbox.items.filter((item) => item.state === 'waiting') : [];
  list.hidden = waiting.length === 0;
  list.replaceChildren(...waiting.map((item) => el('li', {class: 'pending-item'},
    el('span', {class: 'text', text: item.text, lang: residentLang && residentLang !== 'auto' ? residentLang : undefined}),
    putText(el('span', {class: 'why', lang: sourceLang(RESIDENT_STRINGS, lang, 'pending')}), t('pending')))));
}

function onMessage(m) {
  // a typed text the relay refuses for good leaves the outbox: its words go back in the box (onError)
  const refused = m.type === 'error' && m.client_id && outbox ? outbox.items.find((i) => i.client_id === m.client_id) : null;
  if (outbox && outbox.handle(m)) return;
  switch (m.type) {
    case 'partial': {
      if (!m.text) { // not said on record: the line goes (unless this phone heard it: notUnderstood keeps it)
        if (bubbles.get(m.utterance_id)?.li.classList.contains('partial')) { bubbles.get(m.utterance_id).li.remove(); bubbles.delete(m.utterance_id); }
        return;
      }
      const b = bubble(m.utterance_id, 'resident');
      b.li.classList.add('partial');
      show(b, m.text + ' …', m.lang);
      return;
    }
    case 'transcript':
      if (m.speaker !== 'resident') return;
      show(bubble(m.utterance_id, 'resident'), m.text, m.lang);
      keepLine(m.utterance_id, {kind: 'resident', text: m.text, lang: m.lang});
      if (['not_sent', 'speech_not_sent'].includes($('#status').dataset.key)) status(null); // what could not be sent now is
      return;
    case 'translation': {
      if (m.kind === 'back_translation') return;
      missed.settle(m);
      const kind = m.kind === 'operator' ? 'operator' : 'clerk';
      const b = bubble(m.utterance_id, kind);
      const old = m.replaces && b.text.textContent ? {text: b.text.textContent, lang: b.text.lang} : undefined;
      if (old) crossOut(b, old);
      show(b, m.text, m.lang, m.ruby, m.phrases);
      keepLine(m.utterance_id, {kind, text: m.text, lang: m.lang, ruby: m.ruby, phrases: m.phrases, ...(old ? {old} : {})});
      return;
    }
    case 'untranslated':
      if (m.speaker !== 'resident') { missed.show(m.utterance_id); return; }
      if (!bubbles.has(m.utterance_id)) return;
      untranslated(m.utterance_id);
      keepLine(m.utterance_id, {untranslated: true}); // read again after the end, too
      return;
    case 'tts.start': case 'tts.end': case 'live.start': case 'live.end':
      player.handle(m);
      return;
    case 'escalation': {
      const key = {queued: queuedKey(m), connected: 'connected', returned: 'returned',
        unavailable: 'unavailable', offered: 'offered', cancelled: 'cancelled'}[m.state];
      status(key, {position: m.position, minutes: Math.max(1, Math.round((m.eta_s || 60) / 60))});
      callButtons(m.state);
      return;
    }
    case 'session.updated': sessionLang(m.resident_lang); return;
    case 'session.closed': finish(); return;
    case 'notice':
      if (m.code === 'speech_not_understood') notUnderstood(m.utterance_id); else speechNotice(m);
      return;
    case 'error': onError(m, refused); return;
    default:
  }
}

/** While the call waits, 「Cancel the interpreter call」 stands where 「Call an interpreter」 was (the
 * resident may have pressed it by mistake); while an interpreter is connected neither is shown. */
function callButtons(state) {
  if (closed) return;
  $('#call-button').hidden = state === 'queued' || state === 'connected';
  $('#cancel-call-button').hidden = state !== 'queued';
}

/** Speech output the resident will not hear (the tablet's or this phone's): the text stands on screen.
 * A wait for an interpreter stays shown: it says more than a skipped reading does. */
function speechNotice(m) {
  const key = {speech_skipped: 'speech_skipped', tts_failed: 'speech_failed'}[m.code];
  if (!key || ($('#status').dataset.key || '').startsWith('queued')) return;
  status(key, {}, key === 'speech_failed' ? 'warn' : 'info');
}

/** The session's resident language: known (the page speaks it, and remembers it on this phone; 🌐
 * changes it), or still `auto` (the resident is offered the choice: until then the clerk's words cannot
 * reach it). */
function sessionLang(code) {
  residentLang = code;
  if (code && code !== 'auto') {
    localStorage.setItem(LANG_KEY, code);
    setUiLang(code);
    if (choice) choice.hide();
  } else if (code === 'auto' && choice && !closed) {
    choice.show();
  }
  renderLangButton();
  offerSpeech();
}

/** 🌐 and the session's language in its own name: the way to change it, whatever the page speaks. */
async function renderLangButton() {
  const button = $('#lang-button');
  const known = residentLang && residentLang !== 'auto' && !closed;
  button.hidden = !known;
  button.setAttribute('aria-expanded', String(Boolean(choice && choice.open && known)));
  if (!known || !choice) return;
  await choice.load();
  putText($('#lang-current'), choice.nameOf(residentLang));
  button.setAttribute('aria-label', `🌐 ${plainText(choice.nameOf(residentLang))}`); // not the furigana too
  setLang($('#lang-current'), residentLang);
}

async function toggleChoice() {
  if (!choice) return;
  if (choice.open) choice.hide(); else await choice.show(residentLang);
  renderLangButton();
  if (choice.open) $('#choose button[aria-pressed="true"]')?.focus();
}

/** 「Play speech on this phone」 only where the relay has a voice for the language (none for Nepali,
 * say): a switch that can never speak would only mislead. */
function offerSpeech() {
  const box = $('#opt-hear');
  const offered = Boolean(residentLang && voices.has(residentLang)) && !closed;
  box.closest('label').hidden = !offered;
  if (!offered && box.checked) { box.checked = false; player.muted = true; }
}

function chooseLang(code) {
  if (!connection || !connection.send({type: 'settings', resident_lang: code})) { status('not_sent', {}, 'warn'); return; }
  sessionLang(code); // the relay confirms with session.updated to every screen
  if ($('#status').dataset.key === 'choose_first') status(null);
}

/** Every error reaches the person, in their language; nothing typed is lost with it. */
function onError(m, refused) {
  if (m.code === 'store_unavailable') { // the outbox keeps typed texts and shows them as not sent yet
    if (m.text && m.speaker === 'resident') keepSpeech(m.text);
    return;
  }
  if (m.code === 'session_closed') { finish(); return; }
  if (m.code === 'not_escalated') return; // withdrawn as an interpreter came: the escalation line says so
  const box = $('#type-text');
  if (refused && m.code !== 'rate_limited' && !box.value.trim()) box.value = refused.text;
  status(errorKey(m.code), {}, 'warn');
}

/** Speech the relay recognised but could not record: put in the message box, one tap on Send away
 * (a typed text then waits in the outbox until the relay can store it), instead of saying it again. */
function keepSpeech(text) {
  const box = $('#type-text');
  if (!box.value.trim()) box.value = text;
  status('speech_not_sent', {}, 'warn');
}

function finish(key = 'closed') {
  closed = true;
  sessionStorage.removeItem(KEY); // the token dies with the session: forget it
  sessionStorage.setItem(ENDED_KEY, '1');
  if (outbox) outbox.clear();
  stopSpeaking();
  if (connection) connection.close();
  if (choice) choice.hide();
  renderLangButton();
  offerSpeech(); // nothing more will be spoken
  endedView(key);
}

/** Nothing more can be said here: the reason, in the resident's language, at the top; what was said
 * stays readable (large text too), also after a reload (kept.js: this tab only, until it is closed —
 * the page says so); no control that could still look usable — the message box, the buttons and the
 * video go, and so does an empty conversation box. */
function endedView(key) {
  for (const [id, b] of bubbles) if (b.li.classList.contains('partial')) { b.li.remove(); bubbles.delete(id); }
  missed.clear(); // nothing more will come: 'please wait' would mislead
  // with something to read: say that it stays readable here, and until when
  status(bubbles.size && key !== 'no_session' ? 'ended_readable' : key, {}, 'closed');
  document.body.classList.add('ended');
  $('#log-empty').hidden = true; // nobody will speak any more
  for (const control of document.querySelectorAll('main button, main input')) control.disabled = true;
  for (const part of document.querySelectorAll('#type-form, #pending, .actions, .resident-video')) part.hidden = true;
  $('#bubbles').closest('.log').hidden = bubbles.size === 0;
}

async function toggleSpeaking() {
  if (speaking) { stopSpeaking(); return; }
  try {
    await mic.start();
  } catch {
    status('mic_denied');
    return;
  }
  speaking = true;
  started = false;
  $('#speak-button').setAttribute('aria-pressed', 'true');
  setUiLang(lang);
}

function stopSpeaking() {
  if (speaking && started && connection) connection.send({type: 'audio.stop'});
  speaking = started = false;
  mic.stop();
  $('#speak-button').setAttribute('aria-pressed', 'false');
  setUiLang(lang);
}

function wire() {
  mic.addEventListener('frame', (e) => {
    if (!speaking || !connection || !connection.isOpen) return;
    if (!started) {
      started = connection.send({type: 'audio.start', speaker: 'resident', sample_rate: CAPTURE_RATE, encoding: 'pcm_s16le'});
    }
    connection.sendBinary(e.detail.pcm);
  });
  player.addEventListener('speaking', (e) => mic.mute(e.detail.speaking && !player.muted));
  $('#type-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('#type-text');
    const text = input.value.trim();
    if (!text) return;
    if (residentLang === 'auto') { // no language yet: the text stays in the box until one is chosen
      status('choose_first', {}, 'warn');
      $('#choose button')?.focus();
      return;
    }
    const message = {type: 'text', speaker: 'resident', text};
    if (residentLang) message.lang = residentLang;
    if (!outbox) { status('not_sent'); return; }
    outbox.submit(message); // sent now, or kept and sent by itself when it can be
    input.value = '';
  });
  $('#speak-button').addEventListener('click', toggleSpeaking);
  $('#lang-button').addEventListener('click', toggleChoice);
  $('#call-button').addEventListener('click', () => { if (!connection || !connection.send({type: 'escalate'})) status('not_sent'); });
  $('#cancel-call-button').addEventListener('click', () => {
    if (!connection || !connection.send({type: 'escalation.cancel'})) status('not_sent');
  });
  $('#opt-large').addEventListener('change', (e) => document.body.classList.toggle('large', e.target.checked));
  $('#opt-hear').addEventListener('change', (e) => { player.muted = !e.target.checked; if (e.target.checked) player.unlock(); });
}

function connect({session, token}) {
  connection = new RelayConnection({role: 'resident', token, sessionId: session});
  choice = new LanguageChoice($('#choose'), {token, onChoose: chooseLang});
  outbox = new Outbox({connection, storage: sessionStorage, key: `${KEY}.outbox`});
  outbox.addEventListener('change', renderPending);
  renderPending();
  connection.addEventListener('welcome', (e) => {
    const tts = e.detail.message.engines?.tts;
    voices = new Set(tts && tts.ready ? tts.languages || [] : []);
    sessionLang(e.detail.message.session?.resident_lang);
    $('#banner').hidden = true;
    started = false;
  });
  connection.addEventListener('message', (e) => onMessage(e.detail));
  new ResidentVideo($('main'), connection, () => lang); // shown while the clerk allows video on the phone
  connection.addEventListener('audio', (e) => player.audio(e.detail));
  connection.addEventListener('state', (e) => {
    if (e.detail.state === 'down' && !closed) {
      started = false;
      const banner = $('#banner');
      putText(banner, t('reconnecting'));
      setLang(banner, sourceLang(RESIDENT_STRINGS, lang, 'reconnecting'));
      banner.hidden = false;
    }
  });
  connection.addEventListener('fatal', (e) => {
    if (e.detail.code === 4410 || e.detail.code === 4401 || e.detail.code === 4404) {
      if (!closed) finish(e.detail.code === 4410 ? 'closed' : 'ended'); // a resident token dies with its session
    }
  });
  connection.connect();
}

wire();
setUiLang(lang);
offerSpeech(); // no language yet: nothing to speak
// a new QR code scanned while this page is open (same tab, new fragment): start again with its token
window.addEventListener('hashchange', () => { if (new URLSearchParams(location.hash.slice(1)).get('token')) location.reload(); });
const creds = credentials();
if (!creds || !creds.token) {
  const ended = Boolean(sessionStorage.getItem(ENDED_KEY));
  if (ended) showKeptLines();
  endedView(ended ? 'ended' : 'no_session');
}
else connect(creds);
