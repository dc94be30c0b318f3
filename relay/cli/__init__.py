"""The ``madoguchi`` command line: ``main`` (serve, check, token, purge, easy, config) and ``models``.

The top of the relay: may import anything in it.
"""
