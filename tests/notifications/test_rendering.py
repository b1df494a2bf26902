"""Rendering and the sending policy, pure: what each passenger reads, and whether, where and when it goes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from goodwill.kit.money import Money
from goodwill.notifications import policy, rendering
from goodwill.notifications.policy import Address, Outcome, Recipient
from goodwill.notifications.rendering import EventInfo, FlightInfo, MessageContext, Owed, VoucherInfo

NY = ZoneInfo("America/New_York")


def _context(template: str = "disruption_cancellation", language: str = "en", **extra: object) -> MessageContext:
    values: dict[str, object] = {
        "template": template,
        "language": language,
        "first_name": "Ana",
        "flight": FlightInfo("B6 101", "JFK", "New York", "BOS", "Boston", datetime(2026, 2, 14, 10, 0, tzinfo=NY)),
        "event": EventInfo(template.removeprefix("disruption_"), "weather", departure_delay_minutes=200,
                           tarmac_minutes=190),
        "owed": (
            Owed("compensation", "eu261", "Regulation (EC) 261/2004, Art. 7(1)(b)", Money(40000, "EUR"), "cash"),
            Owed("care", "eu261", "Regulation (EC) 261/2004, Art. 9", care=("meals", "hotel")),
        ),
        "vouchers": (VoucherInfo("GW-7KQ4-MZ2P", Money(5000, "USD"), "credit", date(2027, 2, 14)),),
    }  # fmt: skip
    return MessageContext(**(values | extra))  # type: ignore[arg-type]


EVENTS = [
    "cancellation", "delay", "diversion", "tarmac_delay", "denied_boarding", "bag_mishandled", "reinstatement",
]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "es", "fr"])
@pytest.mark.parametrize("event", EVENTS)
def test_every_event_type_is_written_in_every_language(event: str, language: str) -> None:
    written = rendering.render(_context(f"disruption_{event}", language))
    assert written.language == language
    assert written.template == f"disruption_{event}"
    assert "B6 101" in written.subject
    assert "Ana" in written.body
    assert "GW-7KQ4-MZ2P" in written.body
    assert "261/2004" in written.body
    assert "Ana" in written.short
    assert len(written.short) <= rendering.SHORT_LIMIT
    assert "{{" not in written.body
    assert "\n\n\n" not in written.body


def test_amounts_and_times_read_as_each_language_writes_them() -> None:
    assert "€400.00" in rendering.render(_context()).body
    assert "400,00 €" in rendering.render(_context(language="es")).body
    fr = rendering.render(_context(language="fr")).body
    assert "400,00 €" in fr
    assert "samedi 14 février à 10h00" in fr


def test_a_language_we_do_not_write_falls_back_to_english() -> None:
    assert rendering.render(_context(language="de-AT")).language == "en"
    assert rendering.language_of("es-MX") == "es"


def test_a_wish_and_a_top_tier_are_acknowledged() -> None:
    body = rendering.render(_context(tier="gold", wish_occasion="honeymoon", case_reference="C-0000042")).body
    assert "your honeymoon" in body
    assert "As a Gold member" in body
    assert "C-0000042" in body
    plain = rendering.render(_context()).body
    assert "member" not in plain
    assert "honeymoon" not in plain


def test_an_unknown_template_sends_the_stored_words() -> None:
    written = rendering.render(_context("survey_invitation", stored_subject="How was it?", stored_body="Tell us."))
    assert (written.subject, written.body, written.template) == ("How was it?", "Tell us.", None)


def test_an_agents_answer_is_framed() -> None:
    written = rendering.render(
        _context("case_reply", language="es", stored_body="Su maleta llega esta noche.", case_reference="C-0000007")
    )
    assert written.body.startswith("Hola, Ana:")
    assert "Su maleta llega esta noche." in written.body
    assert "C-0000007" in written.body


# ---- policy ----------------------------------------------------------------------------------------------

NOON = datetime(2026, 2, 14, 17, 0, tzinfo=UTC)  # 12:00 in New York
EMAIL = Address("email", "ana@example.com", "i1")
PHONE = Address("sms", "+12125550101", "i2")


def _recipient(**extra: object) -> Recipient:
    values: dict[str, object] = {"addresses": {"email": EMAIL, "sms": PHONE}, "timezone": "America/New_York"}
    return Recipient(**(values | extra))  # type: ignore[arg-type]


def test_service_email_needs_no_recorded_yes_but_texts_do() -> None:
    decided = policy.decide(kind="disruption.delay", asked_channel="sms", recipient=_recipient(), now=NOON)
    assert (decided.outcome, decided.channel) == (Outcome.SEND, "email")
    texts = _recipient(consents={("sms", "service"): True})
    assert policy.decide(kind="disruption.delay", asked_channel="sms", recipient=texts, now=NOON).channel == "sms"


def test_a_refusal_and_a_bounce_close_their_channel() -> None:
    refused = _recipient(consents={("email", "service"): False})
    decided = policy.decide(kind="disruption.delay", asked_channel="email", recipient=refused, now=NOON)
    assert decided.outcome is Outcome.SUPPRESS
    assert decided.reason == "email:no_consent sms:no_consent push:no_address"
    bounced = _recipient(addresses={"email": Address("email", "x@example.com", "i1", bounced=True)})
    assert policy.decide(kind="case.reply", asked_channel="email", recipient=bounced, now=NOON).reason == (
        "email:bounced sms:no_address push:no_address"
    )


def test_opting_out_stops_surveys_not_service() -> None:
    out = _recipient(preferences={"messages": "none"})
    assert policy.decide(kind="survey.invitation", asked_channel="email", recipient=out, now=NOON).reason == "opted_out"
    assert (
        policy.decide(kind="disruption.delay", asked_channel="email", recipient=out, now=NOON).outcome is Outcome.SEND
    )


@pytest.mark.parametrize(
    ("local", "until"),
    [
        (time(23, 30), datetime(2026, 2, 15, 12, 0, tzinfo=UTC)),
        (time(3, 0), datetime(2026, 2, 14, 12, 0, tzinfo=UTC)),
        (time(7, 0), None),
        (time(21, 59), None),
    ],
    ids=["late-evening", "small-hours", "end-of-quiet", "before-quiet"],
)
def test_quiet_hours_are_the_passengers_local_night(local: time, until: datetime | None) -> None:
    now = datetime.combine(date(2026, 2, 14), local, tzinfo=NY).astimezone(UTC)
    assert policy.quiet_until(policy.DEFAULT_QUIET, timezone="America/New_York", now=now) == until


def test_texts_wait_out_the_night_unless_the_flight_is_soon_and_email_never_waits() -> None:
    night = datetime(2026, 2, 14, 4, 0, tzinfo=UTC)  # 23:00 in New York
    texts = _recipient(consents={("sms", "service"): True}, preferences={"channel": "sms"})
    far = policy.decide(kind="disruption.delay", asked_channel="sms", recipient=texts, now=night,
                        departs_at=night + timedelta(days=2))  # fmt: skip
    assert far.outcome is Outcome.DEFER
    assert far.not_before == datetime(2026, 2, 14, 12, 0, tzinfo=UTC)
    soon = policy.decide(kind="disruption.delay", asked_channel="sms", recipient=texts, now=night,
                         departs_at=night + timedelta(hours=6))  # fmt: skip
    assert soon.outcome is Outcome.SEND
    mail = policy.decide(kind="disruption.delay", asked_channel="email", recipient=_recipient(), now=night)
    assert mail.outcome is Outcome.SEND
