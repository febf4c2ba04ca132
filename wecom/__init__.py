"""Everything on WeCom's wire and nothing else: callback crypto, the callback blueprint, the
router, the API client, card builders, OAuth silent login, JS-SDK signatures, directory sync,
and `wecom/emulator/`, a local WeCom speaking the real protocol.

Built by the issue "WeCom boundary and its local twin"; models/ and handlers/ never import it.
"""
