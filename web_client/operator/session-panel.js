// The session being served: the whole conversation (replayed from the start, then live), replies to
// the resident in their language or to the clerk in Japanese, corrections of AI translations in place
// (`replaces`), and release / close / transfer with wrap-up notes.

import {$, clear, el, setText} from '/static/common/dom.js';
import {relayErrorText} from '/static/common/relay-errors.js';
import {describe} from './languages.js';

const WHO = {clerk: '職員', resident: '住民', operator: '通訳者'};
const KIND = {translation: 'AI翻訳', phrasebook: '定型文', easy_japanese: 'やさしい日本語', operator: '通訳者',
  back_translation: '逆翻訳'};
const AI_KINDS = new Set(['translation', 'phrasebook', 'easy_japanese']);
const EVENTS = {connected: '通訳者（あなた）が接続しました', returned: 'AIに戻りました', queued: '窓口が通訳者を呼びました'}; // history, read after accepting: the call, not a wait

export class SessionPanel {
  constructor({send, onError, colleagues}) {
    Object.assign(this, {send, onError, colleagues});
    this.sessionId = null;
    this.session = null;
    this.utterances = new Map(); // utterance_id → {li, lines: [{lang, kind, node}]}
    this.lastEvent = null; // the last escalation state in the log
    $('#reply-form').addEventListener('submit', (event) => { event.preventDefault(); this._reply(); });
    $('#reply-text').addEventListener('keydown', (event) => {
      // Enter sends, as in a chat; Shift+Enter is a new line. Not while an IME is composing: that Enter
      // confirms the kana → kanji conversion of a Japanese reply (keyCode 229 on older engines).
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      $('#reply-form').requestSubmit();
    });
    $('#release-ai').addEventListener('click', () => this._release('ai'));
    $('#release-close').addEventListener('click', () => $('#close-dialog').showModal());
    $('#close-cancel').addEventListener('click', () => $('#close-dialog').close());
    $('#close-confirm').addEventListener('click', () => { $('#close-dialog').close(); this._release('close'); });
    $('#transfer-refresh').addEventListener('click', () => this.refreshColleagues());
    $('#transfer').addEventListener('click', () => {
      const to = $('#transfer-to').value;
      if (!to) { this.onError('引き継げる通訳者がいません（受付可で、この言語に対応している人）'); return; }
      this.send({type: 'transfer', operator_id: to});
    });
  }

  get residentLang() {
    return this.session ? this.session.resident_lang : 'auto';
  }

  open(sessionId, session = null) {
    if (this.sessionId !== sessionId) this._fresh();
    this.sessionId = sessionId;
    if (session) this.session = session;
    $('#session').hidden = false;
    $('#idle').hidden = true;
    this._renderInfo();
    if (session) this.refreshColleagues();
  }

  /** A new session starts from nothing of the last one: its log and notes, a reply typed for the last
   * resident, and the reply target, which is 住民へ again (a note 職員へ in the last call must not make
   * the next resident's first words go to the clerk as Japanese). */
  _fresh() {
    clear($('#log'));
    this.utterances.clear();
    this.lastEvent = null;
    $('#notes').value = '';
    $('#reply-text').value = '';
    for (const radio of document.querySelectorAll('input[name="reply-to"]')) radio.checked = radio.value === 'resident';
  }

  /** Colleagues a transfer may go to: available, covering the session's language (GET /api/queue). */
  async refreshColleagues() {
    const lang = this.residentLang;
    let list = [];
    try { list = await this.colleagues(); } catch (err) { this.onError(relayErrorText(err, '引き継ぎ先の一覧を取得できません')); }
    const fit = list.filter((o) => o.state === 'available' && (lang === 'auto' || o.languages.includes(lang)));
    clear($('#transfer-to')).append(...(fit.length ? fit.map((o) => el('option', {value: o.operator_id, text: `${o.name}（${o.languages.join('・')}）`}))
      : [el('option', {value: '', text: '（いません）'})]));
  }

  /** The session's state (counter name, language) once fetched; ignored if another session is open now. */
  update(sessionId, info) {
    if (sessionId !== this.sessionId) return;
    this.session = {...info, ...(this.session || {})};
    this._renderInfo();
    this.refreshColleagues();
  }

  close() {
    if ($('#close-dialog').open) $('#close-dialog').close(); // the session it asked about is over
    this.sessionId = null;
    this.session = null;
    $('#session').hidden = true;
    $('#idle').hidden = !$('#offer').hidden; // an offer that rings meanwhile keeps the main area
    setText($('#counter-state'), '');
  }

