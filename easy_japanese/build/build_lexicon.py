"""Builds ``easy_japanese/data/built_words.tsv``: difficult → easy word pairs from two public sources.

Run by hand when the sources change (the output is committed, so the product needs no data folder):

    python -m easy_japanese.build.build_lexicon [--data ../shared/data/easy_japanese]

Sources and what is taken (word pairs only; never sentences, never definitions; see NOTICE):

- The Immigration Services Agency's やさしい日本語 rewrite-tool vocabulary (``moj/rewrite_tool_vocabulary.csv``,
  government work, 政府標準利用規約 2.0, CC BY 4.0 compatible): a pair is kept when its easy side is a
  short word or phrase (not a definition: at most 8 characters, no brackets, no sentence marks).
- SNOW T15 (``snow_t15.tsv``, CC BY 4.0, Maruyama & Yamamoto): the **training rows** only (rows whose ID is
  divisible by 50 are the test split and are never read). Each original sentence is aligned with its
  simplified version word by word; a one-word substitution counts when both words have the same part of
  speech, are different words (not spelling variants), the easy word is more common (wordfreq), and the
  original sentence with only that substitution passes the meaning guard. A pair is kept when it was
  seen at least ``MIN_SEEN`` times and in at least ``MIN_SHARE`` of the sentences where the word occurs,
  or, seen fewer times, when Sudachi's synonym dictionary puts both words in one group (``synonyms.py``:
  a pair seen once may be a paraphrase of one sentence, such as 損 → 利益 or 治る → なくなる; an
  independent dictionary that calls the two words synonyms says they mean the same out of context).
  Rows whose ID is 25 mod 50 are also left out: they are the dev rows the thresholds were tuned on.

Every entry still goes through the guard at run time, like our own dictionary.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from easy_japanese.analyzer import Token, analyze
from easy_japanese.build.synonyms import same_meaning, written_forms
from easy_japanese.guard import Guard
from easy_japanese.lexicon import DATA_DIR, load_lexicon, zipf

OUTPUT = DATA_DIR / "built_words.tsv"
MIN_SEEN = 2
MIN_SHARE = 0.05
MAX_EVERYDAY_ZIPF = 4.5  # MOJ lists 地震 and 台風 too; a word this common is one residents must learn
# light verbs and vague words: SNOW sometimes rewrites a whole phrase into them (ペンキを塗る → ペンキをする)
_TOO_VAGUE = frozenset(["する", "為る", "なる", "成る", "ある", "有る", "いる", "居る", "やる", "行う", "言う", "事", "物", "こと", "もの",
                        "できる", "出来る", "出る", "出す", "お金", "金", "気", "手", "家", "道", "店", "話", "日", "時間", "間",
                        "人", "来る", "頭", "雪", "ドア", "薬", "野菜", "花", "自身"])
# Reviewed by hand (every built pair was read): pairs that change the meaning in counter speech, make the
# word harder, or only fit the one SNOW sentence they came from. 書類→文書, 以内→以下, 渡す→あげる,
# 乗せる→乗る, 下ろす→おく and 現金→お金 would mislead a resident at a counter.
REJECTED = frozenset(
    ["理性", "鳴る", "つかる", "さく", "たぶん", "ちがう", "いちばん", "書類", "本人", "結構", "現金", "給料", "余裕",
     "罰金", "水道", "握手", "迷子", "ホームシック", "犠牲", "相性", "荷", "投げる", "流す", "漏れる", "昇る", "砂糖",
     "紅茶", "食卓", "電報", "根", "内", "日間", "今週", "何時", "時刻", "以内", "交番", "所属", "渡す", "負う", "預ける",
     "養う", "重症", "骨折", "快方", "訳す", "説得", "愛想", "最善", "生計", "学識", "良家", "年寄り", "男の子", "女の子",
     "昼ご飯", "朝ごはん", "夕飯", "都合", "見分ける", "下ろす", "抑える", "足す", "習う", "閉める", "閉まる", "乗せる",
     "亡くなる", "地位", "値", "スイッチ", "サイン", "パス", "オーバー", "ボーイ", "ミルク", "牛乳", "アパート", "会員",
     "近所", "隣", "となり", "周り", "回り", "都会", "担任", "日にち", "日々", "日増し", "気難しい", "きつい", "つらい",
     "気の毒", "気候", "惑星", "湖", "汽車", "離陸", "見える", "見つかる", "解ける", "弾ける", "取れる", "とれる", "戸締まり",
     "雪かき", "アスピリン", "サラダ", "頭痛", "くう", "そらす", "ささげる", "捧げる", "かぶる", "はく", "召す", "にる",
     "つけ", "じき", "しょう", "そろそろ", "たまたま", "じろじろ", "ひま", "ひととき", "指導", "措置", "手配", "利点", "名声",
     "報い", "賜物", "明るみ", "口答え", "悲鳴", "叫び", "幽霊", "聖書", "美術", "言論", "電報", "書き取る", "綴り", "スペル",
     "咲く", "向く", "沿う", "適する", "寄る", "近寄る", "割く", "信ずる", "見なす", "仮定", "動揺", "脱する", "窮する",
     "区別", "決断", "審議", "説得", "生命", "運命", "機嫌", "景気", "主張", "交互", "一行", "両替", "取り引き", "休息",
     "大当たり", "高価", "ペット", "三者面談", "与", "在留", "そちら", "あそこ", "どなた", "ただいま", "もと", "もっとも",
     "備える", "終わり", "立ち上がる", "趣味", "見送る", "まわり",
     # synonyms to Sudachi, yet wrong in some sense a resident meets (docs/easy_japanese_lexicon_review.md):
     # お越しください is not 超える, 席をはずす not 除く, インフルエンザの流行 not 人気, 梨 → なし reads 無し
     "うかがう", "伺う", "そろう", "はずす", "シスター", "リクエスト", "合意", "夕ご飯", "朝ご飯", "朝御飯", "女子",
     "年より", "梨", "流行", "生き物", "訪ねる", "許し", "越す",
     # found by reading outputs (issue 13): いっさい払う必要はありません must not become 全て払う…,
     # だいたい30分 not ほとんど30分, 助けを呼ぶ not 協力を呼ぶ, お腹 not the rude 腹, 英語が通じる not つながる
     "いっさい", "だいたい", "大体", "たった", "いっぱい", "助け", "おなか", "お腹", "もらす", "つぶす", "したく",
     "はがき", "えさ", "いなか", "田舎", "あいつ", "意思", "解く", "通じる", "向かい合う", "当てはまる", "季節",
     "値段", "単純", "狭い", "戻す", "済む", "スーツ", "セーター",  # 元に戻す, 気が済む, 電話で済む; 服 loses what to wear
     # second reading (issue 13): 来年 / 来月 / 来週 (and 去年 / 先月 / 先週) are N5 words counted from today,
     # 次の年 / 前の年 … count from the time just named (翌年 → 次の年 already: 2025年に申請した方は来年… must
     # not shift a year, and 来月 must not read like 申請した月の翌月); 申し出 at a counter
     # is a notice to the city (住所変更の申し出), not SNOW's 提案 (an offer); ミス is kept by SNOW in 52 of 61
     # sentences and a 入力ミス is a 間違い, not a 失敗
     "来年", "来月", "来週", "去年", "先月", "先週", "申し出", "ミス"]
)
MAX_EASY_CHARS = 8
MIN_CONSISTENCY = 0.5
_KINDS = {"名詞": "n", "代名詞": "n", "形状詞": "n", "動詞": "v", "形容詞": "a", "副詞": "adv"}
_SENSE_MARK = re.compile(r"[（(]\d+[）)]$")


def default_data_dir() -> Path:
    root = Path(__file__).resolve().parents[2]
    for base in (root.parent, root.parent.parent):
        if (base / "shared" / "data" / "easy_japanese").is_dir():
            return base / "shared" / "data" / "easy_japanese"
    return root.parent / "shared" / "data" / "easy_japanese"


def is_test_row(row_id: str) -> bool:
    """SNOW T15's test split: never read for building (see ../shared/data/README.md)."""
    return not row_id.isdigit() or int(row_id) % 50 == 0


