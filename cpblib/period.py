"""Periods: a month, a quarter or a year, read from the forms councils write them in.

A :class:`Period` is the span of ``months`` (1, 3 or 12) ending in its month;
it is a :class:`~cpblib.month.Month` (its last month) with a span and a label,
so everything that works out dates from a month works from a period too:
``str(period)`` is its last month (``2020-03``), as the store keeps it, and
``period.key`` is how folders and the command line name it (``2019-20-Q4``).

Quarters are quarters of the financial year (``[calendar] financial_year_start``,
April unless set); years are financial or academic years.

===================  ======================================================================
Written              Read as
===================  ======================================================================
``2023-03``,         a month (every form :meth:`Month.parse` reads)
``Mar 23``...
``2019-Q4``          a calendar quarter: October to December 2019 (with an April year start,
                     that is Q3 2019/20)
``Q4 2019/20``,      the fourth quarter of the financial year 2019/20 (January to March 2020
``Q4 2019-20``,      with an April start); also ``FY2019-20 Q4``, ``Q4 FY2019/20``
``2019/20 Q4``,
``2019-20-Q4``
``2019/20``,         the year 2019/20: the financial year, or the academic year for an
``2019-20``,         indicator that counts academic years (``year_type``)
``2019/2020``
``FY2019-20``        the financial year 2019/20, whatever the indicator counts
``AY2019-20``        the academic year 2019/20
===================  ======================================================================

Refused, because they can be read two ways: ``Q4 2019`` and ``2019 Q4`` (a calendar or a
financial quarter?), ``2019`` alone (a calendar, financial or academic year?), and
``2011-12`` (December 2011, or the year 2011/12?). A project whose years start in
January has no such doubt about the first two, and reads them as calendar quarters and years.

>>> Period.parse("Q4 2019/20").label, Period.parse("2019-Q4").label, Period.parse("FY2023-24").label
('Q4 2019/20', 'Q3 2019/20', '2023/24')
>>> p = Period.parse("Q4 2019/20")
>>> str(p), p.key, str(p.first), p.months
('2020-03', '2019-20-Q4', '2020-01', 3)
>>> Period.parse("Q4 2019")
Traceback (most recent call last):
...
cpblib.month.MonthError: 'Q4 2019' could be a calendar or a financial quarter: write 2019-Q4 for October to December 2019, or Q4 2019/20 for the fourth quarter of the financial year 2019/20
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .month import Month, MonthError

KINDS = {1: "month", 3: "quarter", 12: "year"}
"""A period's span in months, by the word for it."""

SPANS = {kind: months for months, kind in KINDS.items()}

_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-"})
_YEAR = r"(?:(?P<prefix>fy|ay)\s*)?(?P<first>\d{4})(?:\s*(?P<sep>[/-])\s*(?P<second>\d{4}|\d{2}))?"
_CALENDAR_QUARTER = re.compile(r"^(?P<year>\d{4})-?q(?P<q>[1-4])$", re.IGNORECASE)
_QUARTER_FIRST = re.compile(rf"^q(?P<q>[1-4])(?:\s*[-/,]?\s*){_YEAR}$", re.IGNORECASE)
_QUARTER_LAST = re.compile(rf"^{_YEAR}(?:\s*[-/,]?\s*)q(?P<q>[1-4])$", re.IGNORECASE)
_YEAR_ONLY = re.compile(rf"^{_YEAR}$", re.IGNORECASE)


def _start_name(start: int) -> str:
    return Month(2001, start).first_day.strftime("%B")


