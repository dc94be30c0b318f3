// Push-to-talk: hold the button (or Space/Enter on it) to speak; the interpreter's voice goes to the
// counter and the resident as live audio (audio.start, PCM frames, audio.stop).

import {MicCapture} from '/static/common/capture.js';

export function pushToTalk(button, connection, onError) {
  let mic = null;
  const down = async () => {
    if (mic) return;
    mic = new MicCapture();
    button.setAttribute('aria-pressed', 'true');
    try {
      await mic.start();
      if (!connection.send({type: 'audio.start', sample_rate: 16000})) throw new Error('接続が切れています');
      mic.addEventListener('frame', (event) => connection.sendBinary(event.detail.pcm));
    } catch (err) {
      onError(`マイクを使えません: ${err.message || err}`);
      up();
    }
  };
  const up = () => {
    if (!mic) return;
    mic.stop();
    mic = null;
    button.setAttribute('aria-pressed', 'false');
    connection.send({type: 'audio.stop'});
  };
  button.addEventListener('pointerdown', down);
  button.addEventListener('pointerup', up);
  button.addEventListener('pointerleave', up);
  button.addEventListener('keydown', (e) => { if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) { e.preventDefault(); down(); } });
  button.addEventListener('keyup', (e) => { if (e.key === ' ' || e.key === 'Enter') up(); });
}
