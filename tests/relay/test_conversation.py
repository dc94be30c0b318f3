"""A whole counter conversation through a real server and real websockets, with fake engines."""

from __future__ import annotations

from tests.fakes import FakeRecognizer, FakeSynthesizer, PhrasebookOnlyTranslator, fake_engines
from tests.relay.conftest import MakeRelay, Relay, pcm_silence


async def test_clerk_speech_reaches_resident_translated_and_back(make_relay: MakeRelay) -> None:
    recognizer = FakeRecognizer([("ja", "住民票をお持ちですか"), ("vi", "Tôi có mang theo")])
    relay = await make_relay(fake_engines(recognizer=recognizer))
    session = await relay.create_session("vi")
    counter = await relay.counter(session)
    resident = await relay.resident(session)

    await counter.send(type="audio.start", speaker="auto", sample_rate=16000, encoding="pcm_s16le")
    for _ in range(4):
        await counter.send_raw(pcm_silence(0.25))
    await counter.send(type="audio.stop")

    partial = await counter.expect("partial")
    assert partial["speaker"] == "clerk"
    transcript = await counter.expect("transcript")
    assert (transcript["speaker"], transcript["lang"], transcript["text"]) == ("clerk", "ja", "住民票をお持ちですか")
    translation = await resident.expect("translation")
    assert translation["lang"] == "vi" and "住民票をお持ちですか" in translation["text"]
    assert translation["utterance_id"] == transcript["utterance_id"]
    back = await counter.expect("translation", kind="back_translation")
    assert back["lang"] == "ja"
    start = await resident.expect("tts.start")
    assert start["lang"] == "vi" and start["sample_rate"] == 22050
    await resident.expect("tts.end")
    assert resident.binary, "the resident's phone received speech audio"

    # the resident answers in Vietnamese: recognised language decides who spoke
    await counter.send(type="audio.start", speaker="auto", sample_rate=16000)
    await counter.send_raw(pcm_silence(0.5))
    await counter.send(type="audio.stop")
    answer = await counter.expect("transcript", speaker="resident")
    assert answer["lang"] == "vi"
    to_clerk = await counter.expect("translation", utterance_id=answer["utterance_id"])
    assert to_clerk["lang"] == "ja"


async def test_typed_text_both_ways_and_resident_sees_only_its_language(relay: Relay) -> None:
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    resident = await relay.resident(session)
    await counter.send(type="text", speaker="clerk", text="少々お待ちください")
    clerk_line = await counter.expect("transcript")
    await resident.send(type="text", speaker="resident", text="Thank you")
    seen = await resident.expect("transcript", speaker="resident")
    assert seen["text"] == "Thank you"
    kinds = {(m["type"], m.get("kind"), m.get("lang")) for m in resident.seen}
    assert ("translation", "back_translation", "ja") not in kinds
    assert all(m.get("utterance_id") != clerk_line["utterance_id"] or m["type"] != "transcript" for m in resident.seen)


async def test_easy_japanese_mode_sends_ruby_and_speaks_slower(relay: Relay) -> None:
    session = await relay.create_session("ja", mode="easy_japanese")
    counter = await relay.counter(session)
    await counter.send(type="text", speaker="clerk", text="転入届をご提出ください")
    easy = await counter.expect("translation", kind="easy_japanese")
    assert easy["lang"] == "ja" and easy["ruby"]
    await counter.expect("tts.end")
    synth = relay.ctx.engines.synthesizer
    assert synth.requests[-1][2] < 1.0  # type: ignore[attr-defined]


async def test_auto_language_is_fixed_by_first_foreign_utterance_and_clerk_is_told(make_relay: MakeRelay) -> None:
    recognizer = FakeRecognizer([("ja", "ご用件は何ですか"), ("vi", "Tôi muốn chuyển đến")])
    relay = await make_relay(fake_engines(recognizer=recognizer))
    session = await relay.create_session("auto")
    counter = await relay.counter(session)
    for _ in range(2):
        await counter.send(type="audio.start", speaker="auto", sample_rate=16000)
        await counter.send_raw(pcm_silence(0.5))
        await counter.send(type="audio.stop")
    updated = await counter.expect("session.updated")
    assert (updated["resident_lang"], updated["reason"]) == ("vi", "detected")
    answer = await counter.expect("transcript", speaker="resident")
    assert answer["lang"] == "vi"
    await counter.expect("translation", lang="ja", utterance_id=answer["utterance_id"])
    # the Japanese question before detection could not be translated yet, and nothing pretended it was
    assert not any(m["type"] == "translation" and m.get("lang") == "auto" for m in counter.seen)
    assert recognizer.streams[0].languages[0] == "ja" and "vi" in recognizer.streams[0].languages


