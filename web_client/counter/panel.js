// The resident-facing panel: large text in the resident's language for the person across the counter.
// It can be turned 180° (face to face over a flat tablet) or mirrored (a transparent display), and
// shown on a second screen: /counter/panel in its own window follows through a BroadcastChannel.

import {el, rubyText} from '/static/common/dom.js';
import {putText, setLang, translator, sourceLang} from '/static/common/i18n.js';
import {fitLatest, keepFitted} from '/static/counter/panel-fit.js';
import {languageGrid, languageToggle} from '/static/counter/panel-language.js';
import {ONE_WAY_STRINGS} from '/static/resident/strings-one-way.js';
import {RESIDENT_STRINGS} from '/static/resident/strings.js';

export const PANEL_CHANNEL = 'madoguchi-panel';

// A pictogram before each interpreter-call line: read by a resident whatever language they read, and
// the only sign that is not Japanese while the language is 自動 (the panel then speaks やさしい日本語).
const STATUS_ICONS = {offered: '⚠️', queued: '⏳', queued_short: '⏳', queued_position: '⏳', connected: '🧑‍💼',
  queued_connecting: '⏳', returned: '💬', unavailable: '🚫', cancelled: '✖️', uncovered: '🚫', uncovered_phrases: '🚫'};

/** The call-status line: the pictogram, then the words (furigana in やさしい日本語). */
function statusLine(state, t, lang, compact) {
  if (!state.status) return null;
  const key = compact && state.status.startsWith('queued') ? 'queued_short' : state.status;
  const icon = STATUS_ICONS[key];
  const words = putText(el('span', {lang: sourceLang(RESIDENT_STRINGS, lang, key)}), t(key, state.vars || {}));
  return el('p', {class: compact ? 'panel-status compact' : 'panel-status'},
    icon ? el('span', {class: 'panel-icon', text: icon, attrs: {'aria-hidden': 'true'}}) : null, words);
}

/** Render a panel state into `face` (also used by the second-screen window). `state.lang` is the
 * session's resident language (`auto` while unknown: then only the language choice is shown);
 * `actions` {choose(code), toggle()} answer the resident's touches. */
export function renderPanel(face, state, {furigana = true, wakachi = false} = {}, actions = null) {
  const known = state.lang && state.lang !== 'auto';
  // not known yet: no guess at the resident's language; Japanese (やさしい日本語, with furigana) with
  // pictograms, as the 🌐 言語 · Language choice is
  const lang = known ? state.lang : 'ja';
  const t = translator(RESIDENT_STRINGS, lang);
  const choose = (code) => actions && actions.choose(code);
  const toggle = () => actions && actions.toggle();
  // unknown and nothing to read yet (in やさしい日本語 mode the clerk's words are readable before it is
  // known); without the relay's list of languages the panel keeps its usual text
  const grid = Boolean(state.languages) && (state.choosing || (!known && !state.main));
  const parts = [statusLine(state, t, lang, grid)];
  if (state.languages && !(grid && !known)) parts.push(languageToggle(state.languages, state.lang, grid, toggle));
  if (grid) {
    parts.push(languageGrid(state.languages, known ? state.lang : null, choose));
  } else {
    parts.push(...conversation(state, t, lang, {furigana, wakachi}));
    if (known) parts.push(oneWayNote(state.oneWay, lang)); // under the latest sentence: never pushing it out of view
  }
  face.replaceChildren(...parts.filter(Boolean));
  face.scrollTop = 0; // new words start at the top (not where the language list was scrolled to)
  face.classList.toggle('rotated', Boolean(state.rotated));
  face.classList.toggle('mirrored', Boolean(state.mirrored));
  fitLatest(face);
}

/** The resident's language translates one way only (or not at all): what they will see, in it. */
function oneWayNote(key, lang) {
  if (!key) return null;
  return putText(el('p', {class: 'panel-note', lang: sourceLang(ONE_WAY_STRINGS, lang, key)}), translator(ONE_WAY_STRINGS, lang)(key));
}

