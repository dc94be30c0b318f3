// Sound on the phone: the resident speaks (🎤, tap again to stop; 16 kHz PCM to the relay) and, when they
// ask for it, hears the speech on the phone (off by default: the tablet speaks too).

import {MicCapture, CAPTURE_RATE} from '/static/common/capture.js';
import {$} from '/static/common/dom.js';
import {putText, setLang, sourceLang} from '/static/common/i18n.js';
import {SpeechPlayer} from '/static/common/playback.js';
import {STRINGS, page, status} from '/static/resident/page.js';

export const player = new SpeechPlayer();
player.muted = true;
const mic = new MicCapture();
let speaking = false, started = false; // the resident's microphone is on; its audio.start has been sent

/** 🎤's words: speak, or stop speaking. */
export function renderSpeakLabel() {
  const key = speaking ? 'stop' : 'speak';
  putText($('#speak-label'), page.t(key));
  setLang($('#speak-label'), sourceLang(STRINGS, page.lang, key));
}

async function toggleSpeaking() {
  if (speaking) { stopSpeaking(); return; }
  try {
    await mic.start();
  } catch (err) {
    status(err && err.name === 'InsecureContextError' ? 'mic_insecure' : 'mic_denied');
    return;
  }
  speaking = true;
  started = false;
  $('#speak-button').setAttribute('aria-pressed', 'true');
  renderSpeakLabel();
}

export function stopSpeaking() {
  if (speaking && started && page.connection) page.connection.send({type: 'audio.stop'});
  speaking = started = false;
  mic.stop();
  $('#speak-button').setAttribute('aria-pressed', 'false');
  renderSpeakLabel();
}

/** The link came back or went down: the next audio needs a new audio.start. */
export function restartAudio() {
  started = false;
}

/** 「Play speech on this phone」 only where the relay has a voice for the language (none for Nepali,
 * say): a switch that can never speak would only mislead. */
export function offerSpeech() {
  const box = $('#opt-hear');
  const offered = Boolean(page.residentLang && page.voices.has(page.residentLang)) && !page.closed;
  box.closest('label').hidden = !offered;
  if (!offered && box.checked) { box.checked = false; player.muted = true; }
}

export function wireSpeech() {
  mic.addEventListener('frame', (e) => {
    const {connection} = page;
    if (!speaking || !connection || !connection.isOpen) return;
    if (!started) {
      started = connection.send({type: 'audio.start', speaker: 'resident', sample_rate: CAPTURE_RATE, encoding: 'pcm_s16le'});
    }
    connection.sendBinary(e.detail.pcm);
  });
  player.addEventListener('speaking', (e) => mic.mute(e.detail.speaking && !player.muted));
  $('#speak-button').addEventListener('click', toggleSpeaking);
  $('#opt-hear').addEventListener('change', (e) => { player.muted = !e.target.checked; if (e.target.checked) player.unlock(); });
}
