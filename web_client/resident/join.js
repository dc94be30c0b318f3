// Joining with the short number, for a resident whose phone could not read the QR code: the counter's
// tablet shows a short address (/j, which opens this page) and 6 digits; the relay answers with the
// session and a resident token, what the QR code carries (POST /api/join, relay/http/join.py), and the
// page starts again exactly as if the QR code had been scanned. Everything is said in the page's
// language (the phone's own, until a session says otherwise).

import {$} from '/static/common/dom.js';
import {putText, setLang, sourceLang} from '/static/common/i18n.js';
import {STRINGS, page} from '/static/resident/page.js';

const ERROR_KEYS = {join_code_wrong: 'join_wrong', join_code_expired: 'join_expired', rate_limited: 'join_wait'};

function say(node, key) {
  putText(node, page.t(key));
  setLang(node, sourceLang(STRINGS, page.lang, key));
  node.hidden = false;
}

/** No session in this tab: the number entry instead of the conversation. */
export function joinView() {
  for (const part of document.querySelectorAll('main > .log, #type-form, #pending, .actions')) part.hidden = true;
  $('#join-form').hidden = false;
  $('#join-form').addEventListener('submit', submit);
}

async function submit(e) {
  e.preventDefault();
  const error = $('#join-error');
  // as typed on any keyboard: full-width digits, spaces or a hyphen between the groups
  const digits = $('#join-code').value.normalize('NFKC').replace(/[\s-]/g, '');
  if (!/^[0-9]{6}$/.test(digits)) { say(error, 'join_short'); return; }
  const button = $('#join-form button[type="submit"]');
  button.disabled = true;
  let key = 'join_failed';
  try {
    const response = await fetch('/api/join', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({code: digits})});
    const body = await response.json().catch(() => ({}));
    if (response.ok && body.resident_token) { enter(body); return; }
    key = ERROR_KEYS[body.error?.code] || 'join_failed';
  } catch { /* offline: join_failed */ }
  button.disabled = false;
  say(error, key);
  $('#join-code').select();
}

/** The QR code's own start: its fragment, read by link.js (and taken out of the address bar there). */
function enter({session_id: session, resident_token: token}) {
  history.replaceState(null, '', `/resident#${new URLSearchParams({session, token})}`);
  location.reload();
}
