"""Callback encryption and signatures, as WeCom does them (doc 90968).

AES-256-CBC with IV = key[:16] and PKCS#7 padding to 32-byte blocks, over
`random(16) ‖ len(4, big-endian) ‖ message ‖ receive id`; signature
`sha1(sorted(token, timestamp, nonce, encrypt))`. The protocol fixes the IV and SHA-1, so
they are confined to this module. Checked against Tencent's published vectors
(tests/wecom/test_crypto.py, from shared/reference/wecom_vectors.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct

from Crypto.Cipher import AES  # nosec B413 - pycryptodome

BLOCK = 32  # WeCom pads to 32 bytes, not AES's 16: standard unpadders reject pad values 17-32


class CallbackCryptoError(Exception):
    """Base of the typed failures; none carries key material or plaintext."""


class MalformedPayload(CallbackCryptoError):
    pass


class WrongReceiver(CallbackCryptoError):
    """The payload decrypted but names another corp (receive id)."""


class CallbackCrypto:
    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        self.token = token
        self.key = base64.b64decode(encoding_aes_key + "=")
        if len(self.key) != 32:
            raise ValueError("EncodingAESKey must decode to 32 bytes")
        self.receive_id = receive_id

    def signature(self, timestamp: str, nonce: str, encrypt: str) -> str:
        joined = "".join(sorted([self.token, timestamp, nonce, encrypt]))
        return hashlib.sha1(joined.encode()).hexdigest()  # noqa: S324 - wecom-protocol: sha1 (doc 90968)

    def signature_matches(self, signature: str, timestamp: str, nonce: str, encrypt: str) -> bool:
        expected = self.signature(timestamp, nonce, encrypt)
        return hmac.compare_digest(expected.encode(), (signature or "").lower().encode())

    def _cipher(self) -> object:
        # The protocol fixes IV = key[:16] (doc 90968); secrecy rests on the random prefix.
        return AES.new(self.key, AES.MODE_CBC, iv=self.key[:16])

    def encrypt(self, message: str) -> str:
        body = message.encode()
        plain = secrets.token_hex(8).encode() + struct.pack(">I", len(body)) + body + self.receive_id.encode()
        pad = BLOCK - len(plain) % BLOCK
        sealed = self._cipher().encrypt(plain + bytes([pad]) * pad)
        return base64.b64encode(sealed).decode()

    def decrypt(self, encrypt: str) -> str:
        """Return the message; raise MalformedPayload or WrongReceiver."""
        try:
            sealed = base64.b64decode(encrypt, validate=True)
        except ValueError:
            raise MalformedPayload("Encrypt is not base64") from None
        if not sealed or len(sealed) % 16:
            raise MalformedPayload("ciphertext length is not a whole number of blocks")
        plain = self._cipher().decrypt(sealed)
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise MalformedPayload("bad padding")
        content = plain[16:-pad]
        if len(content) < 4:
            raise MalformedPayload("payload too short")
        (length,) = struct.unpack(">I", content[:4])
        if length > len(content) - 4:
            raise MalformedPayload("declared length exceeds payload")
        receiver = content[4 + length :].decode("utf-8", "replace")
        if not hmac.compare_digest(receiver.encode(), self.receive_id.encode()):
            raise WrongReceiver("payload is addressed to another receive id")
        try:
            return content[4 : 4 + length].decode()
        except UnicodeDecodeError:
            raise MalformedPayload("message is not UTF-8") from None

    def envelope(self, message: str, timestamp: str, nonce: str) -> str:
        """The encrypted passive-reply envelope (doc 90241)."""
        encrypt = self.encrypt(message)
        return (
            f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt>"
            f"<MsgSignature><![CDATA[{self.signature(timestamp, nonce, encrypt)}]]></MsgSignature>"
            f"<TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>"
        )
