// The resident-facing panel in its own window (two-screen mode): it shows what the counter page
// posts on the session's BroadcastChannel; it needs no token and opens no connection of its own (a
// resident's touch on its language choice goes back over the same channel).

import {PANEL_CHANNEL, renderPanel} from '/static/counter/panel.js';

const session = new URLSearchParams(location.hash.slice(1)).get('session') || '';
const face = document.getElementById('panel-face');
const channel = new BroadcastChannel(`${PANEL_CHANNEL}-${session}`);
// a touch on this screen (the resident choosing their language) goes to the counter page, which decides
const actions = {choose: (code) => channel.postMessage({action: 'choose', code}), toggle: () => channel.postMessage({action: 'toggle'})};
renderPanel(face, {lang: 'auto'}, {}, actions);
channel.onmessage = (event) => {
  if (event.data && event.data.state) renderPanel(face, event.data.state, event.data.display, actions);
};
channel.postMessage('hello');
