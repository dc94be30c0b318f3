"""``python -m relay.cli``: the same as the ``madoguchi`` command."""

from relay.cli import main

raise SystemExit(main())
