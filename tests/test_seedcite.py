"""How a printed reference marker is split so that each work it cites gets its own link."""

from __future__ import annotations

from litreview.sphinxext.seedcite import marker_parts, range_inside


def test_a_single_work_is_linked_whole() -> None:
    assert marker_parts("[5]", ["k5"]) == [("[5]", ["k5"])]


def test_a_list_links_each_number_to_its_work() -> None:
    assert marker_parts("[4, 7]", ["k4", "k7"]) == [
        ("[", []),
        ("4", ["k4"]),
        (", ", []),
        ("7", ["k7"]),
        ("]", []),
    ]


def test_a_range_links_its_ends_and_its_dash_to_the_works_inside() -> None:
    assert marker_parts("[4-6]", ["k4", "k5", "k6"]) == [
        ("[", []), ("4", ["k4"]), ("-", ["k5"]), ("6", ["k6"]), ("]", []),
    ]  # fmt: skip
    assert range_inside("[4-6]") == "5" and range_inside("[4-8]") == "5–7"


def test_a_marker_that_cannot_be_split_is_linked_whole() -> None:
    assert marker_parts("[4-6, 9]", ["a", "b", "c", "d"]) == [("[4-6, 9]", ["a", "b", "c", "d"])]
