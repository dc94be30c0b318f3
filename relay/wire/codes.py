"""Every code the relay sends: ``error`` codes (websocket and HTTP), websocket close codes, ``notice`` codes.

This module is the one registry. Code elsewhere names a code only through ``ErrorCode``, ``CloseCode`` or
``NoticeCode`` (a test rejects string literals), and ``docs/protocol.md``'s code tables are generated from
the entries here (``madoguchi protocol --update-docs``; a test keeps the file in sync), so a new
code is documented where it is defined. Clients may switch on every code listed: they are stable.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorEntry:
    code: str
    when: str  # when a client gets it
    websocket: str | None  # in an ``error`` message: whether the connection closes (and with which close code)
    http: int | None  # the HTTP status it comes with, when the HTTP API uses it


@dataclass(frozen=True)
class CloseEntry:
    code: int
    meaning: str


@dataclass(frozen=True)
class NoticeEntry:
    code: str
    to: str  # who receives it
    meaning: str


ERRORS: dict[str, ErrorEntry] = {}
CLOSES: dict[int, CloseEntry] = {}
NOTICES: dict[str, NoticeEntry] = {}


def _error(code: str, when: str, websocket: str | None = "no", http: int | None = None) -> str:
    ERRORS[code] = ErrorEntry(code, when, websocket, http)
    return code


def _close(code: int, meaning: str) -> int:
    CLOSES[code] = CloseEntry(code, meaning)
    return code


def _notice(code: str, to: str, meaning: str) -> str:
    NOTICES[code] = NoticeEntry(code, to, meaning)
    return code


class ErrorCode:
    """Stable ``error`` codes: in websocket ``error`` messages and HTTP bodies ``{error: {code, message}}``."""

    INVALID_JSON = _error("invalid_json", "a text frame (or an HTTP body) is not JSON, or nested too deeply to parse",
                          "no (yes as the first frame)", http=400)
    NOT_AN_OBJECT = _error("not_an_object", "JSON that is not an object", http=400)
    MISSING_FIELD = _error("missing_field", "a required field is absent (including `type`)", "no (yes in `hello`)", http=400)
    INVALID_FIELD = _error(
        "invalid_field",
        "a field has the wrong type or a value outside its set; text with a lone surrogate (`\"\\ud800\"`); an "
        "integer beyond ±2^53; an operator's `replaces` naming no utterance of the session it serves",
        "no (yes in `hello`)", http=400)
    UNKNOWN_TYPE = _error("unknown_type", "a `type` the relay does not accept from clients")
    MESSAGE_TOO_LARGE = _error("message_too_large", "a frame over `relay.max_message_bytes`")
    HELLO_REQUIRED = _error("hello_required",
                            "the first message is not `hello`, or none came within `relay.hello_timeout_s`",
                            "yes (4400 / 4408)")
    ALREADY_HELLO = _error("already_hello", "a second `hello`")
    UNSUPPORTED_PROTOCOL = _error("unsupported_protocol", "`protocol` is not 1", "yes (4406)")
    UNAUTHORIZED = _error(
        "unauthorized",
        "invalid, revoked or expired token (a resident token dies with its session). A token revoked while its "
        "websockets are open closes them with 4401: at once through the admin API, within "
        "`relay.token_recheck_s` when revoked from the CLI (another process); an expired resident token likewise",
        "yes (4401)", http=401)
    FORBIDDEN = _error("forbidden", "the role may not send this message, connect this way, or join that session",
                       "no for messages; yes in `hello` (4403)", http=403)
    SESSION_NOT_FOUND = _error("session_not_found", "no such session", "yes (4404)", http=404)
    JOIN_CODE_WRONG = _error("join_code_wrong", "`POST /api/join` with a code no counter has shown (mistyped, or not "
                             "6 digits); counts against `relay.join_failures_per_hour`", None, http=404)
    JOIN_CODE_EXPIRED = _error("join_code_expired", "`POST /api/join` with a code older than `relay.join_code_minutes`, "
                               "replaced by a newer one, or whose session has ended; counts like a wrong one",
                               None, http=410)
    SESSION_CLOSED = _error("session_closed", "the session is closed", "yes in `hello` (4410), else no", http=409)
    TOO_MANY_SESSIONS = _error(
        "too_many_sessions",
        "too many connections to one session: staff connections count against "
        "`relay.max_connections_per_session`, resident ones against their own `relay.max_resident_connections`, "
        "so residents can never lock the counter out; on HTTP: the relay has as many open sessions as it allows",
        "yes (4429)", http=429)
    AUDIO_NOT_STARTED = _error("audio_not_started", "audio frame or `audio.stop` without `audio.start`")
    AUDIO_ALREADY_STARTED = _error("audio_already_started", "`audio.start` during a stream")
    ODD_LENGTH_PCM = _error("odd_length_pcm", "a frame that is not a whole number of 16-bit samples")
    UNSUPPORTED_SAMPLE_RATE = _error("unsupported_sample_rate", "`sample_rate` outside 8000–48000 Hz")
    UNSUPPORTED_ENCODING = _error("unsupported_encoding", "an encoding other than `pcm_s16le`")
    AUDIO_TOO_FAST = _error("audio_too_fast",
                            "audio sustained faster than `relay.max_audio_rate` × real time; the frame is dropped")
    UNSUPPORTED_LANGUAGE = _error("unsupported_language", "a language that is not offered", http=400)
    EMPTY_TEXT = _error("empty_text", "`text` with nothing but spaces")
    RATE_LIMITED = _error(
        "rate_limited",
        "too many typed turns waiting; or more typed turns, `settings` or `escalate` per minute than "
        "`relay.turns_per_minute` / `settings_per_minute` / `escalations_per_minute` allow one token in one "
        "session (reconnecting does not reset them); in `hello` (fatal, 4429) and on HTTP (429): too many "
        "failed logins from one address (`relay.auth_failures_per_minute`) — the token is not even checked; on "
        "`POST /api/join`: too many wrong join codes from one address (`relay.join_failures_per_hour`), with "
        "`Retry-After`",
        "no (yes in `hello`)", http=429)
    ENGINE_UNAVAILABLE = _error("engine_unavailable", "the engine or language pair is not installed", http=503)
    ENGINE_FAILED = _error("engine_failed", "an engine failed on this input; an `escalation` `offered` follows when "
                           "a queue is configured")
    NOT_ESCALATED = _error("not_escalated", "`escalation.cancel` while not waiting for an interpreter (also "
                           "once one is connected: the interpreter ends the call)")
    INVALID_STATE = _error(
        "invalid_state",
        "an action that does not fit the current state (e.g. `release` or operator `text` while serving no "
        "session, `escalate` while an interpreter is connected)", http=409)
    INVALID_TRANSITION = _error("invalid_transition", "the operator queue refused the request: e.g. accepting a "
                                "session offered to someone else")
    UNKNOWN_SESSION = _error("unknown_session", "the operator queue refused the request: the session is not queued")
    UNKNOWN_OPERATOR = _error("unknown_operator", "the operator queue refused the request: the operator never set "
                              "its state (`operator.state`)")
    QUEUE_FULL = _error("queue_full", "the operator queue refused the request: too many sessions waiting")
    QUEUE_UNAVAILABLE = _error(
        "queue_unavailable",
        "the shared operator queue (Redis) cannot be reached: the request changed nothing; the AI goes on, and the "
        "request can be repeated — the relay reconnects to Redis by itself (queue, offers and session channels "
        "recover without a restart)")
    SLOW_CONSUMER = _error("slow_consumer", "— (see close code 4431)", "yes")
    STORE_UNAVAILABLE = _error(
        "store_unavailable",
        "the relay cannot write its store (disk full, read-only, I/O error). Nothing of that message was stored or "
        "sent: keep it and resend it (with the same `client_id`) — `GET /healthz` says `store: ok` again once the "
        "disk recovers, which the relay notices by itself", "no (1013 in `hello`)", http=503)
    GLOSSARY_READ_ONLY = _error("glossary_read_only", "`PUT`/`DELETE /api/glossary/{term}` while `[mt] "
                                "glossary_path` is not set: the built-in glossary is read-only", websocket=None, http=409)
    TERM_NOT_FOUND = _error("term_not_found", "`DELETE /api/glossary/{term}` of a term the glossary does not have",
                            websocket=None, http=404)
    TOKEN_NOT_FOUND = _error("token_not_found", "`DELETE /api/admin/tokens/{id}` of an unknown or already revoked "
                             "token", websocket=None, http=404)
    SHUTTING_DOWN = _error("shutting_down", "`GET /ws` while the relay is shutting down (it takes no new "
                           "connection; reconnect to the restarted relay)", websocket=None, http=503)
    INTERNAL = _error("internal_error", "a bug; logged with a traceback", "yes (1011)", http=500)


class CloseCode:
    """Websocket close codes the relay uses (4xxx are ours)."""

    NORMAL = _close(1000, "normal: `bye`, or the session was closed")
    GOING_AWAY = _close(1001, "the relay is shutting down; reconnect with `resume_after`")
    # aiohttp closes before the relay sees the frame
    TOO_BIG = _close(1009, "a frame over four times `relay.max_message_bytes` (refused by the websocket layer "
                     "itself)")
    INTERNAL_ERROR = _close(1011, "internal error (a bug, logged with a traceback)")
    TRY_AGAIN_LATER = _close(1013, "try again later: the relay cannot write its store right now (see "
                             "`store_unavailable`)")
    BAD_HELLO = _close(4400, "bad or missing `hello`")
    UNAUTHORIZED = _close(4401, "authentication failed")
    FORBIDDEN = _close(4403, "this token's role may not connect this way")
    SESSION_NOT_FOUND = _close(4404, "no such session")
    PROTOCOL_VERSION = _close(4406, "protocol version not supported")
    HELLO_TIMEOUT = _close(4408, "no `hello` in time")
    SESSION_CLOSED = _close(4410, "the session is closed")
    TOO_MANY_SESSIONS = _close(4429, "too many connections to the session")
    ABUSE = _close(4430, "abuse: more than `relay.error_limit` errors in a minute")
    SLOW_CONSUMER = _close(
        4431,
        "slow consumer: the client fell `relay.outbound_queue` live messages behind; reconnect with "
        "`resume_after`, nothing is lost. Never sent before `welcome` (a replay is paced, see above). A client "
        "that does not even take its close frame within 3 s is cut off (TCP reset), so it never keeps its slot")


class NoticeCode:
    """Codes of ``notice`` messages: transient information, never an error."""

    ALREADY_STORED = _notice("already_stored", "the sender",
                             "a resent `text` whose `client_id` was stored before; not stored again "
                             "(`client_id` names it)")
    NO_VOICE = _notice("no_voice", "the listener", "a language has text but no installed voice: text only")
    TTS_FAILED = _notice("tts_failed", "the listener", "speech synthesis failed for this utterance; the text stands")
    SPEECH_SKIPPED = _notice("speech_skipped", "the listener",
                             "speech fell more than `relay.speech_backlog` (3) utterances behind the conversation: the oldest "
                             "waiting one "
                             "(`utterance_id`) is not spoken; its text stands")
    SPEECH_NOT_UNDERSTOOD = _notice(
        "speech_not_understood", "the speaker",
        "speech was heard and shown as a partial, but gave no final transcript (the hallucination guard dropped "
        "it, or it came out empty; the reason is in `message` and in the relay's log): every screen clears the "
        "partial line, the speaker's screen asks to say it again or type it (`utterance_id`, `lang`)")
    OPERATOR_DISCONNECTED = _notice(
        "operator_disconnected", "counter, resident",
        "the interpreter's connection dropped; it has `queue.reconnect_grace_s` to come back before the session "
        "is re-queued at the head")
    OPERATOR_RECONNECTED = _notice("operator_reconnected", "counter, resident", "the interpreter is back")
    COUNTER_DISCONNECTED = _notice("counter_disconnected", "the operator serving the session",
                                   "the counter tablet's connection dropped")
    COUNTER_RECONNECTED = _notice("counter_reconnected", "the operator serving the session", "the counter is back")


class ProtocolError(Exception):
    """A client mistake. ``close_code`` is set only for the few that end the connection."""

    def __init__(self, code: str, message: str, *, close_code: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.close_code = close_code
        self.client_id: str | None = None  # the client's id of the text it is about, when there is one
        # a spoken turn that could not be stored: what was recognised (utterance_id, speaker, lang, text),
        # given back so the client can offer to send it as typed text
        self.recognised: dict[str, str] | None = None


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


BEGIN_MARK = ("<!-- generated from relay/wire/codes.py by `madoguchi protocol --update-docs docs/protocol.md`: "
              "edit the registry, not this table -->")
END_MARK = "<!-- end of the generated code tables -->"


def code_tables() -> str:
    """The Markdown of docs/protocol.md's code tables (between its ``codes`` markers)."""
    lines = ["## Error codes", "",
             "In websocket `error` messages (`fatal`: whether the connection closes) and in HTTP error bodies",
             "`{error: {code, message}}` (with the status given). — : not used there.", "",
             "| code | when | websocket: fatal? | HTTP |", "|---|---|---|---|"]
    lines += [f"| `{e.code}` | {_cell(e.when)} | {_cell(e.websocket or '—')} | {e.http or '—'} |"
              for e in ERRORS.values()]
    lines += ["", "## Close codes", "", "| code | meaning |", "|---|---|"]
    lines += [f"| {c.code} | {_cell(c.meaning)} |" for c in sorted(CLOSES.values(), key=lambda c: c.code)]
    lines += ["", "## Notice codes", "", "`notice {code, message, lang?, client_id?}`: information, never an error.",
              "", "| code | to | meaning |", "|---|---|---|"]
    lines += [f"| `{n.code}` | {n.to} | {_cell(n.meaning)} |" for n in NOTICES.values()]
    return "\n".join(lines) + "\n"


def with_code_tables(doc: str) -> str:
    """``doc`` (docs/protocol.md) with the text between its markers replaced by ``code_tables()``."""
    start, end = doc.find(BEGIN_MARK), doc.find(END_MARK)
    if start < 0 or end < start:
        raise ValueError("the document has no code-table markers")
    return doc[:start] + BEGIN_MARK + "\n\n" + code_tables() + "\n" + doc[end:]
