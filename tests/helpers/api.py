"""What the API tests share: a hospital whose org codes tokens are scoped to."""

from __future__ import annotations

from models import OrgKind


def api_hospital(make_org, make_member, make_person):
    committee = make_org(OrgKind.committee, name="医院党委", code="DWX")
    cardio = make_org(OrgKind.branch, parent=committee, name="心内科党支部", code="XN01")
    ortho = make_org(OrgKind.branch, parent=committee, name="骨科党支部", code="GK01")
    nurse = make_member(branch=cardio, person=make_person(name="李护士", mobile="13912345678"))
    surgeon = make_member(branch=ortho, person=make_person(name="王医生"))
    return {"cardio": cardio, "ortho": ortho, "nurse": nurse, "surgeon": surgeon}
