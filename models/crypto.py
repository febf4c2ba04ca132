"""Field-level encryption of sensitive personal data, and blind indexes for exact look-ups.

Design (shared/reference/security-notes.md §1):

* AEAD only: AES-256-GCM by default, SM4-GCM for keys marked `sm4` where a hospital needs
  商用密码 (both pyca/cryptography; SM4 checked against RFC 8998 A.1 at start). AES-GCM was
  pycryptodome's until the 数据中心 decrypted 10,000 values a figure: its per-call overhead was
  ~100 µs against ~5 µs here; the stored format is the same, so old values read unchanged.
* A fresh random 96-bit nonce per value (passed explicitly: the format fixes it at 12 bytes).
* Stored form `v1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>`. The prefix is not
  authenticated by GCM, so the key id is also inside the associated data
  `table|column|row id|key id|v1`: a value copied into another row or column fails.
* Key ring: the first key encrypts, every key decrypts. Rotation re-encrypts under the
  active key; a key is retired only when no value uses it (`flask keys`).
* Blind index: HMAC-SHA256 under a key derived (HKDF) from the encrypting key for this one
  column, over a normalised value, truncated to the planner's bit length, so equal values
  collide on purpose and candidates are confirmed by decrypting.
"""

from __future__ import annotations

import base64
import hmac
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from hashlib import sha256
from typing import Any, Generic, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from settings import RETIRED, FieldKey

FORMAT_VERSION = "v1"
NONCE_BYTES = 12
TAG_BYTES = 16

#: DESIGN.md's scale: one hospital group has up to about 20,000 staff. Blind indexes are sized
#: for it once; resizing means recomputing every index (`flask keys rotate --reindex`).
DESIGN_POPULATION = 20_000


class FieldCryptoError(Exception):
    """A sensitive value cannot be read; the message names the column and the key id."""


class FieldKeyMissing(FieldCryptoError):
    pass


class FieldTampered(FieldCryptoError):
    pass


class SelfTestFailed(Exception):
    pass


# --- ciphers ------------------------------------------------------------------------------


def _aes_gcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    return AESGCM(key).encrypt(nonce, plaintext, aad)  # ciphertext ‖ 16-byte tag


