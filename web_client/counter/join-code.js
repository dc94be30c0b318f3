// 「QRコードが読めないとき」: a short address and a 6-digit number to read out, for a resident whose phone
// cannot read the QR code (old phone, cracked lens, glare). The number is asked of the relay when the
// clerk opens it (POST /api/sessions/{id}/join-code, relay/http/join.py), kept while it is valid
// (relay.join_code_minutes; a resident may be typing it) and replaced by a new one when it expires.
// The instruction for the resident is in やさしい日本語 and English, and in the resident's language
// once it is known. The long link stays below in small print, for IT or a copy.

import {api} from '/static/common/connection.js';
import {$, el} from '/static/common/dom.js';
import {putText, sourceLang, translator} from '/static/common/i18n.js';
import {PHONE_STRINGS} from '/static/resident/strings-session.js';

export class JoinCode {
  constructor({token, session, signal}) {
    this.token = token;
    this.session = session; // resident_lang is read when the number is shown: it may have changed
    this.current = null; // {code, join_url, expires_at}
    this.timer = 0;
    this.details = $('.qr-fallback');
    this.details.open = false;
    this._clear();
    this.details.addEventListener('toggle', () => this._toggled(), {signal});
  }

  _toggled() {
    clearTimeout(this.timer);
    if (!this.details.open) return;
    if (this.current && this.current.expires_at * 1000 > Date.now() + 5000) this._render();
    else this._refresh();
  }

  async _refresh() {
    try {
      this.current = await api(`/api/sessions/${encodeURIComponent(this.session.session_id)}/join-code`,
        {token: this.token, method: 'POST'});
    } catch {
      this.current = null;
      this._clear('番号を表示できませんでした。閉じてもう一度開くか、下の長いアドレスを伝えてください。');
      return;
    }
    this._render();
  }

  _render() {
    const {code, join_url: url, expires_at: expiresAt} = this.current;
    $('#join-address').textContent = url;
    $('#join-number').textContent = `${code.slice(0, 3)} ${code.slice(3)}`; // read out in two groups
    const until = new Date(expiresAt * 1000).toLocaleTimeString('ja-JP', {hour: '2-digit', minute: '2-digit'});
    $('#join-expiry').textContent = `${until} まで有効（過ぎると新しい番号に変わります）`;
    $('#join-help').replaceChildren(...this._help());
    // a new number once this one expires, while the clerk keeps it open
    this.timer = setTimeout(() => this._refresh(), Math.max(1000, expiresAt * 1000 - Date.now()));
  }

  /** The resident's instruction: やさしい日本語, English, and the resident's language when it is another. */
  _help() {
    const langs = ['ja', 'en', this.session.resident_lang].filter((code, i, all) =>
      code && code !== 'auto' && code in PHONE_STRINGS && all.indexOf(code) === i);
    return langs.map((code) => {
      const item = el('li', {lang: sourceLang(PHONE_STRINGS, code, 'join_tablet')});
      putText(item, translator(PHONE_STRINGS, code)('join_tablet'));
      return item;
    });
  }

  _clear(error = '') {
    for (const id of ['#join-address', '#join-number', '#join-expiry']) $(id).textContent = '';
    $('#join-help').replaceChildren();
    $('#join-error').textContent = error;
    $('#join-error').hidden = !error;
  }

  dispose() {
    clearTimeout(this.timer);
    this.current = null;
    this.details.open = false;
    this._clear();
  }
}
