// The counter's microphone: hands-free (always listening) or push-to-talk, the level meter, and one
// clear state at a time: 待機中 / 聞いています / 認識中 / 話しています / 通訳者と接続中.
// While the tablet speaks, the microphone sends silence (see common/capture.js for why). After a
// connection drop the stream is started again; speech that could not be sent is reported.

import {MicCapture, CAPTURE_RATE} from '/static/common/capture.js';

const SPEECH_LEVEL = 0.02; // RMS above which a frame counts as someone talking

export class MicController extends EventTarget {
  constructor({connection, player, stateEl, meterBar}) {
    super();
    Object.assign(this, {connection, player, stateEl, meterBar});
    this.capture = new MicCapture();
    this.handsFree = false;
    this.ptt = false;
    this.pttHeld = false;
    this.started = false; // audio.start sent on the current connection
    this.lostSpeech = false;
    this.recognising = false;
    this.operator = false;
    this.capture.addEventListener('frame', (e) => this._frame(e.detail));
    player.addEventListener('speaking', (e) => { this.capture.mute(e.detail.speaking); this.render(); });
    connection.addEventListener('state', (e) => { if (e.detail.state !== 'open') this.started = false; this.render(); });
    connection.addEventListener('welcome', () => this._resumed());
  }

  get active() {
    return this.handsFree || this.ptt;
  }

  async setHandsFree(on) {
    if (on) await this._ensureCapture();
    this.handsFree = on;
    if (!on) this._stopStream(true);
    this.render();
  }

  async pushToTalk(down) {
    this.pttHeld = down; // the button itself: a quick tap can be released before the microphone is open
    if (down) {
      await this._ensureCapture();
      if (!this.pttHeld) { this.render(); return; } // released while opening: nothing to record
      this.player.stop(); // the clerk wants to talk now
      this.ptt = true;
    } else if (this.ptt) {
      this.ptt = false;
      if (!this.handsFree) this._stopStream(false);
    }
    this.render();
  }

  setRecognising(on) { this.recognising = on; this.render(); }
  setOperator(on) { this.operator = on; this.render(); }

  async _ensureCapture() {
    if (this.capture.running) return;
    await this.capture.start(); // throws NotAllowedError when the microphone is refused
  }

  _frame({pcm, level}) {
    this._meter(this.active ? level : 0);
    if (!this.active) return;
    if (!this.connection.isOpen) {
      if (level > SPEECH_LEVEL) this.lostSpeech = true;
      return;
    }
    if (!this.started) {
      this.connection.send({type: 'audio.start', speaker: 'auto', sample_rate: CAPTURE_RATE, encoding: 'pcm_s16le'});
      this.started = true;
    }
    this.connection.sendBinary(pcm);
  }

  _stopStream(release) {
    if (this.started) this.connection.send({type: 'audio.stop'});
    this.started = false;
    if (release) this.capture.stop();
    this._meter(0);
  }

  _resumed() {
    // the next frame sends audio.start on the new connection; tell the clerk what was lost
    if (this.lostSpeech) {
      this.lostSpeech = false;
      this.dispatchEvent(new CustomEvent('lost'));
    }
  }

  _meter(level) {
    if (this.meterBar) this.meterBar.style.width = `${Math.min(100, Math.round(level * 400))}%`;
  }

  state() {
    if (this.operator) return '通訳者と接続中';
    if (this.player.speaking) return '話しています';
    if (this.recognising) return '認識中';
    if (this.active) return '聞いています';
    return '待機中';
  }

  render() {
    const text = this.state();
    if (this.stateEl.textContent !== text) this.stateEl.textContent = text;
    this.stateEl.dataset.state = text;
  }
}
