// What the phone's modules share: the page's language and words, the link to the relay and where the
// session stands, in one object (each module reads the current value from it), and the status line.

import {$} from '/static/common/dom.js';
import {putText, setLang, sourceLang, translator} from '/static/common/i18n.js';
import {PHONE_STRINGS} from '/static/resident/strings-session.js';

export const STRINGS = PHONE_STRINGS;
export const KEY = 'madoguchi.resident';
export const LANG_KEY = 'madoguchi.resident.lang'; // the resident's language, once known: also for the page after the end
export const ENDED_KEY = 'madoguchi.resident.ended'; // this tab's conversation is over (a reload says so, not 'bad link')

export function pickLang(tag) {
  const code = (tag || 'en').toLowerCase().split('-')[0];
  return code in STRINGS ? code : 'en';
}

const lang = pickLang(localStorage.getItem(LANG_KEY) || navigator.language);

export const page = {
  lang, // the language the page speaks
  t: translator(STRINGS, lang),
  connection: null, outbox: null, choice: null, // set once the page has a session (link.js)
  residentLang: null, // the session's resident language (`auto` until known)
  voices: new Set(), // the languages the relay has a voice for (welcome.engines.tts)
  // the languages with a translation model (welcome.engines.mt): null for none — fixed phrases only —, empty for any
  mtLangs: new Set(),
  interpreter: false, // an interpreter is in the session now (escalation connected, until it ends)
  closed: false,
};

/** The status line (`key` of the table, or null to hide it), in the page's language. */
export function status(key, vars = {}, level = 'info') {
  const node = $('#status');
  node.dataset.key = key || '';
  node.hidden = !key;
  if (!key) return;
  putText(node, page.t(key, vars));
  node.dataset.level = level;
  setLang(node, sourceLang(STRINGS, page.lang, key));
}

export function statusKey() {
  return $('#status').dataset.key || '';
}
