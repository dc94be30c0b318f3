"""Sessions and turns: the in-memory state of one counter session and the hub that holds them
(``session``), the routing rules (who spoke, which languages to recognise, who hears and sees what:
``routing``), the turn pipeline (one final utterance → transcript, translations, back-translation:
``pipeline``), the speech of its translations (``speaking``, over the session's queue: ``speech``), the
translation started at the speaker's pause (``early``), async streams over the engines (``streams``) and the one
bridge between the event loop and the synchronous engines (``bridge``).

May import ``relay.engines``, ``relay.storage``, ``relay.runtime``, ``relay.wire`` and ``pipelines``.
"""
