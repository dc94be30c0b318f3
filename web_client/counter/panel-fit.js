// The latest sentence whole on the resident's panel. A long sentence (an easy-Japanese one with its
// explanations and furigana runs to six lines) used to be cut mid-line, with 「です。」 under the panel's
// buttons: the resident across the counter cannot scroll the clerk's tablet. It is drawn smaller until
// the panel holds all of it, down to MIN_SCALE of its size (still larger than the clerk's own log);
// only a longer one scrolls. Fitted again whenever the panel's box changes size: a notice above it,
// the join card opened beside it, the tablet turned.

const MIN_SCALE = 0.6;
const STEP = 0.92;

function overflows(face) {
  return face.scrollHeight - face.clientHeight > 1;
}

/** Shrink `.panel-main` in `face` until nothing in the face scrolls (or MIN_SCALE is reached). */
export function fitLatest(face) {
  const main = face.querySelector('.panel-main');
  if (!main) return;
  main.style.fontSize = '';
  if (!face.clientHeight) return; // not laid out (the conversation view hidden): fitted when it is shown
  const full = parseFloat(getComputedStyle(main).fontSize);
  let size = full;
  while (overflows(face) && size * STEP >= full * MIN_SCALE) {
    size *= STEP;
    main.style.fontSize = `${size}px`;
  }
}

/** Fit again when the face's box changes size (on the next frame: fitting inside the observer's own
 * callback could resize the face again before the browser has drawn it). */
export function keepFitted(face) {
  if (typeof ResizeObserver !== 'function') return;
  let last = '';
  const observer = new ResizeObserver(([entry]) => {
    const box = `${Math.round(entry.contentRect.width)}x${Math.round(entry.contentRect.height)}`;
    if (box === last) return;
    last = box;
    requestAnimationFrame(() => fitLatest(face));
  });
  observer.observe(face);
}
