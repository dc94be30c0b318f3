// 話し方 during a visit: 翻訳 or やさしい日本語, always on screen beside the conversation's heads, so the
// clerk sees which one the words go out in and can switch at any time (before, the only way into
// やさしい日本語 was a button inside the red call bar, gone once the interpreter left, with no way back).
// The relay's `session.updated` is the truth: the buttons show the session's mode, not the last tap.

import {$} from '/static/common/dom.js';

export class ModeSwitch {
  /** `send(message)`: the Talk's settings sender. */
  constructor(root, send, signal) {
    this.root = root;
    this.buttons = [...root.querySelectorAll('button[data-mode]')];
    for (const button of this.buttons) {
      button.addEventListener('click', () => {
        if (button.getAttribute('aria-pressed') !== 'true') send({type: 'settings', mode: button.dataset.mode});
      }, {signal});
    }
  }

  /** The session's mode; none to choose while the resident reads やさしい日本語 itself (nothing to translate). */
  render({mode, resident_lang: lang}) {
    this.root.hidden = lang === 'ja';
    for (const button of this.buttons) button.setAttribute('aria-pressed', String(button.dataset.mode === (mode || 'translation')));
    $('#mode-now').textContent = mode === 'easy_japanese' ? 'やさしい日本語で話しています' : '翻訳しています';
  }
}
