"""Tooling for a citable literature-review book built with Sphinx and MyST.

One module per job: ``bookinfo`` (the book's own facts), ``sysdeps`` (the
system packages the build needs), and the converters, styles and checks that
later modules add.
"""

__version__ = "0.1.0"
