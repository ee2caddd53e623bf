"""``litreview-bench`` (``nox -s bench``): build times against two floors, at scale."""
