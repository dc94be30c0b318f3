"""Escalation policy: confidence window, requests in words in every default language, buttons, no MT."""

from __future__ import annotations

import pytest

from relay.escalation.policy import EscalationPolicy, PolicyConfig

ASKS = {
    "ja": ["通訳をお願いします", "すみません、つうやくさんを呼んでください", "通訳！"],
    "en": ["Interpreter, please", "Can I get an interpreter?", "I need a translator", "I want to talk to a human"],
    "zh": ["我需要翻译", "请帮我找一个口译员", "有没有翻译员？"],
    "ko": ["통역 부탁합니다", "통역사를 불러 주세요", "통역이 필요해요"],
    "vi": ["Tôi cần phiên dịch", "Cho tôi người thông dịch", "toi can phien dich"],
    "tl": ["Kailangan ko ng tagasalin", "Pakitawag po ng interpreter"],
    "pt": ["Preciso de um intérprete", "pode chamar um interprete, por favor?"],
    "es": ["Necesito un intérprete, por favor", "¿Hay un traductor?"],
    "ne": ["मलाई दोभाषे चाहियो", "कृपया अनुवादक बोलाउनुहोस्"],
    "id": ["Saya butuh penerjemah", "Tolong panggilkan juru bahasa"],
    "th": ["ขอล่ามหน่อยครับ", "ต้องการล่าม"],
    "my": ["စကားပြန် လိုပါတယ်", "စကားပြန် ခေါ်ပေးပါ"],
}

ORDINARY = {
    "ja": ["住民票の写しをください", "通訳はいりません、大丈夫です"],
    "en": ["I need a residence certificate, please", "I don't need an interpreter", "Please recall the form"],
    "zh": ["我想办理住民票", "我不需要翻译员"],
    "ko": ["주민표를 발급해 주세요", "통역은 필요 없어요"],
    "vi": ["Tôi cần giấy chứng nhận cư trú", "Tôi không cần phiên dịch"],
    "tl": ["Kailangan ko ng residence certificate"],
    "pt": ["Preciso de um atestado de residência", "Não preciso de intérprete"],
    "es": ["Necesito un certificado de residencia"],
    "ne": ["मलाई बसोबास प्रमाणपत्र चाहियो", "दोभाषे चाहिँदैन"],
    "id": ["Saya butuh surat keterangan domisili", "Tidak perlu penerjemah"],
    "th": ["ขอใบทะเบียนบ้านครับ", "ไม่ต้องการล่าม"],
    "my": ["နေထိုင်ကြောင်း လက်မှတ် လိုချင်ပါတယ်", "စကားပြန် မလိုပါဘူး"],
}


@pytest.mark.parametrize(("lang", "text"), [(lang, t) for lang, texts in ASKS.items() for t in texts])
def test_asking_for_an_interpreter_in_words_escalates(lang: str, text: str) -> None:
    decision = EscalationPolicy().observe_text(text, lang)
    assert decision is not None and decision.reason == "asked_in_words"
    assert decision.figures["lang"] == lang and decision.figures["matched"]


@pytest.mark.parametrize(("lang", "text"), [(lang, t) for lang, texts in ORDINARY.items() for t in texts])
def test_ordinary_talk_and_refusals_do_not_escalate(lang: str, text: str) -> None:
    assert EscalationPolicy().observe_text(text, lang) is None


def test_residents_may_ask_in_english_or_japanese() -> None:
    policy = EscalationPolicy()
    assert policy.observe_text("interpreter please", "vi") is not None
    assert policy.observe_text("通訳お願いします", "pt") is not None


def test_site_phrases_and_switching_words_off() -> None:
    assert EscalationPolicy(PolicyConfig(extra_phrases=["Dolmetscher bitte"])).observe_text(
        "Einen Dolmetscher?", "de") is None  # not the phrase
    assert EscalationPolicy(PolicyConfig(extra_phrases=["Dolmetscher bitte"])).observe_text(
        "Dolmetscher, bitte", "de") is not None
    assert EscalationPolicy(PolicyConfig(words_enabled=False)).observe_text("Interpreter, please", "en") is None


def test_two_of_three_unsure_utterances_escalate_with_figures() -> None:
    policy = EscalationPolicy(PolicyConfig(window=3, k_low=2, asr_threshold=0.5, mt_threshold=0.4))
    assert policy.observe_utterance({"asr": 0.9, "mt": 0.3}) is None  # MT unsure: 1 of 1
    assert policy.observe_utterance({"asr": 0.9, "mt": 0.9}) is None  # 1 of 2
    decision = policy.observe_utterance({"asr": 0.45, "mt": 0.9})  # 2 of 3
    assert decision is not None and decision.reason == "low_confidence"
    assert decision.figures["low"] == 2 and decision.figures["unsure_stages"] == [["mt"], [], ["asr"]]
    assert decision.figures["thresholds"]["asr"] == 0.5


def test_window_slides_and_restarts_after_a_decision() -> None:
    policy = EscalationPolicy(PolicyConfig(window=3, k_low=2))
    low, good = {"asr": 0.1}, {"asr": 0.99}
    assert policy.observe_utterance(low) is None
    for _ in range(3):
        assert policy.observe_utterance(good) is None  # the low one slid out of the window
    assert policy.observe_utterance(low) is None
    assert policy.observe_utterance(low) is not None
    assert policy.observe_utterance(low) is None  # window restarted


def test_easy_japanese_stage_has_its_own_threshold_and_unknown_stages_are_ignored() -> None:
    policy = EscalationPolicy(PolicyConfig(window=2, k_low=2, easy_japanese_threshold=0.7))
    assert policy.observe_utterance({"easy_japanese": 0.6, "tts": 0.0}) is None
    assert policy.observe_utterance({"easy_japanese": 0.65}) is not None


def test_confidence_rule_can_be_switched_off() -> None:
    policy = EscalationPolicy(PolicyConfig(low_confidence_enabled=False, window=1, k_low=1))
    assert policy.observe_utterance({"asr": 0.0}) is None


def test_button_and_missing_model_decisions_carry_priority() -> None:
    policy = EscalationPolicy(PolicyConfig(urgent_priority=9, missing_mt_priority=4))
    urgent = policy.on_button("clerk", urgent=True)
    assert (urgent.reason, urgent.priority, urgent.figures) == ("button", 9, {"who": "clerk", "urgent": True})
    assert policy.on_button("resident").priority == 0
    missing = policy.on_missing_mt("my")
    assert (missing.reason, missing.priority, missing.figures) == ("missing_mt", 4, {"lang": "my"})
