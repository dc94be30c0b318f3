// The interpreter console: sign in with an operator token, declare languages and availability, take
// offers from the queue, serve the session, hand it back. Reconnects by itself (common/connection.js);
// the relay's welcome says which session this operator serves, and the console follows it.

import {RelayConnection, api} from '/static/common/connection.js';
import {$, clear, el, setText} from '/static/common/dom.js';
import {RELAY_UNREACHABLE, isUnreachable, relayErrorText} from '/static/common/relay-errors.js';
import {TAKE_REFUSED, fatalWords, relayErrorDetail, relayErrorWords} from './errors.js';
import {describe, rememberNames} from './languages.js';
import {LiveAudio} from './live-audio.js';
import {QueuePanel} from './queue-panel.js';
import {SessionPanel} from './session-panel.js';
import {VideoPanel} from './video-panel.js';
import {pushToTalk} from './voice.js';

const TOKEN_KEY = 'madoguchi.operator.token';
const LANGS_KEY = 'madoguchi.operator.languages';
const STATE_NAMES = {offline: '受付前', available: '受付可', offered: '依頼を提示中', busy: '対応中',
  wrap_up: '後処理中', away: '離席'};
const LINK = {connecting: '接続中…', open: '接続済み', down: '中継サーバーとの接続が切れました。自動で再接続しています…', closed: '切断'};
const UNREACHABLE_AFTER_MS = 3000; // a Wi-Fi blip reconnects within a second: only a longer outage is told loudly
const SIGN_IN_RETRY_MS = 3000;

// what the main area says while no offer rings and no session is served, by the operator's state
const IDLE_TEXT = {
  available: '依頼を待っています。依頼が来ると音とこの画面で知らせます。',
  // 「状態」 sits at the top of the screen (the header) on every size: never 'left' (it is not)
  away: '離席中です。依頼は届きません。受け付けるには画面上部の「状態」で「受付可」を選んでください。',
  offline: '受付前です。対応言語を選び、画面上部の「状態」で「受付可」を選ぶと依頼が届きます。',
};
const MISSED_OFFER = '依頼に応答がなかったため、離席にしました。受け付けるには「受付可」を選んでください。';

let conn = null;
let status = {state: 'offline'};
// the availability the operator chose last ({state, id}), until the relay's answer to it (operator.status
// with that client_id): a status still on its way from before (受付可, then 離席 a moment later) must not
// flip the switch back
let chosen = null;
let choices = 0;
// the version (the queue's revision) of the status shown last: a status read from the queue before it
// (with Redis, a read still in flight while the answer to the operator's choice was read and sent) may
// arrive after it and is never shown over it; a relay before versions sends none (shown as it comes)
let shownVersion = -1;
let heldBack = null; // the newest status that came while a choice waited for its answer
const AVAILABILITY = new Set(['available', 'away', 'offline']);
let offerMissed = false; // an offer timed out: the queue sets this operator away (queue.away_after_missed_offer)
let downTimer = null; // tells the interpreter that the relay is unreachable, if the link stays down
let signInRetry = null;
const live = new LiveAudio();

// A banner complains about the state the console was in when it came (取る before 受付可, say): it goes
// as soon as that state changes, instead of standing through the offer, the calls and the wrap-up after.
let bannerState = null;

function banner(text, title = '') {
  const node = $('#banner');
  setText(node, text || '');
  node.title = title;
  node.hidden = !text;
  bannerState = text ? status.state : null;
}

/** A relay `error`, in Japanese; its code is for IT (the tooltip and the browser's console). */
function relayError(message) {
  console.warn('relay error', relayErrorDetail(message));
  banner(relayErrorWords(message), relayErrorDetail(message));
}

function selectedLanguages() {
  return [...document.querySelectorAll('#language-list input:checked')].map((input) => input.value);
}

function setAvailability(state) {
  const languages = selectedLanguages();
  if (!languages.length) { banner('対応言語を一つ以上選んでください'); showStatus(status); return; }
  localStorage.setItem(LANGS_KEY, JSON.stringify(languages));
  const id = `state-${++choices}`;
  if (conn.send({type: 'operator.state', state, languages, client_id: id})) chosen = {state, id};
  else { banner('接続が切れています'); showStatus(status); }
}

