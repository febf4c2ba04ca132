"""One registry from what a member did in WeCom to the function that answers it.

Text commands (Chinese keywords with aliases), menu click keys, template-card button keys
(`<action>:<object id>`), and events (enter_agent, change_contact). Route functions live in
wecom/commands.py and friends: they call handlers/ use-cases and return a Reply, or None
for an empty answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy.orm import Session

from handlers import people
from models import Person
from wecom.messages import Inbound


@dataclass(frozen=True)
class Reply:
    """A passive reply: a text message, or an update_button greying the tapped card out."""

    kind: str  #: "text" or "update_button"
    text: str


@dataclass
class CallbackContext:
    inbound: Inbound
    session: Session
    #: What followed a text command's keyword ("请假 夜班" → "夜班"), or a card key's object id.
    argument: str = ""

    @cached_property
    def person(self) -> Person | None:
        """The staff member who sent it, if the directory knows them (looked up when a route asks)."""
        return people.find_by_wecom_userid(self.session, self.inbound.from_user)

    @property
    def is_staff(self) -> bool:
        """Whether the directory knows the sender — for a reply's wording only (帮助 adds a line
        for strangers), never for a decision: a route that acts uses `person`. Answered from a
        short per-process memory, so the commonest message costs no database round trip."""
        if "person" in self.__dict__:
            return self.person is not None
        return KNOWN_SENDERS.known(self.inbound.from_user, lambda: self.person is not None)


class KnownSenders:
    """userid → known to the directory, remembered for `ttl` seconds in this process. A member
    synced a moment ago may read the stranger's line of 帮助 for up to a minute; nothing else
    rests on it."""

    def __init__(self, ttl: float = 60.0, size: int = 50_000) -> None:
        self.ttl, self.size = ttl, size
        self._seen: dict[str, tuple[bool, float]] = {}
        self._lock = threading.Lock()

    def known(self, userid: str, look_up: Callable[[], bool]) -> bool:
        now = time.monotonic()
        with self._lock:
            cached = self._seen.get(userid)
        if cached is not None and cached[1] > now:
            return cached[0]
        known = look_up()
        with self._lock:
            if len(self._seen) >= self.size:
                self._seen.clear()
            self._seen[userid] = (known, now + self.ttl)
        return known


KNOWN_SENDERS = KnownSenders()


RouteFn = Callable[[CallbackContext], Reply | None]


@dataclass(frozen=True)
class Route:
    fn: RouteFn
    #: Routes that change stored state get a database receipt in the same transaction, so a
    #: retried callback that slipped past the Redis dedupe still has exactly one effect.
    writes: bool = False
    help: str = ""
    name: str = ""


@dataclass
class Router:
    commands: dict[str, Route] = field(default_factory=dict)
    command_order: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)
    menu_clicks: dict[str, Route] = field(default_factory=dict)
    card_actions: dict[str, Route] = field(default_factory=dict)
    events: dict[str, Route] = field(default_factory=dict)
    fallback: Route | None = None

    def command(
        self, keyword: str, *aliases: str, help: str, writes: bool = False
    ) -> Callable[[RouteFn], RouteFn]:
        def register(fn: RouteFn) -> RouteFn:
            route = Route(fn, writes, help, keyword)
            for word in (keyword, *aliases):
                if word.lower() in self.commands:
                    raise ValueError(f"text command {word!r} registered twice")
                self.commands[word.lower()] = route
            self.command_order.append((keyword, aliases, help))
            return fn

        return register

    def card_action(self, action: str, *, writes: bool = True) -> Callable[[RouteFn], RouteFn]:
        def register(fn: RouteFn) -> RouteFn:
            self.card_actions[action] = Route(fn, writes, name=action)
            return fn

        return register

    def menu_click(self, key: str, *, writes: bool = False) -> Callable[[RouteFn], RouteFn]:
        def register(fn: RouteFn) -> RouteFn:
            self.menu_clicks[key] = Route(fn, writes, name=key)
            return fn

        return register

    def on_event(self, event: str, *, writes: bool = False) -> Callable[[RouteFn], RouteFn]:
        def register(fn: RouteFn) -> RouteFn:
            self.events[event.lower()] = Route(fn, writes, name=event)
            return fn

        return register

    def on_unknown_text(self, fn: RouteFn) -> RouteFn:
        self.fallback = Route(fn, name="fallback")
        return fn

    def resolve(self, inbound: Inbound) -> tuple[Route, str] | None:
        """The route for a callback and its argument, or None when nothing answers it."""
        if inbound.msg_type == "text":
            text = (inbound.content or "").strip()
            keyword, _, rest = text.partition(" ")
            route = self.commands.get(keyword.lower())
            if route:
                return route, rest.strip()
            return (self.fallback, text) if self.fallback else None
        if inbound.msg_type != "event" or not inbound.event:
            return None
        if inbound.event in ("template_card_event", "template_card_menu_event"):
            action, _, object_id = (inbound.event_key or "").partition(":")
            route = self.card_actions.get(action)
            return (route, object_id) if route else None
        if inbound.event == "click":
            route = self.menu_clicks.get(inbound.event_key or "")
            return (route, "") if route else None
        route = self.events.get(inbound.event)
        return (route, "") if route else None

    def help_lines(self) -> list[str]:
        lines = []
        for keyword, aliases, help_text in self.command_order:
            if help_text:
                alias = (
                    f"（或{'、'.join(a for a in aliases if not a.isascii())}）"
                    if any(not a.isascii() for a in aliases)
                    else ""
                )
                lines.append(f"【{keyword}】{alias}{help_text}")
        return lines


#: The app's one router: each feature's chat routes register on it; wecom/commands.py lists them.
router = Router()
