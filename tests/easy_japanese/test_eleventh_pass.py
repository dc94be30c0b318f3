"""Do no harm, eleventh pass of issue 13: the tenth pass's loose ends and fresh sentences (gold/reading_dev_eleventh.py).

Each test is a wrong or dishonest output found on main; each fails when the old behaviour is planted back
(each was planted back once and seen to fail)."""

from __future__ import annotations

import pytest

from easy_japanese import RewriteOptions, check, rewrite
from easy_japanese.gold_metrics import evaluate
from tests.easy_japanese.gold import gold_sentences
from tests.easy_japanese.gold.reading_dev import READING_DEV
from tests.easy_japanese.gold.reading_dev_eighth import READING_DEV_EIGHTH
from tests.easy_japanese.gold.reading_dev_eleventh import READING_DEV_ELEVENTH
from tests.easy_japanese.gold.reading_dev_ninth import READING_DEV_NINTH
from tests.easy_japanese.gold.reading_dev_seventh import READING_DEV_SEVENTH
from tests.easy_japanese.gold.reading_dev_sixth import READING_DEV_SIXTH
from tests.easy_japanese.gold.reading_dev_tenth import READING_DEV_TENTH

PLAIN = RewriteOptions(gloss_counter_terms=False)


@pytest.mark.parametrize(("before", "after"), [
    ("通知書が届かない場合は、発送元にお問い合わせください。", "送り主に聞いてください。"),
    ("発送先の住所を確認してください。", "送り先の住所を確かめてください。"),
])
def test_the_sender_inside_a_compound_is_said_plainly(before: str, after: str) -> None:
    # main left 発送元 (発送 + the suffix 元) and did not count it: confidence 1.0 with a hard word in it
    result = rewrite(before, options=PLAIN)
    assert result.text.endswith(after) and result.confidence == 1.0, result.text


@pytest.mark.parametrize(("before", "after"), [
    ("保険料を滞納されますと、保険証の有効期限が短くなります。", "を払わないでいますと、"),
    ("住民税を滞納された場合は、延滞金がかかります。", "を払わないでいたときは、"),
    ("税金を滞納すると、財産を差し押さえられることがあります。", "税金を払わないでいると、"),
    ("保険料を滞納していると、短期証が交付されることがあります。", "を払っていないと、"),
])
def test_leaving_ones_own_premium_unpaid_is_said_plainly(before: str, after: str) -> None:
    # main counted 滞納され as an honorific that may be a passive, and left 滞納 as a hard word
    result = rewrite(before, options=PLAIN)
    assert after in result.text and not result.honorifics_left and "滞納" not in result.text, result.text


def test_rent_left_unpaid_on_a_landlord_is_still_a_passive() -> None:
    # 家賃を滞納されて困っています: someone did not pay the speaker's rent; left and counted
    result = rewrite("家賃を滞納されて困っています。", options=PLAIN)
    assert "滞納されて" in result.text and result.honorifics_left == ("滞納され",)
    assert "滞納されて" in rewrite("市は住民に税金を滞納されて困っている。", options=PLAIN).text


@pytest.mark.parametrize(("text", "word"), [
    ("コンビニでの納付は30万円までです。", "納付"),
    ("分割でのお支払いもできます。", "支払い"),
    ("がん検診の無料クーポンは、今年度で廃止されます。", "廃止"),
])
def test_a_refused_word_is_counted_once(text: str, word: str) -> None:
    # main counted the refusal and then the same word again as a hard word left (0.73 instead of 0.85)
    result = rewrite(text, options=PLAIN)
    assert any(word in hit.source for hit in result.refusals)
    assert word not in result.unknown_difficult_words, result.unknown_difficult_words
    assert [i.text for i in check(text).issues if word in i.text and i.kind in ("left_as_is", "difficult_word")] != []


@pytest.mark.parametrize(("before", "after"), [
    ("入管の窓口は大変混み合います。", "入管（外国人が 日本に いるための 手続きを する 国の 役所）の窓口"),
    ("再入国許可をお持ちの方は、出国の際にお申し出ください。", "出国（国の 外へ 出ること）のときに"),
    ("所得が少ない世帯は、保険料が減額される場合があります。", "減額（お金を 少なくすること）されることがあります"),
    ("症状が軽い場合は、救急車を呼ばないでください。", "症状（病気の ときの 体の ようす）が軽いときは"),
])
def test_a_notice_word_with_no_easy_word_is_explained_where_it_is_left(before: str, after: str) -> None:
    # main left them bare and counted them (症状 became 体の具合: 発熱などの体の具合がある is not Japanese)
    result = rewrite(before)
    assert after in result.text and "体の具合" not in result.text, result.text
    word = after.split("（")[0]
    assert not [w for w in result.unknown_difficult_words if w in word]
    assert [w for w in rewrite(before, options=PLAIN).unknown_difficult_words if w in word]  # no explanation: counted


def test_an_explained_word_still_gets_its_easy_word_where_one_fits() -> None:
    result = rewrite("みなし再入国許可で出国した方は、1年以内に戻ってください。")
    assert "日本を出た方" in result.text and "（国の 外へ" not in result.text, result.text


