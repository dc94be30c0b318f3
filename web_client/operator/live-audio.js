// Live audio of the counter's and the resident's microphones while the interpreter serves a session:
// each `live.start` names its speaker and stream; frames are played as they come, through one gain
// per side so the interpreter can set the counter's and the resident's volume separately.

const SIDE = {clerk: 'counter', auto: 'counter', resident: 'resident'};

export class LiveAudio {
  constructor() {
    this.context = null;
    this.gains = {};
    this.volume = {counter: 1, resident: 1};
    this.streams = new Map(); // stream id → {side, rate, next}
    this.onchange = () => {};
  }

  unlock() {
    if (!this.context) {
      this.context = new AudioContext();
      for (const side of ['counter', 'resident']) {
        this.gains[side] = this.context.createGain();
        this.gains[side].gain.value = this.volume[side];
        this.gains[side].connect(this.context.destination);
      }
    }
    if (this.context.state === 'suspended') this.context.resume().catch(() => {});
  }

  setVolume(side, value) {
    this.volume[side] = value;
    if (this.gains[side]) this.gains[side].gain.value = value;
  }

  handle(message) {
    if (message.type === 'live.start') {
      this.streams.set(message.stream, {side: SIDE[message.speaker] || 'counter', speaker: message.speaker,
        rate: message.sample_rate, next: 0});
    } else if (message.type === 'live.end') {
      this.streams.delete(message.stream);
    } else {
      return false;
    }
    this.onchange([...this.streams.values()].map((s) => s.speaker));
    return true;
  }

  audio({stream, pcm}) {
    const s = this.streams.get(stream);
    if (!s || !this.context || pcm.length === 0) return;
    const buffer = this.context.createBuffer(1, pcm.length, s.rate);
    const data = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) data[i] = pcm[i] / 32768;
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.gains[s.side]);
    const start = Math.max(this.context.currentTime + 0.05, s.next);
    s.next = start + pcm.length / s.rate;
    source.start(start);
  }
}
