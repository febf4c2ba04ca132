"""Console identities: who may enter /admin/, and the break-glass local administrator.

Staff log in to the console with WeCom (QR login); only people holding a console role get
in. One local account, created at the shell, covers the day WeCom login is unavailable: its
password is scrypt-hashed (memory-hard), five wrong passwords lock it for 15 minutes, and
every attempt, failed or not, is in the audit trail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers import audit, people
from handlers.errors import Conflict, DomainError, Forbidden, ValidationFailed
from handlers.policy import Actor, load_actor
from handlers.validation import require_text
from models import LocalAccount, Person, Role, RoleGrant
from models.base import utcnow

#: Roles that open the console; a member with none of them uses the H5 app only.
CONSOLE_ROLES = frozenset(
    {
        Role.group_leader,
        Role.secretary,
        Role.organizer,
        Role.committee_office,
        Role.sysadmin,
        Role.security_officer,
        Role.auditor,
    }
)
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
#: scrypt cost: 2**15 × 8 × 128 bytes = 32 MiB per guess (OWASP's minimum is 2**17 with r=8,
#: p=1 at 128 MiB; 32 MiB keeps a login under a tenth of a second on the console's host).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


class LoginRefused(DomainError):
    status = 401
    code = "login_refused"
    message = "用户名或密码不正确。"


class AccountLocked(DomainError):
    status = 429
    code = "account_locked"
    message = "密码错误次数过多，账号已锁定 15 分钟。"


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"
    message = "登录尝试过于频繁，请 15 分钟后再试。"


def throttled(*, username: str, source_ip: str | None) -> DomainError:
    """The refusal for an address over its login allowance (web/throttle.py), audited."""
    attempt = Actor(kind="anonymous", id=None, label=f"本地登录:{username[:40]}", source_ip=source_ip)
    return _refusal(TooManyAttempts(), attempt, None, "throttled")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=64 * 1024 * 1024
    )
    return "$".join(
        [
            "scrypt",
            str(SCRYPT_N),
            str(SCRYPT_R),
            str(SCRYPT_P),
            base64.b64encode(salt).decode(),
            base64.b64encode(digest).decode(),
        ]
    )


def password_matches(password: str, stored: str) -> bool:
    scheme, n, r, p, salt, expected = stored.split("$")
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), maxmem=64 * 1024 * 1024
    )
    return hmac.compare_digest(digest, base64.b64decode(expected))


def has_console_role(actor: Actor) -> bool:
    return any(grant.role in CONSOLE_ROLES for grant in actor.grants)


def console_actor(session: Session, person: Person, source_ip: str | None) -> Actor:
    """The actor for a console login; refused (and audited) without a console role."""
    actor = load_actor(session, person, source_ip=source_ip)
    if not person.is_active or not has_console_role(actor):
        raise Forbidden("您没有党建管理后台的权限。如需开通，请联系党委组织部。").audited_as(
            actor, "console.login", object_type="person", object_id=person.id
        )
    return actor


def create_admin(session: Session, actor: Actor, *, username: str, name: str, password: str) -> LocalAccount:
    """The break-glass administrator: a staff record holding the sysadmin role, and its login."""
    if actor.kind != "cli":
        raise Forbidden("本地管理员只能在服务器命令行创建。")
    username = require_text(username, "username", "用户名", max_length=64)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(f"密码至少 {MIN_PASSWORD_LENGTH} 位。", field="password")
    if session.scalar(select(LocalAccount.id).where(LocalAccount.username == username)):
        raise Conflict(f"用户名 {username} 已存在。", field="username")
    person = people.create_person(session, actor, wecom_userid=f"local:{username}", name=name)
    session.add(RoleGrant(person_id=person.id, role=Role.sysadmin, org_id=None, granted_by=actor.label))
    account = LocalAccount(username=username, person_id=person.id, password_hash=hash_password(password))
    session.add(account)
    session.flush()
    audit.record(session, actor, "console.create_admin", object_type="person", object_id=person.id)
    return account


class AttemptCounter(Protocol):
    """An atomic counter shared by every process (web/throttle.py keeps it in Redis): counting
    there, not in the request's transaction, is what makes simultaneous guesses see each other."""

    def take(self, key: str) -> int:
        """Count one attempt under `key` in the current window; the count including it."""
        ...

    def give_back(self, key: str) -> None:
        """Return one attempt (a right password does not count against the limit)."""
        ...


def authenticate_local(
    session: Session, *, username: str, password: str, source_ip: str | None, attempts: AttemptCounter
) -> Person:
    """Check a local login; every outcome is audited. A refusal carries its audit line and, for
    the last allowed wrong password, the lock: the commit point keeps them after rolling back.

    Each attempt is counted before its password is checked, atomically (`attempts`), and a right
    password gives its count back: however many guesses arrive together, at most MAX_FAILURES
    wrong passwords are checked in a window before the lock, and a right password that comes
    after them is refused like the wrong ones."""
    attempt = Actor(kind="anonymous", id=None, label=f"本地登录:{username[:40]}", source_ip=source_ip)
    account = session.scalar(select(LocalAccount).where(LocalAccount.username == username))
    now = utcnow()
    if account is None:
        hash_password(password)  # same cost as a real check: no timing oracle for usernames
        raise _refusal(LoginRefused(), attempt, None, "unknown user")
    account_id, person_id = account.id, account.person_id
    if account.locked_until and account.locked_until > now:
        raise _refusal(AccountLocked(), attempt, person_id, "locked")
    counted = attempts.take(f"local-account:{account_id}")
    if counted > MAX_FAILURES:  # the others in flight took every check this window allows
        raise _refusal(AccountLocked(), attempt, person_id, "locked")
    if not password_matches(password, account.password_hash):
        locks = counted >= MAX_FAILURES
        refusal = AccountLocked() if locks else LoginRefused()
        reason = "wrong password: locked for 15 minutes" if locks else "wrong password"
        raise _refusal(refusal, attempt, person_id, reason).recorded_by(
            lambda kept: _count_failure(kept, account_id, now, lock=locks)
        )
    attempts.give_back(f"local-account:{account_id}")
    account.failed_attempts = 0
    account.locked_until = None
    account.last_login_at = now
    _attempted(session, attempt, person_id, None)
    return session.get(Person, person_id)


def _count_failure(session: Session, account_id: uuid.UUID, now: datetime, *, lock: bool) -> None:
    """One more wrong password on the row (shown to the administrator); the last allowed one
    locks the account for LOCKOUT, in the database, whatever happens to the counter."""
    account = session.get(LocalAccount, account_id, with_for_update=True)
    account.failed_attempts += 1
    if lock:
        account.locked_until = now + LOCKOUT
        account.failed_attempts = 0


def _refusal(error: DomainError, attempt: Actor, person_id: uuid.UUID | None, reason: str) -> DomainError:
    return error.recorded_by(lambda session: _attempted(session, attempt, person_id, reason))


def _attempted(session: Session, attempt: Actor, person_id: uuid.UUID | None, refusal: str | None) -> None:
    audit.record(
        session,
        attempt,
        "console.login_local",
        object_type="person" if person_id else None,
        object_id=person_id,
        result="denied" if refusal else "ok",
        detail={"reason": refusal} if refusal else None,
    )
