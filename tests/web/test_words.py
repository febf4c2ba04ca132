"""No English on any page a user sees (issue 17): every console and H5 page reachable by links in
the demo hospital — as the committee office, a branch secretary and a member — is read as text,
and a Latin word outside the allowlist (product names, units, file formats) fails the test, with
the page it was on. Codes (org codes, 工号, ids) carry digits and are not words."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from demo import seed_demo
from models import Member, PartyOrg, Role, RoleGrant
from tests.helpers.pages import login, qr_login

pytestmark = pytest.mark.usefixtures("queues")

#: Latin that belongs on a Chinese page: file formats and units people know by these names.
#: Compared without case (.csv and CSV are the same name).
ALLOWED = {
    "PDF",
    "JPG",
    "PNG",
    "MP4",
    "WEBM",
    "MP3",
    "M4A",
    "OGG",
    "WAV",
    "CSV",
    "XLSX",
    "EXCEL",
    "WORD",
    "KB",
    "MB",
}
#: A quiz's answer letters (答案：AC) are choices, not words.
ANSWER = re.compile(r"[A-J]{2,10}")
#: Links not to follow: downloads, sign-out, and the emulator (WeCom's own pages).
SKIP = re.compile(r"/(export|template|logout|media|covers|attachments)|\.(csv|xlsx|docx|json)\b|/_emulator")
WORD = re.compile(r"[A-Za-z][A-Za-z]+")
PAGES_PER_ROLE = 120


def visible_text(page: str) -> str:
    """What a person reads: no scripts, styles, tags or attribute values (titles included)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    title = " ".join(re.findall(r'\b(?:title|placeholder|aria-label)="([^"]*)"', page))
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(f"{text} {title}")


def latin_words(text: str, codes: set[str] = frozenset()) -> set[str]:
    """The Latin words in `text`, less the allowlist and the data's own codes (org codes)."""
    words = set()
    for token in re.findall(r"[A-Za-z0-9_.\-@:/]+", text):
        if any(c.isdigit() for c in token) or "/" in token or "@" in token:
            continue  # a code, an id, a path or an address, not a word
        words |= {
            w
            for w in WORD.findall(token)
            if w.upper() not in ALLOWED and w not in codes and not ANSWER.fullmatch(w)
        }
    return words


def crawl(client, start: str, prefix: str, codes: set[str]) -> dict[str, set[str]]:
    """Follow the links inside `prefix` from `start`; the Latin words found on each page."""
    seen, queue, found, shapes = set(), [start], {}, {start}
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or not response.mimetype.startswith("text/html"):
            continue
        page = response.get_data(as_text=True)
        words = latin_words(visible_text(page), codes)
        if words:
            found[path] = words
        for href in re.findall(r'href="([^"#]+)"', page):
            target = urlsplit(html.unescape(href))
            link = target.path + (f"?{target.query}" if target.query else "")
            if target.netloc or not target.path.startswith(prefix) or SKIP.search(link):
                continue
            # One page per route is enough: ids differ, words do not.
            shape = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "ID", link.split("?")[0])
            if shape not in shapes:
                shapes.add(shape)
                queue.append(link)
    return found


@pytest.fixture
def demo(db_session):
    seed_demo(db_session, seed=17)
    db_session.commit()

    def holder(role: Role) -> str:
        grant = db_session.scalars(select(RoleGrant).where(RoleGrant.role == role)).first()
        return grant.person.wecom_userid

    member = db_session.scalars(select(Member).where(Member.left_at.is_(None))).first()
    return {
        "codes": set(db_session.scalars(select(PartyOrg.code))),
        "office": holder(Role.committee_office),
        "secretary": holder(Role.secretary),
        "member": member.person.wecom_userid,
    }


def test_no_english_on_any_console_or_phone_page(app, emulator, db_session, demo):
    from cli.demo import load_emulator_directory

    with app.app_context():
        load_emulator_directory(app)
    found = {}
    for role in ("office", "secretary"):
        console = app.test_client()
        qr_login(console, demo[role])
        found |= {f"{role} {p}": w for p, w in crawl(console, "/admin/", "/admin/", demo["codes"]).items()}
    for role in ("secretary", "member"):
        phone = app.test_client()
        login(phone, demo[role], "/m/")
        found |= {f"{role} {p}": w for p, w in crawl(phone, "/m/", "/m/", demo["codes"]).items()}
    assert found == {}, "\n".join(
        f"{page}: {' '.join(sorted(words))}" for page, words in sorted(found.items())
    )


def test_the_emulator_guides_whoever_tries_the_demo(app, emulator, db_session, demo):
    """The staff list names each account's post and highlights the one chosen; WeCom's QR login
    page names the accounts that open the console (issue 17, the demo as a guided tour)."""
    import requests

    from cli.demo import _demo_roles
    from wecom.emulator.directory import load_directory

    staff = db_session.scalars(select(Member).order_by(Member.created_at, Member.id)).all()[:30]
    office = db_session.scalars(select(RoleGrant).where(RoleGrant.role == Role.committee_office)).first()
    people = [m.person for m in staff] + [office.person]
    load_directory(
        emulator.state,
        [{"id": 1, "name": "医院", "parentid": 0}],
        [
            {"userid": p.wecom_userid, "name": p.name, "department": [1], "position": p.position or ""}
            for p in people
        ],
    )
    emulator.state.demo_roles = _demo_roles(db_session)
    chat = requests.get(f"{emulator.url}/", params={"user": demo["secretary"]}, timeout=10).text
    assert '<span class="role">支部书记' in chat and '<span class="role">党委组织部' in chat
    assert 'class="current" aria-current="true"' in chat
    scan = requests.get(
        f"{emulator.url}/wwlogin/sso/login",
        params={
            "login_type": "CorpApp",
            "appid": emulator.state.corp_id,
            "agentid": emulator.state.agent_id,
            "redirect_uri": "http://127.0.0.1/admin/login/wecom/return",
            "state": "s",
        },  # fmt: skip
        timeout=10,
    ).text
    assert f"<code>{demo['office']}</code></a> 党委组织部" in scan and "可登录管理后台的演示账号" in scan
