// The phrasebook's fixed phrases (定型文) as buttons the clerk can tap. With no translation model for the
// resident's language they are what still reaches the resident in their language (the relay translates
// a phrasebook sentence with no model), so the tablet offers a few where the clerk types — only then.

import {api} from '/static/common/connection.js';
import {el} from '/static/common/dom.js';

const OFFERED = 12; // a few to tap, from the top of the phrasebook (greetings, waiting, forms)

export class PhrasePicker {
  /** `root`: a <details> holding a list; `onSay(text)`: send the Japanese phrase as the clerk's words. */
  constructor(root, {token, onSay}) {
    Object.assign(this, {root, token, onSay});
    this.list = root.querySelector('ul');
    this.lang = null;
  }

  /** Offer the phrases that have `lang` (null: hide them: the language translates, or is not known). */
  async offer(lang) {
    if (lang === this.lang) return;
    this.lang = lang;
    if (!lang) { this.root.hidden = true; return; }
    let phrases = [];
    try {
      ({phrases} = await api(`/api/phrasebook?lang=${encodeURIComponent(lang)}`, {token: this.token}));
    } catch { /* no list: the notice still says that only fixed phrases translate */ }
    if (this.lang !== lang) return; // the language changed meanwhile
    this.list.replaceChildren(...phrases.slice(0, OFFERED).map((phrase) => el('li', {},
      el('button', {type: 'button', lang: 'ja', text: phrase.ja, on: {click: () => this.onSay(phrase.ja)}}))));
    this.root.hidden = phrases.length === 0;
  }
}