def is_dev_row(row_id: str) -> bool:
    """Rows kept out of the build too, to tune the thresholds on (ID ≡ 25 mod 50, 1,000 rows)."""
    return row_id.isdigit() and int(row_id) % 50 == 25


# ---- MOJ rewrite-tool vocabulary


def _moj_kind(word: str, easy: str) -> tuple[str, str, str] | None:
    """(word, easy, kind) in our dictionary's format, or None when the pair does not fit a rule."""
    easy_tokens = analyze(easy)
    if not easy_tokens:
        return None
    last = easy_tokens[-1]
    if word.endswith("する") and len(word) > 2:
        stem = word[:-2]
        if last.pos1 == "動詞" and last.cform.startswith("終止形"):
            return stem, easy, "s"
        return None
    word_tokens = analyze(word)
    if len(word_tokens) == 1 and word_tokens[0].pos1 == "動詞" and word_tokens[0].cform.startswith("終止形"):
        return (word, easy, "v") if last.pos1 == "動詞" and last.cform.startswith("終止形") else None
    if len(word_tokens) == 1 and word_tokens[0].pos1 == "副詞":
        return word, easy, "adv"
    if all(t.pos1 in ("名詞", "接頭辞", "接尾辞") for t in word_tokens):
        return word, easy, "n"
    return None


