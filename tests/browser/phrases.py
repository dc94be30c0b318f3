"""A fake translator that knows a few counter sentences in real languages, for screenshots that show
real scripts (Thai, Myanmar, Devanagari, Hangul …). Anything else is tagged like ``FakeTranslator``."""

from __future__ import annotations

from pipelines.base import Translation
from tests.fakes import FakeTranslator

PHRASES: dict[str, dict[str, str]] = {
    "住民票の写しを発行します。本人確認書類をお持ちですか。": {
        "vi": "Chúng tôi sẽ cấp bản sao phiếu cư trú. Bạn có mang theo giấy tờ tùy thân không?",
        "th": "เราจะออกสำเนาทะเบียนผู้พักอาศัยให้ คุณมีเอกสารยืนยันตัวตนมาด้วยไหม",
        "my": "နေထိုင်သူမှတ်ပုံတင် မိတ္တူကို ထုတ်ပေးပါမည်။ ကိုယ်ပိုင်အထောက်အထား စာရွက်စာတမ်း ပါလာပါသလား။",
        "ne": "हामी बसोबास प्रमाणपत्रको प्रतिलिपि जारी गर्छौं। के तपाईंसँग परिचयपत्र छ?",
        "ko": "주민표 사본을 발급해 드리겠습니다. 본인 확인 서류를 가지고 계십니까?",
        "en": "We will issue a copy of your certificate of residence. Do you have an ID document with you?",
    },
    "在留カードを見せてください。": {
        "vi": "Vui lòng cho tôi xem thẻ cư trú.", "th": "กรุณาแสดงบัตรไซริว", "ko": "재류카드를 보여 주십시오.",
        "my": "နေထိုင်ခွင့်ကတ်ကို ပြပေးပါ။", "ne": "कृपया आफ्नो निवास कार्ड देखाउनुहोस्।",
    },
    "Vâng, đây là thẻ cư trú của tôi.": {"ja": "はい、これが私の在留カードです。"},
    "ใช่ค่ะ นี่คือบัตรไซริวของฉัน": {"ja": "はい、これが私の在留カードです。"},
    "ဟုတ်ကဲ့၊ ဒါ ကျွန်တော့် နေထိုင်ခွင့်ကတ်ပါ။": {"ja": "はい、これが私の在留カードです。"},
    "हो, यो मेरो निवास कार्ड हो।": {"ja": "はい、これが私の在留カードです。"},
    "네, 여기 제 재류카드입니다.": {"ja": "はい、これが私の在留カードです。"},
}
BACK = {"住民票の写しを発行します。本人確認書類をお持ちですか。": "住民票のコピーを発行します。身分証明書を持っていますか。",
        "在留カードを見せてください。": "在留カードを見せてください。"}
ANSWERS = {"vi": "Vâng, đây là thẻ cư trú của tôi.", "th": "ใช่ค่ะ นี่คือบัตรไซริวของฉัน",
           "my": "ဟုတ်ကဲ့၊ ဒါ ကျွန်တော့် နေထိုင်ခွင့်ကတ်ပါ။", "ne": "हो, यो मेरो निवास कार्ड हो।",
           "ko": "네, 여기 제 재류카드입니다."}


class PhraseTranslator(FakeTranslator):
    def translate(self, text: str, source: str, target: str) -> Translation:
        known = PHRASES.get(text, {}).get(target)
        if known is None and target == "ja":
            back = {v: BACK[k] for k, row in PHRASES.items() for v in row.values() if k in BACK}
            known = back.get(text)
        if known is None:
            return super().translate(text, source, target)
        self.calls.append((text, source, target))
        return Translation(known, source, target, "translation", 0.86)
