"""The append-only store: loads, as-published views, revisions and publications."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from cpblib.errors import StoreError
from cpblib.inputs.store import REVISION_COLUMNS, VALUES_VIEW_COLUMNS, Store


def frame(*rows: tuple) -> pd.DataFrame:
    """Observations from (indicator, period, value[, missing_reason]) tuples."""
    records = [dict(zip(("indicator", "period", "value", "missing_reason"), row)) for row in rows]
    return pd.DataFrame.from_records(records, columns=["indicator", "period", "value", "missing_reason"])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "data" / "cpb.duckdb"


@pytest.fixture
def two_months(path) -> Path:
    """February's load, then March's, which corrects January's count."""
    with Store.open(path, read_only=False) as store:
        store.add_load(
            frame(("cic-number", "2023-01", 441.0), ("cic-number", "2023-02", 437.0)), "2023-02", "2023-02.csv", "aa"
        )
        store.add_load(
            frame(("cic-number", "2023-01", 445.0), ("cic-number", "2023-03", 437.0)), "2023-03", "2023-03.csv", "bb"
        )
    return path


def value(store: Store, as_at, indicator: str, period: str) -> float:
    view = store.values(as_at=as_at).set_index(["indicator", "period"])
    return view.loc[(indicator, period), "value"]


# -- opening -------------------------------------------------------------------------------
def test_a_missing_store_opened_read_only_is_empty_and_not_created(path):
    with Store.open(path) as store:
        assert store.loads().empty
        assert store.values(as_at="2023-03").empty
        assert list(store.values().columns) == list(VALUES_VIEW_COLUMNS)
        assert store.published_months() == []
        assert not store.has_load("aa", "2023-03")
    assert not path.exists()
    assert not path.parent.exists()


def test_read_only_opening_and_reading_do_not_change_the_file(two_months):
    before = digest(two_months)
    with Store.open(two_months) as store:
        store.values(as_at="2023-02")
        store.revisions("2023-03")
        store.loads()
    assert digest(two_months) == before
    assert sorted(p.name for p in two_months.parent.iterdir()) == ["cpb.duckdb"]


def test_writing_through_a_read_only_store_is_refused(two_months):
    with Store.open(two_months) as store:
        with pytest.raises(StoreError, match="read-only"):
            store.add_load(frame(("cic-number", "2023-03", 1.0)), "2023-03", "x.csv", "cc")
        with pytest.raises(StoreError, match="read-only"):
            store.record_publication("2023-03")


def test_other_tables_in_the_file_are_left_alone(path):
    path.parent.mkdir(parents=True)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE dfe_values (la_code VARCHAR, value DOUBLE)")
        con.execute("INSERT INTO dfe_values VALUES ('999', 1.5)")
    with Store.open(path) as store:  # only other modules' tables so far: reads as empty
        assert store.loads().empty
    with Store.open(path, read_only=False) as store:
        store.add_load(frame(("cic-number", "2023-03", 437.0)), "2023-03", "2023-03.csv", "aa")
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT * FROM dfe_values").fetchall() == [("999", 1.5)]


# -- adding loads --------------------------------------------------------------------------
def test_add_load_returns_a_receipt_and_records_the_load(path):
    observations = frame(
        ("cic-number", "2023-03", 437.0, None),
        ("iha-20-days", "2023-03", np.nan, "suppressed (c): confidential or small number"),
        ("care-leavers-eet", "2023-03", np.nan, None),
    )
    with Store.open(path, read_only=False) as store:
        receipt = store.add_load(observations, "Mar 23", "2023-03.csv", "aa", extracted_on=dt.date(2023, 4, 3))
        loads = store.loads()
        view = store.values(as_at="2023-03")
    assert (receipt.load_id, receipt.month, receipt.row_count, receipt.skipped) == (1, "2023-03", 3, False)
    assert receipt.missing == {"suppressed (c): confidential or small number": 1, "blank": 1}
    assert receipt.periods == ("2023-03",)
    row = loads.iloc[0]
    assert (row["month"], row["source_file"], row["sha256"], row["row_count"]) == ("2023-03", "2023-03.csv", "aa", 3)
    assert row["extracted_on"] == pd.Timestamp("2023-04-03")
    assert abs(row["loaded_at"] - pd.Timestamp(dt.datetime.now(dt.UTC).replace(tzinfo=None))) < pd.Timedelta(minutes=5)
    eet = view.set_index("indicator").loc["care-leavers-eet"]
    assert np.isnan(eet["value"]) and eet["missing_reason"] == "blank"
    assert view["missing_reason"].dtype == object
    assert view.loc[view["indicator"] == "cic-number", "missing_reason"].iloc[0] is None


