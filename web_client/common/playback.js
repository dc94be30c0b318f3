// Playback of the relay's speech (tts.*) and an interpreter's live voice (live.*).
//
// Speech is queued per utterance in the order its tts.start came and played one after the other,
// each at the sample rate its tts.start announced (Piper 22050 Hz, Kokoro 24000 Hz: the AudioContext
// resamples). Frames are matched to their utterance by the stream id in their header, so speech that
// overlaps on the wire never mixes. Live audio plays as it comes. `stop()` interrupts the speech (the
// clerk's 「停止」); `history` records what was played, for the page and for tests.
//
// Events: 'speaking' {speaking: bool, utterance_id, lang} when playback starts and ends.

export class SpeechPlayer extends EventTarget {
  constructor() {
    super();
    this.context = null;
    this.streams = new Map(); // stream id → {kind, rate, chunks: Int16Array[], ended, utterance_id, lang}
    this.queue = []; // tts stream ids waiting to be played, in order
    this.current = null; // the tts stream id being played
    this.muted = false;
    this.history = []; // {stream, utterance_id, lang, rate, samples, interrupted}
    this._sources = new Set();
    this._nextTime = 0;
    this._pending = 0; // scheduled sources of the current stream not yet ended
    this._liveNext = new Map();
    this.liveSamples = 0; // live audio received (an interpreter's voice), for the page and for tests
  }

  /** Create or resume the AudioContext (call from a click: browsers need a gesture to play sound). */
  unlock() {
    if (!this.context) this.context = new AudioContext();
    if (this.context.state === 'suspended') this.context.resume().catch(() => {});
    return this.context;
  }

  get speaking() {
    return this.current !== null;
  }

  /** Feed every relay message here; returns true when it was one of ours. */
  handle(message) {
    switch (message.type) {
      case 'tts.start':
        this.streams.set(message.stream, {kind: 'tts', rate: message.sample_rate, chunks: [], ended: false,
          utterance_id: message.utterance_id, lang: message.lang, samples: 0});
        this.queue.push(message.stream);
        this._next();
        return true;
      case 'tts.end': {
        const s = this.streams.get(message.stream);
        if (s) { s.ended = true; this._maybeFinish(); }
        return true;
      }
      case 'live.start':
        this.streams.set(message.stream, {kind: 'live', rate: message.sample_rate, speaker: message.speaker});
        return true;
      case 'live.end':
        this.streams.delete(message.stream);
        return true;
      default:
        return false;
    }
  }

  /** One binary frame: {stream, pcm: Int16Array}. Frames of unknown streams are dropped. */
  audio({stream, pcm}) {
    const s = this.streams.get(stream);
    if (!s) return;
    if (s.kind === 'live') { this.liveSamples += pcm.length; this._playLive(stream, s, pcm); return; }
    s.chunks.push(pcm);
    s.samples += pcm.length;
    if (this.current === stream) this._schedule(s);
  }

  /** Interrupt the speech now playing and everything queued (the clerk taps 停止). */
  stop() {
    for (const source of this._sources) { try { source.stop(); } catch { /* already ended */ } }
    this._sources.clear();
    const all = this.current === null ? this.queue : [this.current, ...this.queue];
    for (const id of all) this._record(id, true);
    this.queue = [];
    this._finishCurrent();
  }

  _next() {
    if (this.current !== null || this.queue.length === 0) return;
    this.current = this.queue.shift();
    const s = this.streams.get(this.current);
    s.startedAt = this.context ? this.context.currentTime : performance.now() / 1000;
    this._pending = 0;
    this._nextTime = 0;
    this.dispatchEvent(new CustomEvent('speaking', {detail: {speaking: true, utterance_id: s.utterance_id, lang: s.lang}}));
    this._schedule(s);
    this._maybeFinish();
  }

  _schedule(s) {
    while (s.chunks.length) {
      const pcm = s.chunks.shift();
      if (this.muted || !this.context || pcm.length === 0) continue;
      const source = this._source(pcm, s.rate);
      const start = Math.max(this.context.currentTime + 0.02, this._nextTime);
      this._nextTime = start + pcm.length / s.rate;
      this._pending += 1;
      source.onended = () => {
        this._sources.delete(source);
        this._pending -= 1;
        this._maybeFinish();
      };
      this._sources.add(source);
      source.start(start);
    }
  }

  _source(pcm, rate) {
    const buffer = this.context.createBuffer(1, pcm.length, rate);
    const data = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) data[i] = pcm[i] / 32768;
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    return source;
  }

  _maybeFinish() {
    if (this.current === null) return;
    const s = this.streams.get(this.current);
    if (!s || (s.ended && this._pending === 0 && s.chunks.length === 0)) {
      this._record(this.current, false);
      this._finishCurrent();
    }
  }

  _record(id, interrupted) {
    const s = this.streams.get(id);
    if (!s) return;
    this.history.push({stream: id, utterance_id: s.utterance_id, lang: s.lang, rate: s.rate, samples: s.samples,
      interrupted, muted: this.muted || !this.context, started_at: s.startedAt,
      ended_at: this.context ? this.context.currentTime : performance.now() / 1000});
    this.streams.delete(id);
  }

  _finishCurrent() {
    const was = this.current;
    this.current = null;
    if (was !== null) this.dispatchEvent(new CustomEvent('speaking', {detail: {speaking: false}}));
    this._next();
  }

  _playLive(id, s, pcm) {
    if (this.muted || !this.context) return;
    const source = this._source(pcm, s.rate);
    const start = Math.max(this.context.currentTime + 0.05, this._liveNext.get(id) || 0);
    this._liveNext.set(id, start + pcm.length / s.rate);
    source.start(start);
  }
}
