// One counter session on the tablet: the connection, the conversation, the resident panel, speech,
// the microphone, typed input for both sides, escalation and trouble messages, the QR code.

import {RelayConnection, api} from '/static/common/connection.js';
import {$, el} from '/static/common/dom.js';
import {setLang} from '/static/common/i18n.js';
import {Outbox} from '/static/common/outbox.js';
import {SpeechPlayer} from '/static/common/playback.js';
import {CallBar} from '/static/counter/call-bar.js';
import {ConversationView} from '/static/counter/conversation.js';
import {MtCoverage} from '/static/counter/coverage.js';
import {JoinCode} from '/static/counter/join-code.js';
import {MicController} from '/static/counter/mic.js';
import {ModeSwitch} from '/static/counter/mode-switch.js';
import {japaneseName, languageName, missingEngines, mtNotice, troubleText} from '/static/counter/notices.js';
import {renderPending} from '/static/counter/pending.js';
import {ResidentPanel} from '/static/counter/panel.js';
import {PhrasePicker} from '/static/counter/phrases.js';
import {panelLanguages} from '/static/counter/panel-language.js';
import {CounterVideo} from '/static/counter/video-panel.js';
import {oneWayKey} from '/static/resident/strings-one-way.js';

export class Talk extends EventTarget {
  constructor({token, session}) {
    super();
    this.token = token;
    this.session = session; // {session_id, resident_url, resident_lang, mode, tts, counter}
    this.player = new SpeechPlayer();
    this.connection = new RelayConnection({role: 'counter', token, sessionId: session.session_id});
    this.view = new ConversationView($('#bubbles'), {languageName: japaneseName});
    this.view.clear();
    $('#trouble').replaceChildren(); // a new session starts with no notice of the last one
    $('#ptt-button').setAttribute('aria-pressed', 'false');
    this.panel = new ResidentPanel($('#panel-face'), {sessionId: session.session_id, onChoose: (code) => this._chooseLanguage(code)});
    this.mic = new MicController({connection: this.connection, player: this.player, stateEl: $('#mic-state'), meterBar: $('#meter-bar')});
    this.mt = new MtCoverage(); // which languages translate with a model (else fixed phrases only)
    this.call = new CallBar(this); // the interpreter-call bar
    this.video = new CounterVideo($('#video-panel'), this.connection, $('#video-open'));
    // typed texts are kept (also across a reload) until the relay says they are stored
    this.outbox = new Outbox({connection: this.connection, storage: localStorage, key: `madoguchi.outbox.${session.session_id}`});
    this.unsaved = new Map(); // utterance_id → speech recognised but not stored (store_unavailable)
    this.phrases = new PhrasePicker($('#phrases'), {token, onSay: (text) => this.outbox.submit({type: 'text', speaker: 'clerk', text})});
    this._abort = new AbortController();
    this.modeSwitch = new ModeSwitch($('#mode-switch'), (m) => this._send(m), this._abort.signal);
    this.modeSwitch.render(session);
    this._wire();
    this._residentLang(session.resident_lang);
    this._languages();
    this._qr();
    this.joinCode = new JoinCode({token, session, signal: this._abort.signal});
    this.connection.connect();
  }

  _on(selector, type, handler) {
    $(selector).addEventListener(type, handler, {signal: this._abort.signal});
  }

