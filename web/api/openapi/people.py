"""Schemas of orgs and members."""

from __future__ import annotations

from handlers.archive.vocabulary import DEGREES, EDUCATION, ETHNICITIES, GENDERS, JOB_POSTS, TECHNICAL_TITLES

ORG = {
    "type": "object",
    "required": ["id", "code", "name", "kind", "parent_id"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "code": {"type": "string"},
        "name": {"type": "string"},
        "kind": {"type": "string", "enum": ["committee", "general_branch", "branch", "group"]},
        "parent_id": {"type": ["string", "null"], "format": "uuid"},
    },
}


def _choice(values: tuple[str, ...], description: str) -> dict:
    return {"type": ["string", "null"], "enum": [*values, None], "description": description}


_DATE = {"type": ["string", "null"], "format": "date"}
#: The archive's plain fields (党员档案), worded as the national system words them.
ARCHIVE = {
    "gender": _choice(GENDERS, "性别"),
    "native_place": {"type": ["string", "null"], "maxLength": 60, "description": "籍贯"},
    "education": _choice(EDUCATION, "学历"),
    "degree": _choice(DEGREES, "学位"),
    "job_post": _choice(JOB_POSTS, "岗位"),
    "technical_title": _choice(TECHNICAL_TITLES, "技术职称"),
    "applied_on": {**_DATE, "description": "申请入党日期"},
    "full_on": {**_DATE, "description": "转正日期"},
    "party_post": {"type": ["string", "null"], "maxLength": 60, "description": "党内职务"},
    "is_mobile": {"type": "boolean", "description": "是否流动党员"},
    "lost_contact": {"type": "boolean", "description": "是否失联"},
    "lost_contact_on": {**_DATE, "description": "失联日期"},
}

MEMBER = {
    "type": "object",
    "required": ["id", "name", "wecom_userid", "status", "branch_id", "joined_on", "active"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "wecom_userid": {"type": "string"},
        "status": {"type": "string", "enum": ["full", "probationary"]},
        "branch_id": {
            "type": ["string", "null"],
            "format": "uuid",
            "description": "组织关系所在支部；null 表示组织关系在外单位、在本院参加组织生活",
        },
        "record_org_name": {"type": ["string", "null"], "description": "外单位党员的组织关系所在党组织"},
        "joined_on": {"type": ["string", "null"], "format": "date"},
        "active": {"type": "boolean", "description": "false: left the WeCom directory (record kept)"},
        **ARCHIVE,
        "id_number_masked": {"type": "string"},
        "mobile_masked": {"type": "string"},
        "ethnicity_masked": {"type": "string", "description": "民族（敏感信息，只返回是否已填写）"},
        "birth_date_masked": {"type": "string", "description": "出生日期（只返回年份）"},
    },
}


MEMBER_CREATE = {
    "type": "object",
    "required": ["wecom_userid", "name", "branch_id"],
    "properties": {
        "wecom_userid": {"type": "string"},
        "name": {"type": "string"},
        "branch_id": {"type": "string", "format": "uuid"},
        "status": {"type": "string", "enum": ["full", "probationary"], "default": "full"},
        "id_number": {"type": "string", "description": "居民身份证号（加密存储，响应中只返回打码值）"},
        "mobile": {"type": "string"},
        "joined_on": {"type": "string", "format": "date"},
        "shift_group": {"type": "string"},
    },
}


MEMBER_UPDATE = {
    "type": "object",
    "properties": {
        "shift_group": {"type": "string"},
        "joined_on": {"type": ["string", "null"], "format": "date"},
        **ARCHIVE,
        "ethnicity": _choice(ETHNICITIES, "民族（加密存储，响应中不返回）"),
        "birth_date": {**_DATE, "description": "出生日期（加密存储，响应中只返回年份）"},
    },
}


ORG_CREATE = {
    "type": "object",
    "required": ["parent_id", "kind", "code", "name"],
    "properties": {
        "parent_id": {"type": "string", "format": "uuid"},
        "kind": ORG["properties"]["kind"],
        "code": {"type": "string"},
        "name": {"type": "string"},
    },
}


ORG_UPDATE = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
