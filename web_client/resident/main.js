// The resident's phone, opened from the QR code. The page speaks the resident's language: every text
// carries its lang attribute. Its parts: page.js (what they share, the status line), link.js (the token
// and the relay), conversation.js (what was said), language.js (the page's and the session's language),
// speech.js (microphone and speech), session.js (the interpreter call, errors, the end), join.js (the
// number typed when the QR code could not be read).

import {$} from '/static/common/dom.js';
import {onConversation, showKeptLines} from '/static/resident/conversation.js';
import {setUiLang, toggleChoice} from '/static/resident/language.js';
import {joinView} from '/static/resident/join.js';
import {connect, credentials} from '/static/resident/link.js';
import {ENDED_KEY, page, status} from '/static/resident/page.js';
import {endedView, onSessionMessage} from '/static/resident/session.js';
import {offerSpeech, player, wireSpeech} from '/static/resident/speech.js';

function onMessage(m) {
  const {outbox} = page;
  // a typed text the relay refuses for good leaves the outbox: its words go back in the box (session.js)
  const refused = m.type === 'error' && m.client_id && outbox ? outbox.items.find((i) => i.client_id === m.client_id) : null;
  if (outbox && outbox.handle(m)) return;
  if (onConversation(m) || onSessionMessage(m, refused)) return;
  if (['tts.start', 'tts.end', 'live.start', 'live.end'].includes(m.type)) player.handle(m);
}

function send(e) {
  e.preventDefault();
  const input = $('#type-text');
  const text = input.value.trim();
  if (!text) return;
  if (page.residentLang === 'auto') { // no language yet: the text stays in the box until one is chosen
    status('choose_first', {}, 'warn');
    $('#choose button')?.focus();
    return;
  }
  const message = {type: 'text', speaker: 'resident', text};
  if (page.residentLang) message.lang = page.residentLang;
  if (!page.outbox) { status('not_sent'); return; }
  page.outbox.submit(message); // sent now, or kept and sent by itself when it can be
  input.value = '';
}

function wire() {
  wireSpeech();
  $('#type-form').addEventListener('submit', send);
  $('#lang-button').addEventListener('click', toggleChoice);
  $('#call-button').addEventListener('click', () => {
    if (!page.connection || !page.connection.send({type: 'escalate'})) status('not_sent');
  });
  $('#cancel-call-button').addEventListener('click', () => {
    if (!page.connection || !page.connection.send({type: 'escalation.cancel'})) status('not_sent');
  });
  $('#opt-large').addEventListener('change', (e) => document.body.classList.toggle('large', e.target.checked));
}

wire();
setUiLang(page.lang);
offerSpeech(); // no language yet: nothing to speak
// a new QR code scanned while this page is open (same tab, new fragment): start again with its token
window.addEventListener('hashchange', () => { if (new URLSearchParams(location.hash.slice(1)).get('token')) location.reload(); });
const creds = credentials();
if (!creds || !creds.token) {
  // a conversation over in this tab says so; with none, the number shown at the counter opens one
  if (sessionStorage.getItem(ENDED_KEY)) {
    showKeptLines();
    endedView('ended');
  } else joinView();
} else connect(creds, onMessage);
