"""wechatpy as an independent second implementation (a dev dependency only): what it encrypts,
ours decrypts, and the reverse; its JS-SDK signature equals ours. If either side drifts from
WeCom's protocol, the two stop agreeing."""

from __future__ import annotations

import re
import time

import pytest

from wecom.crypto import CallbackCrypto
from wecom.jssdk import signature

wechatpy_crypto = pytest.importorskip("wechatpy.enterprise.crypto", reason="wechatpy is a dev dependency")
wechatpy_jsapi = pytest.importorskip("wechatpy.enterprise.client.api.jsapi")

TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP = "wx5823bf96d3bd56c7"
MESSAGE = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName><![CDATA[nurse01]]></FromUserName>"
    "<CreateTime>1733040000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[帮助 · 签到]]></Content><MsgId>1234567890123456789</MsgId>"
    "<AgentID>1000002</AgentID></xml>"
)


def _field(xml: str, name: str) -> str:
    return re.search(rf"<{name}>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</{name}>", xml).group(1)


def test_what_wechatpy_encrypts_ours_decrypts():
    theirs = wechatpy_crypto.WeChatCrypto(TOKEN, AES_KEY, CORP)
    timestamp, nonce = str(int(time.time())), "1372623149"
    sealed = theirs.encrypt_message(MESSAGE, nonce, timestamp)
    ours = CallbackCrypto(TOKEN, AES_KEY, CORP)
    encrypt = _field(sealed, "Encrypt")
    assert ours.signature_matches(_field(sealed, "MsgSignature"), timestamp, nonce, encrypt)
    assert ours.decrypt(encrypt) == MESSAGE


def test_what_ours_encrypts_wechatpy_decrypts():
    ours = CallbackCrypto(TOKEN, AES_KEY, CORP)
    timestamp, nonce = str(int(time.time())), "5577"
    envelope = ours.envelope(MESSAGE, timestamp, nonce)
    theirs = wechatpy_crypto.WeChatCrypto(TOKEN, AES_KEY, CORP)
    decrypted = theirs.decrypt_message(envelope, _field(envelope, "MsgSignature"), timestamp, nonce)
    assert decrypted == MESSAGE
    # The URL check (echostr): wechatpy verifies our signature and reads our plaintext back.
    echo = ours.encrypt("1616140317555161061")
    assert (
        theirs.check_signature(ours.signature(timestamp, nonce, echo), timestamp, nonce, echo)
        == "1616140317555161061"
    )


def test_a_wrong_signature_is_refused_by_both():
    ours = CallbackCrypto(TOKEN, AES_KEY, CORP)
    envelope = ours.envelope(MESSAGE, "1", "2")
    from wechatpy.exceptions import InvalidSignatureException

    with pytest.raises(InvalidSignatureException):
        wechatpy_crypto.WeChatCrypto(TOKEN, AES_KEY, CORP).decrypt_message(envelope, "0" * 40, "1", "2")
    assert not ours.signature_matches("0" * 40, "1", "2", _field(envelope, "Encrypt"))


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:5000/m/checkin/abc", "https://dj.example.cn/m/meetings/1?x=1&y=中"]
)
def test_the_jssdk_signature_matches_wechatpys(url):
    ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
    ours = signature(ticket, "Wm3WZYTPz0wzccnW", 1414587457, url)
    theirs = wechatpy_jsapi.WeChatJSAPI().get_jsapi_signature("Wm3WZYTPz0wzccnW", ticket, 1414587457, url)
    assert ours == theirs
