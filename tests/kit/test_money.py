from decimal import Decimal

import pytest

from goodwill.kit.money import Money


class TestParse:
    @pytest.mark.parametrize(
        ("amount", "currency", "minor"),
        [
            ("123.45", "USD", 12345),
            ("600", "EUR", 60000),
            ("0.5", "usd", 50),
            ("1000", "JPY", 1000),
            ("1.234", "KWD", 1234),
        ],
    )
    def test_major_units_become_exact_minor_units(self, amount: str, currency: str, minor: int) -> None:
        assert Money.parse(amount, currency) == Money(minor, currency.upper())

    def test_more_decimals_than_the_currency_has_is_refused(self) -> None:
        with pytest.raises(ValueError, match="more decimals than USD allows"):
            Money.parse("1.005", "USD")

    @pytest.mark.parametrize("amount", ["", "abc", "NaN", "Infinity"])
    def test_non_amounts_are_refused(self, amount: str) -> None:
        with pytest.raises(ValueError, match="not an amount"):
            Money.parse(amount, "USD")

    def test_bad_currency_is_refused(self) -> None:
        with pytest.raises(ValueError, match="ISO 4217"):
            Money.parse("1", "dollars")


class TestArithmetic:
    def test_same_currency_adds(self) -> None:
        assert Money(100, "EUR") + Money(250, "EUR") == Money(350, "EUR")
        assert Money(100, "EUR") - Money(250, "EUR") == Money(-150, "EUR")
        assert -Money(5, "EUR") == Money(-5, "EUR")

    def test_different_currencies_do_not_mix(self) -> None:
        with pytest.raises(ValueError, match="cannot combine"):
            _ = Money(100, "EUR") + Money(100, "USD")

    def test_floats_are_not_money(self) -> None:
        with pytest.raises(TypeError):
            Money(1.5, "EUR")  # type: ignore[arg-type]

    def test_major_and_str(self) -> None:
        assert Money(60000, "EUR").major == Decimal("600.00")
        assert str(Money(12345, "USD")) == "123.45 USD"
        assert str(Money(1000, "JPY")) == "1000 JPY"