/** What the resident was last told, and what they said, in their language. */
function conversation(state, t, lang, {furigana, wakachi}) {
  const main = el('p', {class: 'panel-main'});
  if (state.main && state.main.notice) {
    setLang(main, sourceLang(RESIDENT_STRINGS, lang, state.main.notice));
    putText(main, t(state.main.notice));
  } else if (state.main) {
    setLang(main, state.main.lang);
    const {text, ruby, phrases, kind} = state.main;
    main.append(ruby || phrases || kind === 'easy_japanese'
      ? rubyText(text, ruby, {furigana, phrases: wakachi ? phrases : null, spaces: wakachi}) : text);
  } else {
    setLang(main, sourceLang(RESIDENT_STRINGS, lang, 'welcome'));
    putText(main, t('welcome'));
    main.classList.add('placeholder');
  }
  if (!state.you) return [main];
  const you = el('p', {class: 'panel-you'}, putText(el('span', {class: 'tag'}), t('said') + ': '), el('span', {text: state.you.text, lang: state.you.lang}));
  setLang(you.firstChild, sourceLang(RESIDENT_STRINGS, lang, 'said'));
  return [main, you];
}

export class ResidentPanel {
  /** `onChoose(code)`: the resident chose their language by touch (here or on the second screen). */
  constructor(face, {sessionId, onChoose}) {
    this.face = face;
    keepFitted(face);
    this.onChoose = onChoose;
    this.state = {lang: 'auto', languages: null, choosing: false, oneWay: null, main: null, you: null, status: null, rotated: false, mirrored: false};
    this.display = {furigana: true, wakachi: false};
    this.actions = {choose: (code) => this._choose(code), toggle: () => this.update({choosing: !this.state.choosing})};
    this.channel = 'BroadcastChannel' in window ? new BroadcastChannel(`${PANEL_CHANNEL}-${sessionId}`) : null;
    if (this.channel) this.channel.onmessage = (e) => this._fromWindow(e.data);
    this.render();
  }

  _choose(code) {
    this.update({choosing: false});
    if (code !== this.state.lang) this.onChoose(code);
  }

  /** The second screen asks for the state, or passes on a touch. */
  _fromWindow(data) {
    if (data === 'hello') this._post();
    else if (data && data.action === 'choose') this.actions.choose(data.code);
    else if (data && data.action === 'toggle') this.actions.toggle();
  }

  update(changes) {
    Object.assign(this.state, changes);
    this.render();
  }

  /** A relay message that concerns the resident: what they were told, or what they said. */
  apply(message, residentLang) {
    if (message.type === 'translation' && message.kind !== 'back_translation'
        && (message.lang === residentLang || message.kind === 'easy_japanese')) {
      this.update({main: {text: message.text, ruby: message.ruby, phrases: message.phrases, lang: message.lang,
        kind: message.kind}, you: null});
    } else if (message.type === 'transcript' && message.speaker === 'resident') {
      this.update({you: {text: message.text, lang: message.lang}});
    } else if (message.type === 'transcript' && message.speaker === 'clerk' && residentLang === 'ja') {
      this.update({main: {text: message.text, lang: 'ja'}, you: null});
    } else if (message.type === 'untranslated' && message.speaker !== 'resident' && residentLang !== 'ja') {
      // the staff's last words never reached the resident: the previous sentence must not stand as if it were them
      this.update({main: {notice: 'staff_untranslated'}, you: null});
    }
  }

  setDisplay(changes) {
    Object.assign(this.display, changes);
    this.render();
  }

  render() {
    renderPanel(this.face, this.state, this.display, this.actions);
    this._post();
  }

  _post() {
    if (this.channel) this.channel.postMessage({state: this.state, display: this.display});
  }

  close() {
    if (this.channel) this.channel.close();
  }
}
