"""``madoguchi easy "…"``: rewrite or check text from the command line (also ``python -m easy_japanese``)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from easy_japanese.config import RewriteOptions
from easy_japanese.readability import check
from easy_japanese.rewrite import rewrite


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="madoguchi easy", description="Rewrite Japanese into やさしい日本語.")
    parser.add_argument("text", nargs="?", help="text to rewrite (read from stdin when omitted)")
    parser.add_argument("--ruby", choices=("html", "paren", "none"), default="none", help="how to show furigana")
    parser.add_argument("--explain", action="store_true", help="list every rule that changed the text")
    parser.add_argument("--check", action="store_true", help="print a readability report instead of a rewrite")
    parser.add_argument("--wakachi", action="store_true", help="put spaces between phrases (分かち書き)")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    return parser


def _print_check(text: str, as_json: bool) -> None:
    report = check(text)
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    print(f"score: {report.score}/100")
    for issue in report.issues:
        hint = f" → {issue.suggestion}" if issue.suggestion else ""
        print(f"  [{issue.kind}] {issue.text}{hint}  ({issue.message})")
    print(f"suggestion: {report.suggestion}")


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    text = args.text if args.text is not None else sys.stdin.read()
    if args.check:
        _print_check(text, args.json)
        return 0
    result = rewrite(text, options=replace(RewriteOptions(), wakachigaki=args.wakachi))
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    shown = {"html": result.html, "paren": result.with_paren_ruby(), "none": result.text}[args.ruby]
    print(shown)
    if args.explain:
        for hit in result.rules:
            print(f"  {hit.rule_id}: 「{hit.source}」→「{hit.result}」 (chars {hit.start}-{hit.end})")
        for word in result.unknown_difficult_words:
            print(f"  (not simplified: {word})")
    return 0
