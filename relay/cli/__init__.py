"""The ``madoguchi`` command line: ``commands`` (serve, check, token, purge, easy, config, protocol) and
``models``. ``main`` is the console script's entry point (``relay.cli:main``).

The top of the relay: may import anything in it.
"""

from relay.cli.commands import main

__all__ = ["main"]
