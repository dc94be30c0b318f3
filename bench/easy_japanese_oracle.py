"""Where SARI is lost on the SNOW T15 dev rows: an oracle breakdown of the reference's changes we miss.

Every change the reference makes to a source sentence (a difflib opcode over our analyser's words) is
put in one class: a change we make too; a word with an easy word in our dictionary that differs from
SNOW's; a word whose SNOW pair was seen in the training rows once, or more often but filtered out, or
never; kana written in kanji (SNOW's style, not the guideline's), other spelling; particles and
endings; insertions; deletions; phrases and paraphrases. For each class the script applies the
reference's changes of that class on top of our output and reports the SARI that would give, so the
classes can be compared by what they are worth.

Dev rows only (ID ≡ 25 mod 50): the test split is never read here. Training counts come from
``easy_japanese.build.build_lexicon.snow_counts`` (about a minute).

Run: PYTHONPATH=. .venv/bin/python bench/easy_japanese_oracle.py [--examples]
"""

from __future__ import annotations

import argparse
import difflib
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.easy_japanese_eval import DATA, mean_sari, snow_rows  # noqa: E402
from easy_japanese import rewrite  # noqa: E402
from easy_japanese.analyzer import Token, analyze, has_kanji  # noqa: E402
from easy_japanese.build.build_lexicon import snow_counts  # noqa: E402
from easy_japanese.lexicon import load_lexicon  # noqa: E402

WE_MAKE_IT = "a change we make too"


class Change(NamedTuple):
    first: int  # source token span [first, last)
    last: int
    start: int  # source character span
    end: int
    text: str  # what replaces it
    old: list[Token]
    new: list[Token]


def changes(source: list[Token], target: list[Token], text_len: int) -> list[Change]:
    matcher = difflib.SequenceMatcher(a=[t.surface for t in source], b=[t.surface for t in target], autojunk=False)
    found = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        start = source[i1].start if i1 < len(source) else text_len
        end = source[i2 - 1].end if i2 > i1 else start
        found.append(Change(i1, i2, start, end, "".join(t.surface for t in target[j1:j2]), source[i1:i2], target[j1:j2]))
    return found


def _hiragana(text: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in text)


def classify(change: Change, trained: dict[tuple[str, str], int], lexicon: set[str]) -> str:
    old, new = change.old, change.new
    if not old:
        return "insertion"
    if not new:
        return "deletion"
    old_text, new_text = "".join(t.surface for t in old), change.text
    same_lemma = "".join(t.lemma for t in old) == "".join(t.lemma for t in new)
    if same_lemma or _hiragana("".join(t.reading or t.surface for t in old)) == _hiragana("".join(t.reading or t.surface for t in new)):
        return "spelling: kana written in kanji" if has_kanji(new_text) and not has_kanji(old_text) else "spelling: other"
    if all(t.pos1 in ("助詞", "助動詞", "補助記号") for t in old + new):
        return "particles and endings"
    words = [t for t in old if t.is_content or t.pos1 == "代名詞"]
    easy = [t for t in new if t.is_content or t.pos1 == "代名詞"]
    if len(old) <= 2 and len(words) == 1 and easy and len(new) <= 3:
        word = words[0]
        if word.base in lexicon or word.surface in lexicon:
            return "word: our dictionary has another easy word"
        seen = trained.get((word.base, easy[0].base if len(easy) == 1 else new_text), 0)
        return {0: "word: SNOW pair never seen in training", 1: "word: SNOW pair seen once"}.get(seen, "word: SNOW pair seen 2+, filtered")
    return "phrase or paraphrase"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", action="store_true", help="print the missed changes of each class")
    args = parser.parse_args()
    if not (DATA / "snow_t15.tsv").exists():
        print(f"skipped: evaluation data not found at {DATA}")
        return 0
    rows = snow_rows("dev")
    sources = [unicodedata.normalize("NFKC", r[1]) for r in rows]
    refs = [r[2] for r in rows]
    outputs = [unicodedata.normalize("NFKC", rewrite(r[1]).text) for r in rows]
    _seen, swapped = snow_counts(DATA / "snow_t15.tsv")
    trained: dict[tuple[str, str], int] = defaultdict(int)
    for (word, easy, _kind), n in swapped.items():
        trained[(word, easy)] += n
    lexicon = set(load_lexicon())
    per_row: list[list[tuple[str, Change]]] = []
    for source, output, ref in zip(sources, outputs, refs, strict=True):
        s_tokens = analyze(source)
        ours = changes(s_tokens, analyze(output), len(source))
        row = []
        for change in changes(s_tokens, analyze(unicodedata.normalize("NFKC", ref)), len(source)):
            made = any(c.first == change.first and c.last == change.last and c.text == change.text for c in ours)
            row.append((WE_MAKE_IT if made else classify(change, trained, lexicon), change))
        per_row.append(row)
    report(sources, outputs, refs, per_row, args.examples)
    return 0


def with_class(source: str, output: str, row: list[tuple[str, Change]], wanted: str | None) -> str:
    """Our output with the reference's changes of one class (all classes: None) applied on top."""
    tokens = analyze(source)
    added = [c for name, c in row if name != WE_MAKE_IT and (wanted is None or name == wanted)]
    kept = [c for c in changes(tokens, analyze(output), len(source))
            if not any((c.first < a.last and a.first < c.last) or c.first == c.last == a.first for a in added)]
    text = source
    for change in sorted(added + kept, key=lambda c: (-c.start, -c.end)):
        text = text[: change.start] + change.text + text[change.end :]
    return text


def report(sources: list[str], outputs: list[str], refs: list[str], per_row: list[list[tuple[str, Change]]], examples: bool) -> None:
    base = mean_sari(sources, outputs, refs)
    counts = Counter(name for row in per_row for name, _ in row)
    print(f"SNOW T15 dev rows: {len(sources)}; SARI identity {mean_sari(sources, sources, refs):.2f}, ours {base:.2f}")
    print(f"  {'class of the reference changes':44}{'count':>6}  SARI if we made them too")
    for name, n in counts.most_common():
        if name == WE_MAKE_IT:
            print(f"  {name:44}{n:6}")
            continue
        fixed = [with_class(s, o, row, name) for s, o, row in zip(sources, outputs, per_row, strict=True)]
        print(f"  {name:44}{n:6}  {mean_sari(sources, fixed, refs):.2f} ({mean_sari(sources, fixed, refs) - base:+.2f})")
    everything = [with_class(s, o, row, None) for s, o, row in zip(sources, outputs, per_row, strict=True)]
    print(f"  {'all of them':44}{'':6}  {mean_sari(sources, everything, refs):.2f}")
    if examples:
        for name in counts:
            missed = Counter(("".join(t.surface for t in c.old), c.text) for row in per_row for n, c in row if n == name)
            print(f"\n{name}: " + "; ".join(f"{a}→{b}" + (f" ×{k}" if k > 1 else "") for (a, b), k in missed.most_common(40)))


if __name__ == "__main__":
    sys.exit(main())