/** The relay's view of this operator — but an availability sent before the answer to the operator's
 * latest choice is stale: the switch keeps the choice until its answer comes. An offer or a session is
 * shown as it comes, and so is everything once the choice is answered (a missed offer, a change made
 * elsewhere). A status older (by `version`) than one shown is never shown; one held back while the choice
 * waited is shown at its answer if it is the newer of the two (read after the choice took effect). */
function onStatus(next) {
  if (chosen && next.client_id === chosen.id) { // the answer: the choice waits no longer, even if a newer
    chosen = null; // status came first (an offer rang meanwhile): then that one, or one held back, stands
    const held = heldBack;
    heldBack = null;
    if (held && versionOf(held) > (versionOf(next) ?? -1)) next = held;
  } else if (chosen && AVAILABILITY.has(next.state)) {
    if (versionOf(next) !== null && (heldBack === null || versionOf(next) > versionOf(heldBack))) heldBack = next;
    return;
  }
  const version = versionOf(next);
  if (version !== null && version < shownVersion) return;
  if (version !== null) shownVersion = version;
  showStatus(next);
}

function versionOf(message) {
  return message && typeof message.version === 'number' ? message.version : null;
}

function showStatus(next) {
  if (bannerState && next.state !== bannerState) banner('');
  status = next;
  const node = $('#state-now');
  setText(node, STATE_NAMES[next.state] || next.state);
  node.dataset.state = next.state;
  setText($('#idle-text'), IDLE_TEXT[next.state] || IDLE_TEXT.available);
  if (next.state === 'away' && offerMissed) banner(MISSED_OFFER); // say why, or the phone just stops ringing
  else if (next.state !== 'away' && $('#banner').textContent === MISSED_OFFER) banner('');
  offerMissed = false;
  for (const radio of document.querySelectorAll('input[name="availability"]')) {
    radio.checked = radio.value === next.state;
    radio.disabled = ['busy', 'offered'].includes(next.state);
  }
  if (next.languages) {
    for (const input of document.querySelectorAll('#language-list input')) input.checked = next.languages.includes(input.value);
  }
}

async function renderLanguages(token) {
  const {languages} = await api('/api/languages', {token});
  rememberNames(languages);
  const saved = JSON.parse(localStorage.getItem(LANGS_KEY) || '[]');
  const list = clear($('#language-list'));
  for (const {code} of languages.filter((l) => l.code !== 'ja')) {
    const {native, japanese} = describe(code);
    list.append(el('label', {}, el('input', {type: 'checkbox', value: code, checked: saved.includes(code)}),
      el('span', {lang: code, text: native}), el('span', {class: 'muted', text: japanese})));
  }
}

