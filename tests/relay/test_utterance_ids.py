"""Utterance ids (relay.turns.pipeline.new_utterance_id): what a transcript, its translations and the stored
transcript file are keyed by, so two utterances must never share one — also not between two relay
processes that a process manager forked from one parent after the relay was imported."""

from __future__ import annotations

import os
import re

from relay.turns.pipeline import new_utterance_id


def test_utterance_ids_keep_their_form_and_do_not_repeat() -> None:
    ids = [new_utterance_id() for _ in range(50_000)]
    assert all(re.fullmatch(r"u_[0-9a-f]{12}", i) for i in ids), ids[:3]
    assert len(set(ids)) == len(ids)


def test_a_forked_relay_process_makes_ids_of_its_own() -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next ids, to the parent
        os.close(read)
        os.write(write, " ".join(new_utterance_id() for _ in range(5)).encode())
        os._exit(0)
    os.close(write)
    child = os.read(read, 4096).decode().split()
    os.close(read)
    os.waitpid(pid, 0)
    parent = [new_utterance_id() for _ in range(5)]
    assert len(child) == 5
    assert not set(child) & set(parent), "the child continued the parent's sequence"
