"""The models folder of ``bench/e2e.py --models-dir`` on a machine without the registry's model packages.

The lent GPU machine (docs/performance.md, "On a 16-core node with a GPU") cannot take the real Whisper
base (142 MB) along, nor reach a registry. So this builds, where it runs, models with the **real
dimensions and random weights**: Whisper base (``tests/fixtures/build_whisper.py``, its tokenizer from a
``tokenizer.json`` built beforehand on a machine with openai-whisper: ``--tokenizer``) and the
transformer-base Argos packages ja→en and en→ja (``tests/fixtures/build_argos.py``). No speech voices:
the run has speech output off. The compute of a decode is that of the real models; the text is noise.

    python bench/device/build_models.py OUT_DIR --tokenizer PATH/tokenizer.json
    python bench/device/build_models.py --export-tokenizer PATH/tokenizer.json   # here, with openai-whisper
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "fixtures")]

import build_whisper  # noqa: E402

FIRST_LANGUAGE_ID = 50259  # <|en|>: the languages follow <|endoftext|> and <|startoftranscript|>


class _Vocabulary(build_whisper._VocabularyView):
    """The builder's vocabulary view with the language tokens read from the tokenizer itself, so that
    openai-whisper (not installed on the lent machine) is not needed."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        ids = range(FIRST_LANGUAGE_ID, FIRST_LANGUAGE_ID + build_whisper.NUM_LANGUAGES)
        self.additional_special_tokens = [tokenizer.id_to_token(i) for i in ids]


def build_whisper_base(out_dir: Path, tokenizer_json: Path) -> None:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_json))
    assert tokenizer.token_to_id("<|ja|>") is not None and tokenizer.token_to_id("<|notimestamps|>") == 50363
    build_whisper._VocabularyView = _Vocabulary  # type: ignore[misc]  # convert() builds its view from it
    out_dir.mkdir(parents=True, exist_ok=True)
    build_whisper.convert(build_whisper.random_whisper("base"), tokenizer, out_dir)


def build_argos_base(models: Path) -> None:
    """As ``build_argos.build_package`` builds them, installed from the folder: zipping 2 × 300 MB of
    random floats would take longer than building them."""
    import hashlib
    import json
    import tempfile
    from dataclasses import asdict

    from build_argos import ModelSize, build_ct2_model, train_sentencepiece

    from pipelines.mt.models import ArgosModels

    size = ModelSize.base()
    for source, target in (("ja", "en"), ("en", "ja")):
        with tempfile.TemporaryDirectory() as tmp:
            top = Path(tmp) / f"translate-{source}_{target}-1_0"
            (top / "model").mkdir(parents=True)
            seed = int(hashlib.sha256(f"{source}{target}".encode()).hexdigest()[:8], 16)
            build_ct2_model(top / "model", train_sentencepiece(top, size.vocab_size), size, seed)
            metadata = {"package_version": "1.0", "argos_version": "1.0", "from_code": source, "to_code": target,
                        "from_name": source, "to_name": target, "type": "translate", "links": [],
                        "madoguchi_test_model": asdict(size)}
            (top / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
            ArgosModels().install(models, top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path, nargs="?")
    parser.add_argument("--tokenizer", type=Path, help="Whisper's multilingual tokenizer.json")
    parser.add_argument("--export-tokenizer", type=Path, help="write tokenizer.json (needs openai-whisper) and stop")
    args = parser.parse_args()
    if args.export_tokenizer:
        build_whisper.build_tokenizer().save(str(args.export_tokenizer))
        return
    if not args.out_dir or not args.tokenizer:
        parser.error("OUT_DIR and --tokenizer are needed")
    build_whisper_base(args.out_dir / "whisper" / "base", args.tokenizer)
    build_argos_base(args.out_dir)
    print(args.out_dir)


if __name__ == "__main__":
    main()
