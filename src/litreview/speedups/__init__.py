"""Version-gated patches that make rebuilds fast and leave every output byte unchanged.

Each names the upstream versions it was checked against and switches itself off, saying so at the
default verbosity, for any other; each names the upstream change that would retire it.
"""