def _aes_gcm_decrypt(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    return AESGCM(key).decrypt(nonce, sealed, aad)  # InvalidTag when altered or moved


def _sm4_gcm_encrypt(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag


def _sm4_gcm_decrypt(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, sealed[-TAG_BYTES:])).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(sealed[:-TAG_BYTES]) + decryptor.finalize()


CIPHERS: dict[str, tuple[Callable[..., bytes], Callable[..., bytes]]] = {
    "aes-256-gcm": (_aes_gcm_encrypt, _aes_gcm_decrypt),
    "sm4-gcm": (_sm4_gcm_encrypt, _sm4_gcm_decrypt),
}

# RFC 8998 Appendix A.1 (SM4-GCM). A distro OpenSSL without SM4-GCM, or a broken build, must
# stop the app before it writes a single value it could not read back elsewhere.
_RFC8998_KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
_RFC8998_IV = bytes.fromhex("00001234567800000000ABCD")
_RFC8998_AAD = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
_RFC8998_PT = bytes.fromhex(
    "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
    "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
)
_RFC8998_SEALED = bytes.fromhex(
    "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
    "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    "83DE3541E4C2B58177E065A9BF7B62EC"
)


def sm4_self_test() -> None:
    """Run the RFC 8998 known-answer test; raise SelfTestFailed if SM4-GCM is wrong or absent."""
    try:
        sealed = _sm4_gcm_encrypt(_RFC8998_KEY, _RFC8998_IV, _RFC8998_PT, _RFC8998_AAD)
        opened = _sm4_gcm_decrypt(_RFC8998_KEY, _RFC8998_IV, sealed, _RFC8998_AAD)
    except Exception as exc:  # UnsupportedAlgorithm from an OpenSSL without SM4
        raise SelfTestFailed(f"SM4-GCM is not available: {exc}") from exc
    if sealed != _RFC8998_SEALED or opened != _RFC8998_PT:
        raise SelfTestFailed("SM4-GCM does not reproduce the RFC 8998 A.1 vector")


# --- key ring -----------------------------------------------------------------------------


class Keyring:
    """The keys in force: the first encrypts, all decrypt; and the ids retired from it."""

    def __init__(self, keys: Iterable[FieldKey]) -> None:
        given = list(keys)
        #: Ids retired from the ring (no key is kept for them): never issued again.
        self.retired = [k for k in given if k.algorithm == RETIRED]
        self.keys = [k for k in given if k.algorithm != RETIRED]
        if not self.keys:
            raise ValueError("a key ring needs at least one key")
        self._by_id = {k.key_id: k for k in self.keys}
        if any(k.algorithm == "sm4-gcm" for k in self.keys):
            sm4_self_test()

    @property
    def active(self) -> FieldKey:
        return self.keys[0]

    def get(self, key_id: str) -> FieldKey | None:
        return self._by_id.get(key_id)

    def __repr__(self) -> str:
        return f"Keyring(active={self.active.key_id!r}, ids={[k.key_id for k in self.keys]!r})"

    @property
    def all_ids(self) -> set[str]:
        """Every id the ring has ever held: in force or retired."""
        return {k.key_id for k in self.keys} | {k.key_id for k in self.retired}


_installed: Keyring | None = None


def install_keyring(keyring: Keyring) -> None:
    """Make `keyring` the one models use (create_app calls this; so does `flask keys`)."""
    global _installed
    _installed = keyring


def current_keyring() -> Keyring:
    if _installed is None:
        raise RuntimeError("no field-encryption key ring installed; create the app first")
    return _installed


def _aad(table: str, column: str, row_id: Any, key_id: str) -> bytes:
    return f"{table}|{column}|{row_id}|{key_id}|{FORMAT_VERSION}".encode()


def encrypt_value(keyring: Keyring, table: str, column: str, row_id: Any, plaintext: str) -> str:
    key = keyring.active
    nonce = os.urandom(NONCE_BYTES)
    encrypt, _ = CIPHERS[key.algorithm]
    sealed = encrypt(key.secret, nonce, plaintext.encode(), _aad(table, column, row_id, key.key_id))
    return f"{FORMAT_VERSION}:{key.key_id}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(stored: str) -> str:
    """The key id a stored value was written with (without decrypting it)."""
    version, key_id, _ = _split(stored, "?")
    return key_id


def _split(stored: str, where: str) -> tuple[str, str, str]:
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] != FORMAT_VERSION:
        raise FieldTampered(f"{where}: 不是可识别的密文格式 (not a {FORMAT_VERSION} ciphertext)")
    return parts[0], parts[1], parts[2]


def decrypt_value(keyring: Keyring, table: str, column: str, row_id: Any, stored: str) -> str:
    where = f"{table}.{column}"
    _, key_id, body = _split(stored, where)
    key = keyring.get(key_id)
    if key is None:
        raise FieldKeyMissing(
            f"{where} (row {row_id}) was encrypted with key id {key_id!r}, which is not in "
            f"FIELD_KEYS; restore that key from the key backup"
        )
    try:
        raw = base64.b64decode(body, validate=True)
    except ValueError:
        raise FieldTampered(f"{where} (row {row_id}, key id {key_id!r}): ciphertext is not base64") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise FieldTampered(f"{where} (row {row_id}, key id {key_id!r}): ciphertext is truncated")
    _, decrypt = CIPHERS[key.algorithm]
    try:
        plain = decrypt(key.secret, raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(table, column, row_id, key_id))
    except InvalidTag:
        raise FieldTampered(
            f"{where} (row {row_id}, key id {key_id!r}): authentication failed — the value was "
            f"altered or copied from another row or column"
        ) from None
    return plain.decode()


# --- blind indexes ------------------------------------------------------------------------


def planner_bit_range(population: int) -> tuple[int, int]:
    """CipherSweet's planner: the safe range of index bits for a population.

    Coincidences are population / 2**bits. The shortest useful index keeps coincidences
    ≤ √population; the longest safe one keeps at least 2, so a match never singles out a row.
    """
    population = max(population, 4)
    low = math.ceil(math.log2(math.sqrt(population)))
    high = math.floor(math.log2(population / 2))
    return low, max(low, high)


