"""A small LibreTranslate on loopback implementing the documented ``/languages`` and ``/translate`` API.

The real server runs in the tests too (libretranslate_server.py), but with random-weight models, so its
translations are gibberish; the rules that depend on what comes back (glossary restoration, confidence
from alternatives, API keys, HTTP errors) are tested against this stub, whose answers are known. It
"translates" from a fixed table, passes unknown text through with an ``[en]`` mark (placeholders such as
``ZX1Z`` survive, as a real model mostly copies them), can disagree with itself in its alternatives, fail
with HTTP 500, or demand an API key.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LANGUAGES = [{"code": "ja", "name": "Japanese", "targets": ["en", "vi", "ja"]},
             {"code": "en", "name": "English", "targets": ["ja", "vi", "en"]},
             {"code": "vi", "name": "Vietnamese", "targets": ["ja", "en", "vi"]}]
TABLE = {"今日は雨が降っています。": "It is raining today."}


class LibreTranslateStub:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.failing = False
        self.unsure = False  # alternatives that disagree with the best translation
        self.api_key = ""
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as LibreTranslate behind waitress

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._answer(200, LANGUAGES) if self.path == "/languages" else self._answer(404, {"error": "no"})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append(body)
                if stub.failing:
                    self._answer(500, {"error": "model crashed"})
                elif stub.api_key and body.get("api_key") != stub.api_key:
                    self._answer(403, {"error": "Invalid API key"})
                elif self.path != "/translate":
                    self._answer(404, {"error": "no"})
                else:
                    self._answer(200, stub.translate(body))

            def _answer(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def translate(self, body: dict[str, Any]) -> dict[str, Any]:
        texts = body["q"] if isinstance(body["q"], list) else [body["q"]]
        best = [TABLE.get(t, f"[{body['target']}] {t}") for t in texts]
        n = int(body.get("alternatives", 0))
        alternatives = [[("Something else entirely, " + str(i)) if self.unsure else b for i in range(n)] for b in best]
        if isinstance(body["q"], list):
            return {"translatedText": best, "alternatives": alternatives}
        return {"translatedText": best[0], "alternatives": alternatives[0]}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
