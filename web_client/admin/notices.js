// The dashboard's banner: each part of the page (the live view, history, the management sections)
// reports its own trouble under its own key and clears it when it works again, so a message never
// outlives its cause (an unreachable relay that comes back takes its message with it).

import {$, setText} from '/static/common/dom.js';

const active = new Map(); // key → text, in the order reported

function show() {
  const texts = [...new Set(active.values())];
  setText($('#banner'), texts.join('\n'));
  $('#banner').hidden = texts.length === 0;
}

/** Report (text) or clear (empty text) the trouble of one part of the page. */
export function notice(key, text) {
  if (text) active.set(key, text); else active.delete(key);
  show();
}

export function hasNotice(key) {
  return active.has(key);
}
