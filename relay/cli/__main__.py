"""``python -m relay.cli``: the same as the ``madoguchi`` command."""

from relay.cli.main import main

raise SystemExit(main())
