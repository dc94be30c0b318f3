// The administrator's dashboard: sign in with an admin token (kept for this browser tab only), then
// the live overview, the history charts and the management sections.

import {api} from '/static/common/connection.js';
import {$, setText} from '/static/common/dom.js';
import {setupGlossary} from './glossary.js';
import {setupHistory} from './history.js';
import {startLive} from './live.js';
import {setupManagement} from './manage.js';

const TOKEN_KEY = 'madoguchi.admin.token';
let timer = null;

function banner(text) {
  setText($('#banner'), text || '');
  $('#banner').hidden = !text;
}

async function signIn(token) {
  try {
    await api('/api/admin/retention', {token});
  } catch (err) {
    sessionStorage.removeItem(TOKEN_KEY);
    $('#view-signin').hidden = false;
    setText($('#signin-error'), err.status === 403 ? '管理者のトークンではありません' : err.status === 401
      ? 'トークンが正しくありません' : `サインインできません: ${err.message}`);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  for (const id of ['#view-dashboard', '#nav', '#signout']) $(id).hidden = false;
  $('#view-signin').hidden = true;
  timer = startLive(token, banner);
  setupHistory(token, banner);
  setupManagement(token, banner).catch((err) => banner(err.message));
  setupGlossary(token, banner).catch((err) => banner(`用語集を読み込めません: ${err.message}`));
}

$('#signin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  signIn($('#token-input').value.trim());
});
$('#signout').addEventListener('click', () => {
  clearInterval(timer);
  sessionStorage.removeItem(TOKEN_KEY);
  window.location.reload();
});

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) signIn(saved); else $('#view-signin').hidden = false;
