"""The rule table: every rewrite rule, in the order it runs.

Each rule has an id (used in explanations, settings and tests), a title, a description for city staff,
and one before/after example that the tests check. Switch a rule off with its id or its group in
``EasyJapaneseConfig.disabled_rules``.
"""

from __future__ import annotations

from easy_japanese.rules import (
    gloss,
    honorific,
    honorific_passive,
    negation,
    normalize,
    numbers,
    phrases,
    split,
    vocabulary,
    voice,
)
from easy_japanese.rules.base import Rule

RULES: list[Rule] = [
    Rule("normalize.width", "文字の幅をそろえる", "半角カナを全角に、全角の英数字を半角にします。",
         ("ｼﾞｭｳｼｮを書いてください", "ジュウショを書いてください"), normalize.width, "normalize"),
    Rule("phrase.set", "決まった言い方（窓口）", "少々お待ちください→少し待ってください、お掛けください→座ってください、ご本人様→本人、〜ていただけますでしょうか→〜てください など、窓口の決まった言い方を表で まとめて かえます。お世話になります などは そのままにします。",
         ("少々お待ちください。", "少し待ってください。"), phrases.set_phrases, "phrase"),
    Rule("phrase.sense", "言葉の意味を文から選ぶ", "お掛け（を がないとき）は 座る、お上がり は 入る のように、いくつか意味がある言葉を前後から選びます。",
         ("こちらにお掛けいただけますか。", "こちらにお座りいただけますか。"), phrases.senses, "phrase"),
    Rule("phrase.ending", "文の終わりの言い方", "〜かしら を 〜かな にします（どちらも 自分に 聞く 言い方です）。",
         ("書類はこれでいいかしら。", "書類はこれでいいかな。"), phrases.sentence_endings, "phrase"),
    Rule("honorific.phrase", "決まった敬語の言い方", "でございます→です、かしこまりました→わかりました、申し訳ありません→すみません など（くださいませんか はそのまま）。",
         ("受付はこちらでございます。", "受付はこちらです。"), honorific.set_phrases, "honorific"),
    Rule("honorific.passive", "〜される（尊敬語）", "転入される方→転入する方、入られた方→入った方 のように、受け身の形の 尊敬語 を ふつうの形にします。受け身（発行された）かもしれないときは そのままにします。",
         ("国外から転入される方は、窓口に来てください。", "国外から転入する方は、窓口に来てください。"), honorific_passive.honorific_passives, "honorific"),
    Rule("honorific.o_kudasai", "お／ご〜ください", "お〜ください・ご〜ください・ご覧ください を 〜てください にします。",
         ("こちらでお待ちください。", "こちらで待ってください。"), honorific.o_kudasai, "honorific"),
    Rule("honorific.o_ninaru", "お／ご〜になる（尊敬語）", "お〜になる・ご覧になる を ふつうの動詞にします。",
         ("書類をご覧になりましたか。", "書類を見ましたか。"), honorific.o_ninaru, "honorific"),
    Rule("honorific.itadaku", "〜ていただく・〜させていただく", "〜ていただけますか→〜てください、〜させていただきます→〜します、〜させていただけますか→〜てもいいですか。",
         ("ここに名前を書いていただけますか。", "ここに名前を書いてください。"), honorific.itadaku, "honorific"),
    Rule("honorific.o_suru", "お／ご〜する（謙譲語）", "お〜します・ご〜いたします の お／ご を取ります。お願いします はそのままです。",
         ("結果は郵便でお送りします。", "結果は郵便で送ります。"), honorific.o_suru, "honorific"),
    Rule("honorific.verb", "特別な敬語の動詞", "いらっしゃる・おっしゃる・申す・参る・おる・ござる・伺う・拝見する・差し上げる などを ふつうの動詞にします。",
         ("担当の者が参ります。", "担当の者が行きます。"), honorific.special_verbs, "honorific"),
    Rule("honorific.sama", "様→さん", "名前のあとの 様 を さん にします。名前は変えません。",
         ("田中様、どうぞ。", "田中さん、どうぞ。"), honorific.sama, "honorific"),
    Rule("negation.double", "二重否定", "〜ないことはない を 肯定の形に、〜ないわけではない を 〜こともある にします。",
         ("今日でも行けないことはないです。", "今日でも行けます。"), negation.double_negatives, "negation"),
    Rule("negation.obligation", "〜なければならない にそろえる", "〜なくてはいけない・〜ないといけない を 〜なければならない の一つの形にします。",
         ("届けを出さないといけません。", "届けを出さなければなりません。"), negation.obligation, "negation"),
    Rule("negation.vague", "あいまいな言い方", "結構です→いりません／いいです、〜かねます→〜ません、差し支えありません→大丈夫です、〜てもかまいません→〜てもいいです。",
         ("袋は結構です。", "袋はいりません。"), negation.vague, "negation"),
    Rule("voice.nominal", "名詞の形の動作を動詞に", "水分補給をする→水を飲む のように、名詞にした動作を動詞の文にします。",
         ("こまめに水分補給をしてください。", "こまめに水を飲んでください。"), voice.nominal_phrases, "voice"),
    Rule("voice.passive", "受け身をやめる", "〜が行われます→〜があります、〜と考えられます→〜と思います。",
         ("説明会が行われます。", "説明会があります。"), voice.passives, "voice"),
    Rule("voice.potential", "〜ことができる", "話せる→話すことができる のように、可能の形の動詞を 〜ことができる にします。",
         ("ここでは写真を撮れません。", "ここでは写真を撮ることができません。"), voice.potentials, "voice"),
    Rule("vocabulary.abbreviation", "略語をもとの言葉に", "健診→健康診断、国保→国民健康保険 のように略語を元に戻します。",
         ("来月、健診があります。", "来月、健康診断があります。"), vocabulary.abbreviations, "vocabulary"),
    Rule("vocabulary.verb", "難しい動詞・漢語の動詞", "提出する→出す、記入する→書く のように、やさしい動詞にして活用を合わせます。",
         ("この欄に記入してください。", "この欄に書いてください。"), vocabulary.verbs, "vocabulary"),
    Rule("vocabulary.word", "難しい言葉", "氏名→名前、至急→すぐに のように、やさしい言葉にします。",
         ("氏名を書いてください。", "名前を書いてください。"), vocabulary.words, "vocabulary"),
    Rule("vocabulary.kana", "ひらがなで書く言葉", "下さい→ください、無い→ない、私達→私たち、出来る→できる、有る→ある のように、補助の言葉や 〜たち、公用文が ひらがなで書く動詞は ひらがなで書きます。",
         ("ここに名前を書いて下さい。", "ここに名前を書いてください。"), vocabulary.kana_words, "vocabulary"),
    Rule("numbers.kanji_numeral", "漢数字を算用数字に", "一つ→1つ、三日→3日 のように、数える言葉の前の漢数字を数字にします。",
         ("写真を二枚持ってきてください。", "写真を2枚持ってきてください。"), numbers.kanji_numerals, "numbers"),
    Rule("numbers.clock", "午前・午後", "24時間の時刻を 午前／午後 にします（14時→午後2時）。",
         ("受付は17時までです。", "受付は午後5時までです。"), numbers.clock_times, "numbers"),
    Rule("numbers.era_year", "西暦を添える", "和暦の年に西暦を付けます（令和8年→2026年（令和8年））。",
         ("令和8年4月から変わります。", "2026年（令和8年）4月から変わります。"), numbers.era_years, "numbers"),
    Rule("split.long_sentence", "長い文を分ける", "長い文を 〜ので、〜が、〜て、 のところで切り、一つの文に一つのことを書きます。",
         ("書類が足りないので、今日は受け付けることができませんが、明日また来てください。",
          "書類が足りません。ですから、今日は受け付けることができません。でも、明日また来てください。"),
         split.long_sentences, "split"),
    Rule("gloss.counter_term", "窓口の大切な言葉に説明を付ける", "住民票 などの言葉はそのまま使い、初めて出たときに（ ）で説明を付けます。",
         ("住民票を取ってください。", "住民票（あなたが 住んでいる ところを 証明する 紙）を取ってください。"),
         gloss.counter_term_gloss, "gloss"),
]

RULES_BY_ID = {rule.id: rule for rule in RULES}
