"""Encryption of personal data at rest, with blind indexes for exact lookup.

Values are stored in explicit ciphertext and blind-index columns (never a transparent "encrypted
field"), so that nobody filters on an encrypted column by mistake:

- ciphertext: base64 of  version(1) | key id(4) | nonce(12) | ciphertext+tag, sealed with
  AES-256-GCM (default) or SM4-GCM (`LIANFANG_CIPHER=sm4-gcm`, for 商用密码 assessments). The
  column name is the associated data, so a value cannot be moved to another column.
- blind index: HMAC-SHA256 (or HMAC-SM3) of the normalised value under a separate derived key.

Both keys are derived from LIANFANG_DATA_KEY (HKDF), which lives in the environment only.
`LIANFANG_DATA_KEY_PREVIOUS` keeps old ciphertexts readable while `lianfang rotate_data_key`
re-encrypts them.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = 1
AES_GCM = "aes-256-gcm"
SM4_GCM = "sm4-gcm"
_TAG = 16


class DecryptionError(Exception):
    """A ciphertext that no configured key opens, or that was altered."""


@dataclass(frozen=True)
class DataKey:
    algorithm: str
    key_id: bytes
    encryption_key: bytes
    index_key: bytes

    @classmethod
    def derive(cls, material: str, algorithm: str) -> DataKey:
        try:
            secret = base64.b64decode(material, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ImproperlyConfigured("LIANFANG_DATA_KEY must be base64 of 32 random bytes.") from error
        if len(secret) < 32:
            raise ImproperlyConfigured("LIANFANG_DATA_KEY must be base64 of at least 32 random bytes.")
        if algorithm not in (AES_GCM, SM4_GCM):
            raise ImproperlyConfigured(f"LIANFANG_CIPHER must be {AES_GCM} or {SM4_GCM}, not {algorithm!r}.")
        length = 32 if algorithm == AES_GCM else 16
        digest = hashes.SHA256() if algorithm == AES_GCM else hashes.SM3()

        def expand(info: bytes, size: int) -> bytes:
            return HKDF(algorithm=digest, length=size, salt=None, info=info).derive(secret)

        return cls(
            algorithm=algorithm,
            key_id=hashlib.sha256(algorithm.encode() + secret).digest()[:4],
            encryption_key=expand(b"lianfang personal data encryption", length),
            index_key=expand(b"lianfang personal data blind index", 32),
        )


@functools.cache
def _keys(current: str, previous: str, algorithm: str) -> tuple[DataKey, ...]:
    keys = [DataKey.derive(current, algorithm)]
    if previous:
        keys.append(DataKey.derive(previous, algorithm))
    return tuple(keys)


def data_keys() -> tuple[DataKey, ...]:
    """The current key first, then the previous one during a rotation."""
    return _keys(settings.DATA_KEY, getattr(settings, "DATA_KEY_PREVIOUS", ""), settings.DATA_CIPHER)


def _seal(key: DataKey, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    if key.algorithm == AES_GCM:
        return AESGCM(key.encryption_key).encrypt(nonce, plaintext, aad)
    encryptor = Cipher(algorithms.SM4(key.encryption_key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag


def _open(key: DataKey, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    if key.algorithm == AES_GCM:
        return AESGCM(key.encryption_key).decrypt(nonce, sealed, aad)
    decryptor = Cipher(algorithms.SM4(key.encryption_key), modes.GCM(nonce, sealed[-_TAG:])).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(sealed[:-_TAG]) + decryptor.finalize()


def encrypt_bytes(data: bytes, *, purpose: str) -> bytes:
    """Seal bytes under the current key; `purpose` (a column's or a file kind's name) is the
    associated data, so that a ciphertext cannot be moved to another use."""
    key = data_keys()[0]
    nonce = os.urandom(12)
    return bytes([VERSION]) + key.key_id + nonce + _seal(key, nonce, data, purpose.encode())


def decrypt_bytes(raw: bytes, *, purpose: str) -> bytes:
    if len(raw) < 1 + 4 + 12 + _TAG or raw[0] != VERSION:
        raise DecryptionError("unknown ciphertext format")
    key_id, nonce, sealed = raw[1:5], raw[5:17], raw[17:]
    for key in data_keys():
        if key.key_id == key_id:
            try:
                return _open(key, nonce, sealed, purpose.encode())
            except Exception as error:  # InvalidTag and friends: altered, or moved between columns
                raise DecryptionError("the ciphertext was altered or belongs to another column") from error
    raise DecryptionError("no configured key opens this ciphertext (was the key rotated away?)")


def encrypt(value: str, *, column: str) -> str:
    return base64.b64encode(encrypt_bytes(value.encode(), purpose=column)).decode("ascii")


def decrypt(token: str, *, column: str) -> str:
    try:
        raw = base64.b64decode(token, validate=True)
    except (binascii.Error, ValueError) as error:
        raise DecryptionError("not a ciphertext") from error
    return decrypt_bytes(raw, purpose=column).decode()


def is_current(token: str) -> bool:
    """Was this ciphertext sealed with the current key? (Rotation skips those that were.)"""
    try:
        return base64.b64decode(token)[1:5] == data_keys()[0].key_id
    except (binascii.Error, ValueError):
        return False


def blind_index(value: str, *, column: str, key: DataKey | None = None) -> str:
    """A keyed digest of a normalised value, for exact lookup and de-duplication."""
    key = key or data_keys()[0]
    mac = hmac.HMAC(key.index_key, hashes.SHA256() if key.algorithm == AES_GCM else hashes.SM3())
    mac.update(column.encode() + b"\x00" + value.encode())
    return mac.finalize().hex()
