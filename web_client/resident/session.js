// Where the session stands, said on the status line in the resident's language: the call for an
// interpreter (and the button that withdraws it), speech the resident will not hear, errors (nothing typed
// is lost with one), and the end of the conversation — after which what was said stays readable.

import {$} from '/static/common/dom.js';
import {bubbles, closeConversation, interpreterHere, notUnderstood} from '/static/resident/conversation.js';
import {renderLangButton, sessionLang} from '/static/resident/language.js';
import {ENDED_KEY, KEY, page, status, statusKey} from '/static/resident/page.js';
import {offerSpeech, stopSpeaking} from '/static/resident/speech.js';
import {escalationKey} from '/static/resident/strings.js';
import {errorKey} from '/static/resident/strings-session.js';

/** While the resident's own call waits, 「Cancel the interpreter call」 stands where 「Call an interpreter」
 * was (pressed by mistake, perhaps); a call the clerk or the relay made is not theirs to withdraw (a resident
 * was offered to cancel a call they never made). While an interpreter is connected neither is shown. */
function callButtons(state) {
  if (page.closed) return;
  $('#call-button').hidden = state === 'queued' || state === 'connected';
  $('#cancel-call-button').hidden = state !== 'queued' || !residentsCall;
}

/** Whether the waiting call is the resident's own (`by: resident` on its first `queued`; the position
 * updates after it carry no reason and keep it). */
let residentsCall = false;

/** Whether the AI translates only the phrasebook's fixed phrases for the resident's language, one way at
 * least (no model installed, or one for a single direction: as the tablet's resident panel says it). */
function phrasesOnly() {
  const {residentLang: code, mtLangs} = page;
  if (!code || ['auto', 'ja'].includes(code)) return false;
  const mt = page.choice?.languages?.find((l) => l.code === code)?.mt; // per direction, once listed
  if (mt) return mt !== 'both';
  return !(mtLangs && (!mtLangs.size || mtLangs.has(code)));
}

/** Whether an interpreter is called (queued, or connected) — from the last escalation event. */
let called = false;
let lastEscalation = 0; // the newest escalation event's number: an older one never overwrites its line

async function onEscalation(m) {
  // a suggestion to call one while one is called (from a relay before it stopped sending it then) would
  // hide the cancel button and say the call is not made: the call's own line stays
  if (m.state === 'offered' && called) return;
  called = m.state === 'queued' || m.state === 'connected';
  if (m.state !== 'queued') residentsCall = false;
  else if (m.reason) residentsCall = m.by === 'resident';
  callButtons(m.state);
  // an `offered` (the relay suggests calling one) leaves an interpreter who is here where they are
  if (m.state !== 'offered') interpreterHere(m.state === 'connected');
  const mine = ++lastEscalation;
  // which way the language translates decides the words (the list is asked for once, at the start)
  if (page.choice && page.residentLang && page.residentLang !== 'auto') await page.choice.load();
  if (mine !== lastEscalation || page.closed) return;
  status(escalationKey(m, phrasesOnly()), {position: m.position, minutes: Math.max(1, Math.round((m.eta_s || 60) / 60))});
}

/** Speech output the resident will not hear (the tablet's or this phone's): the text stands on screen.
 * A wait for an interpreter (or that none is at work) stays shown: it says more than a skipped reading does. */
function speechNotice(m) {
  const key = {speech_skipped: 'speech_skipped', tts_failed: 'speech_failed'}[m.code];
  if (!key || /^(queued|uncovered)/.test(statusKey())) return;
  status(key, {}, key === 'speech_failed' ? 'warn' : 'info');
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

/** A relay message about the session; false for any other. `refused`: the typed text an error is about. */
export function onSessionMessage(m, refused) {
  switch (m.type) {
    case 'escalation': onEscalation(m); return true;
    case 'session.updated': sessionLang(m.resident_lang); return true;
    case 'session.closed': finish(); return true;
    case 'notice':
      if (m.code === 'speech_not_understood') notUnderstood(m.utterance_id); else speechNotice(m);
      return true;
    case 'error': onError(m, refused); return true;
    default: return false;
  }
}

export function finish(key = 'closed') {
  const {choice, connection, outbox} = page;
  page.closed = true;
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
export function endedView(key) {
  closeConversation(); // 'please wait' for the staff's words would mislead now
  // with something to read: say that it stays readable here, and until when
  status(bubbles.size ? 'ended_readable' : key, {}, 'closed');
  document.body.classList.add('ended');
  $('#log-empty').hidden = true; // nobody will speak any more
  for (const control of document.querySelectorAll('main button, main input')) control.disabled = true;
  for (const part of document.querySelectorAll('#type-form, #pending, .actions, .resident-video, #mt-note')) part.hidden = true;
  $('#bubbles').closest('.log').hidden = bubbles.size === 0;
}