function start(token) {
  $('#view-signin').hidden = true;
  $('#view-console').hidden = false;
  $('#status-box').hidden = false;
  conn = new RelayConnection({role: 'operator', token});
  chosen = null;
  shownVersion = -1;
  heldBack = null;
  const session = new SessionPanel({send: (m) => conn.send(m), onError: banner,
    colleagues: async () => (await api('/api/queue', {token})).operators});
  const video = new VideoPanel($('#video-section'), conn);
  let taking = null; // a session asked for with accept, until the relay makes this operator busy or refuses
  const queue = new QueuePanel({
    onTake: (sessionId) => {
      taking = sessionId;
      conn.lastSeq = 0; // the session's events are numbered from 1: replayed from the start
      conn.sessionId = sessionId;
      session.open(sessionId, queue.known(sessionId));
      queue.hideOffer();
      conn.send({type: 'accept', session_id: sessionId});
      api(`/api/sessions/${sessionId}`, {token}).then((info) => session.update(sessionId, info)).catch(() => {});
    },
    onDecline: (sessionId) => { queue.hideOffer(); conn.send({type: 'decline', session_id: sessionId}); },
    lookup: (sessionId) => api(`/api/sessions/${sessionId}`, {token}),
  });
  live.onchange = (speakers) => setText($('#live-now'), speakers.length ? `聞こえている: ${speakers.map((s) => ({clerk: '職員', resident: '住民'}[s] || '窓口')).join('、')}` : '');
  pushToTalk($('#ptt'), conn, banner);
  conn.addEventListener('welcome', ({detail: {message, reconnected}}) => {
    clearTimeout(downTimer);
    banner('');
    chosen = null; // the status after welcome is the relay's view, whatever was sent before the drop
    shownVersion = -1; // nothing from before the drop arrives on this socket (and the queue may be new)
    heldBack = null;
    setText($('#link-state'), reconnected ? `再接続しました（${new Date().toLocaleTimeString('ja-JP')}）` : LINK.open);
    video.configure(message.video);
    if (message.session_id) {
      if (message.session_id !== session.sessionId) conn.lastSeq = 0;
      conn.sessionId = message.session_id;
      session.open(message.session_id, message.session);
    } else {
      conn.sessionId = null;
      conn.lastSeq = 0;
      session.close();
    }
  });
  conn.addEventListener('state', ({detail: {state}}) => {
    if (state !== 'open') setText($('#link-state'), LINK[state] || state); // 'open' is told by the welcome
    clearTimeout(downTimer);
    if (state === 'down') downTimer = setTimeout(() => banner(RELAY_UNREACHABLE), UNREACHABLE_AFTER_MS);
  });
  conn.addEventListener('fatal', ({detail}) => signOut(fatalWords(detail)));
  conn.addEventListener('audio', ({detail}) => live.audio(detail));
  conn.addEventListener('message', ({detail: m}) => {
    if (m.type === 'operator.status') {
      if (m.state === 'busy') taking = null;
      onStatus(m);
    }
    else if (m.type === 'queue') queue.render(m.entries);
    else if (m.type === 'escalation' && m.seq === undefined) {
      if (m.state === 'offered') queue.showOffer(m);
      else if (m.state === 'cancelled') {
        offerMissed = m.reason === 'timeout' && queue.offer && queue.offer.session_id === m.session_id;
        queue.hideOffer(m.session_id);
      }
      else if (m.state === 'returned') { session.close(); video.reset(); conn.sessionId = null; conn.lastSeq = 0; }
    } else if (m.type === 'notice' && m.code.startsWith('counter_')) session.counterState(m.code);
    else if (m.type === 'video.signal') video.handle(m);
    else if (m.type === 'error') {
      relayError(m);
      // the choice refused (a queue error names no message): the switch shows the relay's view again
      if (chosen && (!m.ref || m.client_id === chosen.id)) {
        chosen = null;
        const newer = heldBack; // a status that came meanwhile is the relay's view now
        heldBack = null;
        if (newer) onStatus(newer); else showStatus(status);
      }
      if (taking && TAKE_REFUSED.has(m.code)) { // not ours after all: back to the waiting view
        session.close(); conn.sessionId = null; conn.lastSeq = 0; taking = null;
      }
    }
    else if (!live.handle(m)) session.apply(m);
  });
  api('/api/queue', {token}).then((q) => { queue.allowPick = q.allow_pick !== false; queue.render(q.entries); }).catch(() => {});
  conn.connect();
}

function signOut(reason = '') {
  clearTimeout(signInRetry);
  clearTimeout(downTimer);
  sessionStorage.removeItem(TOKEN_KEY);
  if (conn) conn.close();
  conn = null;
  $('#view-console').hidden = true;
  $('#status-box').hidden = true;
  $('#view-signin').hidden = false;
  setText($('#signin-error'), reason);
}

async function signIn(token) {
  clearTimeout(signInRetry);
  try {
    await renderLanguages(token);
  } catch (err) {
    $('#view-signin').hidden = false;
    if (isUnreachable(err)) {
      // not a wrong token: say what is wrong and sign in by itself once the relay answers again
      setText($('#signin-error'), relayErrorText(err, 'サインインできません'));
      signInRetry = setTimeout(() => signIn(token), SIGN_IN_RETRY_MS);
      return;
    }
    setText($('#signin-error'), err.status === 401 ? 'トークンが正しくありません' : relayErrorText(err, 'サインインできません'));
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  setText($('#signin-error'), '');
  start(token);
}

$('#signin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  live.unlock();
  signIn($('#token-input').value.trim());
});
$('#signout').addEventListener('click', () => signOut());
document.addEventListener('click', () => live.unlock(), {once: true});
for (const radio of document.querySelectorAll('input[name="availability"]')) {
  radio.addEventListener('change', () => setAvailability(radio.value));
}
// new languages keep the state: only an operator who is already 受付可 stays so (never made available unasked)
$('#apply-languages').addEventListener('click', () => setAvailability(status.state === 'available' ? 'available' : 'away'));
$('#volume-counter').addEventListener('input', (event) => live.setVolume('counter', Number(event.target.value)));
$('#volume-resident').addEventListener('input', (event) => live.setVolume('resident', Number(event.target.value)));

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) signIn(saved); else $('#view-signin').hidden = false;
