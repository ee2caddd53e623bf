"""A raw seed (``seeds/NNN_*.txt``) and its metadata (``.toml``) → a faithful MyST chapter."""
