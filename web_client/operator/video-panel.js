// The operator's side of the video calls (sign language): with the counter tablet — ask for video,
// answer the counter's call with the interpreter's own camera, end it — and, where the clerk allows
// it, with the resident's phone, which calls in by itself. One call per peer; the conversation goes
// on beside them.

import {el, setText} from '/static/common/dom.js';
import {VideoCall} from '/static/common/video-call.js';

const STATES = {idle: '', calling: '接続中…', connected: '通話中', ended: '終了しました'};
const PEERS = {counter: '窓口の映像', resident: '住民のスマートフォンの映像'};

export class VideoPanel {
  constructor(section, connection) {
    this.connection = connection;
    this.iceServers = [];
    this.calls = {};
    this.status = el('p', {class: 'muted', attrs: {role: 'status', 'aria-live': 'polite'}});
    this.inviteButton = el('button', {type: 'button', text: 'ビデオを依頼', on: {click: () => this._invite()}});
    this.endButton = el('button', {type: 'button', text: 'ビデオを終了', disabled: true, on: {click: () => this._endAll()}});
    this.stages = el('div', {class: 'video-stages'});
    section.append(el('h3', {id: 'video-title', text: 'ビデオ（手話通訳）'}), this.stages, this.status,
      el('div', {class: 'row'}, this.inviteButton, this.endButton));
    this._call('counter');
  }

  configure(video) {
    this.iceServers = (video && video.ice_servers) || [];
    for (const call of Object.values(this.calls)) call.iceServers = this.iceServers;
    this.inviteButton.disabled = video && video.enabled === false;
  }

  _call(peer) {
    if (this.calls[peer]) return this.calls[peer];
    const remote = el('video', {class: 'remote', autoplay: true, playsInline: true, muted: true, attrs: {'aria-label': PEERS[peer]}});
    const local = el('video', {class: 'local', autoplay: true, playsInline: true, muted: true, hidden: true, attrs: {'aria-label': '自分の映像'}});
    const stage = el('div', {class: 'video-stage', dataset: {peer}, hidden: peer !== 'counter'}, remote, local);
    this.stages.append(stage);
    const call = new VideoCall({connection: this.connection, peer, iceServers: this.iceServers, localVideo: local, remoteVideo: remote});
    call.addEventListener('state', ({detail}) => {
      const live = ['calling', 'connected'].includes(detail.state);
      local.hidden = !live;
      if (peer !== 'counter') stage.hidden = !live;
      setText(this.status, `${PEERS[peer]}: ${STATES[detail.state] || ''}`);
      this.endButton.disabled = !Object.values(this.calls).some((c) => ['calling', 'connected'].includes(c.state));
    });
    this.calls[peer] = call;
    return call;
  }

  _invite() {
    if (this._call('counter').invite()) setText(this.status, '窓口にビデオを依頼しました');
  }

  _endAll() {
    for (const call of Object.values(this.calls)) if (['calling', 'connected'].includes(call.state)) call.end('hung_up');
  }

  handle(message) {
    if (!PEERS[message.sender]) return;
    this._call(message.sender).handle(message)
      .catch((err) => setText(this.status, `ビデオを開始できません: ${err.message || err}`));
  }

  /** The session ended or was handed back: hang up quietly. */
  reset() {
    for (const call of Object.values(this.calls)) call.end('session_ended', false);
    setText(this.status, '');
  }
}
