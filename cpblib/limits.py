"""The limits cpb works within, declared once: what it refuses to read and what it refuses to publish.

A council's children's-services figures are small (thousands of children, a
few hundred indicators, a few years of months): these limits are far above
anything a real pack needs, and low enough that a hostile or broken file is
refused in a moment and with little memory, instead of exhausting the machine.
README's "Limits" section lists them for people.

>>> MAX_FIGURE > 10**6 and MAX_FIGURE * 10**6 < 2**53  # figures print exactly at up to 6 decimals
True
"""

from __future__ import annotations

# -- files -----------------------------------------------------------------------------------------------
MAX_FILE_BYTES = 50 * 1024 * 1024
"""A table file (CSV or workbook) larger than this is refused before it is read."""

MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""A workbook whose parts unpack to more than this is refused (protects against zip bombs)."""

MAX_SHEET_ROWS = 100_000
"""A worksheet with more rows than this is refused: an extract has one row per indicator (wide) or per
indicator and month (long), a few thousand at most."""

MAX_SHEET_COLUMNS = 1_000
"""A worksheet with more columns than this is refused (a wide extract has one column per month)."""

MAX_SHEET_CELLS = 1_000_000
"""A table whose used range (rows times columns, counted to the last filled cell of each row) is larger
than this is refused, in a CSV file as in a worksheet. A wide extract of 300 indicators over five years
uses about 20,000 cells."""

READ_MEMORY_BYTES = 512 * 1024 * 1024
"""The most memory reading one table should take within the limits above (measured by
``benchmarks/bench_read_limits.py``; not enforced): a worksheet is read row by row in openpyxl's read-only
mode and every read stops at the first row past a limit."""

MAX_SETTINGS_BYTES = 1024 * 1024
"""A settings file (``cpb.toml``, ``_quarto.yml``, a suite in ``expectations/``) larger than this is refused
unread: the largest real one is a few kilobytes."""

# -- figures ----------------------------------------------------------------------------------------------
MAX_FIGURE = 1e9
"""A figure (a value, numerator, denominator, target, range, benchmark or tolerance) must be smaller than
this in size: no children's-services figure comes near a billion, and every figure below it prints exactly.
Infinity and not-a-number are never figures."""

# -- commentary ---------------------------------------------------------------------------------------------
MAX_COMMENTARY_BYTES = 50_000
"""Commentary for one domain longer than this (in UTF-8 bytes: about twelve pages of A4) is cut at the
last paragraph that fits, with a note where it is cut saying how much is not shown; the data-quality page
warns about the file (the commentary suite's rule "a commentary file is short enough to read at a board",
which must name the same size)."""

WORD_BREAK = 60
"""In the PDF, a word longer than this (a pasted address, a run of symbols) may break after every this
many characters, so that it wraps instead of running off the page."""
