"""Command lines (``[project.scripts]`` in pyproject.toml, also ``python -m litreview.tools.<name>``)."""
