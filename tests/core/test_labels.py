"""Labels are defined once, on the enum, and read back from either the label or the stored value."""

import pytest

from xiaodi.core.labels import Labelled


class Colour(Labelled):
    RED = "red", "红色"
    BLUE = "blue", "蓝色"


def test_a_member_stores_its_value_and_prints_its_label() -> None:
    assert Colour.RED == "red" and Colour("red") is Colour.RED
    assert Colour.RED.label == "红色"
    assert Colour.labels() == {"red": "红色", "blue": "蓝色"}


def test_a_cell_may_hold_the_label_or_the_value() -> None:
    assert Colour.from_label(" 蓝色 ") is Colour.BLUE and Colour.from_label("blue") is Colour.BLUE
    with pytest.raises(ValueError, match="可选：红色、蓝色"):
        Colour.from_label("绿色")


def test_an_api_choice_refused_lists_the_choices_without_english() -> None:
    """A JSON client sent an unknown 资金来源: pydantic's "'fund' or 'other'" reached the user as it was."""
    from xiaodi.core.errors import pydantic_message

    err = {"type": "enum", "ctx": {"expected": "'self_raised', 'bank', 'fund' or 'other'"}}
    assert pydantic_message(err) == "可选：self_raised、bank、fund、other"
    assert pydantic_message({"type": "literal_error", "ctx": {"expected": "'asc' or 'desc'"}}) == "可选：asc、desc"
