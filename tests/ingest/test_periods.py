"""The period a figure covers: what its sentence says, read against the report's publication date."""

from __future__ import annotations

import datetime as dt

from xiaodi.ingest.periods import figure_period, period_label

D = dt.date
PUBLISHED = D(2024, 7, 1)


def test_a_stated_year_month_or_half_is_that_span():
    assert figure_period("2023年", "", PUBLISHED) == (D(2023, 1, 1), D(2023, 12, 31))
    assert figure_period("2023年3月", "", PUBLISHED) == (D(2023, 3, 1), D(2023, 3, 31))
    assert figure_period("2023年上半年", "", PUBLISHED) == (D(2023, 1, 1), D(2023, 6, 30))


def test_since_and_up_to_are_open_on_one_side():
    assert figure_period("2021年以来", "", PUBLISHED) == (D(2021, 1, 1), PUBLISHED)
    assert figure_period("截至2023年底", "", PUBLISHED) == (None, D(2023, 12, 31))
    assert figure_period("今年以来", "", PUBLISHED) == (D(2024, 1, 1), PUBLISHED)
    assert figure_period("截至目前", "", PUBLISHED) == (None, PUBLISHED)


def test_no_stated_period_is_the_reports_year_or_all_up_to_its_date_when_cumulative():
    assert figure_period(None, "签订合作协议5个", PUBLISHED) == (D(2024, 1, 1), PUBLISHED)
    assert figure_period(None, "累计签订合作协议50个", PUBLISHED) == (None, PUBLISHED)


def test_relative_words_without_a_publication_date_cannot_be_placed():
    assert figure_period("今年以来", "", None) == (None, None)
    assert figure_period("2023年", "", None) == (D(2023, 1, 1), D(2023, 12, 31))


def test_periods_are_named_in_chinese():
    assert period_label(D(2023, 1, 1), D(2023, 12, 31)) == "2023年"
    assert period_label(None, D(2024, 5, 10)) == "截至 2024-05-10"
    assert period_label(None, None) == "全部时期"
