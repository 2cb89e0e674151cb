"""``python -m drugfree_core.cli``: the same as the ``drugfree`` command."""

from drugfree_core.cli.main import main

main()
