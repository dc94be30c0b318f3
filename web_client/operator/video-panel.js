// The operator's side of the video call with the counter (sign language): ask for video, answer the
// counter's call with the interpreter's own camera, end it; the conversation goes on beside it.

import {el, setText} from '/static/common/dom.js';
import {VideoCall} from '/static/common/video-call.js';

const STATES = {idle: '', calling: '接続中…', connected: '通話中', ended: '終了しました'};

export class VideoPanel {
  constructor(section, connection) {
    this.connection = connection;
    this.remote = el('video', {class: 'remote', autoplay: true, playsInline: true, muted: true, attrs: {'aria-label': '窓口の映像'}});
    this.local = el('video', {class: 'local', autoplay: true, playsInline: true, muted: true, attrs: {'aria-label': '自分の映像'}});
    this.local.hidden = true;
    this.status = el('p', {class: 'muted', attrs: {role: 'status', 'aria-live': 'polite'}});
    this.inviteButton = el('button', {type: 'button', text: 'ビデオを依頼', on: {click: () => this._invite()}});
    this.endButton = el('button', {type: 'button', text: 'ビデオを終了', disabled: true, on: {click: () => this.call && this.call.end('hung_up')}});
    section.append(el('h3', {id: 'video-title', text: 'ビデオ（手話通訳）'}),
      el('div', {class: 'video-stage'}, this.remote, this.local), this.status,
      el('div', {class: 'row'}, this.inviteButton, this.endButton));
    this.call = null;
    this.iceServers = [];
  }

  configure(video) {
    this.iceServers = (video && video.ice_servers) || [];
    const enabled = !video || video.enabled !== false;
    this.inviteButton.disabled = !enabled;
  }

  _ensure() {
    if (!this.call) {
      this.call = new VideoCall({connection: this.connection, peer: 'counter', iceServers: this.iceServers,
        localVideo: this.local, remoteVideo: this.remote});
      this.call.addEventListener('state', (event) => {
        setText(this.status, STATES[event.detail.state] || '');
        this.local.hidden = !['calling', 'connected'].includes(event.detail.state);
        this.endButton.disabled = !['calling', 'connected'].includes(event.detail.state);
      });
    }
    return this.call;
  }

  _invite() {
    if (this._ensure().invite()) setText(this.status, '窓口にビデオを依頼しました');
  }

  handle(message) {
    this._ensure().handle(message).catch((err) => setText(this.status, `ビデオを開始できません: ${err.message || err}`));
  }

  /** The session ended or was handed back: hang up quietly. */
  reset() {
    if (this.call) this.call.end('session_ended', false);
    setText(this.status, '');
  }
}
