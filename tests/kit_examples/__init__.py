"""Example schemes and plugins for the conformance kit's self-tests (drugfree_core.testing).

* :mod:`kit_examples.good` / :mod:`kit_examples.good_plugin`: a small scheme that passes
  every check, and a plugin registering it.
* :mod:`kit_examples.broken` / :mod:`kit_examples.broken_plugin`: schemes that each break
  one check on purpose (``BROKEN_BY_CHECK``), a roadmap that breaks both roadmap checks,
  and a plugin registering the broken schemes (for ``drugfree plugins check``).

Importable as ``kit_examples`` when ``tests/`` is on ``sys.path``: pytest puts it there
(``tests/conftest.py`` is a rootdir conftest), and ``PYTHONPATH=tests`` does elsewhere.
"""
