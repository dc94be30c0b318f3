// What was said, kept on this phone for this tab only (sessionStorage: gone when the tab is closed or a
// new QR code is scanned in it), so that the resident can read it again after the conversation ended —
// also after a reload, which a phone's browser may do by itself to a tab left in the background, while
// the relay, rightly, gives the dead resident token nothing more. Only what the page showed is kept:
// the final lines (no partial ones), each as the page drew it.

const KEY = 'madoguchi.resident.said';
const MOST = 400; // lines: a counter conversation is far shorter; a runaway one keeps its end

function load() {
  try {
    return new Map(JSON.parse(sessionStorage.getItem(KEY) || '[]'));
  } catch {
    return new Map(); // unreadable: nothing to show, nothing to break
  }
}

/** One line as shown: {kind: clerk|resident|operator, text, lang, ruby?, phrases?, old?, untranslated?}. */
export function keepLine(id, line) {
  const said = load();
  said.set(id, {...said.get(id), ...line});
  const lines = [...said].slice(-MOST);
  try {
    sessionStorage.setItem(KEY, JSON.stringify(lines));
  } catch { /* storage full or refused: the conversation is still on the screen */ }
}

/** The lines kept in this tab, in the order they were first said. */
export function keptLines() {
  return [...load()];
}

export function forgetLines() {
  sessionStorage.removeItem(KEY);
}
