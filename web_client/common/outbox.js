// Typed texts (筆談) that the relay has not confirmed as stored yet.
//
// Each text gets a `client_id` and is kept here until the relay's `transcript` with that client_id
// (or a `notice {code: already_stored}`) says it was stored. Until then nothing typed is lost:
// - `store_unavailable` (the relay cannot write its store): the text waits; /healthz is asked every
//   few seconds and the text is resent, with the same client_id, as soon as it says `store: ok`;
// - the connection is down: the text waits and is resent after the reconnect (the relay's replay
//   and its de-duplication by client_id make a resend of a text stored before the drop harmless);
// - `rate_limited`: resent a little later;
// - any other error about the text is the relay's final word: the text is dropped and the page tells
//   the person (the error goes on to the page's own notices).
// The texts are also kept in `storage` (localStorage or sessionStorage), so a reload resends them.
//
// Events (EventTarget): 'change' {items} after every change; 'settled' when the last waiting text
// was stored after a store fault.

const HEALTH_POLL_MS = 3000;
const RATE_RETRY_MS = 8000;
const RETRY_LATER = new Set(['store_unavailable', 'rate_limited']);

export function newClientId() {
  // crypto.randomUUID needs a secure context; a counter on the office LAN may be plain http
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return 't-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Outbox extends EventTarget {
  /** `connection`: a RelayConnection; `storage` + `key`: where the texts survive a reload. */
  constructor({connection, storage = null, key = null, healthUrl = '/healthz', healthPollMs = HEALTH_POLL_MS,
    rateRetryMs = RATE_RETRY_MS}) {
    super();
    Object.assign(this, {connection, storage, key, healthUrl, healthPollMs, rateRetryMs});
    this._items = new Map(); // client_id → {message, state: sending|waiting, reason: store|offline|rate|null}
    this._timer = null;
    this._storeTrouble = false;
    for (const message of this._load()) this._items.set(message.client_id, {message, state: 'waiting', reason: 'offline'});
    this._onWelcome = () => this.resendAll();
    this._onState = (e) => { if (e.detail.state === 'down') this._waitAll('offline'); };
    connection.addEventListener('welcome', this._onWelcome);
    connection.addEventListener('state', this._onState);
  }

  /** The texts not yet stored, oldest first: [{client_id, text, speaker, state, reason}]. */
  get items() {
    return [...this._items.values()].map(({message, state, reason}) => (
      {client_id: message.client_id, text: message.text, speaker: message.speaker, state, reason}));
  }

  /** Keep a `text` message (a client_id is added) and send it now if the connection is up. */
  submit(message) {
    const kept = {...message, client_id: message.client_id || newClientId()};
    this._items.set(kept.client_id, {message: kept, state: 'waiting', reason: 'offline'});
    this._send(kept.client_id);
    this._changed();
    return kept.client_id;
  }

  /** Give up on one text (the person took it back). */
  discard(clientId) {
    if (this._items.delete(clientId)) this._changed();
  }

  /**
   * Look at one relay message. Returns true when it was only about a kept text and needs no more
   * words on the page (a stored text, a wait that the outbox shows itself).
   */
  handle(m) {
    const item = m.client_id ? this._items.get(m.client_id) : null;
    if ((m.type === 'transcript' || (m.type === 'notice' && m.code === 'already_stored')) && item) {
      this._items.delete(m.client_id);
      if (this._storeTrouble && this._items.size === 0) {
        this._storeTrouble = false;
        this.dispatchEvent(new CustomEvent('settled'));
      }
      this._changed();
      return m.type === 'notice';
    }
    if (m.type !== 'error') return false;
    if (m.code === 'store_unavailable') {
      this._storeTrouble = true;
      if (item) this._wait(item, 'store');
      else this._waitAll('store'); // a fault without a client_id: every text in flight may be concerned
      this._changed();
      this._pollHealth();
      return false; // the page says what happened, once
    }
    if (!item) return false;
    if (RETRY_LATER.has(m.code)) {
      this._wait(item, 'rate');
      this._changed();
      setTimeout(() => this._send(m.client_id, true), this.rateRetryMs);
      return false;
    }
    this._items.delete(m.client_id); // refused for good (empty, too long, not allowed): resending would not help
    this._changed();
    return false;
  }

  /** Send every kept text again (after a reconnect, or when the store is back). */
  resendAll() {
    for (const id of this._items.keys()) this._send(id);
    this._changed();
  }

  dispose() {
    clearTimeout(this._timer);
    this.connection.removeEventListener('welcome', this._onWelcome);
    this.connection.removeEventListener('state', this._onState);
  }

  /** Forget everything, also in storage (the session is over). */
  clear() {
    this._items.clear();
    this._changed();
  }

  _send(id, changed = false) {
    const item = this._items.get(id);
    if (!item) return;
    if (this.connection.send(item.message)) Object.assign(item, {state: 'sending', reason: null});
    else this._wait(item, 'offline');
    if (changed) this._changed();
  }

  _wait(item, reason) {
    Object.assign(item, {state: 'waiting', reason});
  }

  _waitAll(reason) {
    for (const item of this._items.values()) if (item.state === 'sending') this._wait(item, reason);
    this._changed();
  }

  _pollHealth() {
    clearTimeout(this._timer);
    this._timer = setTimeout(async () => {
      const waiting = [...this._items.values()].some((item) => item.reason === 'store');
      if (!waiting) return;
      let healthy = false;
      try {
        const response = await fetch(this.healthUrl, {cache: 'no-store'});
        healthy = response.ok && (await response.json()).store === 'ok';
      } catch { /* the relay is unreachable: the reconnect resends */ }
      if (!healthy) { this._pollHealth(); return; }
      for (const [id, item] of this._items) if (item.reason === 'store') this._send(id);
      this._changed();
    }, this.healthPollMs);
  }

  _changed() {
    if (this._items.size === 0) this._storeTrouble = false;
    this._save();
    this.dispatchEvent(new CustomEvent('change', {detail: {items: this.items}}));
  }

  _load() {
    if (!this.storage || !this.key) return [];
    try {
      const saved = JSON.parse(this.storage.getItem(this.key) || '[]');
      return Array.isArray(saved) ? saved.filter((m) => m && m.client_id && typeof m.text === 'string') : [];
    } catch {
      return [];
    }
  }

  _save() {
    if (!this.storage || !this.key) return;
    const messages = [...this._items.values()].map((item) => item.message);
    if (messages.length) this.storage.setItem(this.key, JSON.stringify(messages));
    else this.storage.removeItem(this.key);
  }
}
