"""Recognition biased toward the counter's glossary: the prompt Whisper gets, and near-miss correction by
reading — on the real glossary and OpenJTalk readings, with what Whisper base really wrote."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from pipelines.asr.hints import GlossaryHints
from pipelines.asr.stream import WhisperStream
from pipelines.glossary import DEFAULT_GLOSSARY, GlossaryEntry, read_glossary, save_glossary

from .fakes import FakeDecoder, silence, stream_in_chunks, tone

MakeStream = Callable[..., tuple[WhisperStream, FakeDecoder]]


@pytest.fixture(scope="module")
def hints() -> GlossaryHints:
    return GlossaryHints(DEFAULT_GLOSSARY)


@pytest.mark.parametrize("heard,corrected", [
    # what Whisper base wrote for Kokoro's counter sentences
    ("電入届けを出す時は、財流カードを持ってきてください。", "転入届けを出す時は、在留カードを持ってきてください。"),
    ("国民健康保健の鉄づきは2回の窓口です", "国民健康保険の鉄づきは2回の窓口です"),
    ("手入届けはこちらです", "転入届けはこちらです"),
    ("自動手当ての申請", "児童手当の申請"),
])
def test_near_miss_glossary_terms_are_corrected_by_reading(hints: GlossaryHints, heard: str, corrected: str) -> None:
    assert hints.correct(heard)[0] == corrected


@pytest.mark.parametrize("text", [
    "保険料と保険証をお持ちください",  # two glossary terms one kanji apart: both are right
    "保健センターから案内が届きます",  # 保健 is a word of its own (too short to correct)
    "転出届と転居届",  # different terms that sound different
    "二回目の手続きです",
])
def test_what_is_already_right_or_only_short_is_left_alone(hints: GlossaryHints, text: str) -> None:
    assert hints.correct(text) == (text, [])


def test_prompt_is_bounded_and_puts_the_sessions_terms_last(hints: GlossaryHints) -> None:
    prompt = hints.prompt("ja", ["児童扶養手当", "在留カード"])
    assert len(prompt) <= 80 + 1
    assert prompt.endswith("児童扶養手当、在留カード。")
    assert prompt.startswith("住民票、転入届")  # then the glossary's own order
    english = hints.prompt("en")
    assert "certificate of residence" in english and "住民票" not in english


def test_prompt_follows_an_edited_glossary(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    entries = read_glossary(DEFAULT_GLOSSARY)
    save_glossary(entries, path)
    hints = GlossaryHints(path)
    assert "ごみ処理券" not in hints.prompt("ja")
    extra = GlossaryEntry("ごみ処理券", "ごみしょりけん", "ごみを 出す ための 券", dict(entries[0].translations))
    save_glossary([extra, *entries], path)
    import os

    os.utime(path, (1, 1))  # a new modification time even within the same clock tick
    assert hints.prompt("ja").startswith("ごみ処理券、")


def test_the_decoder_is_prompted_with_the_glossary_and_the_final_is_corrected(make_stream: MakeStream) -> None:
    stream, decoder = make_stream(lambda audio, i: ("ja", "財流カードを持ってきてください。"), glossary_hint=True)
    [final] = [e for _, e in stream_in_chunks(stream, np.concatenate([tone(1.5), silence(1.0)])) if e.kind == "final"]
    assert final.text == "在留カードを持ってきてください。"
    assert final.details["glossary_corrections"] == 1.0
    assert all("転入届" in call.context for call in decoder.calls)
    # the next utterance's prompt ends with the term this session just used
    stream_in_chunks(stream, np.concatenate([tone(1.5), silence(1.0)]))
    assert decoder.calls[-1].context.endswith("在留カード。")


def test_by_default_finals_are_corrected_without_a_prompt_and_both_can_be_off(make_stream: MakeStream) -> None:
    stream, decoder = make_stream(lambda audio, i: ("ja", "財流カードを持ってきてください。"))
    [final] = [e for _, e in stream_in_chunks(stream, np.concatenate([tone(1.5), silence(1.0)])) if e.kind == "final"]
    assert final.text == "在留カードを持ってきてください。" and all(call.context == "" for call in decoder.calls)
    stream, decoder = make_stream(lambda audio, i: ("ja", "財流カードを持ってきてください。"), glossary_correction=False)
    [final] = [e for _, e in stream_in_chunks(stream, np.concatenate([tone(1.5), silence(1.0)])) if e.kind == "final"]
    assert final.text == "財流カードを持ってきてください。"
    assert all(call.context == "" for call in decoder.calls)


def test_whisper_writing_out_its_prompt_is_not_shown(make_stream: MakeStream) -> None:
    stream, _ = make_stream(lambda audio, i: ("ja", "住民票、転入届、転出届、転居届。"), glossary_hint=True)
    assert stream_in_chunks(stream, np.concatenate([tone(1.5), silence(1.0)])) == []


@pytest.mark.parametrize("text,echo", [
    ("住民票、転入届、転出届、転居届。", True), ("転入届、転入届、届", True),
    ("住民票、在留カードをお持ちください。", False), ("保険証と在留カード", False),
])
def test_prompt_echoes(hints: GlossaryHints, text: str, echo: bool) -> None:
    assert hints.echoes_prompt(text, "ja") is echo
