"""The rewriter is tested as the relay runs it: with the built-in municipal glossary handed to it."""

from __future__ import annotations

import pytest

from easy_japanese.rules.protect import use_glossary
from pipelines.glossary import DEFAULT_GLOSSARY
from relay.engines.easy_japanese import glossary_terms

_TERMS = glossary_terms(DEFAULT_GLOSSARY)


@pytest.fixture(autouse=True)
def municipal_glossary() -> None:
    use_glossary(_TERMS)  # a no-op unless another test gave the rewriter another glossary
