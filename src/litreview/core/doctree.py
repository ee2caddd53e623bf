"""Small walks over a docutils tree that several extensions share."""

from __future__ import annotations

from docutils import nodes


def ancestors(node: nodes.Node) -> list[nodes.Node]:
    """The chain of parents of ``node``, nearest first."""
    chain = []
    current = node.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return chain
