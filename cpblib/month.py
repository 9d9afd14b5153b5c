"""The reporting month: a validated value, never a loose string.

>>> m = Month.parse("Mar 23")
>>> str(m), m.label, m.financial_year, m.academic_year
('2023-03', 'March 2023', '2022-23', '2022-23')
>>> str(m - 1), str(m + 10)
('2023-02', '2024-01')
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?(?:[ T]00:00(?::00)?)?$")
_NAMED = re.compile(r"^([A-Za-z]+)[\s\-/']*(\d{2}|\d{4})$")


class MonthError(ValueError):
    """A value that should be a month is not one."""


@dataclass(frozen=True, slots=True)
class Month:
    """A calendar month such as March 2023.

    Months are ordered, hashable and support adding or subtracting a number
    of months. ``str(month)`` is the ISO form ``YYYY-MM`` used in files,
    the store, folder names and the CLI.
    """

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise MonthError(f"{self.year}-{self.month:02d} is not a month: the month must be 01 to 12")
        if not 1900 <= self.year <= 2999:
            raise MonthError(f"{self.year}-{self.month:02d} is not a plausible year")

    # -- construction -------------------------------------------------------------
    @classmethod
    def parse(cls, value: object) -> Month:
        """Read a month from ``2023-03``, ``Mar 23``, ``Mar-23``, ``March 2023``,
        a first-of-month date (``2023-03-01``), or a ``date``/``Timestamp``
        falling on the first of the month.

        >>> Month.parse("Oct-22"), Month.parse("2022-10"), Month.parse("October 2022")
        (Month(2022, 10), Month(2022, 10), Month(2022, 10))
        """
        if isinstance(value, Month):
            return value
        if isinstance(value, _dt.datetime | _dt.date) or hasattr(value, "to_pydatetime"):
            if hasattr(value, "to_pydatetime"):
                value = value.to_pydatetime()
            if value.day != 1:
                raise MonthError(f"{value:%Y-%m-%d} is a date, not a month (write {value:%Y-%m} for the month)")
            return cls(value.year, value.month)
        if not isinstance(value, str):
            raise MonthError(f"{value!r} is not a month (expected e.g. 2023-03)")
        text = value.strip()
        iso = _ISO.match(text)
        if iso:
            year, month, day = int(iso[1]), int(iso[2]), iso[3]
            if day is not None and int(day) != 1:
                raise MonthError(f"{text!r} is a date, not a month (write {year}-{month:02d} for the month)")
            if not 1 <= month <= 12:
                raise MonthError(f"{text!r} is not a month: the month must be 01 to 12")
            return cls(year, month)
        named = _NAMED.match(text)
        if named and named[1].lower() in _MONTH_NAMES:
            year = int(named[2])
            if year < 100:
                year += 2000
            return cls(year, _MONTH_NAMES[named[1].lower()])
        raise MonthError(f"{text!r} is not a month (expected e.g. 2023-03, Mar 23 or March 2023)")

    @classmethod
    def try_parse(cls, value: object) -> Month | None:
        """Like :meth:`parse` but returns ``None`` instead of raising."""
        try:
            return cls.parse(value)
        except MonthError:
            return None

    @classmethod
    def today(cls, today: _dt.date | None = None) -> Month:
        day = today or _dt.date.today()
        return cls(day.year, day.month)

    @classmethod
    def from_ordinal(cls, ordinal: int) -> Month:
        year, index = divmod(int(ordinal), 12)
        return cls(year, index + 1)

    # -- arithmetic -----------------------------------------------------------------
    @property
    def ordinal(self) -> int:
        """Months since year 0: consecutive months differ by one."""
        return self.year * 12 + self.month - 1

    def __add__(self, months: int) -> Month:
        return Month.from_ordinal(self.ordinal + int(months))

    def __sub__(self, other: int | Month):
        if isinstance(other, Month):
            return self.ordinal - other.ordinal
        return Month.from_ordinal(self.ordinal - int(other))

    def __lt__(self, other: Month) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return self.ordinal < other.ordinal

    def __le__(self, other: Month) -> bool:  # by the month alone: a quarter ending in March is not after March
        if not isinstance(other, Month):
            return NotImplemented
        return self.ordinal <= other.ordinal

    def __gt__(self, other: Month) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return self.ordinal > other.ordinal

    def __ge__(self, other: Month) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return self.ordinal >= other.ordinal

    # -- display ----------------------------------------------------------------------
    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __repr__(self) -> str:
        return f"Month({self.year}, {self.month})"

    @property
    def key(self) -> str:
        """How folders, file names and the command line name the month: ``2023-03`` (a quarter has its own,
        see :class:`cpblib.period.Period`)."""
        return str(self)

    @property
    def label(self) -> str:
        """``March 2023``."""
        return _dt.date(self.year, self.month, 1).strftime("%B %Y")

    @property
    def short_label(self) -> str:
        """``Mar 23``, as board-pack tables head their columns."""
        return _dt.date(self.year, self.month, 1).strftime("%b %y")

    @property
    def first_day(self) -> _dt.date:
        return _dt.date(self.year, self.month, 1)

    # -- years ----------------------------------------------------------------------
    def year_start(self, start_month: int) -> Month:
        """First month of the year (financial, academic...) that starts in ``start_month``."""
        year = self.year if self.month >= start_month else self.year - 1
        return Month(year, start_month)

    def year_label(self, start_month: int) -> str:
        """``2022-23`` for a year starting in ``start_month``; ``2023`` for calendar years."""
        start = self.year_start(start_month)
        if start_month == 1:
            return str(start.year)
        return f"{start.year}-{(start.year + 1) % 100:02d}"

    @property
    def financial_year(self) -> str:
        """UK financial year (April to March) containing this month."""
        return self.year_label(4)

    @property
    def academic_year(self) -> str:
        """Academic year (September to August) containing this month."""
        return self.year_label(9)


def month_range(first: Month, last: Month) -> list[Month]:
    """All months from ``first`` to ``last`` inclusive.

    >>> [str(m) for m in month_range(Month(2022, 11), Month(2023, 1))]
    ['2022-11', '2022-12', '2023-01']
    """
    return [Month.from_ordinal(o) for o in range(first.ordinal, last.ordinal + 1)]
