// The websocket to the relay: hello, resume_after, reconnect, and de-duplication of session events.
//
// Every session event carries `seq`; the connection remembers the highest one it has passed on and
// sends it as `resume_after` when it reconnects, so the relay replays exactly what was missed: no
// bubble is lost or shown twice. Relay → client binary frames start with a 4-byte stream id
// (docs/protocol.md); they are passed on as {stream, pcm: Int16Array}.
//
// Events (EventTarget): 'welcome' {message, reconnected}, 'message' (a JSON message), 'audio'
// {stream, pcm}, 'state' {state: connecting|open|down|closed}, 'fatal' {code, reason, error}.

const NO_RETRY = new Set([1000, 4400, 4401, 4403, 4404, 4406, 4410]);
const BACKOFF_MS = [300, 1000, 2000, 4000, 5000];
const TRY_AGAIN_LATER = 1013;

export function relaySocketUrl(loc = window.location) {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

export class RelayConnection extends EventTarget {
  constructor({role, token, sessionId = null, lastSeq = 0, url = relaySocketUrl()}) {
    super();
    Object.assign(this, {role, token, sessionId, lastSeq, url});
    this.state = 'idle';
    this.ws = null;
    this.attempt = 0;
    this.everOpened = false;
    this.lastError = null;
    this._timer = null;
    this._stopped = false;
  }

  connect() {
    this._stopped = false;
    this._open();
    return this;
  }

  _setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', {detail: {state}}));
  }

  _open() {
    clearTimeout(this._timer);
    this._setState(this.everOpened ? 'down' : 'connecting');
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    let welcomed = false;
    ws.onopen = () => {
      const hello = {type: 'hello', protocol: 1, role: this.role, token: this.token, resume_after: this.lastSeq};
      if (this.sessionId) hello.session_id = this.sessionId;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (event) => {
      if (typeof event.data !== 'string') {
        this._audio(event.data);
        return;
      }
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      if (message.type === 'welcome') {
        welcomed = true;
        this.attempt = 0;
        const reconnected = this.everOpened;
        this.everOpened = true;
        if (message.session_id) this.sessionId = message.session_id;
        this._setState('open');
        this.dispatchEvent(new CustomEvent('welcome', {detail: {message, reconnected}}));
        return;
      }
      if (message.type === 'error' && message.fatal) this.lastError = message;
      if (typeof message.seq === 'number') {
        if (message.seq <= this.lastSeq) return; // already shown (a replay overlapping what we saw)
        this.lastSeq = message.seq;
      }
      this.dispatchEvent(new CustomEvent('message', {detail: message}));
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this._stopped) { this._setState('closed'); return; }
      // 1013 (the relay cannot store right now) is worth retrying even before the first welcome
      const refusedForGood = !welcomed && !this.everOpened && this.lastError && event.code !== TRY_AGAIN_LATER;
      if (NO_RETRY.has(event.code) || refusedForGood) {
        this._setState('closed');
        this.dispatchEvent(new CustomEvent('fatal', {detail: {code: event.code, reason: event.reason, error: this.lastError}}));
        return;
      }
      this._setState('down');
      const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
      this.attempt += 1;
      this._timer = setTimeout(() => this._open(), delay);
    };
  }

  _audio(buffer) {
    if (buffer.byteLength < 4) return;
    const stream = new DataView(buffer).getUint32(0, true);
    const pcm = new Int16Array(buffer, 4, (buffer.byteLength - 4) >> 1);
    this.dispatchEvent(new CustomEvent('audio', {detail: {stream, pcm}}));
  }

  get isOpen() {
    return this.state === 'open' && this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  /** Send one JSON message; false when the connection is down (the caller tells the user). */
  send(message) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  sendBinary(data) {
    if (!this.isOpen) return false;
    this.ws.send(data);
    return true;
  }

  /** Leave for good (bye); no reconnect. */
  close() {
    this._stopped = true;
    clearTimeout(this._timer);
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({type: 'bye'}));
    if (this.ws) this.ws.close(1000);
    this._setState('closed');
  }
}

/** fetch() against the relay's API with a bearer token; throws ApiError with the relay's code. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    Object.assign(this, {status, code});
  }
}

export async function api(path, {token, method = 'GET', body, accept = 'json'} = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (err) {
    throw new ApiError(0, 'network', String(err));
  }
  if (!response.ok) {
    let code = 'http_' + response.status, message = response.statusText;
    try { ({code, message} = (await response.json()).error); } catch { /* not JSON */ }
    throw new ApiError(response.status, code, message);
  }
  if (accept === 'json') return response.json();
  if (accept === 'blob') return response.blob();
  return response.text();
}
