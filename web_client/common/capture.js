// Microphone capture: getUserMedia (echo cancellation and noise suppression on) → AudioWorklet →
// 16 kHz PCM16 frames of 100 ms, with a level (0–1) for the meter.
//
// Echo: the browser's echo canceller does not reliably remove speech the page itself plays through
// Web Audio, and the tablet's loudspeaker is close to its microphone. So while the tablet speaks
// (and for a short tail after, for the room's reverberation) `mute(true)` replaces the microphone
// with digital silence: the stream keeps its rhythm, the relay's endpointer sees a pause, and the
// tablet never transcribes its own voice. The clerk can interrupt the speech to talk at once.

export const CAPTURE_RATE = 16000;
const ECHO_TAIL_MS = 300;

/** Browsers give a page the microphone only in a secure context (HTTPS, or localhost on the device
 * itself): a page opened as http://madoguchi.lan has no microphone at all, and no permission would
 * help, so the pages say that instead of asking the user to allow it. */
export function microphoneAllowedHere() {
  return window.isSecureContext !== false && Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

/** Thrown by MicCapture.start() where the page is not a secure context (plain HTTP). */
export class InsecureContextError extends Error {
  constructor() {
    super('the microphone needs HTTPS (this page is not a secure context)');
    this.name = 'InsecureContextError';
  }
}

export class MicCapture extends EventTarget {
  constructor({workletUrl = '/static/common/capture-worklet.js'} = {}) {
    super();
    this.workletUrl = workletUrl;
    this.context = null;
    this.stream = null;
    this.node = null;
    this.muted = false;
    this._tail = null;
  }

  get running() {
    return this.node !== null;
  }

  /** Ask for the microphone and start; emits 'frame' {pcm: ArrayBuffer, level}. Throws when refused. */
  async start() {
    if (this.node) return;
    if (!microphoneAllowedHere()) throw new InsecureContextError();
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: {echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1},
    });
    this.context = new AudioContext();
    await this.context.audioWorklet.addModule(this.workletUrl);
    const source = this.context.createMediaStreamSource(this.stream);
    this.node = new AudioWorkletNode(this.context, 'capture-16k');
    this.node.port.onmessage = (event) => {
      this.dispatchEvent(new CustomEvent('frame', {detail: {pcm: event.data.pcm, level: this.muted ? 0 : event.data.level}}));
    };
    source.connect(this.node);
    if (this.context.state === 'suspended') await this.context.resume();
    this.node.port.postMessage({silent: this.muted});
  }

  /** Silence the microphone while the tablet speaks; unmuting waits a short tail for the echo. */
  mute(on) {
    clearTimeout(this._tail);
    if (on) this._setSilent(true);
    else this._tail = setTimeout(() => this._setSilent(false), ECHO_TAIL_MS);
  }

  _setSilent(silent) {
    this.muted = silent;
    if (this.node) this.node.port.postMessage({silent});
  }

  stop() {
    clearTimeout(this._tail);
    if (this.node) { this.node.port.onmessage = null; this.node.disconnect(); }
    if (this.stream) for (const track of this.stream.getTracks()) track.stop();
    if (this.context) this.context.close().catch(() => {});
    this.node = this.stream = this.context = null;
  }
}
