// The queue and the offer: who waits (the list itself is drawn by queue-list.js), and the offer that
// rings with its countdown until accepted, declined or withdrawn.

import {$, setText} from '/static/common/dom.js';
import {REASONS, describe} from './languages.js';
import {renderQueueList, renderWaits, showCounterName} from './queue-list.js';

export class QueuePanel {
  constructor({onTake, onDecline, lookup = async () => null}) {
    Object.assign(this, {onTake, onDecline, lookup}); // lookup(sessionId) → the session (counter name) or null
    this.entries = [];
    this.allowPick = true; // queue.allow_pick, from GET /api/queue
    this.offer = null;
    this.counters = new Map(); // session id → counter name ('' while unknown)
    this._ring = null;
    this._tick = setInterval(() => { this._renderWaits(); this._renderCountdown(); }, 1000);
    $('#offer-accept').addEventListener('click', () => this.offer && this.onTake(this.offer.session_id));
    $('#offer-decline').addEventListener('click', () => this.offer && this.onDecline(this.offer.session_id));
  }

  render(entries) {
    this.entries = entries.filter((e) => e.state !== 'connected');
    // The queue carries each counter's name from whichever relay node it is on; the lookup below is
    // for a queue written before names were carried.
    for (const entry of entries) if (entry.counter) this.counters.set(entry.session_id, entry.counter);
    const list = $('#queue-rows');
    renderQueueList(list, this.entries, {allowPick: this.allowPick, onTake: this.onTake,
      counterName: (id) => this.counters.get(id) || ''});
    $('#queue-empty').hidden = this.entries.length > 0;
    for (const entry of this.entries) this._lookUpCounter(entry.session_id);
  }

  /** What the queue says of a session (its counter's name from whichever node it is on, its
   * language), for the session panel until the session itself is fetched; null if nothing is known. */
  known(sessionId) {
    const entry = this.entries.find((e) => e.session_id === sessionId)
      || (this.offer && this.offer.session_id === sessionId ? this.offer : null);
    const counter = this.counters.get(sessionId);
    return entry && counter ? {counter, resident_lang: entry.lang} : null;
  }

  /** Which counter waits: asked once per session (GET /api/sessions/{id}); unknown stays blank. */
  _lookUpCounter(sessionId) {
    if (this.counters.has(sessionId)) return;
    this.counters.set(sessionId, '');
    this.lookup(sessionId).then((session) => {
      const name = (session && session.counter) || '';
      this.counters.set(sessionId, name);
      if (name) showCounterName($('#queue-rows'), sessionId, name);
    }).catch(() => {}); // the request stays listed without the counter's name
  }

  _renderWaits() {
    renderWaits($('#queue-rows'));
  }

  showOffer(message) {
    this.offer = {...message, expires: Date.now() + (message.eta_s || 0) * 1000};
    if (message.counter) this.counters.set(message.session_id, message.counter);
    const known = this.counters.get(message.session_id);
    this._renderDetail(known || '');
    if (!known) {
      this.lookup(message.session_id).then((session) => {
        if (session && this.offer && this.offer.session_id === message.session_id) this._renderDetail(session.counter);
      }).catch(() => {}); // the offer stands without the counter's name
    }
    const box = $('#offer');
    box.hidden = false;
    $('#idle').hidden = true; // the offer takes the main area: the console is no longer just waiting
    box.classList.add('ringing');
    this._renderCountdown();
    this._startRinging();
    $('#offer-accept').focus();
  }

  hideOffer(sessionId = null) {
    if (sessionId && this.offer && this.offer.session_id !== sessionId) return;
    this.offer = null;
    $('#offer').hidden = true;
    $('#offer').classList.remove('ringing');
    $('#idle').hidden = !$('#session').hidden;
    this._stopRinging();
  }

  _renderDetail(counter = '') {
    const {native, japanese} = describe(this.offer.lang);
    const reason = REASONS[this.offer.reason] || this.offer.reason;
    setText($('#offer-detail'), `${counter ? `${counter} — ` : ''}${native}（${japanese}） — ${reason}`);
    $('#offer-detail').lang = 'ja';
  }

  _renderCountdown() {
    if (!this.offer) return;
    const left = Math.max(0, Math.ceil((this.offer.expires - Date.now()) / 1000));
    setText($('#offer-countdown'), `残り ${left} 秒`);
  }

  // A two-tone chime every 2 s while an offer is open (Web Audio: no sound file to load).
  _startRinging() {
    this._stopRinging();
    const ring = () => {
      try {
        this.audio = this.audio || new AudioContext();
        for (const [freq, at] of [[880, 0], [660, 0.25]]) {
          const osc = this.audio.createOscillator();
          const gain = this.audio.createGain();
          osc.frequency.value = freq;
          gain.gain.value = 0.15;
          osc.connect(gain).connect(this.audio.destination);
          osc.start(this.audio.currentTime + at);
          osc.stop(this.audio.currentTime + at + 0.2);
        }
      } catch { /* no audio device: the visible alert remains */ }
    };
    ring();
    this._ring = setInterval(ring, 2000);
  }

  _stopRinging() {
    clearInterval(this._ring);
    this._ring = null;
  }
}
