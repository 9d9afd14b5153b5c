"""What a table cell shows of a figure: marks, a second figure, words, notes, quarter and year columns."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from cpblib.present import pages
from cpblib.present.figures import Cell, benchmark_text, notes
from cpblib.project import Project

SMALL = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "small-project"


def with_columns(pack, *pages_: str, extra: pd.DataFrame | None = None):
    """The pack with quarter and year columns on ``pages_`` and, optionally, more figures in its history."""
    calendar = pack.config.calendar.model_copy(update={"quarter_and_year_columns": list(pages_)})
    project = Project(pack.project.root, pack.config.model_copy(update={"calendar": calendar}))
    inputs = pack.inputs
    if extra is not None:
        inputs = dataclasses.replace(inputs, values=pd.concat([inputs.values, extra], ignore_index=True))
    return dataclasses.replace(pack, project=project, inputs=inputs)


def test_a_cell_prints_marks_words_and_a_second_figure():
    assert Cell(58.0, provisional=True).text("percent", 1) == "58.0% (p)"
    assert Cell(np.nan, reason="awaiting data").text("percent", 1) == "awaiting data"
    assert Cell(np.nan, reason="suppressed (c): confidential or small number").text("count", 0) == "–"
    assert Cell(64.55, second=486.0).text("rate_per_10000", 1, "count") == "486 (64.6 per 10,000)"
    assert Cell(57.0, rolled_up=True).text("count", 0) == "57 (r)"


def test_a_benchmark_cell_shows_the_benchmark_of_each_figure():
    row = pd.Series({"unit": "rate_per_10000", "decimals": 1, "second_figure": "count", "england_value": 70.0,
                     "england_year": "2021-22", "england_second_value": 82170.0, "england_second_year": "2021-22"})  # fmt: skip
    assert benchmark_text(row, "england") == "70.0 per 10,000 (2021-22); 82,170 (2021-22)"
    alone = row.drop(["second_figure", "england_second_value"])
    assert benchmark_text(alone, "england") == "70.0 (2021-22)"


def test_notes_explain_every_mark_and_give_a_provisional_figure_its_note():
    shown = [("EET", "Mar 23", Cell(58.0, provisional=True, note="To be checked <soon>")), ("IHA", "Mar 23", Cell())]
    text = notes(None, None, shown)
    assert text.startswith("Key: \\(p\\) provisional")
    assert "- EET, Mar 23: To be checked \\<soon\\>" in text  # escaped for Markdown
    assert notes(None, None, [("IHA", "Mar 23", Cell(50.0))]) is None


def test_quarter_and_year_columns_are_shown_when_asked_and_say_which_are_rolled_up(small_pack):
    plain = pages.appendix_table(small_pack, "Profile")
    assert "Q4 2022/23" not in plain.columns
    given = pd.DataFrame({"indicator": ["cic-starts"], "period": ["2022-12"], "value": [58.0], "span": ["quarter"]})
    table = pages.appendix_table(with_columns(small_pack, "appendix", extra=given), "Profile").set_index("Indicator")
    after = list(table.columns).index("Mar 23")
    assert list(table.columns[after + 1 : after + 4]) == ["Q3 2022/23", "Q4 2022/23", "2022/23"]
    starts = table.loc["Children who started to be in care in the month"]
    assert (starts["Q3 2022/23"], starts["Q4 2022/23"], starts["2022/23"]) == ("58", "16 (r)", "–")
    assert table.loc["Children in care at end of month", "Q4 2022/23"] == "437 (r)"


def test_the_domain_table_shows_the_latest_quarter_and_year_when_asked(small_pack):
    table = pages.domain_table(with_columns(small_pack, "domains"), "Profile")
    assert {"Q4 2022/23", "2022/23"} <= set(table.columns)
    assert "Q3 2022/23" not in table.columns


def test_a_provisional_figure_and_words_reach_the_domain_table_and_its_notes(small_pack, monkeypatch):
    values = small_pack.inputs.values.copy()
    latest = (values["indicator"] == "cic-number") & (values["period"] == "2023-03")
    blank = (values["indicator"] == "dental-check") & (values["period"] == "2023-03")
    values.loc[latest, ["provisional", "note"]] = [True, "Count before the March audit"]
    values.loc[blank, ["value", "missing_reason"]] = [np.nan, "awaiting data"]
    pack = dataclasses.replace(small_pack, inputs=dataclasses.replace(small_pack.inputs, values=values))
    table = pages.domain_table(pack, "Profile").set_index("Indicator")
    assert table.loc["Children in care at end of month", "Latest"] == "437 (p)"
    shown = []
    monkeypatch.setattr(pages, "_display", lambda bundle, *rest, **options: shown.append(bundle))
    pages.show_domain_table(pack, "Profile")
    text = " ".join(b.get("text/markdown", "") for b in shown)
    assert "Key: \\(p\\) provisional" in text and "Count before the March audit" in text
    health = pages.domain_table(pack, "Health & Emotional Wellbeing").set_index("Indicator")
    dental = next(i for i in health.index if i.startswith("% children in care 12 months"))
    assert health.loc[dental, "Latest"] == "awaiting data"


def test_a_quarter_cpb_could_not_roll_up_shows_no_words():
    cell = Cell(np.nan, reason="2 of 3 periods of the quarter have a figure", rolled_up=True)
    assert cell.text("count", 0) == "–"
    assert notes(None, None, [("Starts", "Q4 2019/20", cell)]) is None
