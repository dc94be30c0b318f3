// 「QRコードが読めないとき」: a short address and a 6-digit number to read out, for a resident whose phone
// cannot read the QR code (old phone, cracked lens, glare). The number is asked of the relay when the
// clerk opens it (POST /api/sessions/{id}/join-code, relay/http/join.py), kept while it is valid
// (relay.join_code_minutes; a resident may be typing it) and replaced by a new one when it expires.
// The instruction for the resident is in やさしい日本語 and English, and in the resident's language
// once it is known (it follows a change of that language). The long link stays below in small print.
//
// A reload of the tablet keeps the number shown (and the panel open, if it was): the relay keeps only a
// hash of it and cannot give it back, and a new number would tell a resident still typing the old one
// "wrong". So the number is kept in this tablet's localStorage under the session's id, beside the
// session itself (main.js keeps the session and its QR link there too), until it expires or the
// session ends.

import {api} from '/static/common/connection.js';
import {$, el} from '/static/common/dom.js';
import {putText, sourceLang, translator} from '/static/common/i18n.js';
import {PHONE_STRINGS} from '/static/resident/strings-session.js';

const KEPT = 'madoguchi.join.'; // + session id → {code, join_url, expires_at, open}
const MARGIN_MS = 5000; // a number this close to its end is not read out any more: a new one is asked for

const valid = (current) => Boolean(current) && current.expires_at * 1000 > Date.now() + MARGIN_MS;

export class JoinCode {
  constructor({token, session, signal}) {
    this.token = token;
    this.session = session; // resident_lang is read when the help is drawn: it may have changed
    this.key = KEPT + session.session_id;
    this.timer = 0;
    this.details = $('.qr-fallback');
    this._clear();
    const kept = this._kept();
    this.current = valid(kept) ? kept : null; // {code, join_url, expires_at}
    this.details.open = Boolean(this.current && kept.open); // as it was before the reload
    this.details.addEventListener('toggle', () => this._toggled(), {signal});
    if (this.details.open) this._render(); // the toggle event of an element opened now may not follow
  }

  _kept() {
    for (const key of Object.keys(localStorage)) { // numbers of sessions that ended while the tablet was away
      if (key.startsWith(KEPT) && key !== this.key) localStorage.removeItem(key);
    }
    try { return JSON.parse(localStorage.getItem(this.key) || 'null'); } catch { return null; }
  }

  _keep() {
    if (this.current) localStorage.setItem(this.key, JSON.stringify({...this.current, open: this.details.open}));
  }

  _toggled() {
    clearTimeout(this.timer);
    if (!this.details.open) { this._keep(); return; }
    if (valid(this.current)) this._render();
    else this._refresh();
  }

  async _refresh() {
    try {
      const {code, join_url: url, expires_at: expiresAt} = await api(
        `/api/sessions/${encodeURIComponent(this.session.session_id)}/join-code`, {token: this.token, method: 'POST'});
      this.current = {code, join_url: url, expires_at: expiresAt};
    } catch {
      this.current = null;
      localStorage.removeItem(this.key);
      this._clear('番号を表示できませんでした。閉じてもう一度開くか、下の長いアドレスを伝えてください。');
      return;
    }
    this._render();
  }

  _render() {
    clearTimeout(this.timer);
    const {code, join_url: url, expires_at: expiresAt} = this.current;
    this._keep();
    $('#join-error').hidden = true;
    $('#join-address').textContent = url;
    $('#join-number').textContent = `${code.slice(0, 3)} ${code.slice(3)}`; // read out in two groups
    const until = new Date(expiresAt * 1000).toLocaleTimeString('ja-JP', {hour: '2-digit', minute: '2-digit'});
    $('#join-expiry').textContent = `${until} まで有効（過ぎると新しい番号に変わります）`;
    this.residentLanguageChanged();
    // a new number once this one expires, while the clerk keeps it open
    this.timer = setTimeout(() => this._refresh(), Math.max(1000, expiresAt * 1000 - Date.now() - MARGIN_MS));
  }

  /** The resident's instruction: やさしい日本語, English, and the resident's language when it is another
   * (drawn again when that language changes, not only with the next number). */
  residentLanguageChanged() {
    if (!this.current) return;
    const langs = ['ja', 'en', this.session.resident_lang].filter((code, i, all) =>
      code && code !== 'auto' && code in PHONE_STRINGS && all.indexOf(code) === i);
    $('#join-help').replaceChildren(...langs.map((code) => {
      const item = el('li', {lang: sourceLang(PHONE_STRINGS, code, 'join_tablet')});
      putText(item, translator(PHONE_STRINGS, code)('join_tablet'));
      return item;
    }));
  }

  _clear(error = '') {
    for (const id of ['#join-address', '#join-number', '#join-expiry']) $(id).textContent = '';
    $('#join-help').replaceChildren();
    $('#join-error').textContent = error;
    $('#join-error').hidden = !error;
  }

  /** The session is over: its number is of no use, on screen or kept. */
  dispose() {
    clearTimeout(this.timer);
    this.current = null;
    localStorage.removeItem(this.key);
    this.details.open = false;
    this._clear();
  }
}
