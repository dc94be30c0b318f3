// The administrator's dashboard: sign in with an admin token (kept for this browser tab only), then
// the live overview, the history charts and the management sections. While the relay cannot be
// reached the page says so in plain words and keeps trying; when it answers again every section is
// loaded afresh (admin/notices.js clears the message).

import {api} from '/static/common/connection.js';
import {$, setText} from '/static/common/dom.js';
import {isUnreachable, relayErrorText} from '/static/common/relay-errors.js';
import {loadGlossary, setupGlossary} from './glossary.js';
import {showHistory, setupHistory} from './history.js';
import {startLive} from './live.js';
import {loadManagement, setupManagement} from './manage.js';
import {notice} from './notices.js';

const TOKEN_KEY = 'madoguchi.admin.token';
const SIGN_IN_RETRY_MS = 3000;
let stopLive = () => {};
let signInRetry = null;

const report = (key) => (text) => notice(key, text);

/** Each section again (after the relay came back): each clears its own message when it loads. */
function reloadSections(token) {
  showHistory(token).then(() => notice('history', '')).catch((err) => notice('history', relayErrorText(err, '履歴を取得できません')));
  loadManagement(token).then(() => notice('manage', '')).catch((err) => notice('manage', relayErrorText(err, '管理の情報を取得できません')));
  loadGlossary(token).then(() => notice('glossary', '')).catch((err) => notice('glossary', relayErrorText(err, '用語集を読み込めません')));
}

async function signIn(token) {
  clearTimeout(signInRetry);
  try {
    await api('/api/admin/retention', {token});
  } catch (err) {
    $('#view-signin').hidden = false;
    if (isUnreachable(err)) {
      // not a wrong token: keep it, say what is wrong, and sign in by itself once the relay answers
      setText($('#signin-error'), relayErrorText(err, 'サインインできません'));
      signInRetry = setTimeout(() => signIn(token), SIGN_IN_RETRY_MS);
      return;
    }
    sessionStorage.removeItem(TOKEN_KEY);
    setText($('#signin-error'), err.status === 403 ? '管理者のトークンではありません' : err.status === 401
      ? 'トークンが正しくありません' : relayErrorText(err, 'サインインできません'));
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  setText($('#signin-error'), '');
  for (const id of ['#view-dashboard', '#nav', '#signout']) $(id).hidden = false;
  $('#view-signin').hidden = true;
  stopLive = startLive(token, report('live'), () => reloadSections(token));
  setupHistory(token, report('history'));
  setupManagement(token, report('manage'));
  setupGlossary(token, report('glossary'));
}

$('#signin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  signIn($('#token-input').value.trim());
});
$('#signout').addEventListener('click', () => {
  stopLive();
  clearTimeout(signInRetry);
  sessionStorage.removeItem(TOKEN_KEY);
  window.location.reload();
});

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) signIn(saved); else $('#view-signin').hidden = false;
