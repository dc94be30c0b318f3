// A language that is not machine-translated both ways (`mt` of GET /api/languages: to_ja, from_ja or
// none): the phone says, in the resident's language, what they will see — with to_ja, the staff's words
// only as fixed phrases (the rest is marked as not translated, and needs an interpreter) — once, under
// the status line, for as long as that is the session's language. Nothing is said while the language is
// 自動 or when the relay cannot list its languages.

import {$} from '/static/common/dom.js';
import {putText, setLang, sourceLang} from '/static/common/i18n.js';
import {STRINGS, page} from '/static/resident/page.js';
import {oneWayKey} from '/static/resident/strings-one-way.js';

export async function showOneWay() {
  const code = page.residentLang;
  const languages = code && code !== 'auto' && page.choice && !page.closed ? await page.choice.load() : null;
  if (code !== page.residentLang) return; // changed while the list was asked for: that call says it
  const key = oneWayKey((languages || []).find((l) => l.code === code)?.mt);
  const note = $('#mt-note');
  note.hidden = !key || page.closed;
  if (note.hidden) return;
  putText(note, page.t(key));
  setLang(note, sourceLang(STRINGS, page.lang, key));
}
