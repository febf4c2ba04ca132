"""Schemas of orgs and members."""

from __future__ import annotations

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


MEMBER = {
    "type": "object",
    "required": ["id", "name", "wecom_userid", "status", "branch_id", "joined_on", "active"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "wecom_userid": {"type": "string"},
        "status": {"type": "string", "enum": ["full", "probationary"]},
        "branch_id": {"type": "string", "format": "uuid"},
        "joined_on": {"type": ["string", "null"], "format": "date"},
        "active": {"type": "boolean", "description": "false: left the WeCom directory (record kept)"},
        "id_number_masked": {"type": "string"},
        "mobile_masked": {"type": "string"},
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
