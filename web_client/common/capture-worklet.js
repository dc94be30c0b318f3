// AudioWorklet: microphone → 16 kHz mono PCM16 in 100 ms frames, with the level of each frame.
// Runs on the audio thread; `sampleRate` is the AudioContext's rate (44.1 or 48 kHz mostly).

const TARGET_RATE = 16000;
const FRAME = 1600; // 100 ms at 16 kHz

class Capture16k extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / TARGET_RATE;
    this.position = 0; // fractional read position into the incoming block
    this.acc = 0; this.count = 0; // box filter over the input samples of one output sample
    this.out = new Int16Array(FRAME);
    this.filled = 0;
    this.sumSquares = 0;
    this.silent = false;
    this.port.onmessage = (event) => { this.silent = Boolean(event.data.silent); };
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      this.acc += channel[i];
      this.count += 1;
      this.position += 1;
      if (this.position >= this.step) {
        this.position -= this.step;
        const value = this.acc / this.count;
        this.acc = 0; this.count = 0;
        this.sumSquares += value * value;
        // while the tablet speaks, digital silence goes out instead of the microphone: the relay's
        // endpointer still sees the pause, and our own speech is never recognised as someone's words
        const sample = this.silent ? 0 : Math.max(-1, Math.min(1, value));
        this.out[this.filled++] = sample < 0 ? sample * 32768 : sample * 32767;
        if (this.filled === FRAME) {
          const level = Math.sqrt(this.sumSquares / FRAME);
          this.port.postMessage({pcm: this.out.buffer, level}, [this.out.buffer]);
          this.out = new Int16Array(FRAME);
          this.filled = 0;
          this.sumSquares = 0;
        }
      }
    }
    return true;
  }
}

registerProcessor('capture-16k', Capture16k);
