"""Money as integer minor units plus an ISO 4217 currency; never a float."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

# Minor-unit exponents for the currencies an airline meets most; ISO 4217 default is 2.
_EXPONENTS: dict[str, int] = {
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
    "CLP": 0,
    "VND": 0,
    "KWD": 3,
    "BHD": 3,
    "JOD": 3,
    "OMR": 3,
}
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def exponent(currency: str) -> int:
    """Number of decimals in the currency's minor unit."""
    return _EXPONENTS.get(currency, 2)


_CHECKED: dict[str, str] = {}  # codes seen, as checked (a storm checks the same few a million times)


def check_currency(code: str) -> str:
    """Return the upper-cased ISO 4217 code or raise ValueError."""
    known = _CHECKED.get(code)
    if known is not None:
        return known
    value = code.strip().upper()
    if not _CURRENCY.match(value):
        raise ValueError(f"not an ISO 4217 currency code: {code!r}")
    if len(_CHECKED) < 1024:
        _CHECKED[code] = value
    return value


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError("Money.minor must be an int of minor units")
        check_currency(self.currency)

    @classmethod
    def parse(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Parse a major-unit amount such as "123.45" exactly; refuses more decimals than the currency has."""
        cur = check_currency(currency)
        try:
            value = Decimal(str(amount).strip())
        except InvalidOperation as exc:
            raise ValueError(f"not an amount: {amount!r}") from exc
        if not value.is_finite():
            raise ValueError(f"not an amount: {amount!r}")
        scaled = value.scaleb(exponent(cur))
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{amount!r} has more decimals than {cur} allows")
        return cls(int(scaled.to_integral_value(rounding=ROUND_HALF_EVEN)), cur)

    @property
    def major(self) -> Decimal:
        return Decimal(self.minor).scaleb(-exponent(self.currency))

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    def __str__(self) -> str:
        return f"{self.major:.{exponent(self.currency)}f} {self.currency}"
