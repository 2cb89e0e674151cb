"""The ``drugfree`` command line."""