  _wire() {
    const c = this.connection;
    c.addEventListener('welcome', (e) => this._welcome(e.detail));
    c.addEventListener('message', (e) => this._message(e.detail));
    c.addEventListener('audio', (e) => this.player.audio(e.detail));
    c.addEventListener('state', (e) => this._linkState(e.detail.state));
    c.addEventListener('fatal', (e) => this.dispatchEvent(new CustomEvent('fatal', {detail: e.detail})));
    this.outbox.addEventListener('change', () => this._renderPending());
    this.outbox.addEventListener('settled', () => this.trouble({key: 'store', level: 'ok', text: '復旧しました。残っていた入力は記録されました。'}));
    this._renderPending();
    this.player.addEventListener('speaking', (e) => { $('#stop-speech').disabled = !e.detail.speaking; });
    this.mic.addEventListener('lost', () => this.trouble({key: 'gap', level: 'warn',
      text: '接続が切れている間の音声は送信できませんでした。もう一度話してください。'}));
    this._on('#mic-button', 'click', () => this._toggleMic());
    const ptt = (down) => (e) => { e.preventDefault(); this._ptt(down); };
    this._on('#ptt-button', 'pointerdown', ptt(true));
    this._on('#ptt-button', 'pointerup', ptt(false));
    this._on('#ptt-button', 'pointerleave', ptt(false));
    this._on('#ptt-button', 'keydown', (e) => { if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) ptt(true)(e); });
    this._on('#ptt-button', 'keyup', (e) => { if (e.key === ' ' || e.key === 'Enter') ptt(false)(e); });
    this._on('#stop-speech', 'click', () => this.player.stop());
    this._on('#escalate-button', 'click', () => this._send({type: 'escalate'}));
    this._on('#escalation-accept', 'click', () => this._send({type: 'escalate'}));
    this._on('#escalation-cancel', 'click', () => { this.call.cancelling = this._send({type: 'escalation.cancel'}); });
    this._on('#escalation-easy', 'click', () => this._send({type: 'settings', mode: 'easy_japanese'})); // the call still waits
    this._on('#escalation-end', 'click', () => $('#end-button').click()); // asked first, as 受付終了 is
    this._on('#clerk-form', 'submit', (e) => this._typed(e, '#clerk-text', 'clerk'));
    this._on('#resident-form', 'submit', (e) => this._typed(e, '#resident-text', 'resident'));
    const display = (key) => (e) => {
      this.view.setDisplay({[key]: e.target.checked});
      this.panel.setDisplay({[key]: e.target.checked});
    };
    this._on('#opt-furigana', 'change', display('furigana'));
    this._on('#opt-wakachi', 'change', display('wakachi'));
    this._on('#opt-tts', 'change', (e) => this._send({type: 'settings', tts: e.target.checked}));
    this._on('#panel-rotate', 'click', (e) => this._panelToggle(e.currentTarget, 'rotated'));
    this._on('#panel-mirror', 'click', (e) => this._panelToggle(e.currentTarget, 'mirrored'));
    this._on('#panel-window', 'click', () => window.open(`/counter/panel#session=${encodeURIComponent(this.session.session_id)}`,
      'madoguchi-panel', 'popup,width=800,height=600'));
  }

  _send(message) {
    if (this.connection.send(message)) return true;
    this.trouble({key: 'offline', level: 'warn', text: '接続が切れているため送信できませんでした。再接続後にもう一度お試しください。'});
    return false;
  }

  _renderPending() {
    renderPending($('#pending'), this.outbox.items, (id) => this.outbox.discard(id), [...this.unsaved.values()], {
      onSendSpoken: (id) => this._sendSpoken(id),
      onDropSpoken: (id) => { this.unsaved.delete(id); this._renderPending(); },
    });
  }

  /** Speech the relay recognised but could not store: kept here, to be sent as typed text. */
  _unsavedSpeech(m) {
    this.view.apply({type: 'partial', utterance_id: m.utterance_id, speaker: m.speaker, text: ''}); // not said on record
    this.mic.setRecognising(false);
    this.unsaved.set(m.utterance_id, {utterance_id: m.utterance_id, speaker: m.speaker, lang: m.lang, text: m.text});
    this._renderPending();
  }

  _sendSpoken(utteranceId) {
    const item = this.unsaved.get(utteranceId);
    if (!item) return;
    this.unsaved.delete(utteranceId);
    this.outbox.submit({type: 'text', speaker: item.speaker, text: item.text, lang: item.lang}); // waits for the store if need be
    this._renderPending();
  }

  _typed(event, selector, speaker) {
    event.preventDefault();
    const input = $(selector);
    const text = input.value.trim();
    if (!text) return;
    const message = {type: 'text', speaker, text};
    if (speaker === 'resident' && this.session.resident_lang === 'auto') { // no language to send it in: kept in the box
      this.trouble({key: 'auto-typed', level: 'warn', text: '住民の言語が決まるまで、住民の入力は送れません。住民がスマートフォンで言語を選ぶか、マイクで話すと送れるようになります。'});
      return;
    }
    if (speaker === 'resident') message.lang = this.session.resident_lang;
    this.outbox.submit(message); // sent now, or kept and sent when it can be: the box is free again
    input.value = '';
  }

  async _toggleMic() {
    this.player.unlock();
    const on = !this.mic.handsFree;
    try {
      await this.mic.setHandsFree(on);
      $('#mic-button').setAttribute('aria-pressed', String(on));
    } catch (err) {
      this._micTrouble(err);
    }
  }

  async _ptt(down) {
    this.player.unlock();
    $('#ptt-button').setAttribute('aria-pressed', String(down)); // pressed while held, at once
    try { await this.mic.pushToTalk(down); } catch (err) {
      this._micTrouble(err);
    }
  }

  /** Over plain HTTP there is no permission to grant: the browser gives no microphone at all. */
  _micTrouble(err) {
    const text = err && err.name === 'InsecureContextError'
      ? 'マイクは HTTPS で開いたページでしか使えません（このページは http:// で開かれています）。IT担当者に HTTPS の設定を依頼してください。それまでは文字入力を使ってください。'
      : 'マイクが使えません。ブラウザーでマイクを許可するか、文字入力を使ってください。';
    this.trouble({key: 'mic', level: 'bad', text});
  }

  _panelToggle(button, key) {
    const on = button.getAttribute('aria-pressed') !== 'true';
    button.setAttribute('aria-pressed', String(on));
    this.panel.update({[key]: on});
  }

  _welcome({message, reconnected}) {
    const s = message.session || {};
    this.call.liveAfter = message.last_seq || 0; // events up to here are a replay: who did what is not known now
    Object.assign(this.session, {resident_lang: s.resident_lang, mode: s.mode, tts: s.tts, counter: s.counter});
    this.mt.welcome(message.engines);
    this.modeSwitch.render(this.session);
    this._residentLang(s.resident_lang);
    this._mtState();
    $('#opt-tts').checked = s.tts !== false;
    for (const item of missingEngines(message.engines)) this.trouble(item);
    if (reconnected) this.trouble({key: 'link', level: 'ok', text: '再接続しました。'});
    if (this.mic.handsFree) this.mic.render();
  }

  _message(m) {
    if (this.outbox.handle(m)) return;
    switch (m.type) {
      case 'partial':
        this.view.apply(m);
        this.mic.setRecognising(Boolean(m.text));
        return;
      case 'transcript':
      case 'translation':
        this.view.apply(m);
        this.panel.apply(m, this.session.resident_lang);
        if (m.type === 'transcript') this.mic.setRecognising(false);
        return;
      case 'tts.start': case 'tts.end': case 'live.start': case 'live.end':
        this.player.handle(m);
        return;
      case 'untranslated': // stored: also after a reload
        this.view.untranslated(m.utterance_id);
        this.panel.apply(m, this.session.resident_lang);
        return;
      case 'escalation': this.call.show(m); return;
      case 'session.updated': {
        const before = this.session.resident_lang;
        Object.assign(this.session, {resident_lang: m.resident_lang, mode: m.mode});
        this._residentLang(m.resident_lang);
        this.modeSwitch.render(this.session);
        this.call.showInstead();
        this._languageFound(m, before);
        this._mtState();
        return;
      }
      case 'session.closed':
        this.dispatchEvent(new CustomEvent('closed', {detail: {reason: m.reason}}));
        return;
      case 'error': case 'notice': {
        if (m.code === 'speech_not_understood') { this._notUnderstood(m); return; }
        if (m.code === 'store_unavailable' && m.text && m.utterance_id) this._unsavedSpeech(m);
        if ((m.code === 'engine_failed' || m.code === 'engine_unavailable') && m.utterance_id) this.view.untranslated(m.utterance_id);
        const item = troubleText(m);
        if (item) this.trouble(item);
        return;
      }
      default:
    }
  }

  /** Speech this tablet picked up gave no final: its line stays on the log, greyed, saying so. */
  _notUnderstood(m) {
    this.view.notUnderstood(m.utterance_id);
    this.mic.setRecognising(false);
  }

  /** The offered languages, for the resident's choice by touch on the panel. */
  async _languages() {
    try {
      const {languages} = await api('/api/languages', {token: this.token});
      this.mt.languages(languages);
      this._mtState();
      this.call.reword(); // a call replayed before the list came was worded as if both ways translated
      this.panel.update({languages: panelLanguages(languages)});
    } catch { /* the panel keeps its text; the phone and speech still set the language */ }
  }

  /** The resident touched their language on the panel (or the clerk did for them). Japanese is
   * やさしい日本語 there (plain Japanese needs no translating); leaving it is translation again. */
  _chooseLanguage(code) {
    const message = {type: 'settings', resident_lang: code};
    if (code === 'ja') message.mode = 'easy_japanese';
    else if (this.session.resident_lang === 'ja' && this.session.mode === 'easy_japanese') message.mode = 'translation';
    this._send(message);
  }

  /** The resident's language became known or changed (on the phone, the panel, or heard): say so, once. */
  _languageFound(m, before) {
    if (m.resident_lang === 'auto' || m.resident_lang === before) return;
    const how = {chosen: '住民がスマートフォンで選びました', detected: '話した言葉で判定しました', settings: '住民向け画面で選びました'}[m.reason];
    if (!how) return;
    const name = languageName(m.resident_lang, m.mode);
    if (!this.mt.translates(m.resident_lang)) { $('#trouble [data-key="auto"]')?.remove(); return; } // _mtState says it all
    const next = m.resident_lang === 'ja' ? '職員の言葉をやさしい日本語にして伝えます。' : '翻訳を始めます。'; // nothing to translate
    const text = before === 'auto' ? `住民の言語は${name}です（${how}）。${next}` : `住民の言語を${name}に変えました（${how}）。`;
    this.trouble({key: 'auto', level: 'ok', text});
    $('#trouble [data-key="auto-typed"]')?.remove();
  }

  _residentLang(lang) {
    if (lang === 'auto') {
      // やさしい日本語 needs no resident language: the clerk's words reach the panel meanwhile
      const meanwhile = this.session.mode === 'easy_japanese' ? '職員の言葉は、それまでやさしい日本語で住民向け画面に出ます。' : 'それまで職員の言葉は翻訳されません。';
      const then = this.mt.ready ? '翻訳が始まります' : '分かります';
      this.trouble({key: 'auto', level: 'warn', text: `住民の言語がまだ分かりません。住民がスマートフォンか住民向け画面（🌐）で言語を選ぶか、住民が話すと${then}。${meanwhile}`});
    } else if ($('#trouble [data-key="auto"]')?.classList.contains('warn')) {
      $('#trouble [data-key="auto"]').remove();
    }
    this.panel.update({lang: lang || 'auto'});
    this.joinCode?.residentLanguageChanged(); // its instruction for the resident, in their language too
    const name = lang === 'auto' || !lang ? '' : languageName(lang, this.session.mode);
    $('#resident-head').textContent = !name ? '住民（言語：自動）' : `住民（${name}）`;
    // the clerk's side of the tablet, in Japanese like the row above it; what is typed is in the
    // resident's language (its lang attribute picks the font and the keyboard's language)
    // 自動: no language to name; the clerk is told when the box can be used instead
    $('#resident-text-label').textContent = lang === 'auto' || !lang ? '住民の入力（言語はまだ不明）' : `住民の入力（${name}）`;
    $('#resident-text').placeholder = lang === 'auto' || !lang ? '住民の言語が決まると送れます' : `住民の言葉を入力（${name}）`;
    if (lang && lang !== 'auto') setLang($('#resident-text'), lang); else $('#resident-text').removeAttribute('lang');
  }

  _linkState(state) {
    const label = {connecting: '接続中…', open: '接続済み', down: '再接続中…', closed: '切断'}[state] || state;
    $('#link-state').textContent = label;
    $('#link-state').dataset.state = state;
    const banner = $('#banner');
    if (state === 'down') {
      banner.textContent = '接続が切れました。再接続しています…（この間の音声は送信されません）';
      banner.hidden = false;
    } else if (state === 'open') {
      banner.hidden = true;
    }
  }

  async _qr() {
    const url = this.session.resident_url;
    $('#qr-url').textContent = url || '（このタブレットでは表示できません）'; // plain text, behind 「QRコードが読めないとき」
    if (this.session.resident_url_local) { // the relay's own loopback address: a phone would open itself
      this.trouble({key: 'qr-local', level: 'bad', text: 'このQRコードとアドレスはスマートフォンから開けません（このタブレットが 127.0.0.1 などサーバー自身のアドレスで開かれています）。IT担当者に [server] public_url の設定を依頼してください。'});
    }
    if (!url) return;
    try {
      const blob = await api('/api/qr', {token: this.token, method: 'POST', body: {text: url}, accept: 'blob'});
      const img = $('#qr-image');
      if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
      img.src = URL.createObjectURL(blob);
    } catch {
      this.trouble({key: 'qr', level: 'warn', text: 'QRコードを作れませんでした。「QRコードが読めないとき」を開いて、アドレスと番号を住民に伝えてください。'});
    }
  }

  /** One notice about translation, worded from what is installed for the resident's language, and the
   * fixed phrases to tap when only they translate; none while the language is 自動. */
  _mtState() {
    const lang = this.session.resident_lang;
    const phrasesOnly = !this.mt.translates(lang);
    if (phrasesOnly) this.trouble({key: 'mt'}); else $('#trouble [data-key="mt"]')?.remove();
    this.phrases.offer(this.mt.clerkPhrasesOnly(lang) ? lang : null);
    this.panel.update({oneWay: oneWayKey(this.mt.direction(lang))}); // and the resident is told, in their language
  }

  /** A message for the clerk in the notice list (one per key: a newer one replaces it). */
  trouble(notice) {
    const lang = this.session.resident_lang;
    const {key, level, text} = notice.key === 'mt' ? mtNotice(lang && lang !== 'auto' ? japaneseName(lang) : 'この言語', this.call.calling, this.call.uncovered, this.mt.direction(lang), this.session.mode === 'easy_japanese') : notice;
    const list = $('#trouble');
    const old = list.querySelector(`[data-key="${CSS.escape(key)}"]`);
    // one line each (an upright tablet kept ~150 px of conversation under a call and two notices), the
    // whole text on a tap; a newer notice of the same key starts closed again
    const more = el('button', {type: 'button', class: 'notice-text', text, attrs: {'aria-expanded': 'false'},
      on: {click: () => more.setAttribute('aria-expanded', String(item.classList.toggle('open')))}});
    const item = el('li', {class: `notice ${level}`, dataset: {key}}, more,
      el('button', {type: 'button', class: 'dismiss', text: '×', attrs: {'aria-label': 'お知らせを閉じる'},
        on: {click: () => item.remove()}}));
    if (old) old.replaceWith(item); else list.append(item);
    if (level === 'ok' || level === 'info') setTimeout(() => item.remove(), 8000);
  }

  /** Calls for an interpreter in this session (the end-of-session summary). */
  get escalations() { return this.call.count; }

  async close() {
    await api(`/api/sessions/${encodeURIComponent(this.session.session_id)}/close`, {token: this.token, method: 'POST'});
  }

  dispose() {
    this._abort.abort();
    this.outbox.dispose();
    this.outbox.clear(); // the session is over: what was not stored by now is not sent later
    this.video.dispose();
    this.joinCode.dispose();
    this.player.stop();
    this.mic.setHandsFree(false).catch(() => {});
    this.connection.close();
    this.panel.close();
    const img = $('#qr-image');
    if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
    img.removeAttribute('src');
  }
}
