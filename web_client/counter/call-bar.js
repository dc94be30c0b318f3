// The interpreter-call bar above the conversation: where the call stands (the relay's `escalation`
// events), in plain Japanese for the clerk, with the buttons that fit, and the same state for the
// resident on the panel.

import {$} from '/static/common/dom.js';
import {escalationText} from '/static/counter/notices.js';
import {escalationKey} from '/static/resident/strings.js';

export class CallBar {
  /** `talk`: the session's Talk (its session, translation coverage, panel, microphone and notices). */
  constructor(talk) {
    this.talk = talk;
    this.count = 0; // calls made in this session (the end-of-session summary)
    this.cancelling = false; // this tablet's 呼び出しを取り消す was pressed
    this.liveAfter = 0; // events up to this seq are a replay (welcome's last_seq)
    this.reset();
  }

  /** An interpreter is called: queued, or connected. */
  get calling() { return this.queued || this.connected; }

  show(m) {
    // the relay's suggestion to call one while one is called (a relay before it stopped sending it then)
    // would replace the call, its wait and 呼び出しを取り消す: the call's own line stays
    if (m.state === 'offered' && this.calling) return;
    if (m.state === 'queued' && !this.queued) this.count += 1;
    this.queued = m.state === 'queued';
    this.connected = m.state === 'connected';
    const box = $('#escalation');
    box.hidden = false;
    box.dataset.state = m.state;
    // position updates come without the reason; a button on the resident's phone is a call of its own kind
    if (m.state === 'queued' && m.reason) this.reason = m.reason === 'button' && m.by === 'resident' ? 'resident_button' : m.reason;
    else if (m.state !== 'queued') this.reason = null;
    this.last = {m, canceller: this._canceller(m)};
    this._say();
    this.uncovered = this.queued && m.covered === false;
    box.dataset.covered = String(!this.uncovered);
    this.showInstead();
    if ($('#trouble [data-key="mt"]')) this.talk.trouble({key: 'mt'}); // worded by whether one is called, and comes
    $('#escalation-accept').hidden = m.state !== 'offered';
    $('#escalation-cancel').hidden = !this.queued;
    $('#escalate-button').disabled = this.calling;
    this.talk.mic.setOperator(this.connected);
  }

  /** The call in words, for the clerk and on the resident's panel: worded by which way the resident's
   * language translates, so said again once that is known (`reword`: the languages came after the call). */
  _say() {
    const {m, canceller} = this.last;
    const {session, mt} = this.talk;
    const lang = session.resident_lang;
    const phrasesOnly = !mt.translates(lang);
    $('#escalation-text').textContent = escalationText({...m, reason: (this.queued && this.reason) || m.reason, lang},
      canceller, phrasesOnly, mt.direction(lang));
    const residentKey = escalationKey(m, phrasesOnly); // back to the AI: perhaps one that translates fixed phrases only
    this.talk.panel.update({status: residentKey, vars: {position: m.position, minutes: Math.max(1, Math.round((m.eta_s || 60) / 60))}});
  }

  reword() {
    if (this.last) this._say();
  }

  /** While nobody covers the language: やさしい日本語 (unless the clerk already speaks it) and 受付を終了. */
  showInstead() {
    $('#escalation-easy').hidden = !this.uncovered || this.talk.session.mode === 'easy_japanese';
    $('#escalation-end').hidden = !this.uncovered;
  }

  /** Who withdrew a call, so the clerk is not left wondering: the relay says whose screen did (`by`, also
   * in a replay after a reload); from an older relay, this tablet (its 呼び出しを取り消す), else — live,
   * not replayed — the resident's phone (the only other screen that can). */
  _canceller(m) {
    if (m.state !== 'cancelled' || m.reason !== 'cancelled') return undefined;
    const mine = this.cancelling;
    this.cancelling = false;
    if (m.by) return m.by === 'resident' ? 'resident' : 'clerk';
    if (mine) return 'clerk';
    return typeof m.seq === 'number' && m.seq > this.liveAfter ? 'resident' : undefined;
  }

  /** The call bar belongs to one session: a new one starts without it. */
  reset() {
    this.queued = this.connected = this.uncovered = false;
    this.reason = null;
    this.last = null; // the last escalation event and who withdrew it
    $('#escalation-easy').hidden = true;
    $('#escalation-end').hidden = true;
    $('#escalation').hidden = true;
    $('#escalation-text').textContent = '';
    $('#escalate-button').disabled = false;
  }
}
