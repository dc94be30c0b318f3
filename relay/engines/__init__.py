"""The engines as the relay loads them: those of ``pipelines`` plus the やさしい日本語 rewriter of
``easy_japanese``, adapted to the ``pipelines.base.Translator`` interface with the municipal glossary
passed in.

May import ``relay.settings``, ``pipelines`` and ``easy_japanese``.
"""
