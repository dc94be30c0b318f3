"""``warm_up()``: pay at engine start what the first sentences would otherwise pay.

The first sentence through a fresh process costs several milliseconds more than the next ones: the
tagger is created, the dictionaries, wordfreq's table, the set phrases and the glossary spans are read
on first use, and fugashi touches the pages of unidic's 250 MB dictionary for the first time. A relay
calls this once when it loads the engine, so a resident's first sentence costs what the hundredth
does; the benchmark calls it too, and then times sentences it has never seen.
"""

from __future__ import annotations

import threading
import time

from easy_japanese.config import RewriteOptions
from easy_japanese.lexicon import DATA_DIR, read_tsv_rows

_lock = threading.Lock()
_done = False


def warm_up(options: RewriteOptions | None = None) -> float:
    """Run every rule's example and our counter pairs once (process-wide, so only the first call
    works); returns the seconds it took."""
    global _done
    with _lock:
        if _done:
            return 0.0
        from easy_japanese.readability import check
        from easy_japanese.rewrite import rewrite
        from easy_japanese.rules import RULES

        began = time.perf_counter()
        sources = [rule.example[0] for rule in RULES]
        sources += [row[1] for row in read_tsv_rows(DATA_DIR / "counter_examples.tsv") if len(row) > 1]
        for source in sources:
            rewrite(source, options=options)
        check(sources[-1])
        _done = True
        return time.perf_counter() - began
