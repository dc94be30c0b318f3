// The staff's words that the relay could not translate for the resident (its stored `untranslated` event,
// so a reload or a reconnection replays it). The event carries no text: the phone can only say that the
// staff's last words did not come through, and to wait — at the end of the conversation, where the next
// line would have been, until the next translation comes. Without it the resident waited for words that
// never came, not knowing anything was said.

import {el} from '/static/common/dom.js';
import {putText, setLang, sourceLang, translator} from '/static/common/i18n.js';

export class MissedWords {
  /** `list`: the conversation's <ol>; `strings`: the phone's table; `currentLang()`: the page's language. */
  constructor(list, strings, currentLang) {
    this.list = list;
    this.strings = strings;
    this.currentLang = currentLang;
    this.utteranceId = null;
    this.item = null;
  }

  /** The staff's sentence `utteranceId` never reached the resident: say so (once, at the bottom). */
  show(utteranceId) {
    this.utteranceId = utteranceId;
    if (!this.item) {
      // data-i18n: the words follow a change of the phone's language (applyStrings)
      this.item = el('li', {class: 'bubble clerk missed'},
        this._words('p', 'who', 'staff'), this._words('p', 'untranslated', 'staff_untranslated'));
    }
    this.list.append(this.item); // a later failure moves it to the end again
    const log = this.list.parentElement;
    log.scrollTop = log.scrollHeight;
  }

  /** A translation came: the words got through after all (`utterance_id` of the missed one, an
   * interpreter's correction of it) or the conversation moved on (a new line). A correction of another,
   * older line leaves the notice standing. */
  settle(message) {
    if (!this.item || (message.replaces && message.utterance_id !== this.utteranceId)) return;
    this.clear();
  }

  clear() {
    if (this.item) this.item.remove();
    this.item = null;
    this.utteranceId = null;
  }

  _words(tag, cls, key) {
    const lang = this.currentLang();
    const node = el(tag, {class: cls, dataset: {i18n: key}});
    putText(node, translator(this.strings, lang)(key));
    setLang(node, sourceLang(this.strings, lang, key));
    return node;
  }
}
