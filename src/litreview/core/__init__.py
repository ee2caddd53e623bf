"""Pure Python with no Sphinx: the facts the book is made of, each read in one place."""
