// Marks on a line of the resident's conversation, in the phone's language (data-i18n: they follow a
// change of language): not translated (the staff never got it), not understood (said, but recognition
// gave no text to pass on).

import {el} from '/static/common/dom.js';
import {putText, setLang, sourceLang} from '/static/common/i18n.js';
import {PHONE_STRINGS} from '/static/resident/strings-session.js';

function write(node, key, t, lang) {
  node.dataset.i18n = key;
  putText(node, t(key));
  setLang(node, sourceLang(PHONE_STRINGS, lang, key));
}

/** The relay could not put the resident's words into Japanese: their bubble says the staff never got
 * them (the relay stores this, so a reload says it again), or, `key` untranslated_interpreter, that the
 * interpreter in the session read them and will pass them on (written again over the first when one joins). */
export function markUntranslated(b, t, lang, key = 'untranslated') {
  if (!b) return;
  const note = b.li.querySelector('.untranslated') || b.li.appendChild(el('p', {class: 'untranslated'}));
  write(note, key, t, lang);
}

/** What this phone heard the resident say gave no text the relay would pass on (too unclear, or the
 * microphone stopped first): the line stays, greyed, asking to say it again or type it — it must not
 * vanish without a word. */
export function markNotUnderstood(b, t, lang) {
  if (!b || !b.li.classList.contains('partial')) return;
  b.li.classList.replace('partial', 'unheard');
  write(b.text, 'not_understood', t, lang);
}
