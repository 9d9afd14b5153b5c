"""Reading the files people give cpb: CSV and Excel tables, as text.

Every data file cpb reads (the catalogue, targets, monthly extracts...) comes
through :func:`read_table`. It returns the cells exactly as text (or ``None``
for an empty cell), each row labelled with the row number a person sees when
opening the file, so that later checks can say *where* a problem is. Nothing is
ever evaluated: a spreadsheet formula arrives as its text (``=SUM(B2:B9)``).

* CSV: the encoding is detected (UTF-8, UTF-8 with a byte-order mark, UTF-16
  with a byte-order mark as Excel's "Unicode text" writes it, else
  Windows-1252), as is the delimiter (comma, semicolon or tab).
* Excel (``.xlsx``/``.xlsm``): the first sheet unless another is named. A
  number formatted as a percentage in the sheet comes through as it is shown
  (``87.5%``); a date comes through as ISO text (``2022-10-01``).
* Blank rows before the header and after the last row are dropped, and so are
  columns with neither a header nor any value. Blank rows in between are kept
  (as rows of ``None``) so row positions stay true; callers decide about them.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "2023-03.csv").write_bytes("indicator;Oct 22\\r\\nCIC;437\\r\\n;\\r\\n".encode("cp1252"))
>>> table = read_table(folder / "2023-03.csv")
>>> table.file, list(table.frame.columns), table.rows, table.frame.iloc[0].tolist()
('2023-03.csv', ['indicator', 'Oct 22'], (2,), ['CIC', '437'])
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..limits import MAX_FILE_BYTES, MAX_SHEET_CELLS, MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, MAX_UNPACKED_BYTES

CSV_SUFFIXES = (".csv", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")

_DELIMITERS = (",", ";", "\t")

# What a file that is neither CSV nor a workbook most likely is, by its first bytes.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old-style Office file (.xls or .doc) or a password-protected workbook"),
    (b"{\\rtf", "a rich-text (RTF) document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"PK\x03\x04", "a zip archive"),
)

# Control characters never found in a text table (tab, line feed, carriage return and form feed are allowed).
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Table:
    """A table read from a file: text cells plus where each row came from.

    ``frame`` has one column per header (header text stripped of surrounding
    spaces; a column without a header but with values is named like
    ``(unnamed column F)``), and cells that are ``str`` or ``None``.
    ``rows[i]`` is the row number of ``frame.iloc[i]`` in the file (CSV header
    = row 1; in a workbook, the sheet's own row number). ``letters`` gives the
    spreadsheet column letter of each header.
    """

    file: str
    frame: pd.DataFrame
    rows: tuple[int, ...]
    header_row: int = 1
    sheet: str | None = None
    sha256: str = ""
    letters: dict[str, str] = field(default_factory=dict)

    def row_of(self, position: int) -> int:
        """Row number in the file of the ``position``-th data row."""
        return self.rows[position]


_UNNAMED = "(unnamed column {letter})"


def unnamed(letter: str) -> str:
    """Name given to a column that has values but no header."""
    return _UNNAMED.format(letter=letter)


def is_unnamed(name: object) -> bool:
    """Whether a column name is one :func:`unnamed` made up.

    >>> is_unnamed(unnamed("F")), is_unnamed("Oct 22")
    (True, False)
    """
    return isinstance(name, str) and bool(re.fullmatch(r"\(unnamed column [A-Z]+\)", name))


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index.

    >>> column_letter(0), column_letter(25), column_letter(27)
    ('A', 'Z', 'AB')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of some bytes (the fingerprint the store keeps of each loaded file)."""
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: Path | str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a file, refusing a missing file or one over ``max_bytes`` before reading it."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(path.name, f"file not found: {path}") from None
    except OSError as exc:
        raise InputError(path.name, f"cannot read the file: {exc.strerror or exc}") from None
    if path.is_dir():
        raise InputError(path.name, f"{path} is a folder, not a file")
    if not path.is_file():  # a device, a pipe or a socket: reading it might never end
        raise InputError(path.name, f"{path} is not a regular file")
    if size > max_bytes:
        raise InputError(
            path.name,
            f"the file is {size / 1024 / 1024:.1f} MB, over cpb's limit of {max_bytes / 1024 / 1024:.0f} MB "
            "for one table; export only the rows and columns the pack needs",
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(path.name, f"cannot read the file: {exc.strerror or exc}") from None


def read_table(
    path: Path | str,
    sheet: str | None = None,
    *,
    allow_empty: bool = False,
    max_bytes: int = MAX_FILE_BYTES,
) -> Table:
    """Read a CSV or Excel table as text cells with their source row numbers.

    ``allow_empty`` accepts a file holding only a header row (an optional
    table with nothing in it yet); otherwise that is an error, as is an empty
    file, a file over ``max_bytes``, and a file that is not a CSV or an Excel
    workbook. Errors are :class:`~cpblib.errors.InputError` naming the file.
    """
    path = Path(path)
    data = read_bytes(path, max_bytes)
    kind = _kind(path, data)
    if kind == "xlsx":
        records, sheet_name = _xlsx_records(path.name, data, sheet)
    else:
        if sheet is not None:
            raise InputError(path.name, f"a CSV file has no sheets (asked for sheet {sheet!r})")
        records, sheet_name = _csv_records(path.name, data), None
    return _table(path.name, records, sheet_name, sha256_bytes(data), allow_empty)


# -- telling what a file is ------------------------------------------------------------
def _kind(path: Path, data: bytes) -> str:
    name, suffix = path.name, path.suffix.lower()
    if not data.strip():
        raise InputError(name, "the file is empty: expected a header row naming the columns", row=1)
    is_zip = data.startswith(b"PK\x03\x04")
    if is_zip:
        parts = _zip_names(data)
        if "xl/workbook.xml" in parts and suffix in (*EXCEL_SUFFIXES, *CSV_SUFFIXES):
            return "xlsx"
        if "xl/workbook.xml" in parts:
            raise InputError(
                name,
                f"this is an Excel workbook in the .xlsx format named {suffix or 'without an extension'}: "
                "rename it to end in .xlsx and load it again",
            )
        if "xl/workbook.bin" in parts:
            raise InputError(name, f"this is an Excel binary workbook (.xlsb), which cpb cannot read; {_ADVICE}")
        what = (
            "an Excel workbook"
            if any(p.startswith("xl/") for p in parts)
            else "a Word document"
            if any(p.startswith("word/") for p in parts)
            else "a PowerPoint file"
            if any(p.startswith("ppt/") for p in parts)
            else "an OpenDocument file"
            if "mimetype" in parts
            else "a zip archive"
        )
        raise InputError(name, f"this is {what}, not a table cpb can read; {_ADVICE}")
    if suffix in EXCEL_SUFFIXES:
        raise InputError(name, f"this is not an Excel workbook ({_guess(data)}); {_ADVICE}")
    if suffix not in CSV_SUFFIXES:
        raise InputError(
            name,
            f"cpb reads .csv and .xlsx files, not {suffix or 'files without an extension'} ({_guess(data)}); {_ADVICE}",
        )
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(name, f"this is {what} renamed .csv, not a CSV file; {_ADVICE}")
    return "csv"


_ADVICE = "save the table from Excel as CSV (comma delimited) or as an Excel workbook (.xlsx)"


def _guess(data: bytes) -> str:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return f"it is {what}"
    return "its content is not a table" if b"\x00" not in data[:4096] else "its content is binary"


def _zip_names(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []


# -- CSV -----------------------------------------------------------------------------------
def decode_text(name: str, data: bytes) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    >>> decode_text("x.csv", "£5 – 6".encode("cp1252"))
    '£5 – 6'
    >>> decode_text("x.csv", "\\ufeffindicator".encode("utf-8"))
    'indicator'
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    elif data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "cp1252")
    text = None
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or _BINARY.search(text):
        raise InputError(name, f"this is not a CSV file: {_guess(data)} (it does not read as text); {_ADVICE}")
    return text


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: the one of comma, semicolon or tab that
    splits the first non-blank line into the most cells (comma on a tie).

    >>> sniff_delimiter("indicator;period;value\\n"), sniff_delimiter('"a, b",c\\n'), sniff_delimiter("x\\n")
    (';', ',', ',')
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: len(next(csv.reader([first], delimiter=d), [])) for d in _DELIMITERS}
    best = max(counts.values())
    return next(d for d in _DELIMITERS if counts[d] == best)


class _Bounds:
    """Counts a table's rows and used range as it is read, and stops the read as soon as one goes over
    cpb's limits (:mod:`cpblib.limits`), so a hostile file costs a moment and little memory."""

    def __init__(self, name: str, where: str = "") -> None:
        self.name, self.where, self.width, self.rows = name, where, 0, 0

    def row(self, number: int, cells: list[object]) -> list[object]:
        """The row's cells without its empty cells at the end, once checked against the limits."""
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        self.rows = max(self.rows, number)
        self.width = max(self.width, len(cells))
        if number > MAX_SHEET_ROWS:
            self.refuse(f"it has more than {MAX_SHEET_ROWS:,} rows", number)
        if len(cells) > MAX_SHEET_COLUMNS:
            self.refuse(
                f"it uses column {column_letter(len(cells) - 1)}, beyond the {MAX_SHEET_COLUMNS:,} columns cpb reads",
                number,
            )
        if self.rows * self.width > MAX_SHEET_CELLS:
            self.refuse(
                f"its used range ({self.rows:,} rows by {self.width:,} columns so far) is over the "
                f"{MAX_SHEET_CELLS:,} cells cpb reads",
                number,
            )
        return cells

    def refuse(self, why: str, row: int) -> None:
        raise InputError(
            self.name,
            f"the {self.where or 'table'} is too large to be an extract: {why}; delete the rows and columns "
            "that are not part of the table (an extract has one row per indicator, or per indicator and month)",
            row=row,
        )


def _csv_records(name: str, data: bytes) -> list[tuple[int, list[object]]]:
    text = decode_text(name, data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=True)
    records: list[tuple[int, list[object]]] = []
    bounds = _Bounds(name, "file")
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            records.append((number, bounds.row(number, cells)))
    except csv.Error as exc:
        raise InputError(name, f"the CSV cannot be read here: {exc}", row=number + 1) from None
    return records


# -- Excel ---------------------------------------------------------------------------------
def _xlsx_records(name: str, data: bytes, sheet: str | None) -> tuple[list[tuple[int, list[object]]], str]:
    """The sheet's rows as text, read in openpyxl's read-only mode (row by row, never the whole sheet at once).

    The sheet is the one named, else the first visible one (a hidden sheet is read only when named).
    Its size is checked first from the sheet's own ``<dimension>`` record; as that record may be
    missing or wrong, the rows are counted again as they are read, and reading stops at the first
    row past a limit.
    """
    import openpyxl  # imported here: only needed for workbooks

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise InputError(name, f"the workbook unpacks to {unpacked / 1024 / 1024:.0f} MB, too large to read")
        for part in archive.namelist():
            if part.startswith("xl/worksheets/") and part.endswith(".xml"):
                _count_sheet(name, archive, part)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook  # noqa: BLE001 (reported, never raised past this boundary)
        raise InputError(name, f"the workbook cannot be read: {exc}") from None
    try:
        worksheet = _choose_sheet(name, workbook.worksheets, sheet)
        where = f"sheet {worksheet.title!r}"
        rows, columns = worksheet.max_row, worksheet.max_column  # as the sheet's <dimension> record says, if it has one
        if (
            rows
            and columns
            and (rows > MAX_SHEET_ROWS or columns > MAX_SHEET_COLUMNS or rows * columns > MAX_SHEET_CELLS)
        ):
            _Bounds(name, where).refuse(
                f"it says its last cell is {column_letter(columns - 1)}{rows} ({rows:,} rows by {columns:,} columns)",
                rows,
            )
        worksheet.reset_dimensions()  # the dimension record may be wrong: read the rows there are
        bounds = _Bounds(name, where)
        records = [
            (number, bounds.row(number, [_excel_text(cell) for cell in cells]))
            for number, cells in enumerate(worksheet.iter_rows(), start=1)
        ]
        return records, worksheet.title
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 (a damaged sheet, found only when read)
        raise InputError(name, f"the workbook cannot be read: {exc}") from None
    finally:
        workbook.close()


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")


def _count_sheet(name: str, archive: zipfile.ZipFile, part: str) -> None:
    """Count a sheet's rows and cells in its XML, unpacked a piece at a time, before openpyxl reads it
    (openpyxl reads every sheet of a workbook it opens: a sheet of a million rows would take minutes)."""
    rows = cells = 0
    tail = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(1024 * 1024)
            text = tail + chunk
            cut = text.rfind(b"<") if chunk else len(text)  # a tag cut in two is counted with the next piece
            cut = len(text) if cut < 0 else cut
            rows += len(_ROW_TAG.findall(text, 0, cut))
            cells += len(_CELL_TAG.findall(text, 0, cut))
            tail = text[cut:]
            if rows > MAX_SHEET_ROWS or cells > MAX_SHEET_CELLS:
                what = (
                    f"more than {MAX_SHEET_ROWS:,} rows" if rows > MAX_SHEET_ROWS else f"over {MAX_SHEET_CELLS:,} cells"
                )
                raise InputError(
                    name,
                    f"a sheet of the workbook ({part}) is too large to be an extract: it has {what}; save the "
                    "extract's table in a workbook of its own, or as CSV",
                )
            if not chunk:
                return


def _choose_sheet(name: str, sheets: list, sheet: str | None):
    """The sheet named, else the first visible one."""
    if not sheets:
        raise InputError(name, "the workbook has no worksheets")
    if sheet is not None:
        matches = [ws for ws in sheets if ws.title == sheet]
        if not matches:
            titles = ", ".join(repr(ws.title) for ws in sheets)
            raise InputError(name, f"the workbook has no sheet {sheet!r}; its sheets are {titles}")
        return matches[0]
    visible = [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if not visible:
        raise InputError(name, "every sheet of the workbook is hidden; name the one to load with --sheet")
    return visible[0]


def _excel_text(cell) -> object:
    """The text of a workbook cell as a person sees it, never evaluated."""
    value = getattr(cell, "value", None)
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, _dt.date | _dt.time | _dt.timedelta):
        return str(value)
    if isinstance(value, int | float):
        if "%" in (getattr(cell, "number_format", "") or ""):
            return f"{_number_text(round(value * 100, 9))}%"
        return _number_text(value)
    return str(value)


def _number_text(value: float) -> str:
    """``12`` for 12.0, else the shortest text that reads back as the same number."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def with_header_at(table: Table, position: int) -> Table:
    """The table re-read with its data row ``position`` as the header (rows above it dropped).

    For sheets with title lines above the real header.

    >>> frame = pd.DataFrame([[None, None], ["indicator", "Oct 22"], ["CIC", "437"]], columns=["Appendix A", "(unnamed column B)"], dtype=object)
    >>> table = with_header_at(Table("a.csv", frame, (2, 3, 4), letters={"Appendix A": "A", "(unnamed column B)": "B"}), 1)
    >>> list(table.frame.columns), table.rows, table.header_row
    (['indicator', 'Oct 22'], (4,), 3)
    """
    header = table.frame.iloc[position].tolist()
    old_letters = [table.letters.get(str(c), column_letter(i)) for i, c in enumerate(table.frame.columns)]
    body = table.frame.iloc[position + 1 :]
    names: list[str] = []
    letters: dict[str, str] = {}
    for title, letter in zip(header, old_letters):
        name = title if title is not None else unnamed(letter)
        if name in letters:
            raise InputError(
                table.file,
                f"the header {name!r} appears twice (columns {letters[name]} and {letter})",
                row=table.rows[position],
                column=name,
            )
        names.append(name)
        letters[name] = letter
    keep = [
        i
        for i, (title, column) in enumerate(zip(header, body.columns))
        if title is not None or body[column].notna().any()
    ]
    frame = body.set_axis(names, axis="columns").iloc[:, keep].reset_index(drop=True)
    return replace(
        table,
        frame=frame,
        rows=table.rows[position + 1 :],
        header_row=table.rows[position],
        letters={n: letters[n] for n in frame.columns},
    )


# -- shaping the records into a table ----------------------------------------------------
def _clean(cell: object) -> str | None:
    if cell is None:
        return None
    text = str(cell).strip()
    return text or None


def _table(
    name: str, records: list[tuple[int, list[object]]], sheet: str | None, digest: str, allow_empty: bool
) -> Table:
    cleaned = [(number, [_clean(c) for c in cells]) for number, cells in records]
    filled = [(number, cells) for number, cells in cleaned if any(c is not None for c in cells)]
    if not filled:
        raise InputError(name, "the file is empty: expected a header row naming the columns", row=1)
    header_row, header = filled[0]
    last_row = filled[-1][0]
    body = [(number, cells) for number, cells in cleaned if header_row < number <= last_row]
    width = max([len(header), *(len(cells) for _, cells in body)])
    header = header + [None] * (width - len(header))
    body = [(number, cells + [None] * (width - len(cells))) for number, cells in body]

    keep: list[int] = []
    names: list[str] = []
    letters: dict[str, str] = {}
    seen: dict[str, str] = {}
    for index, title in enumerate(header):
        has_values = any(cells[index] is not None for _, cells in body)
        if title is None and not has_values:
            continue  # a blank column
        letter = column_letter(index)
        column = title if title is not None else unnamed(letter)
        if column in seen:
            raise InputError(
                name,
                f"the header {column!r} appears twice (columns {seen[column]} and {letter})",
                row=header_row,
                column=column,
            )
        seen[column] = letter
        keep.append(index)
        names.append(column)
        letters[column] = letter
    if not body and not allow_empty:
        raise InputError(name, "the file has a header row but no data rows", row=header_row + 1)
    frame = pd.DataFrame([[cells[i] for i in keep] for _, cells in body], columns=names, dtype=object)
    return Table(
        file=name,
        frame=frame,
        rows=tuple(number for number, _ in body),
        header_row=header_row,
        sheet=sheet,
        sha256=digest,
        letters=letters,
    )
