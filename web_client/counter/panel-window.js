// The resident-facing panel in its own window (two-screen mode): it shows what the counter page
// posts on the session's BroadcastChannel; it needs no token and opens no connection of its own.

import {PANEL_CHANNEL, renderPanel} from '/static/counter/panel.js';

const session = new URLSearchParams(location.hash.slice(1)).get('session') || '';
const face = document.getElementById('panel-face');
renderPanel(face, {lang: 'en'});
const channel = new BroadcastChannel(`${PANEL_CHANNEL}-${session}`);
channel.onmessage = (event) => {
  if (event.data && event.data.state) renderPanel(face, event.data.state, event.data.display);
};
channel.postMessage('hello');
