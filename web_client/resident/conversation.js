// The conversation on the phone: the resident's own words, what was said to them in their language (or
// やさしい日本語 with furigana and 分かち書き), an interpreter's corrections, which of the resident's words
// never reached the staff (and which of the staff's never reached the resident: missed.js), and the
// typed texts not sent yet.

import {$, el, keepTheLatestInView, rubyText} from '/static/common/dom.js';
import {putText, setLang, sourceLang} from '/static/common/i18n.js';
import {keepLine, keptLines} from '/static/resident/kept.js';
import {markNotUnderstood, markUntranslated} from '/static/resident/marks.js';
import {MissedWords} from '/static/resident/missed.js';
import {STRINGS, page, status, statusKey} from '/static/resident/page.js';

export const bubbles = new Map();
const missed = new MissedWords($('#bubbles'), STRINGS, () => page.lang); // the staff's words that did not come through
// the newest line stays in view as it is filled in and marked (a resident's own message and its '⚠ not
// translated' sat under the input row, unseen), unless the resident scrolled up to read
keepTheLatestInView($('#bubbles').parentElement, $('#bubbles'));

function bubble(id, kind) {
  let b = bubbles.get(id);
  if (!b) {
    const who = el('p', {class: 'who'});
    const text = el('p', {class: 'text'});
    b = {li: el('li', {class: `bubble ${kind}`}, who, text), who, text};
    bubbles.set(id, b);
    $('#bubbles').append(b.li);
  }
  b.li.className = `bubble ${kind}`;
  const key = {resident: 'you', operator: 'interpreter'}[kind] || 'staff';
  putText(b.who, page.t(key));
  setLang(b.who, sourceLang(STRINGS, page.lang, key));
  if (kind === 'resident') $('#bubbles').parentElement.scrollTop = $('#bubbles').parentElement.scrollHeight; // what they just said
  return b;
}

/** An interpreter's correction: the AI's line struck through above it. */
function crossOut(b, old) {
  b.li.insertBefore(el('p', {class: 'old', text: old.text, lang: old.lang}), b.text);
}

/** After a reload of an ended conversation: the lines this tab kept (kept.js), as they were shown. */
export function showKeptLines() {
  for (const [id, line] of keptLines()) {
    const b = bubble(id, line.kind);
    if (line.old) crossOut(b, line.old);
    show(b, line.text, line.lang, line.ruby, line.phrases);
    if (line.untranslated) untranslated(id, line.untranslated === INTERPRETER_READS);
  }
}

export const notUnderstood = (id) => markNotUnderstood(bubbles.get(id), page.t, page.lang);

// the resident's untranslated words while an interpreter is in the session: they do reach someone, the
// interpreter (whose console shows them marked), who passes them on; not "the staff did not get this"
const INTERPRETER_READS = 'untranslated_interpreter';

/** The relay could not put the resident's words into Japanese: their bubble says the staff never got them,
 * or, with an interpreter in the session (`interpreter`), that the interpreter will pass them on. */
function untranslated(id, interpreter = page.interpreter) {
  if (!bubbles.has(id)) return;
  const key = interpreter ? INTERPRETER_READS : 'untranslated';
  markUntranslated(bubbles.get(id), page.t, page.lang, key);
  keepLine(id, {untranslated: key}); // read again after the end, too
}

/** An interpreter joined (`true`) or left: from now on the resident's untranslated words reach them; those
 * said before do too (the console shows the whole conversation with them marked), so they say so now. */
export function interpreterHere(here) {
  const joined = here && !page.interpreter;
  page.interpreter = here;
  if (!joined) return; // the words said while one was here were read: they keep saying so after
  for (const [id, b] of bubbles) if (b.li.querySelector('.untranslated')) untranslated(id, true);
}

function show(b, text, textLang, ruby, phrases) {
  setLang(b.text, textLang);
  // やさしい日本語 on the phone: furigana and 分かち書き, as printed easy-Japanese texts are
  b.text.replaceChildren(ruby || phrases ? rubyText(text, ruby, {phrases}) : text);
}

/** Typed texts not stored yet (common/outbox.js): kept, shown as not sent, resent by themselves. */
export function renderPending() {
  const list = $('#pending');
  const {outbox, residentLang} = page;
  const waiting = outbox ? outbox.items.filter((item) => item.state === 'waiting') : [];
  list.hidden = waiting.length === 0;
  list.replaceChildren(...waiting.map((item) => el('li', {class: 'pending-item'},
    el('span', {class: 'text', text: item.text, lang: residentLang && residentLang !== 'auto' ? residentLang : undefined}),
    putText(el('span', {class: 'why', lang: sourceLang(STRINGS, page.lang, 'pending')}), page.t('pending')))));
}

function onTranslation(m) {
  if (m.kind === 'back_translation') return;
  missed.settle(m);
  const kind = m.kind === 'operator' ? 'operator' : 'clerk';
  const b = bubble(m.utterance_id, kind);
  const old = m.replaces && b.text.textContent ? {text: b.text.textContent, lang: b.text.lang} : undefined;
  if (old) crossOut(b, old);
  show(b, m.text, m.lang, m.ruby, m.phrases);
  keepLine(m.utterance_id, {kind, text: m.text, lang: m.lang, ruby: m.ruby, phrases: m.phrases, ...(old ? {old} : {})});
}

/** A relay message about what was said; false for any other. */
export function onConversation(m) {
  switch (m.type) {
    case 'partial': {
      if (!m.text) { // not said on record: the line goes (unless this phone heard it: notUnderstood keeps it)
        if (bubbles.get(m.utterance_id)?.li.classList.contains('partial')) { bubbles.get(m.utterance_id).li.remove(); bubbles.delete(m.utterance_id); }
        return true;
      }
      const b = bubble(m.utterance_id, 'resident');
      b.li.classList.add('partial');
      show(b, m.text + ' …', m.lang);
      return true;
    }
    case 'transcript':
      if (m.speaker !== 'resident') return true;
      show(bubble(m.utterance_id, 'resident'), m.text, m.lang);
      keepLine(m.utterance_id, {kind: 'resident', text: m.text, lang: m.lang});
      if (['not_sent', 'speech_not_sent'].includes(statusKey())) status(null); // what could not be sent now is
      return true;
    case 'translation': onTranslation(m); return true;
    case 'untranslated':
      if (m.speaker !== 'resident') { missed.show(m.utterance_id); return true; }
      untranslated(m.utterance_id);
      return true;
    default:
      return false;
  }
}

/** Nothing more will be said: lines still being spoken go, and so does 'please wait' for the staff's. */
export function closeConversation() {
  for (const [id, b] of bubbles) if (b.li.classList.contains('partial')) { b.li.remove(); bubbles.delete(id); }
  missed.clear();
}
