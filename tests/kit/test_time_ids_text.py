from datetime import UTC, datetime, timedelta, timezone

import pytest

from goodwill.kit.ids import new_id
from goodwill.kit.text import fold, normalise_email, normalise_handle, normalise_loyalty, normalise_phone
from goodwill.kit.time import parse_instant, require_aware


class TestInstants:
    def test_offset_is_kept_as_the_same_instant_in_utc(self) -> None:
        value = parse_instant("2013-02-08T18:30:00-05:00")
        assert value == datetime(2013, 2, 8, 23, 30, tzinfo=UTC)
        assert value.tzinfo is UTC

    def test_z_suffix_is_utc(self) -> None:
        assert parse_instant("2013-02-08T23:30:00Z") == datetime(2013, 2, 8, 23, 30, tzinfo=UTC)

    def test_time_without_offset_is_refused(self) -> None:
        with pytest.raises(ValueError, match="no timezone offset"):
            parse_instant("2013-02-08T18:30:00")

    def test_garbage_is_refused(self) -> None:
        with pytest.raises(ValueError, match="not an ISO 8601"):
            parse_instant("8 Feb 2013")

    def test_require_aware_converts(self) -> None:
        paris = timezone(timedelta(hours=1))
        assert require_aware(datetime(2024, 1, 1, 12, tzinfo=paris)) == datetime(2024, 1, 1, 11, tzinfo=UTC)


class TestIds:
    def test_ids_are_unique_version_7_and_ordered(self) -> None:
        ids = [new_id() for _ in range(5000)]
        assert len(set(ids)) == len(ids)
        assert all(i.version == 7 for i in ids)
        assert ids == sorted(ids)


class TestIdentityNormalisation:
    def test_email_is_lower_cased_and_trimmed(self) -> None:
        assert normalise_email("  Ana.Ruiz@Example.COM ") == "ana.ruiz@example.com"

    @pytest.mark.parametrize("bad", ["ana", "ana@", "@example.com", "a b@example.com"])
    def test_not_an_email(self, bad: str) -> None:
        with pytest.raises(ValueError, match="email"):
            normalise_email(bad)

    @pytest.mark.parametrize(
        ("raw", "e164"),
        [
            ("(212) 555-0123", "+12125550123"),
            ("+1 212 555 0123", "+12125550123"),
            ("+33 1 42 68 53 00", "+33142685300"),
        ],
    )
    def test_phones_become_e164(self, raw: str, e164: str) -> None:
        assert normalise_phone(raw) == e164

    def test_not_a_phone(self) -> None:
        with pytest.raises(ValueError, match="phone"):
            normalise_phone("12")

    def test_loyalty_and_handle(self) -> None:
        assert normalise_loyalty("tb-1234 5678") == "TB12345678"
        assert normalise_handle("@JetBlueFan") == "@jetbluefan"
        with pytest.raises(ValueError, match="loyalty"):
            normalise_loyalty("x")

    def test_fold_ignores_case_and_accents(self) -> None:
        assert fold("  Zoë Ñúñez ") == "zoe nunez"

    from goodwill.kit.time import spoken_span

    assert spoken_span(timedelta(minutes=45, seconds=59)) == "45 min"
    assert spoken_span(timedelta(hours=3, minutes=5)) == "3 h 05 min"
    assert spoken_span(-timedelta(hours=3, minutes=5)) == "3 h 05 min"
    assert spoken_span(timedelta(days=4, hours=2, minutes=30)) == "4 days 2 h"
