"""Cyrillic to Latin for keys and slugs: one table, after GOST 7.79 system B simplified to letters.

``цифровая`` → ``cifrovaya``, ``Васильев`` → ``Vasilev``, ``Щукин`` → ``Shchukin``:
щ is ``shch``, ц ``c``, х ``kh``, й and ы ``y``, ю ``yu``, я ``ya``; ъ and ь are dropped.
"""

from __future__ import annotations

LETTERS = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "c",
            "ch",
            "sh",
            "shch",
            "-",
            "y",
            "-",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def to_latin(text: str) -> str:
    """``text`` with its Russian letters in Latin letters (the case of the first letter kept)."""
    out = []
    for char in text:
        latin = LETTERS.get(char.lower())
        if latin is None:
            out.append(char)
            continue
        latin = "" if latin == "-" else latin
        out.append(latin.capitalize() if char.isupper() else latin)
    return "".join(out)
