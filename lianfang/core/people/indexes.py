"""The people registry's blind indexes: a keyed hash of a document number or a mobile number,
the only form in which the database can look a person up by them (the values themselves are
stored encrypted). The registry's writes store them, its searches look them up, key rotation
recomputes them: each from here."""

from __future__ import annotations

from lianfang.core.privacy.cipher import blind_index

# The columns' names bind the ciphertexts and the indexes to what they hold: a phone's index
# never matches a document's, nor a ciphertext of one decrypt as the other.
DOCUMENT_COLUMN = "person.document"
PHONE_COLUMN = "person.phone"


def document_index(document_type: str, number: str) -> str:
    """The blind index of a normalised document number of a type (the same number under another
    type is another document)."""
    return blind_index(f"{document_type}:{number}", column=DOCUMENT_COLUMN)


def phone_index(phone: str) -> str:
    """The blind index of a normalised mobile number."""
    return blind_index(phone, column=PHONE_COLUMN)