@dataclass(frozen=True, slots=True, repr=False)
class Period(Month):
    """The ``months`` (1, 3 or 12) ending in ``year``-``month``; quarters and years count from ``year_start``.

    >>> Period(2020, 3, 3), Period(2020, 3, 12).label, Period(2019, 12, 3, year_start=1).label
    (Period(2020, 3, months=3), '2019/20', 'Q4 2019')
    """

    months: int = 1
    year_start: int = 4

    def __post_init__(self) -> None:
        Month.__post_init__(self)
        if self.months not in KINDS:
            raise MonthError(f"a period is a month, a quarter or a year (1, 3 or 12 months), not {self.months} months")
        if not 1 <= self.year_start <= 12:
            raise MonthError(f"a year cannot start in month {self.year_start}")
        if self.months == 3 and (self.month - self.year_start + 1) % 3:
            raise MonthError(
                f"{Month(self.year, self.month).label} does not end a quarter of a year starting in "
                f"{_start_name(self.year_start)}"
            )
        if self.months == 12 and self.month % 12 + 1 != self.year_start:
            object.__setattr__(self, "year_start", self.month % 12 + 1)  # a year starts the month after it ends

    # -- construction -----------------------------------------------------------------------------
    @classmethod
    def of(cls, month: Month, months: int = 1, year_start: int = 4) -> Period:
        """The period of ``months`` ending in ``month``: ``Period.of(Month(2020, 3), 3)`` is Q4 2019/20."""
        return cls(month.year, month.month, months, year_start)

    @classmethod
    def parse(
        cls,
        value: object,
        *,
        financial_year_start: int = 4,
        academic_year_start: int = 9,
        year_type: str = "financial",
    ) -> Period:
        """Read a period in any form of the table above; raises :class:`~cpblib.month.MonthError` naming the
        problem. ``year_type`` (``financial`` or ``academic``) says which year ``2019/20`` is.

        >>> [Period.parse(t).key for t in ("2023-03", "Mar 23", "2019-20-Q4", "Q2 FY2019/20", "2019/2020")]
        ['2023-03', '2023-03', '2019-20-Q4', '2019-20-Q2', '2019-20']
        >>> Period.parse("2019/20", year_type="academic").first, Period.parse("AY2019-20").months
        (Month(2019, 9), 12)
        """
        fy = financial_year_start
        if isinstance(value, Period):
            return value
        if not isinstance(value, str):
            return cls.of(Month.parse(value), 1, fy)
        text = " ".join(value.translate(_DASHES).split())
        starts = {"fy": fy, "ay": academic_year_start, None: academic_year_start if year_type == "academic" else fy}
        calendar = _CALENDAR_QUARTER.match(text)
        if calendar:
            end = Month(int(calendar["year"]), 3 * int(calendar["q"]))
            try:
                return cls.of(end, 3, fy)
            except MonthError:
                raise MonthError(
                    f"{text!r} (the calendar quarter ending {end.label}) is not a quarter of the financial year, "
                    f"which starts in {_start_name(fy)}"
                ) from None
        quarter = _QUARTER_FIRST.match(text) or _QUARTER_LAST.match(text)
        if quarter:
            number = int(quarter["q"])
            if (quarter["prefix"] or "").lower() == "ay":
                raise MonthError(f"{text!r}: quarters are counted in financial years (write FY or nothing)")
            first = cls._first_year(text, quarter, fy, quarter_number=number)
            return cls.of(Month(first, fy) + 3 * number - 1, 3, fy)
        year = _YEAR_ONLY.match(text)
        if year and not _month_like(year):
            start = starts[(year["prefix"] or "").lower() or None]
            first = cls._first_year(text, year, start)
            return cls.of(Month(first, start) + 11, 12, fy)
        if re.fullmatch(r"\d{4}", text):
            raise MonthError(cls._bare_year(text, fy))
        try:
            return cls.of(Month.parse(text), 1, fy)
        except MonthError as exc:
            if re.search(r"\d", text) and "is not a month (expected" not in str(exc):
                raise
            raise MonthError(
                f"{text!r} is not a period (expected a month such as 2023-03 or Mar 23, a quarter such as "
                "Q4 2019/20 or 2019-Q4, or a year such as 2019/20)"
            ) from None

    @classmethod
    def from_key(cls, key: str, *, financial_year_start: int = 4) -> Period:
        """The period a :attr:`key` names: ``YYYY-MM`` is always a month here (``2011-12`` is December 2011).

        >>> Period.from_key("2011-12").label, Period.from_key("2019-20-Q4").label
        ('December 2011', 'Q4 2019/20')
        """
        month = Month.try_parse(key)
        if month is not None:
            return cls.of(month, 1, financial_year_start)
        return cls.parse(key, financial_year_start=financial_year_start)

    @staticmethod
    def _bare_year(text: str, start: int) -> str:
        year = int(text)
        return (
            f"{text!r} alone could be a calendar, financial or academic year: write {year}/{(year + 1) % 100:02d} "
            f"for the year starting in {_start_name(start)} {year}"
        )

    @staticmethod
    def _first_year(text: str, match: re.Match, start: int, quarter_number: int | None = None) -> int:
        """The year in which the year written in ``match`` starts (a year starting in month ``start``)."""
        first, second, sep = int(match["first"]), match["second"], match["sep"]
        if second is None:
            if start == 1:
                return first
            if quarter_number is not None:
                raise MonthError(
                    f"{text!r} could be a calendar or a financial quarter: write {first}-Q{quarter_number} for "
                    f"{_quarter_months(first, quarter_number)}, or Q{quarter_number} {first}/{(first + 1) % 100:02d} "
                    f"for the {_ordinal(quarter_number)} quarter of the financial year {first}/{(first + 1) % 100:02d}"
                )
            raise MonthError(Period._bare_year(str(first), start))
        following = int(second) if len(second) == 4 else (first + 1) // 100 * 100 + int(second)
        if following != first + 1:
            raise MonthError(f"{text!r} is not a year: a year such as 2019/20 names two years in a row")
        if (
            quarter_number is None
            and sep == "-"
            and len(second) == 2
            and 1 <= int(second) <= 12
            and not match["prefix"]
        ):
            raise MonthError(
                f"{text!r} could be {Month(first, int(second)).label} or the year {first}/{second}: "
                f"write {Month(first, int(second)).short_label} for the month, or {first}/{second} for the year"
            )
        if start == 1:
            raise MonthError(f"{text!r}: years start in January here, so a year is written {first} or {following}")
        return first

    # -- what it covers -------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        """``month``, ``quarter`` or ``year``."""
        return KINDS[self.months]

    @property
    def end(self) -> Month:
        """The last month, as a plain :class:`~cpblib.month.Month`."""
        return Month(self.year, self.month)

    @property
    def first(self) -> Month:
        """The first month."""
        return self.end - (self.months - 1)

    @property
    def quarter(self) -> int:
        """Which quarter of its year a quarter is (1 to 4)."""
        return (self.month - self.year_start) % 12 // 3 + 1

    @property
    def start_year(self) -> int:
        """The year in which the (financial) year holding the period starts."""
        return self.end.year_start(self.year_start).year

    def previous(self, count: int = 1) -> Period:
        """The period of the same span ``count`` spans earlier.

        >>> Period.parse("Q1 2020/21").previous().label
        'Q4 2019/20'
        """
        return Period.of(self.end - self.months * count, self.months, self.year_start)

    # -- how it is written -------------------------------------------------------------------------
    def _year_text(self, sep: str) -> str:
        first = self.start_year
        return str(first) if self.year_start == 1 else f"{first}{sep}{(first + 1) % 100:02d}"

    @property
    def key(self) -> str:
        """``2023-03``, ``2019-20-Q4`` (``2019-Q4`` when years start in January) or ``2019-20``."""
        if self.months == 1:
            return str(self)
        year = self._year_text("-")
        return year if self.months == 12 else f"{year}-Q{self.quarter}"

    @property
    def label(self) -> str:
        """``March 2023``, ``Q4 2019/20`` (``Q4 2019`` when years start in January) or ``2019/20``."""
        if self.months == 1:
            return self.end.label
        year = self._year_text("/")
        return year if self.months == 12 else f"Q{self.quarter} {year}"

    @property
    def short_label(self) -> str:
        """``Mar 23``; a quarter or a year is written in full (``Q4 2019/20``)."""
        return self.end.short_label if self.months == 1 else self.label

    def __repr__(self) -> str:
        extra = "" if self.months == 1 else f", months={self.months}"
        extra += "" if self.year_start == 4 or self.months == 12 else f", year_start={self.year_start}"
        return f"Period({self.year}, {self.month}{extra})"


