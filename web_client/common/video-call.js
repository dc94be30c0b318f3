// A WebRTC video call between two browsers of one session; the relay only carries the signalling
// (`video.signal` over the websocket, docs/protocol.md "Video"). Media go browser to browser.
//
// The side that starts (normally the counter, whose camera shows the resident signing) calls
// `start()`: camera, offer, answer, ICE candidates. The other side passes each incoming signal to
// `handle(message)`; an offer is answered with its own camera (the interpreter signs back).
// Candidates that arrive before the remote description are kept until it is set.
//
// Events: 'state' {state: idle|calling|connected|ended, reason}, 'invite' {sender} (the other side asks).

export class VideoCall extends EventTarget {
  constructor({connection, peer, iceServers = [], localVideo, remoteVideo}) {
    super();
    Object.assign(this, {connection, peer, iceServers, localVideo, remoteVideo});
    this.pc = null;
    this.callId = null;
    this.local = null;
    this.state = 'idle';
    this._pending = [];
  }

  _setState(state, reason = null) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', {detail: {state, reason}}));
  }

  _signal(kind, extra = {}) {
    return this.connection.send({type: 'video.signal', to: this.peer, kind, call_id: this.callId || '*', ...extra});
  }

  /** Ask the other side to start the call (the operator's 「ビデオを依頼」). */
  invite() {
    this.callId = this.callId || newCallId();
    return this._signal('invite');
  }

  async start() {
    this.end('restart', false);
    this.callId = newCallId();
    await this._open();
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    this._signal('offer', {sdp: offer.sdp});
    this._setState('calling');
  }

  /** Feed every `video.signal` from `this.peer` here. */
  async handle(message) {
    if (message.sender !== this.peer) return;
    if (message.kind === 'invite') {
      this.dispatchEvent(new CustomEvent('invite', {detail: {sender: message.sender}}));
    } else if (message.kind === 'offer') {
      this.end('restart', false);
      this.callId = message.call_id;
      await this._open();
      await this.pc.setRemoteDescription({type: 'offer', sdp: message.sdp});
      await this._flushCandidates();
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      this._signal('answer', {sdp: answer.sdp});
      this._setState('calling');
    } else if (message.kind === 'answer' && this.pc && message.call_id === this.callId) {
      await this.pc.setRemoteDescription({type: 'answer', sdp: message.sdp});
      await this._flushCandidates();
    } else if (message.kind === 'candidate' && message.call_id === this.callId) {
      if (this.pc && this.pc.remoteDescription) await this.pc.addIceCandidate(message.candidate);
      else this._pending.push(message.candidate);
    } else if (message.kind === 'end' && (message.call_id === this.callId || message.call_id === '*')) {
      this.end(message.reason || 'ended_by_peer', false);
    }
  }

  async _open() {
    this.pc = new RTCPeerConnection({iceServers: this.iceServers});
    this.local = await navigator.mediaDevices.getUserMedia({video: {width: 640, height: 480}, audio: false});
    for (const track of this.local.getTracks()) this.pc.addTrack(track, this.local);
    if (this.localVideo) this.localVideo.srcObject = this.local;
    this.pc.onicecandidate = (event) => {
      if (event.candidate) this._signal('candidate', {candidate: event.candidate.toJSON()});
    };
    this.pc.ontrack = (event) => {
      if (this.remoteVideo) this.remoteVideo.srcObject = event.streams[0] || new MediaStream([event.track]);
    };
    this.pc.onconnectionstatechange = () => {
      const s = this.pc && this.pc.connectionState;
      if (s === 'connected') this._setState('connected');
      else if (s === 'failed') this.end('failed');
    };
  }

  async _flushCandidates() {
    const pending = this._pending;
    this._pending = [];
    for (const candidate of pending) await this.pc.addIceCandidate(candidate);
  }

  /** Hang up (either side, any time); tells the other side unless `notify` is false. */
  end(reason = 'ended', notify = true) {
    if (!this.pc && !this.local) return;
    if (notify) this._signal('end', {reason});
    if (this.pc) { this.pc.onconnectionstatechange = null; this.pc.close(); }
    if (this.local) for (const track of this.local.getTracks()) track.stop();
    if (this.localVideo) this.localVideo.srcObject = null;
    if (this.remoteVideo) this.remoteVideo.srcObject = null;
    this.pc = this.local = null;
    this._pending = [];
    if (reason !== 'restart') this._setState('ended', reason);
  }
}

function newCallId() {
  return 'v' + Math.random().toString(36).slice(2, 10);
}
