"""Ciphers and blind indexes: AES-256-GCM by default, SM4-GCM with HMAC-SM3 as a setting."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from lianfang.core.privacy import cipher
from lianfang.core.privacy.masking import age_on, mask_document, mask_phone

KEY = base64.b64encode(bytes(range(32))).decode()
OTHER_KEY = base64.b64encode(bytes(range(1, 33))).decode()


@pytest.fixture(params=[cipher.AES_GCM, cipher.SM4_GCM])
def algorithm(request: Any, settings: Any) -> str:
    settings.DATA_KEY = KEY
    settings.DATA_KEY_PREVIOUS = ""
    settings.DATA_CIPHER = request.param
    return str(request.param)


def test_a_value_comes_back_from_its_ciphertext(algorithm: str) -> None:
    token = cipher.encrypt("410106198506151234", column="person.document")
    assert "410106198506151234" not in token and "1234" not in base64.b64decode(token).decode("latin-1")
    assert cipher.decrypt(token, column="person.document") == "410106198506151234"


def test_each_encryption_uses_a_fresh_nonce(algorithm: str) -> None:
    assert cipher.encrypt("13812345678", column="person.phone") != cipher.encrypt("13812345678", column="person.phone")


def test_a_ciphertext_cannot_be_moved_to_another_column(algorithm: str) -> None:
    token = cipher.encrypt("13812345678", column="person.phone")
    with pytest.raises(cipher.DecryptionError):
        cipher.decrypt(token, column="person.document")


def test_an_altered_ciphertext_is_refused(algorithm: str) -> None:
    raw = bytearray(base64.b64decode(cipher.encrypt("13812345678", column="person.phone")))
    raw[-1] ^= 1
    with pytest.raises(cipher.DecryptionError):
        cipher.decrypt(base64.b64encode(bytes(raw)).decode(), column="person.phone")


def test_the_blind_index_is_stable_keyed_and_per_column(algorithm: str, settings: Any) -> None:
    first = cipher.blind_index("13812345678", column="person.phone")
    assert first == cipher.blind_index("13812345678", column="person.phone")
    assert first != cipher.blind_index("13812345678", column="unit.phone")
    settings.DATA_KEY = OTHER_KEY
    assert first != cipher.blind_index("13812345678", column="person.phone")


def test_sm4_and_aes_differ_and_sm3_indexes_are_used_with_sm4(settings: Any) -> None:
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = KEY, ""
    settings.DATA_CIPHER = cipher.AES_GCM
    aes = cipher.blind_index("x", column="c")
    settings.DATA_CIPHER = cipher.SM4_GCM
    assert cipher.blind_index("x", column="c") != aes
    assert cipher.data_keys()[0].algorithm == cipher.SM4_GCM and len(cipher.data_keys()[0].encryption_key) == 16


def test_sm4_gcm_matches_the_rfc_8998_test_vector() -> None:
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    iv = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plaintext = bytes.fromhex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
        "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
    )
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(iv)).encryptor()
    encryptor.authenticate_additional_data(aad)
    sealed = encryptor.update(plaintext) + encryptor.finalize()
    assert sealed.hex().upper().startswith("17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735")
    assert encryptor.tag.hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"
    key_material = base64.b64encode(key * 2).decode()
    data_key = cipher.DataKey.derive(key_material, cipher.SM4_GCM)
    assert cipher._open(data_key, iv, cipher._seal(data_key, iv, plaintext, aad), aad) == plaintext


def test_the_previous_key_still_opens_old_ciphertexts_during_a_rotation(settings: Any) -> None:
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS, settings.DATA_CIPHER = KEY, "", cipher.AES_GCM
    old = cipher.encrypt("13812345678", column="person.phone")
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = OTHER_KEY, KEY
    assert cipher.decrypt(old, column="person.phone") == "13812345678" and not cipher.is_current(old)
    settings.DATA_KEY_PREVIOUS = ""
    with pytest.raises(cipher.DecryptionError, match="rotated"):
        cipher.decrypt(old, column="person.phone")


def test_a_short_or_malformed_key_is_a_clear_configuration_error(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.DATA_CIPHER = cipher.AES_GCM
    settings.DATA_KEY = base64.b64encode(b"short").decode()
    with pytest.raises(ImproperlyConfigured, match="32"):
        cipher.data_keys()


def test_numbers_are_masked_the_same_way_everywhere() -> None:
    import datetime as dt

    assert mask_document("410106198506151234") == "410***********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert age_on(dt.date(2008, 11, 29), dt.date(2022, 11, 28)) == 13
    assert age_on(dt.date(2008, 11, 28), dt.date(2022, 11, 28)) == 14
