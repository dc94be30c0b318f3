// The counter left the resident's language on 自動: until it is known nothing the clerk says can be
// translated for the phone, and a typed text has no language. The phone shows the offered languages,
// each named in its own script (GET /api/languages); the resident's choice becomes the session's
// language (`settings {resident_lang}`, which the relay allows a resident for its own language only).

import {api} from '/static/common/connection.js';
import {el} from '/static/common/dom.js';

export class LanguageChoice {
  /** `section`: the (hidden) element to fill; `onChoose(code)` when the resident taps a language. */
  constructor(section, {token, onChoose}) {
    Object.assign(this, {section, token, onChoose});
    this.languages = null;
  }

  async show() {
    if (!this.languages) {
      try {
        this.languages = (await api('/api/languages', {token: this.token})).languages;
      } catch {
        return false; // the page keeps working; the mic still detects the language
      }
    }
    const buttons = this.languages.filter((l) => l.code !== 'ja').map((l) => el('button', {
      type: 'button', class: 'lang-choice', lang: l.code, text: l.name, on: {click: () => this.onChoose(l.code)}}));
    this.section.querySelector('.choices').replaceChildren(...buttons);
    this.section.hidden = false;
    return true;
  }

  hide() {
    this.section.hidden = true;
  }
}
