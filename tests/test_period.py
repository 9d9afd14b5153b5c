import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpblib.month import Month, MonthError
from cpblib.period import Period, period_label


@pytest.mark.parametrize(
    "text, end, months",
    [
        ("2023-03", (2023, 3), 1),
        ("Mar 23", (2023, 3), 1),
        ("March 2023", (2023, 3), 1),
        ("2019-Q4", (2019, 12), 3),
        ("2019q1", (2019, 3), 3),
        ("Q4 2019/20", (2020, 3), 3),
        ("Q4 2019-20", (2020, 3), 3),
        ("q4 2019/2020", (2020, 3), 3),
        ("2019/20 Q4", (2020, 3), 3),
        ("2019-20-Q4", (2020, 3), 3),
        ("Q1 FY2020/21", (2020, 6), 3),
        ("FY 2019-20 Q3", (2019, 12), 3),
        ("Q2 2019\u201320", (2019, 9), 3),
        ("2019/20", (2020, 3), 12),
        ("2019-20", (2020, 3), 12),
        ("2019/2020", (2020, 3), 12),
        ("FY2023-24", (2024, 3), 12),
        ("fy2023/24", (2024, 3), 12),
        ("AY2019-20", (2020, 8), 12),
        ("FY2011-12", (2012, 3), 12),
        ("2011/12", (2012, 3), 12),
    ],
)
def test_every_form_parses(text, end, months):
    period = Period.parse(text)
    assert (period.year, period.month, period.months) == (*end, months)


@pytest.mark.parametrize(
    "text, words",
    [
        ("Q4 2019", "calendar or a financial quarter: write 2019-Q4"),
        ("2019 Q4", "calendar or a financial quarter"),
        ("Q4 FY2019", "calendar or a financial quarter"),
        ("2019", "alone could be a calendar, financial or academic year: write 2019/20"),
        ("FY2019", "alone could be"),
        ("2011-12", "could be December 2011 or the year 2011/12"),
        ("2019/21", "is not a year"),
        ("2023-13", "the month must be 01 to 12"),
        ("Q5 2019/20", "is not a period"),
        ("Q1 AY2019/20", "quarters are counted in financial years"),
        ("awaiting data", "is not a period"),
    ],
)
def test_ambiguous_or_wrong_forms_are_refused(text, words):
    with pytest.raises(MonthError, match=words):
        Period.parse(text)


def test_a_year_follows_the_indicator_year_type_unless_it_says_which():
    assert Period.parse("2019/20", year_type="academic").first == Month(2019, 9)
    assert Period.parse("FY2019/20", year_type="academic").first == Month(2019, 4)
    assert Period.parse("AY2019/20").first == Month(2019, 9)


def test_a_year_starting_in_january_reads_calendar_quarters_and_years():
    assert Period.parse("Q4 2019", financial_year_start=1).first == Month(2019, 10)
    assert Period.parse("2019", financial_year_start=1).first == Month(2019, 1)
    assert Period.parse("2019-Q2", financial_year_start=1).label == "Q2 2019"
    with pytest.raises(MonthError, match="years start in January"):
        Period.parse("2019/20", financial_year_start=1)


def test_a_calendar_quarter_must_be_a_quarter_of_the_financial_year():
    assert Period.parse("2019-Q4", financial_year_start=7).label == "Q2 2019/20"
    with pytest.raises(MonthError, match="not a quarter of the financial year, which starts in May"):
        Period.parse("2019-Q4", financial_year_start=5)


def test_labels_and_keys():
    q4 = Period.parse("Q4 2019/20")
    assert (q4.label, q4.short_label, q4.key, str(q4)) == ("Q4 2019/20", "Q4 2019/20", "2019-20-Q4", "2020-03")
    year = Period.parse("2019/20")
    assert (year.label, year.key, year.kind) == ("2019/20", "2019-20", "year")
    month = Period.parse("Mar 20")
    assert (month.label, month.short_label, month.key, month.kind) == ("March 2020", "Mar 20", "2020-03", "month")
    assert Month(2020, 3).key == "2020-03"


def test_a_period_is_its_last_month_for_dates_and_order():
    q4 = Period.parse("Q4 2019/20")
    assert Month.parse(q4) is q4 and str(Month.parse(q4)) == "2020-03"
    assert q4.end == Month(2020, 3) and q4.first == Month(2020, 1)
    assert q4 <= Month(2020, 3) and not q4 > Month(2020, 3) and q4 < Month(2020, 4)
    assert q4 != Month(2020, 3)
    assert q4.previous().label == "Q3 2019/20" and q4.previous(4).label == "Q4 2018/19"
    assert pickle.loads(pickle.dumps(q4)) == q4


def test_a_quarter_must_end_where_the_year_puts_quarter_ends():
    with pytest.raises(MonthError, match="does not end a quarter of a year starting in April"):
        Period(2020, 2, 3)
    with pytest.raises(MonthError, match="1, 3 or 12 months"):
        Period(2020, 3, 6)


@given(st.integers(min_value=1950, max_value=2090), st.integers(1, 12), st.sampled_from([1, 3, 12]), st.integers(1, 12))
def test_every_key_reads_back_as_its_period(year, month, months, start):
    end = Month(year, month)
    if months == 3 and (month - start + 1) % 3:
        return
    if months == 12:
        start = month % 12 + 1
    period = Period.of(end, months, start)
    if months < 12:  # a year's key (2011-12) reads as a month; years are never folder names
        again = Period.from_key(period.key, financial_year_start=start)
        assert (again.end, again.months) == (period.end, period.months)
    again = Period.parse(period.label, financial_year_start=start) if months > 1 else Month.parse(period.label)
    assert (again.year, again.month, getattr(again, "months", 1)) == (period.year, period.month, period.months)


def test_period_label_heads_a_figure_by_its_span():
    assert period_label("2020-03") == "Mar 20"
    assert period_label("2020-03", 3) == "Q4 2019/20"
    assert period_label("2020-03", 12) == "2019/20"
    assert period_label("2020-02", 3) == "Feb 20"  # not a quarter end: the month
    assert period_label(None) == "–"
