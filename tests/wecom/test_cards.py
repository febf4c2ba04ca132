"""The card builder refuses what WeCom would misrender or what confuses a reader."""

from __future__ import annotations

import pytest

from wecom import cards


def test_a_card_opens_its_details_one_way_only():
    """Tapping the card opens its page; a link button to the same page would be a second way."""
    with pytest.raises(cards.CardError, match="repeats the card's own url"):
        cards.button_interaction(
            title="会议通知",
            task="t1",
            url="https://h/m/meetings/1",
            buttons=[cards.Button("参加", key="a"), cards.Button("详情", url="https://h/m/meetings/1")],
        )