  _renderInfo() {
    const lang = describe(this.residentLang);
    const counter = this.session && this.session.counter ? `${this.session.counter} — ` : '';
    setText($('#session-info'), `${counter}${lang.native}（${lang.japanese}）`);
    setText($('#to-resident'), `住民へ（${lang.japanese}）`);
  }

  counterState(code) {
    setText($('#counter-state'), code === 'counter_disconnected' ? '窓口の接続が切れました（再接続を待っています）' : '');
  }

  apply(message) {
    if (message.type === 'transcript') this._transcript(message);
    else if (message.type === 'translation') this._translation(message);
    else if (message.type === 'untranslated') this._untranslated(message);
    else if (message.type === 'session.updated') {
      this.session = {...(this.session || {}), resident_lang: message.resident_lang, mode: message.mode};
      this._renderInfo();
    } else if (message.type === 'escalation') {
      // the counter's place in line comes again with every change of it: the log says once that it waited
      const again = message.state === 'queued' && this.lastEvent === 'queued';
      this.lastEvent = message.state;
      if (EVENTS[message.state] && !again) this._event(EVENTS[message.state]);
    } else if (message.type === 'session.closed') {
      this._event('受付が終了しました');
    }
  }

  _event(text) {
    $('#log').append(el('li', {class: 'event', text}));
    this._scroll();
  }

  _utterance(id, speaker) {
    let u = this.utterances.get(id);
    if (!u) {
      const li = el('li', {class: speaker, dataset: {utterance: id}}, el('p', {class: 'who', text: WHO[speaker] || speaker}));
      u = {li, lines: []};
      this.utterances.set(id, u);
      $('#log').append(li);
    }
    return u;
  }

  _transcript(m) {
    const u = this._utterance(m.utterance_id, m.speaker);
    if (m.speaker === 'operator') return; // the interpreter's own words: shown as the line to its listener
    u.li.insertBefore(el('p', {class: 'said', lang: m.lang, text: m.text}), u.li.children[1] || null);
    this._scroll();
  }

  /** The relay could not translate this sentence: its listener never got it, which is what the interpreter
   * may want to put across first (marked until a translation of it comes). */
  _untranslated(m) {
    const u = this.utterances.get(m.utterance_id);
    if (!u || u.untranslated) return;
    u.untranslated = el('p', {class: 'line untranslated',
      text: `⚠ 自動翻訳できず、${m.speaker === 'clerk' ? '住民' : '職員'}には届いていません`});
    u.li.append(u.untranslated);
    this._scroll();
  }

  _translation(m) {
    const u = this._utterance(m.utterance_id, 'operator');
    if (u.untranslated && m.kind !== 'back_translation') { u.untranslated.remove(); u.untranslated = null; }
    if (m.replaces) {
      for (const line of u.lines) {
        if (line.lang === m.lang && line.kind !== 'operator') line.node.classList.add('replaced');
      }
    }
    const text = el('span', {class: 'text', lang: m.lang, text: m.text});
    const node = el('p', {class: `line ${m.kind}`}, el('span', {class: 'kind', text: `${KIND[m.kind] || m.kind}・${describe(m.lang).japanese}`}), text);
    if (AI_KINDS.has(m.kind)) {
      node.append(el('button', {type: 'button', text: '訂正', attrs: {'aria-label': `この${describe(m.lang).japanese}の翻訳を訂正`},
        on: {click: () => this._correct(node, m)}}));
    }
    u.lines.push({lang: m.lang, kind: m.kind, node});
    u.li.append(node);
    this._scroll();
  }

  _correct(node, m) {
    if (node.querySelector('form')) return;
    const input = el('input', {value: m.text, lang: m.lang, attrs: {'aria-label': '訂正した訳'}});
    const form = el('form', {class: 'fix', on: {submit: (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      if (this.send({type: 'text', speaker: 'operator', text, lang: m.lang, replaces: m.utterance_id})) form.remove();
    }}}, input, el('button', {type: 'submit', class: 'primary', text: '訂正を送る'}));
    node.append(form);
    input.focus();
  }

  _reply() {
    const text = $('#reply-text').value.trim();
    if (!text) return;
    const to = document.querySelector('input[name="reply-to"]:checked').value;
    const lang = to === 'clerk' ? 'ja' : this.residentLang;
    if (lang === 'auto') { this.onError('住民の言語がまだ分かりません。職員へ送るか、言語の判定を待ってください'); return; }
    if (this.send({type: 'text', speaker: 'operator', text, lang})) $('#reply-text').value = '';
    else this.onError('接続が切れています。再接続後にもう一度送ってください');
  }

  _release(to) {
    const notes = $('#notes').value.trim();
    this.send({type: 'release', to, ...(notes ? {notes} : {})});
  }

  _scroll() {
    const log = $('#log');
    log.scrollTop = log.scrollHeight;
  }
}
