"""The documentation site (a package only so that its conftest.py has its own module name)."""
