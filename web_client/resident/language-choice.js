// The resident's language, chosen on the phone at any time: while the counter left it on 自動 (until then
// nothing the clerk says can be translated for the phone), and later from 🌐 in the header, for a
// resident who picked wrongly or whose language was guessed wrongly from their speech. Every offered
// language is named in its own script (GET /api/languages); Japanese is offered as やさしい日本語 (the
// relay then rewrites the clerk's words into easy Japanese with furigana for the phone). The choice
// becomes the session's language (`settings {resident_lang}`, allowed to a resident for its own language).

import {api} from '/static/common/connection.js';
import {el} from '/static/common/dom.js';
import {plainText, putText} from '/static/common/i18n.js';

// with furigana: whoever asks for やさしい日本語 may not read 日本語 (plainText for an accessible name)
export const EASY_JAPANESE_NAME = 'やさしい｜日本語《にほんご》';

export class LanguageChoice {
  /** `section`: the (hidden) element to fill; `onChoose(code)` when the resident taps a language. */
  constructor(section, {token, onChoose}) {
    Object.assign(this, {section, token, onChoose});
    this.languages = null;
  }

  /** The offered languages (once); null when the relay cannot say (the mic still detects the language). */
  async load() {
    if (!this.languages) {
      try {
        const all = (await api('/api/languages', {token: this.token})).languages;
        // Japanese last: a resident reading Japanese asks for easy Japanese, the others come first
        this.languages = [...all.filter((l) => l.code !== 'ja'), ...all.filter((l) => l.code === 'ja')];
      } catch {
        return null;
      }
    }
    return this.languages;
  }

  /** A language's name in its own script (Japanese: やさしい日本語, with its furigana mark). */
  nameOf(code) {
    if (code === 'ja') return EASY_JAPANESE_NAME;
    return (this.languages || []).find((l) => l.code === code)?.name || code;
  }

  /** Show the buttons, the `current` language (if any) marked as chosen. */
  async show(current = null) {
    if (!(await this.load())) return false;
    const buttons = this.languages.map((l) => putText(el('button', {
      type: 'button', class: 'lang-choice', lang: l.code, on: {click: () => this.onChoose(l.code)},
      attrs: {'aria-pressed': String(l.code === current), 'aria-label': plainText(this.nameOf(l.code))}}), this.nameOf(l.code)));
    this.section.querySelector('.choices').replaceChildren(...buttons);
    this.section.hidden = false;
    return true;
  }

  get open() {
    return !this.section.hidden;
  }

  hide() {
    this.section.hidden = true;
  }
}
