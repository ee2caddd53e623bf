"""pybtex plugins (registered as entry points in pyproject.toml) and the author-year citation style."""