def test_has_load_is_by_bytes_and_month(two_months):
    with Store.open(two_months) as store:
        assert store.has_load("aa", "2023-02")
        assert not store.has_load("aa", "2023-03")
        assert not store.has_load("zz", "2023-02")


def test_a_bad_load_adds_nothing(two_months):
    with Store.open(two_months, read_only=False) as store:
        with pytest.raises(StoreError, match="twice"):
            store.add_load(
                frame(("cic-number", "2023-03", 1.0), ("cic-number", "2023-03", 2.0)), "2023-03", "x.csv", "cc"
            )
        with pytest.raises(StoreError, match="lack"):
            store.add_load(pd.DataFrame({"indicator": ["cic-number"]}), "2023-03", "x.csv", "cc")
        assert len(store.loads()) == 2


def test_a_failure_inside_the_transaction_is_rolled_back(two_months):
    too_big = frame(("cic-number", "2023-03", 1.0)).assign(source_row=[2**40])  # does not fit the INTEGER column
    with Store.open(two_months, read_only=False) as store:
        with pytest.raises(StoreError, match="not saved"):
            store.add_load(too_big, "2023-03", "x.csv", "cc")
        assert len(store.loads()) == 2
        # the connection is still usable after the rollback
        assert store.add_load(frame(("cic-number", "2023-03", 1.0)), "2023-03", "x.csv", "cc").load_id == 3