BLIND_INDEX_BITS = planner_bit_range(DESIGN_POPULATION)[1]


@lru_cache(maxsize=256)
def _index_key(secret: bytes, table: str, column: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"dangjian|blind-index|{table}|{column}".encode(),
    ).derive(secret)


def blind_index(key: FieldKey, table: str, column: str, normalised: str, bits: int = BLIND_INDEX_BITS) -> int:
    digest = hmac.new(_index_key(key.secret, table, column), normalised.encode(), sha256).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - bits)


def blind_index_candidates(keyring: Keyring, table: str, column: str, normalised: str) -> list[int]:
    """Index values to search for: one per key, since rows move to a new key during rotation."""
    return sorted({blind_index(k, table, column, normalised) for k in keyring.keys})


# --- the model-side descriptor --------------------------------------------------------------

T = TypeVar("T")


@dataclass(frozen=True)
class Codec(Generic[T]):
    to_text: Callable[[T], str]
    from_text: Callable[[str], T]


TEXT: Codec[str] = Codec(str, str)


class EncryptedField(Generic[T]):
    """A sensitive attribute stored as `<name>_ciphertext` (and `<name>_bidx` if searchable).

    Reading decrypts, writing encrypts under the active key with the row id in the
    associated data. Declare the two columns on the model next to the field.
    """

    def __init__(self, codec: Codec[T] = TEXT, normalise: Callable[[str], str] | None = None) -> None:
        self.codec = codec
        self.normalise = normalise  # set → the field has a blind index for exact look-ups

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.column = f"{name}_ciphertext"
        self.index_column = f"{name}_bidx" if self.normalise else None
        ENCRYPTED_FIELDS.append((owner, self))

    def table(self, obj: Any) -> str:
        return obj.__tablename__

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        stored = getattr(obj, self.column)
        if stored is None:
            return None
        return self.codec.from_text(
            decrypt_value(current_keyring(), self.table(obj), self.name, obj.id, stored)
        )

    def __set__(self, obj: Any, value: T | None) -> None:
        self._write(obj, value, current_keyring())

    def _write(self, obj: Any, value: T | None, keyring: Keyring) -> None:
        if value is None:
            setattr(obj, self.column, None)
            if self.index_column:
                setattr(obj, self.index_column, None)
            return
        text = self.codec.to_text(value)
        setattr(obj, self.column, encrypt_value(keyring, self.table(obj), self.name, obj.id, text))
        if self.normalise and self.index_column:
            index = blind_index(keyring.active, self.table(obj), self.name, self.normalise(text))
            setattr(obj, self.index_column, index)

    def candidates(self, owner: type, value: str) -> list[int]:
        assert self.normalise is not None, f"{self.name} has no blind index"
        return blind_index_candidates(
            current_keyring(), owner.__tablename__, self.name, self.normalise(value)
        )

    def matches(self, obj: Any, value: str) -> bool:
        """Confirm a blind-index candidate by decrypting (indexes collide on purpose)."""
        assert self.normalise is not None
        current = getattr(obj, self.column)
        if current is None:
            return False
        return self.normalise(self.codec.to_text(self.__get__(obj))) == self.normalise(value)

    def needs_reencrypt(self, obj: Any, keyring: Keyring) -> bool:
        stored = getattr(obj, self.column)
        return stored is not None and key_id_of(stored) != keyring.active.key_id

    def reencrypt(self, obj: Any, keyring: Keyring) -> None:
        """Decrypt with whichever key wrote the value; write it again under `keyring`'s active key."""
        stored = getattr(obj, self.column)
        plain = decrypt_value(keyring, self.table(obj), self.name, obj.id, stored)
        self._write(obj, self.codec.from_text(plain), keyring)


#: Every encrypted field of every model, for rotation, the at-rest checks and the audit of reveals.
ENCRYPTED_FIELDS: list[tuple[type, EncryptedField[Any]]] = []
