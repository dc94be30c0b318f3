// The resident-facing panel: large text in the resident's language for the person across the counter.
// It can be turned 180° (face to face over a flat tablet) or mirrored (a transparent display), and
// shown on a second screen: /counter/panel in its own window follows through a BroadcastChannel.

import {el, rubyText} from '/static/common/dom.js';
import {setLang, translator, sourceLang} from '/static/common/i18n.js';
import {RESIDENT_STRINGS} from '/static/resident/strings.js';

export const PANEL_CHANNEL = 'madoguchi-panel';

/** Render a panel state into `face` (also used by the second-screen window). */
export function renderPanel(face, state, {furigana = true, wakachi = false} = {}) {
  const lang = state.lang || 'en';
  const t = translator(RESIDENT_STRINGS, lang);
  const status = state.status ? el('p', {class: 'panel-status', text: t(state.status, state.vars || {})}) : null;
  if (status) setLang(status, sourceLang(RESIDENT_STRINGS, lang, state.status));
  const main = el('p', {class: 'panel-main'});
  if (state.main) {
    setLang(main, state.main.lang);
    const {text, ruby, phrases} = state.main;
    main.append(ruby || phrases ? rubyText(text, ruby, {furigana, phrases: wakachi ? phrases : null}) : text);
  } else {
    setLang(main, sourceLang(RESIDENT_STRINGS, lang, 'welcome'));
    main.append(t('welcome'));
    main.classList.add('placeholder');
  }
  const parts = [status, main];
  if (state.you) {
    const you = el('p', {class: 'panel-you'}, el('span', {class: 'tag', text: t('said') + ': '}), el('span', {text: state.you.text, lang: state.you.lang}));
    setLang(you.firstChild, sourceLang(RESIDENT_STRINGS, lang, 'said'));
    parts.push(you);
  }
  face.replaceChildren(...parts.filter(Boolean));
  face.classList.toggle('rotated', Boolean(state.rotated));
  face.classList.toggle('mirrored', Boolean(state.mirrored));
}

export class ResidentPanel {
  constructor(face, {sessionId}) {
    this.face = face;
    this.state = {lang: 'en', main: null, you: null, status: null, rotated: false, mirrored: false};
    this.display = {furigana: true, wakachi: false};
    this.channel = 'BroadcastChannel' in window ? new BroadcastChannel(`${PANEL_CHANNEL}-${sessionId}`) : null;
    if (this.channel) this.channel.onmessage = (e) => { if (e.data === 'hello') this._post(); };
    this.render();
  }

  update(changes) {
    Object.assign(this.state, changes);
    this.render();
  }

  /** A relay message that concerns the resident: what they were told, or what they said. */
  apply(message, residentLang) {
    if (message.type === 'translation' && message.kind !== 'back_translation'
        && (message.lang === residentLang || message.kind === 'easy_japanese')) {
      this.update({main: {text: message.text, ruby: message.ruby, phrases: message.phrases, lang: message.lang}, you: null});
    } else if (message.type === 'transcript' && message.speaker === 'resident') {
      this.update({you: {text: message.text, lang: message.lang}});
    } else if (message.type === 'transcript' && message.speaker === 'clerk' && residentLang === 'ja') {
      this.update({main: {text: message.text, lang: 'ja'}, you: null});
    }
  }

  setDisplay(changes) {
    Object.assign(this.display, changes);
    this.render();
  }

  render() {
    renderPanel(this.face, this.state, this.display);
    this._post();
  }

  _post() {
    if (this.channel) this.channel.postMessage({state: this.state, display: this.display});
  }

  close() {
    if (this.channel) this.channel.close();
  }
}
