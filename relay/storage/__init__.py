"""What the relay keeps: the SQLite store (one file, one worker thread), its recovery queries, the
administrator's history figures, staff and resident tokens, masking of personal numbers.

May import ``relay.settings`` and ``relay.wire`` only (today it needs neither).
"""
