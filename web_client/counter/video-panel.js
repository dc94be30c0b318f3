// The counter's side of the video call with the interpreter (sign language, 手話通訳), as a panel the
// counter page mounts: `new CounterVideo(section, connection)`. It listens to the connection itself:
// `welcome` (ICE servers), `escalation` (an interpreter connected or gone), `video.signal`. Video is for
// sign language (手話通訳), not for every interpreter call: while an interpreter is connected the call bar
// offers 「📹 手話通訳のビデオ」 (`openButton`), and the panel opens when the clerk presses it or the
// interpreter asks for video. The clerk starts the call (the tablet's camera shows the resident signing),
// the interpreter is shown large enough to read signs, either side can end it, and the conversation goes
// on beside it. The clerk may let the resident's phone join (video.allow).

import {el, setText} from '/static/common/dom.js';
import {VideoCall} from '/static/common/video-call.js';

const STATES = {idle: '', calling: '接続中…', connected: '通話中', ended: 'ビデオ通話を終了しました'};

export class CounterVideo {
  constructor(section, connection, openButton) {
    this.section = section;
    this.connection = connection;
    this.openButton = openButton;
    openButton.hidden = true;
    openButton.onclick = () => this._open();
    this.remote = el('video', {class: 'video-remote', autoplay: true, playsInline: true, muted: true, attrs: {'aria-label': '通訳者の映像'}});
    this.local = el('video', {class: 'video-local', autoplay: true, playsInline: true, muted: true, hidden: true, attrs: {'aria-label': 'この窓口の映像'}});
    this.status = el('p', {class: 'video-status', attrs: {role: 'status', 'aria-live': 'polite'}});
    this.startButton = el('button', {type: 'button', class: 'primary', text: '📹 ビデオ通話（手話）を開始', on: {click: () => this._start()}});
    this.endButton = el('button', {type: 'button', text: 'ビデオを終了', disabled: true, on: {click: () => this.call.end('hung_up')}});
    this.allow = el('input', {type: 'checkbox', on: {change: () => connection.send({type: 'video.allow', resident: this.allow.checked})}});
    // one row under the picture (what is happening, then the buttons), so that during a call the picture
    // takes every pixel the tablet's screen can give it (video-panel.css)
    section.replaceChildren(el('h2', {id: 'video-title', text: 'ビデオ通話（手話通訳）'}),
      el('div', {class: 'video-stage'}, this.remote, this.local),
      el('div', {class: 'row video-bar'}, this.status, this.startButton, this.endButton,
        el('label', {}, this.allow, ' 住民のスマートフォンも参加できる')));
    section.hidden = true;
    this.call = new VideoCall({connection, peer: 'operator', localVideo: this.local, remoteVideo: this.remote});
    this.call.addEventListener('state', ({detail}) => this._state(detail.state));
    this.call.addEventListener('invite', () => {
      this._open();
      setText(this.status, '通訳者がビデオ通話を求めています。「ビデオ通話（手話）を開始」を押してください。');
    });
    connection.addEventListener('welcome', ({detail: {message}}) => {
      this.call.iceServers = (message.video && message.video.ice_servers) || [];
      this.enabled = !message.video || message.video.enabled !== false;
    });
    connection.addEventListener('message', ({detail: m}) => this._message(m));
  }

  _message(m) {
    if (m.type === 'video.signal') {
      this.call.handle(m).catch((err) => setText(this.status, `ビデオを開始できません: ${err.message || err}`));
    } else if (m.type === 'escalation' && m.seq !== undefined) {
      const connected = m.state === 'connected';
      this.openButton.hidden = !connected || this.enabled === false || !this.section.hidden;
      if (!connected) {
        this.section.hidden = true;
        this.call.end('interpreter_left', false);
      }
    }
  }

  /** The panel, on the clerk's demand or the interpreter's invitation. */
  _open() {
    if (this.enabled === false) return;
    this.section.hidden = false;
    this.openButton.hidden = true;
    this.startButton.focus();
  }

  async _start() {
    try {
      await this.call.start();
    } catch (err) {
      setText(this.status, `カメラを使えません: ${err.message || err}`);
    }
  }

  _state(state) {
    setText(this.status, STATES[state] || '');
    const live = state === 'calling' || state === 'connected';
    this.endButton.disabled = !live;
    this.startButton.hidden = live; // nothing to start during a call: its room goes to the picture
    this.local.hidden = !live;
    this.section.classList.toggle('in-call', live);
  }

  dispose() {
    this.openButton.hidden = true;
    this.section.hidden = true;
    this.call.end('session_ended', false);
  }
}