async def test_language_without_a_voice_gets_text_and_a_notice(relay: Relay) -> None:
    session = await relay.create_session("ko")
    counter = await relay.counter(session)
    resident = await relay.resident(session)
    await counter.send(type="text", speaker="clerk", text="こちらへどうぞ")
    await resident.expect("translation", lang="ko")
    notice = await resident.expect("notice")
    assert (notice["code"], notice["lang"]) == ("no_voice", "ko")
    assert not resident.binary


async def test_endpointer_finals_inside_one_stream_arrive_in_order(make_relay: MakeRelay) -> None:
    recognizer = FakeRecognizer([("ja", "一つ目"), ("ja", "二つ目"), ("ja", "三つ目")], utterance_bytes=16000)
    relay = await make_relay(fake_engines(recognizer=recognizer))
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await counter.send(type="audio.start", sample_rate=16000)
    for _ in range(6):
        await counter.send_raw(pcm_silence(0.25))
    await counter.send(type="audio.stop")
    texts = [(await counter.expect("transcript"))["text"] for _ in range(3)]
    assert texts == ["一つ目", "二つ目", "三つ目"]


async def test_settings_change_reaches_everyone_and_tts_can_be_turned_off(relay: Relay) -> None:
    session = await relay.create_session("vi")
    counter = await relay.counter(session)
    resident = await relay.resident(session)
    await counter.send(type="settings", tts=False, resident_lang="en")
    for ws in (counter, resident):
        updated = await ws.expect("session.updated")
        assert (updated["tts"], updated["resident_lang"]) == (False, "en")
    await counter.send(type="text", speaker="clerk", text="はい")
    await resident.expect("translation", lang="en")
    await counter.expect("translation", kind="back_translation")
    assert not resident.binary and not any(m["type"] == "tts.start" for m in resident.seen)


async def test_phrasebook_audio_is_made_ahead_for_every_language_with_a_voice(relay: Relay) -> None:
    presynthesis = next(t for t in relay.ctx.background if t.get_name() == "presynthesis")
    await presynthesis
    synth = relay.ctx.engines.synthesizer
    langs = [lang for _, lang in synth.presynthesized]  # type: ignore[attr-defined]
    assert set(langs) == {"en", "vi", "ja"}, "offered resident languages with a voice, and the clerk's Japanese"
    assert langs[-1] == "ja" and langs.index("ja") > max(langs.index("en"), langs.index("vi")), "Japanese last"
    english = {text for text, lang in synth.presynthesized if lang == "en"}  # type: ignore[attr-defined]
    assert "Please wait a moment." in english
    assert not any("{" in text for text in english), "phrases with numbers to fill in are not made ahead"


async def test_phrasebook_is_not_made_ahead_by_a_synthesizer_without_a_cache(make_relay: MakeRelay) -> None:
    synth = FakeSynthesizer(presynthesize=False)  # declares no presynthesize capability (a Wyoming server)
    relay = await make_relay(fake_engines(synthesizer=synth))
    await next(t for t in relay.ctx.background if t.get_name() == "presynthesis")
    assert synth.presynthesized == []


async def test_partial_of_a_dropped_utterance_is_cleared(make_relay: MakeRelay) -> None:
    recognizer = FakeRecognizer([("ja", "")])  # the guard dropped what was heard: an empty final
    relay = await make_relay(fake_engines(recognizer=recognizer))
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await counter.send(type="audio.start", sample_rate=16000)
    await counter.send_raw(pcm_silence(0.5))
    await counter.send(type="audio.stop")
    await counter.send(type="text", speaker="clerk", text="次の方どうぞ")
    await counter.expect("transcript", text="次の方どうぞ")
    partials = [m for m in counter.seen if m["type"] == "partial"]
    assert partials and partials[-1]["text"] == "", "the screen is told to clear the partial line"
    assert [m["text"] for m in counter.seen if m["type"] == "transcript"] == ["次の方どうぞ"]


