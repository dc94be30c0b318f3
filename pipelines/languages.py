"""Languages Madoguchi knows how to name, and the default set for a Japanese city.

Codes are ISO 639-1 as used by Whisper and Argos Translate (``tl`` is Tagalog/Filipino, ``pt`` is
Brazilian Portuguese at the counter, ``zh`` is Simplified Chinese). The supported set is configuration
(``[relay] languages``); this table only says how each language names itself in the UI.
"""

from __future__ import annotations

from dataclasses import dataclass

JAPANESE = "ja"


@dataclass(frozen=True)
class Language:
    code: str
    english_name: str
    native_name: str


KNOWN_LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("ja", "Japanese", "日本語"),
        Language("en", "English", "English"),
        Language("zh", "Chinese (Simplified)", "中文（简体）"),
        Language("ko", "Korean", "한국어"),
        Language("vi", "Vietnamese", "Tiếng Việt"),
        Language("tl", "Tagalog / Filipino", "Tagalog / Filipino"),
        Language("pt", "Portuguese (Brazil)", "Português (Brasil)"),
        Language("es", "Spanish", "Español"),
        Language("ne", "Nepali", "नेपाली"),
        Language("id", "Indonesian", "Bahasa Indonesia"),
        Language("th", "Thai", "ไทย"),
        Language("my", "Burmese", "မြန်မာဘာသာ"),
        Language("fr", "French", "Français"),
        Language("de", "German", "Deutsch"),
        Language("ru", "Russian", "Русский"),
        Language("uk", "Ukrainian", "Українська"),
        Language("hi", "Hindi", "हिन्दी"),
        Language("bn", "Bengali", "বাংলা"),
        Language("si", "Sinhala", "සිංහල"),
        Language("mn", "Mongolian", "Монгол"),
        Language("fa", "Persian", "فارسی"),
        Language("ar", "Arabic", "العربية"),
        Language("tr", "Turkish", "Türkçe"),
        Language("ms", "Malay", "Bahasa Melayu"),
        Language("km", "Khmer", "ភាសាខ្មែរ"),
        Language("lo", "Lao", "ລາວ"),
        Language("ur", "Urdu", "اردو"),
        Language("pa", "Punjabi", "ਪੰਜਾਬੀ"),
        Language("uz", "Uzbek", "Oʻzbekcha"),
    )
}

DEFAULT_RESIDENT_LANGUAGES: tuple[str, ...] = (
    "en", "zh", "ko", "vi", "tl", "pt", "es", "ne", "id", "th", "my",
)


def native_name(code: str) -> str:
    lang = KNOWN_LANGUAGES.get(code)
    return lang.native_name if lang else code


def is_known(code: str) -> bool:
    return code in KNOWN_LANGUAGES