def _month_like(match: re.Match) -> bool:
    """``2023-03``: a year and a month, not two years in a row (which ``2011-12`` is too: that one is refused)."""
    second = match["second"]
    if match["prefix"] or match["sep"] != "-" or second is None or len(second) != 2:
        return False
    return int(second) != (int(match["first"]) + 1) % 100


def _ordinal(number: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth"}[number]


def _quarter_months(year: int, quarter: int) -> str:
    first, last = Month(year, 3 * quarter - 2), Month(year, 3 * quarter)
    return f"{first.first_day:%B} to {last.label}"


def period_label(period: str | Month | None, months: int = 1, year_start: int = 4) -> str:
    """How a table or an axis heads the figure of a ``YYYY-MM`` period of ``months``: ``Mar 23``, ``Q4 2019/20``,
    ``2019/20`` (``-`` when there is none).

    >>> period_label("2020-03"), period_label("2020-03", 3), period_label("2020-03", 12), period_label(None)
    ('Mar 20', 'Q4 2019/20', '2019/20', '–')
    """
    if period is None or (isinstance(period, float) and math.isnan(period)):
        return "–"
    month = Month.parse(period)
    try:
        return Period.of(month, months, year_start).short_label
    except MonthError:
        return month.short_label


__all__ = ["KINDS", "SPANS", "Period", "period_label"]
