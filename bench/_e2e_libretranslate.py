"""A LibreTranslate-API server over installed Argos packages, for ``bench/e2e.py --engines remote``.

The ``libretranslate`` package itself pins versions that conflict with the relay's environment (see
tests/remote/libretranslate_stub.py), so the benchmark serves the same documented API — ``GET
/languages``, ``POST /translate`` with ``q`` as a list and ``alternatives`` — the way LibreTranslate
does it: Argos packages decoded by CTranslate2, the alternatives being the beam's runners-up
(``num_hypotheses = alternatives + 1``). Threads answer requests concurrently, as LibreTranslate's
waitress server does; ``--inter-threads`` translations run at once per direction.

    python bench/_e2e_libretranslate.py --models-dir .cache/bench-models/e2e-base --port 5000
"""

from __future__ import annotations

import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from _e2e_stack import speak_reference_translations  # noqa: E402

from pipelines.mt.backend import ArgosPackageTranslator, installed_package_dirs, point_argos_at  # noqa: E402


def load(models_dir: Path, inter_threads: int) -> dict[tuple[str, str], ArgosPackageTranslator]:
    point_argos_at(models_dir)
    speak_reference_translations()  # the model decodes, the answer is a real sentence (see _e2e_stack)
    pairs = {}
    for package_dir in installed_package_dirs(models_dir):
        translator = ArgosPackageTranslator(package_dir, inter_threads=inter_threads)
        translator.translate_batch(["warm up"], 1, 1)  # load the model before the first request
        pairs[(translator.source, translator.target)] = translator
    return pairs


def languages(pairs: dict[tuple[str, str], ArgosPackageTranslator]) -> list[dict[str, Any]]:
    codes = sorted({code for pair in pairs for code in pair})
    return [{"code": code, "name": code, "targets": sorted(t for s, t in pairs if s == code)} for code in codes]


def translate(pairs: dict[tuple[str, str], ArgosPackageTranslator], body: dict[str, Any]) -> tuple[int, Any]:
    translator = pairs.get((body.get("source", ""), body.get("target", "")))
    if translator is None:
        return 400, {"error": "language pair not supported"}
    texts = body["q"] if isinstance(body["q"], list) else [body["q"]]
    alternatives = int(body.get("alternatives", 0))
    results = translator.translate_batch(texts, alternatives + 1, max(4, alternatives + 1))
    best = [r[0].text for r in results]
    alts = [[h.text for h in r[1:]] for r in results]
    if not isinstance(body["q"], list):
        return 200, {"translatedText": best[0], "alternatives": alts[0]}
    return 200, {"translatedText": best, "alternatives": alts}


def serve(pairs: dict[tuple[str, str], ArgosPackageTranslator], port: int) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the relay's connection pool expects

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._answer(*((200, languages(pairs)) if self.path == "/languages" else (404, {"error": "not found"})))

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self._answer(*(translate(pairs, body) if self.path == "/translate" else (404, {"error": "not found"})))

        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--inter-threads", type=int, default=2, help="translations at once per direction")
    args = parser.parse_args()
    serve(load(args.models_dir, args.inter_threads), args.port)


if __name__ == "__main__":
    main()
