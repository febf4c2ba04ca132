"""Data packs: the office asks for the hospital's annual pack and a branch's 书记述职 pack; the page
shows them being written; the job writes both documents; the Word file opens (python-docx) with
the figures and the year's facts, the PDF opens (pypdf) with its Chinese text; the pack stays
and downloads again; a secretary cannot ask for another branch's or fetch the hospital's."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from models import DataPack
from models.base import local_today
from tests.helpers.pages import csrf, qr_login

pytestmark = pytest.mark.usefixtures("queues")


def test_the_annual_pack_opens_in_word_and_as_pdf(browser, hospital, db_session, make_member, run_jobs):
    for _ in range(5):
        make_member(branch=hospital["cardio"])
    db_session.commit()
    qr_login(browser, "office01")
    page = browser.get("/admin/stats/packs").get_data(as_text=True)
    year = str(local_today().year)
    browser.post(
        "/admin/stats/packs", data={"csrf_token": csrf(page), "kind": "annual", "org_id": "", "year": year}
    )
    browser.post(
        "/admin/stats/packs",
        data={
            "csrf_token": csrf(page),
            "kind": "secretary",
            "org_id": str(hospital["cardio"].id),
            "year": year,
        },
    )
    waiting = browser.get("/admin/stats/packs").get_data(as_text=True)
    assert "正在生成" in waiting and 'http-equiv="refresh"' in waiting
    run_jobs()
    done = browser.get("/admin/stats/packs").get_data(as_text=True)
    assert done.count("已完成") == 2 and "正在生成" not in done
    annual = db_session.scalar(select(DataPack).where(DataPack.kind == "annual"))
    word = browser.get(f"/admin/stats/packs/{annual.id}.docx")
    assert word.status_code == 200 and "attachment" in word.headers["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(word.data)).paragraphs)
    assert f"全院{year}年年度党建工作数据" in text and "党员结构" in text and "口径" in text
    pdf = browser.get(f"/admin/stats/packs/{annual.id}.pdf")
    reader = PdfReader(io.BytesIO(pdf.data))
    words = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 2 and "党员结构" in words and "本期工作" in words
    again = browser.get(f"/admin/stats/packs/{annual.id}.pdf")
    assert again.data == pdf.data  # kept: the same report again
    secretary_pack = db_session.scalar(select(DataPack).where(DataPack.kind == "secretary"))
    sheet = Document(io.BytesIO(browser.get(f"/admin/stats/packs/{secretary_pack.id}.docx").data))
    assert any("支部考核" in p.text for p in sheet.paragraphs)


def test_a_secretary_keeps_to_their_branch(browser, hospital, db_session, run_jobs):
    qr_login(browser, "office01")
    page = browser.get("/admin/stats/packs").get_data(as_text=True)
    year = str(local_today().year)
    browser.post(
        "/admin/stats/packs", data={"csrf_token": csrf(page), "kind": "annual", "org_id": "", "year": year}
    )
    run_jobs()
    annual = db_session.scalar(select(DataPack).where(DataPack.kind == "annual"))
    browser.get("/admin/logout")
    other = browser.__class__(browser.application, browser.response_wrapper)
    qr_login(other, "sec01")
    own = other.get("/admin/stats/packs").get_data(as_text=True)
    assert "全院" not in re.sub(r"<select.*?</select>", "", own, flags=re.S)
    assert other.get(f"/admin/stats/packs/{annual.id}.pdf").status_code == 404
    refused = other.post(
        "/admin/stats/packs",
        data={
            "csrf_token": csrf(own),
            "kind": "annual",
            "org_id": str(hospital["surgeon"].branch_id),
            "year": year,
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "未找到" in refused or "不存在" in refused or "没有" in refused