async def test_easy_japanese_carries_where_wakachigaki_spaces_it(relay: Relay) -> None:
    session = await relay.create_session("ja", mode="easy_japanese")
    counter = await relay.counter(session)
    await counter.send(type="text", speaker="clerk", text="転入届を出してください")
    easy = await counter.expect("translation", kind="easy_japanese")
    text, phrases = easy["text"], easy["phrases"]
    assert phrases and all(0 < at < len(text) for at in phrases)
    spaced = "".join((" " if i in phrases else "") + ch for i, ch in enumerate(text))
    assert spaced.endswith(" ください"), spaced


async def test_resident_chooses_its_language_on_the_phone_and_the_clerks_words_reach_it(relay: Relay) -> None:
    """自動 left on at the counter: the phone chooses the resident's language, which becomes the session's."""
    session = await relay.create_session("auto")
    counter = await relay.counter(session)
    resident = await relay.resident(session)
    await resident.send(type="settings", mode="easy_japanese")
    assert (await resident.expect("error"))["code"] == "forbidden", "the mode stays the clerk's"
    await resident.send(type="settings", resident_lang="auto")
    assert (await resident.expect("error"))["code"] == "invalid_field"
    await resident.send(type="settings", resident_lang="vi")
    for screen in (counter, resident):
        updated = await screen.expect("session.updated")
        assert (updated["resident_lang"], updated["reason"]) == ("vi", "chosen")
    await counter.send(type="text", speaker="clerk", text="こんにちは")
    translation = await resident.expect("translation")
    assert translation["lang"] == "vi" and "こんにちは" in translation["text"]
    await resident.send(type="text", speaker="resident", text="Xin chào")  # no lang: the chosen one
    said = await counter.expect("transcript", speaker="resident")
    assert said["lang"] == "vi"


async def test_resident_changes_its_language_later_and_japanese_means_easy_japanese(relay: Relay) -> None:
    """A resident who chose wrongly (or was detected wrongly) changes its language on the phone at any time;
    Japanese on the phone is やさしい日本語 (plain Japanese would leave the phone with nothing to read)."""
    session = await relay.create_session("vi")
    counter = await relay.counter(session)
    resident = await relay.resident(session)
    await resident.send(type="settings", resident_lang="ja")
    for screen in (counter, resident):
        updated = await screen.expect("session.updated")
        assert (updated["resident_lang"], updated["mode"], updated["reason"]) == ("ja", "easy_japanese", "chosen")
    await counter.send(type="text", speaker="clerk", text="転入届を出してください")
    easy = await resident.expect("translation")
    assert easy["kind"] == "easy_japanese" and easy["lang"] == "ja"
    await resident.send(type="settings", resident_lang="th")  # and back to a translated language
    updated = await resident.expect("session.updated")
    assert (updated["resident_lang"], updated["mode"]) == ("th", "translation")
    await counter.send(type="text", speaker="clerk", text="こんにちは")
    translation = await resident.expect("translation")
    assert (translation["kind"], translation["lang"]) == ("translation", "th")


async def test_in_easy_japanese_a_fixed_phrase_still_reaches_the_resident_in_their_language(make_relay: MakeRelay) -> None:
    """No MT model for Vietnamese, the clerk in やさしい日本語: a phrasebook sentence arrives in Vietnamese (its
    verified translation), any other sentence rewritten into やさしい日本語, and no interpreter is called."""
    relay = await make_relay(fake_engines(translator=PhrasebookOnlyTranslator(["vi"])))
    session = await relay.create_session("vi", mode="easy_japanese")
    counter, resident = await relay.counter(session), await relay.resident(session)
    await counter.send(type="text", speaker="clerk", text="少々お待ちください。")
    phrase = await resident.expect("translation")
    assert (phrase["lang"], phrase["kind"], phrase["text"]) == ("vi", "phrasebook", "Xin vui lòng chờ một chút.")
    await counter.send(type="text", speaker="clerk", text="転入届を出してください。")
    easy = await resident.expect("translation")
    assert easy["kind"] == "easy_japanese" and easy["text"].startswith("やさしい:")
    assert await relay.ctx.store.escalations(session["session_id"]) == []