def moj_pairs(path: Path) -> Iterator[tuple[str, str, str]]:
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            easy = re.split(r"[／/]", row["yasashii"])[0].replace("　", "").replace(" ", "").strip()
            if not easy or len(easy) > MAX_EASY_CHARS or re.search(r"[、,（()）。「」◯○…]", easy):
                continue  # a definition, not a word: never taken
            for word in re.split(r"[、,]", row["original"]):
                word = _SENSE_MARK.sub("", word.strip())
                if word and word != easy and not re.search(r"[（()）]", word) and zipf(word) < MAX_EVERYDAY_ZIPF:
                    found = _moj_kind(word, easy)
                    if found and found[0] not in REJECTED and easy not in _TOO_VAGUE:
                        yield found


# ---- SNOW T15 training rows


def _substitutions(original: list[Token], simple: list[Token]) -> Iterator[tuple[list[Token], list[Token]]]:
    """Replaced spans of at most 2 original and 3 simplified tokens (a word and what SNOW wrote for it)."""
    matcher = difflib.SequenceMatcher(a=[t.surface for t in original], b=[t.surface for t in simple], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "replace" and i2 - i1 <= 2 and j2 - j1 <= 3:
            yield original[i1:i2], simple[j1:j2]


def _pair_of(words: list[Token], easy: list[Token]) -> tuple[str, str, str] | None:
    """(word, easy, kind) for a substitution our rules can apply, or None."""
    if len(words) == 1 and len(easy) == 1:
        word, new = words[0], easy[0]
        pos = "名詞" if word.pos1 == "代名詞" and new.pos1 == "代名詞" else word.pos1
        if _candidate(word, new, pos):
            return word.base, new.base, _KINDS[pos]
        return None
    if len(words) == 1 and words[0].pos1 == "名詞" and easy[-1].pos1 == "名詞" and all(t.pos1 != "動詞" for t in easy):
        word = words[0]  # 昨夜 → 昨日の夜, 夏休み → 夏の休み
        if word.pos2 in ("数詞", "固有名詞") or not word.is_content or any(t.pos2 in ("数詞", "固有名詞") for t in easy):
            return None
        phrase = "".join(t.surface for t in easy)
        if easy[0].pos1 == "助詞":
            return None
        if min(zipf(t.base) for t in easy if t.is_content or t.pos1 == "名詞") > zipf(word.base):
            return word.base, phrase, "n"
        return None
    if len(words) == 2 and words[0].pos3 == "サ変可能" and words[1].lemma == "為る" and len(easy) == 1 and easy[0].pos1 == "動詞":
        noun, verb = words[0], easy[0]  # 到着し → 着い
        if verb.lemma not in _TOO_VAGUE and zipf(verb.base) > zipf(noun.base):
            return noun.surface, verb.base, "s"
    return None


def _candidate(word: Token, easy: Token, pos: str) -> bool:
    if pos not in _KINDS or word.pos1 != easy.pos1 or not (word.is_content or word.pos1 == "代名詞"):
        return False
    if easy.lemma in _TOO_VAGUE or easy.base in _TOO_VAGUE:
        return False
    if word.lemma == easy.lemma or word.pos2 in ("数詞", "固有名詞") or easy.pos2 in ("数詞", "固有名詞"):
        return False  # spelling variants (とき/時), numbers and names are not vocabulary
    if word.pos1 == "動詞" and (word.lemma != word.base and not word.base.endswith(word.lemma[-1:])):
        return False  # potential forms (話せる) are handled by a rule, not by the dictionary
    if word.pos1 == "形容詞" and not (word.base.endswith("い") and easy.base.endswith("い")):
        return False
    return zipf(easy.base) > zipf(word.base)


def _passes_guard(sentence: str, words: list[Token], easy: list[Token]) -> bool:
    candidate = sentence[: words[0].start] + "".join(t.surface for t in easy) + sentence[words[-1].end :]
    return not Guard(sentence).reasons(candidate)


Counts = tuple[Counter[tuple[str, str, str]], Counter[tuple[str, str, str]]]  # (base, pos, lemma) seen; pairs


def snow_counts(path: Path) -> Counts:
    """Training rows: how often each word occurs in the originals and how often each guarded substitution
    was seen."""
    seen: Counter[tuple[str, str, str]] = Counter()
    swapped: Counter[tuple[str, str, str]] = Counter()
    with path.open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            if len(row) < 3 or is_test_row(row[0]) or is_dev_row(row[0]):
                continue
            original, simple = analyze(row[1]), analyze(row[2])
            for tok in original:
                seen[(tok.base, tok.pos1, tok.lemma)] += 1
            for words, easy in _substitutions(original, simple):
                pair = _pair_of(words, easy)
                if pair is not None and _passes_guard(row[1], words, easy):
                    swapped[pair] += 1
    return seen, swapped


def snow_pairs(counts: Counts, min_seen: int = MIN_SEEN, min_share: float = MIN_SHARE) -> Iterator[tuple[str, str, str]]:
    seen, swapped = counts
    best: dict[str, tuple[int, str, str]] = {}
    substitutions: Counter[str] = Counter()
    for (word, _easy, _kind), count in swapped.items():
        substitutions[word] += count
    occurrences: Counter[str] = Counter()
    for (word, _pos, _lemma), n in seen.items():
        occurrences[word] += n
    for (word, easy, kind), count in swapped.items():
        share = count / max(1, occurrences[word])
        consistent = count >= MIN_CONSISTENCY * substitutions[word]  # one easy word, not a paraphrase per context
        if count >= min_seen and share >= min_share and consistent and count > best.get(word, (0, "", ""))[0]:
            best[word] = (count, easy, kind)
    best.update(corroborated_pairs(swapped, set(best)))
    for word, (_count, easy, kind) in sorted(best.items()):
        if word not in REJECTED and not guesses_a_sense(word, easy):
            yield word, easy, kind


def _hiragana(text: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in text)


def guesses_a_sense(word: str, easy: str) -> bool:
    """A word written in kana is already easy to read, and it may stand for several words: おこる is
    起こる (happen) or 怒る (get angry), のぞく is 除く (except) or 覗く (peep). A pair from it either
    writes it with the kanji of one of them (おこる → 怒る, きく → 聞く: 地震がおこる would become
    地震が怒る) or paraphrases one sense (のぞく → 見る: 土日をのぞく would become 土日を見る). Neither is
    kept: the easy word reads the same as the kana word, or Sudachi's dictionary does not name one
    written word for it (it normalises the kana word to itself, or to several words)."""
    if not word or any(not ("ぁ" <= ch <= "ゖ" or ch == "ー") for ch in word):
        return False
    if _hiragana("".join(t.reading or t.surface for t in analyze(easy))) == word:
        return True
    forms = written_forms(word)
    return len(forms) != 1 or word in forms


def corroborated_pairs(swapped: Counter[tuple[str, str, str]], taken: set[str]) -> dict[str, tuple[int, str, str]]:
    """Pairs seen too rarely (once) or too loosely for the thresholds, kept when Sudachi's synonym
    dictionary, made independently of SNOW, puts both words in one synonym group (``synonyms.py``)."""
    found: dict[str, tuple[int, str, str]] = {}
    for (word, easy, kind), count in swapped.items():
        if word not in taken and count > found.get(word, (0, "", ""))[0] and same_meaning(word, easy):
            found[word] = (count, easy, kind)
    return found


def build(data: Path, counts: Counts | None = None, min_seen: int = MIN_SEEN, min_share: float = MIN_SHARE
          ) -> list[tuple[str, str, str, str]]:
    """(word, easy, kind, source) rows; words our own dictionary already has are left to it."""
    ours = load_lexicon(built=None)
    rows: dict[str, tuple[str, str, str, str]] = {}
    for word, easy, kind in moj_pairs(data / "moj" / "rewrite_tool_vocabulary.csv"):
        rows.setdefault(word, (word, easy, kind, "moj"))
    for word, easy, kind in snow_pairs(counts or snow_counts(data / "snow_t15.tsv"), min_seen, min_share):
        rows.setdefault(word, (word, easy, kind, "snow"))
    return [row for word, row in sorted(rows.items()) if word not in ours]


def write(rows: list[tuple[str, str, str, str]], path: Path = OUTPUT) -> None:
    header = [
        "# difficult\teasy\tkind\tsource",
        "# Built by easy_japanese/build/build_lexicon.py — do not edit by hand (edit easy_words.tsv, which wins).",
        "# Word pairs only. Sources (see NOTICE): moj = 出入国在留管理庁 やさしい日本語 rewrite-tool vocabulary",
        "# (政府標準利用規約 2.0, CC BY 4.0 compatible); snow = SNOW T15 training rows, Maruyama & Yamamoto,",
        "# Nagaoka University of Technology (CC BY 4.0). Kinds as in easy_words.tsv.",
    ]
    path.write_text("\n".join(header + ["\t".join(row) for row in rows]) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=default_data_dir(), help="the shared easy_japanese data folder")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if not (args.data / "snow_t15.tsv").exists():
        print(f"data not found at {args.data}", file=sys.stderr)
        return 1
    rows = build(args.data)
    write(rows, args.output)
    by_source = Counter(row[3] for row in rows)
    print(f"wrote {len(rows)} pairs to {args.output} ({dict(by_source)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
