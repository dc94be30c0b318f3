// The phone's link to the relay: the resident token from the QR code (in the URL fragment, never in the
// query string, so it is not sent with the page request nor kept in server logs; kept for reloads of
// this tab), and the websocket with its reconnections, its outbox of typed texts and its video.

import {RelayConnection} from '/static/common/connection.js';
import {$} from '/static/common/dom.js';
import {putText, setLang, sourceLang} from '/static/common/i18n.js';
import {Outbox} from '/static/common/outbox.js';
import {renderPending} from '/static/resident/conversation.js';
import {forgetLines} from '/static/resident/kept.js';
import {LanguageChoice} from '/static/resident/language-choice.js';
import {chooseLang, sessionLang} from '/static/resident/language.js';
import {ENDED_KEY, KEY, STRINGS, page} from '/static/resident/page.js';
import {finish} from '/static/resident/session.js';
import {player, restartAudio} from '/static/resident/speech.js';
import {ResidentVideo} from '/static/resident/video.js';

/** The session and token: from the QR code's fragment (which then leaves the address bar), or kept. */
export function credentials() {
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

function onWelcome(message) {
  const tts = message.engines?.tts;
  page.voices = new Set(tts && tts.ready ? tts.languages || [] : []);
  const mt = message.engines?.mt;
  page.mtLangs = !mt || mt.ready !== false ? new Set(mt?.languages || []) : null;
  sessionLang(message.session?.resident_lang);
  $('#banner').hidden = true;
  restartAudio();
}

function onState(state) {
  if (state !== 'down' || page.closed) return;
  restartAudio();
  const banner = $('#banner');
  putText(banner, page.t('reconnecting'));
  setLang(banner, sourceLang(STRINGS, page.lang, 'reconnecting'));
  banner.hidden = false;
}

/** Connects to the session; `onMessage(m)` for each relay message. */
export function connect({session, token}, onMessage) {
  const connection = new RelayConnection({role: 'resident', token, sessionId: session});
  page.connection = connection;
  page.choice = new LanguageChoice($('#choose'), {token, onChoose: chooseLang});
  page.outbox = new Outbox({connection, storage: sessionStorage, key: `${KEY}.outbox`});
  page.outbox.addEventListener('change', renderPending);
  renderPending();
  connection.addEventListener('welcome', (e) => onWelcome(e.detail.message));
  connection.addEventListener('message', (e) => onMessage(e.detail));
  new ResidentVideo($('main'), connection, () => page.lang); // shown while the clerk allows video on the phone
  connection.addEventListener('audio', (e) => player.audio(e.detail));
  connection.addEventListener('state', (e) => onState(e.detail.state));
  connection.addEventListener('fatal', (e) => {
    if (e.detail.code === 4410 || e.detail.code === 4401 || e.detail.code === 4404) {
      if (!page.closed) finish(e.detail.code === 4410 ? 'closed' : 'ended'); // a resident token dies with its session
    }
  });
  connection.connect();
}
