"""Sphinx extensions: one per module, each ``setup()`` only wires events, directives and nodes."""
