// The page's language and the session's: the page speaks the resident's language once it is known (and
// remembers it on this phone); 🌐 with the language's own name changes it at any time; while it is `auto`
// the resident is offered the choice (language-choice.js), since until then the clerk's words cannot
// reach the phone.

import {$} from '/static/common/dom.js';
import {applyStrings, plainText, putText, setLang} from '/static/common/i18n.js';
import {renderPending} from '/static/resident/conversation.js';
import {showOneWay} from '/static/resident/one-way.js';
import {LANG_KEY, STRINGS, page, pickLang, status, statusKey} from '/static/resident/page.js';
import {offerSpeech, renderSpeakLabel} from '/static/resident/speech.js';

export function setUiLang(code) {
  page.lang = pickLang(code);
  page.t = applyStrings(document.body, STRINGS, page.lang);
  setLang(document.documentElement, page.lang);
  document.title = plainText(page.t('title'));
  renderPending();
  renderSpeakLabel();
}

/** The session's resident language: known (the page speaks it, and remembers it on this phone; 🌐
 * changes it), or still `auto` (the resident is offered the choice: until then the clerk's words cannot
 * reach it). */
export function sessionLang(code) {
  const {choice} = page;
  page.residentLang = code;
  if (code && code !== 'auto') {
    localStorage.setItem(LANG_KEY, code);
    setUiLang(code);
    if (choice) choice.hide();
  } else if (code === 'auto' && choice && !page.closed) {
    choice.show();
  }
  renderLangButton();
  offerSpeech();
  showOneWay(); // what the resident will see when their language translates one way only
}

/** 🌐 and the session's language in its own name: the way to change it, whatever the page speaks. */
export async function renderLangButton() {
  const {choice, residentLang} = page;
  const button = $('#lang-button');
  const known = residentLang && residentLang !== 'auto' && !page.closed;
  button.hidden = !known;
  button.setAttribute('aria-expanded', String(Boolean(choice && choice.open && known)));
  if (!known || !choice) return;
  await choice.load();
  putText($('#lang-current'), choice.nameOf(residentLang));
  button.setAttribute('aria-label', `🌐 ${plainText(choice.nameOf(residentLang))}`); // not the furigana too
  setLang($('#lang-current'), residentLang);
}

export async function toggleChoice() {
  const {choice} = page;
  if (!choice) return;
  if (choice.open) choice.hide(); else await choice.show(page.residentLang);
  renderLangButton();
  if (choice.open) $('#choose button[aria-pressed="true"]')?.focus();
}

/** A language tapped in the choice: the session's from now on (the relay tells every screen). */
export function chooseLang(code) {
  const {connection} = page;
  if (!connection || !connection.send({type: 'settings', resident_lang: code})) { status('not_sent', {}, 'warn'); return; }
  sessionLang(code); // the relay confirms with session.updated to every screen
  if (statusKey() === 'choose_first') status(null);
}