@pytest.mark.parametrize(("text", "kept"), [
    ("台風は市民の生活に大きな影響を与えました。", "影響を与えました"),
    ("説明が不安を与えないようにしてください。", "を与えない"),
    ("私は父からゲームを与えられた。", "ゲームを与えられた"),
])
def test_giving_something_abstract_or_being_given_is_not_ageru(text: str, kept: str) -> None:
    # main wrote 影響をあげました, 不安をあげない (not Japanese) and あげられた ("could give": the meaning changed);
    # SNOW's references keep 与える in 59 of 64 training rows
    assert kept in rewrite(text, options=PLAIN).text


@pytest.mark.parametrize(("before", "after"), [
    ("生活に困難がある方は、相談してください。", "生活に難しいことがある方は、"),
    ("多くの困難を乗り越えてきました。", "多くの難しいことを"),
])
def test_a_hard_noun_before_a_case_particle_gets_its_noun_form(before: str, after: str) -> None:
    # main left 困難 (counted): 難しい cannot take a case particle, 難しいこと can
    result = rewrite(before, options=PLAIN)
    assert result.text.startswith(after) and "困難" not in result.unknown_difficult_words, result.text
    # 困難になる is "become difficult": 難しいことになる would say something else, so it is left
    assert "難しいことに" not in rewrite("仕事がだんだん困難になってきた。", options=PLAIN).text


@pytest.mark.parametrize(("before", "after"), [
    ("次の会議で検討します。", "次の会議で考えます。"),
    ("症状が悪化した場合は、すぐに連絡してください。", "症状が悪くなったときは、"),
    ("市長の演説は1時間続きました。", "市長の話は1時間続きました。"),
])
def test_the_easier_word_snow_writes_where_it_is_right_in_every_sense(before: str, after: str) -> None:
    # main: よく考えます, もっと悪くなった (says it was bad already), スピーチ (a loanword)
    assert after in rewrite(before, options=PLAIN).text


def test_a_helper_verb_after_te_never_takes_the_ni_of_purpose() -> None:
    # main wrote 試みに (as a trial) → やってみに, which is not Japanese
    assert "やってみに" not in rewrite("彼は私たちに試みにフランス語で話しかけてきた。", options=PLAIN).text


def test_the_fresh_sentences_are_new_dev_rows_with_nothing_rejected_or_lost() -> None:
    sources = [source for _, source, _, _ in READING_DEV_ELEVENTH]
    assert len(sources) >= 40 and len(set(sources)) == len(sources)
    assert all(reference for _, _, reference, _ in READING_DEV_ELEVENTH)
    earlier = {s.source for s in gold_sentences()} | {
        s for _, s, _ in READING_DEV + READING_DEV_SIXTH + READING_DEV_SEVENTH + READING_DEV_EIGHTH} | {
        s for _, s, _, _ in READING_DEV_NINTH + READING_DEV_TENTH}
    assert not set(sources) & earlier
    report = evaluate([(source, tuple(facts)) for _, source, _, facts in READING_DEV_ELEVENTH])
    assert report.rejected == [] and report.lost == []


@pytest.mark.parametrize(("before", "after"), [
    ("住民票の写しは、1通300円でございます。", "の写しは、1通300円です。"),
    ("戸籍の写しを請求してください。", "の写しを請求してください。"),
])
def test_a_certified_copy_the_city_issues_is_not_a_photocopy(before: str, after: str) -> None:
    # main wrote 住民票のコピー: a resident may bring a photocopy
    result = rewrite(before)
    assert after in result.text and "コピー" not in result.text, result.text


@pytest.mark.parametrize(("before", "after"), [
    ("マイナンバーカードをお持ちであれば、コンビニでも印鑑証明を取得できます。", "を持っていれば、"),
    ("お子さんが熱を出された場合は、お迎えをお願いすることがあります。", "お子さんが熱を出したときは、"),
    ("保険料を前納されますと、割引が受けられます。", "を前もって払いますと、"),
])
def test_an_honorific_main_left_is_made_plain(before: str, after: str) -> None:
    # main: お持ちであれば left and not counted (1.0); 熱を出され (an earlier reading table), 前納され counted (0.85, 0.73)
    result = rewrite(before, options=PLAIN)
    assert after in result.text and not result.honorifics_left and result.confidence == 1.0, result.text
    # with who did it named, a fever had on someone is a passive: left
    assert "熱を出されて" in rewrite("子どもに熱を出されて困りました。", options=PLAIN).text


@pytest.mark.parametrize(("before", "after"), [
    ("所得が一定額以下の方は、住民税が課税されません。", "住民税がかかりません。"),
    ("軽自動車税は、4月1日現在で車両をお持ちの方に課税されます。", "持っている方にかかります。"),
])
def test_a_tax_imposed_is_said_with_kakaru(before: str, after: str) -> None:
    # main left 課税されます / 課税されません at 1.0
    assert rewrite(before, options=PLAIN).text.endswith(after)


@pytest.mark.parametrize(("before", "after"), [
    ("37.5度以上の発熱がある場合は、登園をお控えください。", "37.5度以上の熱があるときは、"),
    ("発熱などの症状がある方は、受診前に電話でご相談ください。", "熱などの症状"),
])
def test_a_fever_as_a_noun_is_netsu(before: str, after: str) -> None:
    # main left 発熱 as a noun and counted it (発熱した was already 熱が出た)
    result = rewrite(before, options=PLAIN)
    assert result.text.startswith(after) and "発熱" not in result.unknown_difficult_words, result.text