# -- reading values as at a month ------------------------------------------------------------
def test_a_later_correction_never_overwrites_an_earlier_load(two_months):
    with Store.open(two_months) as store:
        assert value(store, "2023-02", "cic-number", "2023-01") == 441.0  # as February saw it
        assert value(store, "2023-03", "cic-number", "2023-01") == 445.0  # corrected in March
        assert value(store, None, "cic-number", "2023-01") == 445.0
        assert "2023-03" not in set(store.values(as_at="2023-02")["period"])
        assert store.values(as_at="2023-01").empty
    with duckdb.connect(str(two_months), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM observations").fetchone() == (4,)


def test_the_view_carries_load_and_source(two_months):
    with Store.open(two_months) as store:
        view = store.values(as_at="2023-03")
    assert list(view.columns) == list(VALUES_VIEW_COLUMNS)
    assert view[["period", "load_id", "source_file"]].values.tolist() == [
        ["2023-01", 2, "2023-03.csv"],
        ["2023-02", 1, "2023-02.csv"],
        ["2023-03", 2, "2023-03.csv"],
    ]


def test_an_older_extract_loaded_late_does_not_override_a_later_months_value(two_months):
    with Store.open(two_months, read_only=False) as store:
        store.add_load(frame(("cic-number", "2023-01", 400.0)), "2023-01", "2023-01.csv", "00")
        assert value(store, "2023-03", "cic-number", "2023-01") == 445.0
        assert value(store, "2023-01", "cic-number", "2023-01") == 400.0


def test_a_second_load_for_the_same_month_wins(two_months):
    with Store.open(two_months, read_only=False) as store:
        store.add_load(frame(("cic-number", "2023-03", 438.0)), "2023-03", "2023-03-fix.csv", "cc")
        assert value(store, "2023-03", "cic-number", "2023-03") == 438.0


# -- revisions -----------------------------------------------------------------------------------
def test_revisions_list_changed_values_not_new_ones(two_months):
    with Store.open(two_months) as store:
        revisions = store.revisions("2023-03")
    assert list(revisions.columns) == list(REVISION_COLUMNS)
    assert revisions[
        ["indicator", "period", "previous_value", "value", "previous_load_id", "load_id"]
    ].values.tolist() == [["cic-number", "2023-01", 441.0, 445.0, 1, 2]]


def test_revisions_include_a_value_that_became_missing(two_months):
    with Store.open(two_months, read_only=False) as store:
        store.add_load(frame(("cic-number", "2023-02", np.nan, "not available")), "2023-04", "2023-04.csv", "dd")
        revisions = store.revisions("2023-04", since="2023-02")
    changed = revisions.set_index("period")
    assert changed.loc["2023-02", "previous_value"] == 437.0
    assert np.isnan(changed.loc["2023-02", "value"])
    assert changed.loc["2023-02", "missing_reason"] == "not available"
    assert set(changed.index) == {"2023-01", "2023-02"}


# -- publications -----------------------------------------------------------------------------
def test_publication_cut_off_keeps_the_pack_as_published(two_months):
    with Store.open(two_months, read_only=False) as store:
        assert store.record_publication("2023-03") == 2
        store.add_load(frame(("cic-number", "2023-03", 439.0)), "2023-03", "2023-03-late.csv", "ee")
        # March as published still reads the value the pack used
        assert value(store, "2023-03", "cic-number", "2023-03") == 437.0
        # the late correction shows from the next month, and as a revision against March as published
        store.add_load(frame(("cic-number", "2023-04", 436.0)), "2023-04", "2023-04.csv", "ff")
        assert value(store, "2023-04", "cic-number", "2023-03") == 439.0
        revisions = store.revisions("2023-04")
        assert store.published_months() == ["2023-03"]
    assert revisions[["period", "previous_value", "value", "previous_load_id", "load_id"]].values.tolist() == [
        ["2023-03", 437.0, 439.0, 2, 3]
    ]


def test_revisions_default_to_the_previous_published_month(two_months):
    with Store.open(two_months, read_only=False) as store:
        store.record_publication("2023-02")
        store.add_load(frame(("cic-number", "2023-02", 430.0)), "2023-04", "2023-04.csv", "ff")
        # since 2023-02 as published (not 2023-03): both January's and February's changes show
        assert sorted(store.revisions("2023-04")["period"]) == ["2023-01", "2023-02"]
        assert store.revisions("2023-04", since="2023-03")["period"].tolist() == ["2023-02"]


def test_recording_a_publication_again(two_months):
    with Store.open(two_months, read_only=False) as store:
        store.record_publication("2023-03")
        assert store.record_publication("2023-03") == 2  # nothing new: no change
        store.add_load(frame(("cic-number", "2023-03", 439.0)), "2023-03", "late.csv", "ee")
        with pytest.raises(StoreError, match="was published on"):
            store.record_publication("2023-03")
    with duckdb.connect(str(two_months), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM publications").fetchone() == (1,)


def test_republishing_adds_a_publication_and_keeps_the_first(two_months):
    with Store.open(two_months, read_only=False) as store:
        store.record_publication("2023-03")
        store.add_load(frame(("cic-number", "2023-03", 439.0)), "2023-03", "late.csv", "ee")
        assert value(store, "2023-03", "cic-number", "2023-03") == 437.0
        assert store.values(as_at="2023-03", as_published=False).set_index("period").loc["2023-03", "value"] == 439.0
        assert store.record_publication("2023-03", republish=True) == 3
        assert value(store, "2023-03", "cic-number", "2023-03") == 439.0
        assert store.publication("2023-03")["load_id"] == 3
    with duckdb.connect(str(two_months), read_only=True) as con:
        assert con.execute("SELECT load_id FROM publications ORDER BY load_id").fetchall() == [(2,), (3,)]


def test_nothing_loaded_cannot_be_published(path):
    with Store.open(path, read_only=False) as store, pytest.raises(StoreError, match="nothing has been loaded"):
        store.record_publication("2023-03")


def test_a_store_damaged_on_disk_is_one_clear_error_not_a_database_traceback(path):
    rows = [("cic-number", f"20{y:02d}-{m:02d}", float(m)) for y in range(10, 24) for m in range(1, 13)]
    with Store.open(path, read_only=False) as store:
        for load in range(40):  # enough loads for the data to fill blocks beyond the file's header
            store.add_load(frame(*rows), f"2023-{load % 12 + 1:02d}", f"extract-{load}.csv", sha256=f"{load:04d}")
    size = path.stat().st_size
    with path.open("r+b") as handle:  # damage every block but the first few (the file still opens)
        for offset in range(size // 2, size, 4096):
            handle.seek(offset + 100)
            handle.write(b"\x55" * 300)
    with (
        pytest.raises(StoreError, match="cannot be read or written .*Restore it from a backup"),
        Store.open(path) as store,
    ):
        store.values(as_at="2023-12")


# -- figures, spans and provisional marks -------------------------------------------------------------------------
OLD_SCHEMA = """
CREATE TABLE loads (load_id INTEGER PRIMARY KEY, loaded_at TIMESTAMP NOT NULL, month VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, row_count INTEGER NOT NULL, extracted_on DATE, note VARCHAR);
CREATE TABLE observations (load_id INTEGER NOT NULL, indicator VARCHAR NOT NULL, period VARCHAR NOT NULL,
    value DOUBLE, missing_reason VARCHAR, numerator DOUBLE, denominator DOUBLE, note VARCHAR, source_row INTEGER);
CREATE TABLE publications (month VARCHAR NOT NULL, load_id INTEGER NOT NULL, published_at TIMESTAMP NOT NULL);
INSERT INTO loads VALUES (1, TIMESTAMP '2023-03-05 10:00:00', '2023-03', '2023-03.csv', 'aa', 1, NULL, NULL);
INSERT INTO observations VALUES (1, 'cic-rate', '2023-03', 64.55, NULL, 437, 67700, 'as printed', 2);
"""


@pytest.fixture
def old_store(path) -> Path:
    """A store written before figures, spans and provisional marks existed."""
    path.parent.mkdir(parents=True)
    with duckdb.connect(str(path)) as con:
        con.execute(OLD_SCHEMA)
    return path


def figures(*rows: tuple) -> pd.DataFrame:
    columns = ["indicator", "period", "value", "figure", "span", "provisional"]
    return pd.DataFrame.from_records([dict(zip(columns, row)) for row in rows], columns=columns)


def test_a_store_written_before_figures_existed_is_read_as_it_is(old_store):
    before = digest(old_store)
    with Store.open(old_store) as store:
        view = store.values(as_at="2023-03")
    assert digest(old_store) == before
    assert list(view.columns) == list(VALUES_VIEW_COLUMNS)
    row = view.iloc[0]
    assert (row["value"], row["figure"], row["span"], bool(row["provisional"])) == (64.55, None, None, False)


def test_a_load_adds_the_new_columns_and_rewrites_nothing_stored(old_store):
    with Store.open(old_store, read_only=False) as store:
        store.add_load(
            figures(
                ("cic-rate", "2023-04", 64.1, None, None, True), ("cic-rate", "2023-04", 440.0, "count", None, False)
            ),
            "2023-04",
            "2023-04.csv",
            "bb",
        )
    with Store.open(old_store) as store:
        view = store.values(as_at="2023-04")
    with duckdb.connect(str(old_store), read_only=True) as con:
        kept = con.execute("SELECT load_id, indicator, period, value, numerator, note, figure FROM observations "
                           "WHERE load_id = 1").fetchall()  # fmt: skip
    assert kept == [(1, "cic-rate", "2023-03", 64.55, 437.0, "as printed", None)]
    assert view[["period", "value", "figure", "provisional"]].values.tolist() == [
        ["2023-03", 64.55, None, False],
        ["2023-04", 64.1, None, True],
        ["2023-04", 440.0, "count", False],
    ]


def test_a_month_a_quarter_and_a_year_ending_in_march_are_three_figures(path):
    with Store.open(path, read_only=False) as store:
        store.add_load(
            figures(
                ("referrals", "2020-03", 41.0, None, None, False),
                ("referrals", "2020-03", 130.0, None, "quarter", False),
                ("referrals", "2020-03", 520.0, None, "year", True),
            ),
            "2020-03",
            "2020-03.csv",
            "cc",
        )
        store.add_load(figures(("referrals", "2020-03", 131.0, None, "quarter", False)), "2020-04", "late.csv", "dd")
        view = store.values(as_at="2020-04").set_index(["period", "span"], drop=False)
        revisions = store.revisions("2020-04", since="2020-03")
    assert view["value"].tolist() == [41.0, 131.0, 520.0]
    assert view["span"].tolist() == [None, "quarter", "year"]
    assert revisions[["span", "previous_value", "value"]].values.tolist() == [["quarter", 130.0, 131.0]]


def test_the_same_figure_twice_in_one_load_is_refused(path):
    with Store.open(path, read_only=False) as store, pytest.raises(StoreError, match="twice"):
        store.add_load(
            figures(("cic", "2020-03", 1.0, "count", None, False), ("cic", "2020-03", 2.0, "count", None, False)),
            "2020-03",
            "x.csv",
            "ee",
        )
