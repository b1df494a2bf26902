"""Table-driven tests per regime: each row names the article it checks. Built from the rules, not the cases."""

# ruff: noqa: E501 - one row per case reads best

from __future__ import annotations

import pytest

from goodwill.kit.money import Money
from goodwill.recovery.facts import CauseClass, Event
from tests.recovery.helpers import disruption, facts, paid, under

C, W, S = CauseClass.CONTROLLABLE, CauseClass.WEATHER, CauseClass.SAFETY


# ---- EU261 ------------------------------------------------------------------------------------------------

EU = [
    # (why: the article, disruption, compensation paid or None)
    ("Art 7(1)(a) Sturgeon: 3h00 at arrival, 1,500 km or less", disruption("CDG-BCN", carrier="AF", delay=180), "250.00 EUR cash"),
    ("Sturgeon: 2h59 is not 3 hours", disruption("CDG-BCN", carrier="AF", delay=179), None),
    ("Art 7(1)(b): intra-EU over 1,500 km", disruption("AMS-OPO", carrier="KL", delay=200), "400.00 EUR cash"),
    ("Art 7(1)(b): intra-EU over 3,500 km stays at 400 (Paris-Reunion)", disruption("CDG-RUN", carrier="AF", delay=300), "400.00 EUR cash"),
    ("Art 7(1)(c): non-EU destination over 3,500 km, 4 h or more", disruption("FRA-JFK", carrier="LH", delay=240), "600.00 EUR cash"),
    ("Art 7(2)(c) Sturgeon para 63: over 3,500 km, 3 to 4 h, halved", disruption("FRA-JFK", carrier="LH", delay=239), "300.00 EUR cash"),
    ("Art 5(3) recital 14: weather is extraordinary", disruption("MUC-FCO", carrier="LH", cause=W, delay=360), None),
    ("Wallentin-Hermann C-549/07: technical (safety) problems are not extraordinary", disruption("MUC-FCO", carrier="LH", cause=S, delay=200), "250.00 EUR cash"),
    ("Art 3(1)(b): non-EU carrier into the EU is not covered", disruption("EWR-FRA", carrier="UA", delay=300), None),
    ("Art 3(1)(a): any carrier from the EU", disruption("FRA-EWR", carrier="UA", delay=300), "600.00 EUR cash"),
    ("Art 3(1)(b): EU carrier into the EU", disruption("JFK-FRA", carrier="LH", delay=270), "600.00 EUR cash"),
    ("Folkerts C-11/11: delay at the final destination, distance origin to end",
     disruption("HAM-FRA-JFK", carrier="LH", delay=50, arrival_delay=300, missed_connection=True), "600.00 EUR cash"),
    ("Art 5(1)(c)(i): cancelled 14 days or more ahead: nothing", disruption("CDG-BCN", carrier="AF", event=Event.CANCELLATION, notice_hours=15 * 24), None),
    ("Art 5(1)(c)(ii): 7-14 days, re-route within the window: nothing",
     disruption("CDG-BCN", carrier="AF", event=Event.CANCELLATION, notice_hours=10 * 24, reroute_departs_minutes=-90, reroute_arrives_minutes=210), None),
    ("Art 5(1)(c)(ii): 7-14 days, re-route arrives 4 h late: paid",
     disruption("CDG-BCN", carrier="AF", event=Event.CANCELLATION, notice_hours=10 * 24, reroute_departs_minutes=240, reroute_arrives_minutes=240), "250.00 EUR cash"),
    ("Art 5(1)(c)(iii) and 7(2)(a): under 7 days, re-route 61 min early, arrives within 2 h: halved",
     disruption("CDG-BCN", carrier="AF", event=Event.CANCELLATION, notice_hours=48, reroute_departs_minutes=-61, reroute_arrives_minutes=100), "125.00 EUR cash"),
    ("Art 5(1)(c): no notice and no re-route known: full compensation", disruption("FRA-TLV", carrier="LH", event=Event.CANCELLATION), "400.00 EUR cash"),
    ("Art 4(3): denied boarding has no extraordinary defence", disruption("CDG-ATH", carrier="AF", event=Event.DENIED_BOARDING, cause=W, arrival_delay=300), "400.00 EUR cash"),
    ("Art 2(j): volunteers are not denied boarding", disruption("CDG-ATH", carrier="AF", event=Event.DENIED_BOARDING, arrival_delay=300, voluntary=True), None),
]  # fmt: skip


@pytest.mark.parametrize(("why", "d", "expected"), EU, ids=[row[0] for row in EU])
def test_eu261_compensation(why: str, d: object, expected: str | None) -> None:
    assert paid("eu261", d) == expected, why  # type: ignore[arg-type]


def test_eu261_care_follows_the_band_thresholds_of_art_6() -> None:
    # Art 6(1)(a)/(b)/(c): 2 h, 3 h, 4 h by distance; care is owed in extraordinary circumstances too.
    assert under("eu261", disruption("CDG-BCN", carrier="AF", delay=120, cause=W)).care == {"meals", "communication"}
    assert under("eu261", disruption("CDG-BCN", carrier="AF", delay=119)).care == frozenset()
    assert under("eu261", disruption("CDG-ATH", carrier="AF", delay=179)).care == frozenset()
    assert under("eu261", disruption("FRA-JFK", carrier="LH", delay=239)).care == frozenset()
    assert under("eu261", disruption("FRA-JFK", carrier="LH", delay=240)).care == {"meals", "communication"}


def test_eu261_hotel_when_the_new_departure_is_the_next_day() -> None:
    # Art 6(1)(ii) with Art 9(1)(b),(c): a 21:00 departure delayed 4 h leaves the next day.
    late = disruption("CDG-BCN", carrier="AF", departs="2025-06-01T21:00", delay=240)
    assert facts(late)["next_day"] is True
    assert under("eu261", late).care == {"meals", "communication", "hotel", "hotel_transport"}
    early = disruption("CDG-BCN", carrier="AF", departs="2025-06-01T09:00", delay=240)
    assert under("eu261", early).care == {"meals", "communication"}


def test_eu261_refund_from_five_hours_of_departure_delay() -> None:
    # Art 6(1)(iii) with Art 8(1)(a).
    assert under("eu261", disruption("FRA-EWR", carrier="UA", delay=300)).rights == {"refund"}
    assert under("eu261", disruption("FRA-EWR", carrier="UA", delay=299)).rights == frozenset()
    cancelled = under("eu261", disruption("CDG-BCN", carrier="AF", event=Event.CANCELLATION, cause=W))
    assert cancelled.rights == {"refund", "rebooking"}
    assert cancelled.compensation is None


# ---- UK261 ------------------------------------------------------------------------------------------------

UK = [
    ("UK261 Art 7(1)(a)", disruption("LHR-CDG", carrier="BA", delay=200), "220.00 GBP cash"),
    ("UK261 Art 7(1)(b): 1,500-3,500 km", disruption("LHR-BEY", carrier="BA", delay=210), "350.00 GBP cash"),
    ("UK261 Art 7(1)(c) and 7(2)(c): over 3,500 km, 3-4 h halved", disruption("LHR-CAI", carrier="BA", delay=210), "260.00 GBP cash"),
    ("UK261 Art 7(1)(c): over 3,500 km, 4 h", disruption("LHR-CAI", carrier="BA", delay=255), "520.00 GBP cash"),
    ("UK261 Art 3(1)(b): an EU carrier into the UK", disruption("MAD-LHR", carrier="IB", delay=210), "220.00 GBP cash"),
    ("UK261 Art 3: a US carrier into the UK is not covered", disruption("EWR-LHR", carrier="UA", delay=330), None),
    ("UK261 Art 5(3): weather", disruption("LHR-ATH", carrier="BA", cause=W, delay=240), None),
]  # fmt: skip


@pytest.mark.parametrize(("why", "d", "expected"), UK, ids=[row[0] for row in UK])
def test_uk261_compensation(why: str, d: object, expected: str | None) -> None:
    assert paid("uk261", d) == expected, why  # type: ignore[arg-type]


def test_uk261_did_not_exist_before_2021() -> None:
    before = under("uk261", disruption("LHR-CDG", carrier="BA", delay=200, departs="2020-06-01T09:00"))
    assert not before.scope.applies
    assert "not in force" in before.scope.reason


# ---- APPR -------------------------------------------------------------------------------------------------

APPR = [
    ("s.19(1)(a): large carrier, 3 h", disruption("YYZ-YVR", carrier="AC", delay=180, informed_hours_before_departure=1), "400.00 CAD cash"),
    ("s.19(1)(a): under 3 h", disruption("YYZ-YVR", carrier="AC", delay=179, informed_hours_before_departure=1), None),
    ("s.19(1)(a): 6 h", disruption("YYZ-YVR", carrier="AC", delay=360, informed_hours_before_departure=1), "700.00 CAD cash"),
    ("s.19(1)(a): 9 h", disruption("YYZ-YVR", carrier="AC", delay=540, informed_hours_before_departure=1), "1000.00 CAD cash"),
    ("s.19(1)(b): small carrier, 6 h", disruption("YYZ-YVR", carrier="AC", delay=400, carrier_overrides={"size": "small"}), "250.00 CAD cash"),
    ("s.19: required for safety pays nothing", disruption("YUL-YYZ", carrier="AC", cause=S, delay=300), None),
    ("s.19: outside control pays nothing", disruption("YYC-YYZ", carrier="WS", cause=W, delay=480), None),
    ("s.19 with s.12: told more than 14 days ahead", disruption("YYZ-YUL", carrier="AC", event=Event.CANCELLATION, notice_hours=20 * 24, reroute_arrives_minutes=400), None),
    ("s.19: a cancellation told 3 days ahead, arriving 6 h 40 late", disruption("YYZ-YUL", carrier="AC", event=Event.CANCELLATION, notice_hours=72, reroute_arrives_minutes=400), "700.00 CAD cash"),
    ("s.19(2): refund chosen instead of travel", disruption("YYZ-YUL", carrier="AC", event=Event.CANCELLATION, notice_hours=5, refund_chosen=True), "400.00 CAD cash"),
    ("s.20: denied boarding, under 6 h", disruption("YUL-YYZ", carrier="AC", event=Event.DENIED_BOARDING, arrival_delay=240), "900.00 CAD cash"),
    ("s.20: denied boarding, 9 h", disruption("YUL-YYZ", carrier="AC", event=Event.DENIED_BOARDING, arrival_delay=600), "2400.00 CAD cash"),
    ("s.2: a foreign carrier from Canada", disruption("YVR-FRA", carrier="LH", delay=260, informed_hours_before_departure=2), "400.00 CAD cash"),
]  # fmt: skip


@pytest.mark.parametrize(("why", "d", "expected"), APPR, ids=[row[0] for row in APPR])
def test_appr_compensation(why: str, d: object, expected: str | None) -> None:
    assert paid("appr", d) == expected, why  # type: ignore[arg-type]


def test_appr_treatment_needs_short_notice_and_a_two_hour_wait() -> None:
    # s.14(1): told under 12 h before departure and waited 2 h; s.14(2): overnight, a hotel.
    told_late = disruption("YUL-YYZ", carrier="AC", delay=130, informed_hours_before_departure=1)
    assert under("appr", told_late).care == {"meals", "communication"}
    told_early = disruption("YUL-YYZ", carrier="AC", delay=130, informed_hours_before_departure=13)
    assert under("appr", told_early).care == frozenset()
    weather = disruption("YUL-YYZ", carrier="AC", delay=300, cause=W, informed_hours_before_departure=1)
    assert under("appr", weather).care == frozenset()
    assert under("appr", weather).rights == {"rebooking"}  # s.18: rebooking; the refund is conditional
    overnight = disruption(
        "YUL-YYZ", carrier="AC", departs="2025-08-10T17:00", delay=600, informed_hours_before_departure=0
    )
    assert under("appr", overnight).care == {"meals", "communication", "hotel", "hotel_transport"}
    until_midnight = disruption(
        "YUL-YYZ", carrier="AC", departs="2025-08-10T17:00", delay=420, informed_hours_before_departure=0
    )
    assert "hotel" not in under("appr", until_midnight).care


def test_appr_tarmac_care_at_a_canadian_airport() -> None:
    # s.8: lavatories, ventilation, food and drink, communication, whatever the cause.
    d = disruption("YYZ-YVR", carrier="AC", event=Event.TARMAC_DELAY, cause=W, delay=200, tarmac_minutes=180)
    assert under("appr", d).care == {"lavatory", "ventilation", "meals", "communication"}


# ---- US DOT -----------------------------------------------------------------------------------------------

US = [
    ("250.5(a)(2): domestic, 1-2 h, 200%", disruption("ATL-LGA", carrier="DL", event=Event.DENIED_BOARDING, arrival_delay=90, fare="156"), "312.00 USD cash"),
    ("250.5(a)(3): domestic, exactly 2 h, 400%", disruption("JFK-MCO", event=Event.DENIED_BOARDING, arrival_delay=120, fare="200"), "800.00 USD cash"),
    ("250.5(a)(3): capped at $2,150 from 2025-01-22", disruption("ATL-LGA", carrier="DL", event=Event.DENIED_BOARDING, arrival_delay=180, fare="650"), "2150.00 USD cash"),
    ("250.5(a)(3): capped at $1,550 in 2024", disruption("ATL-LGA", carrier="DL", event=Event.DENIED_BOARDING, arrival_delay=180, fare="650", departs="2024-06-01T09:00"), "1550.00 USD cash"),
    ("250.5(a)(3): capped at $1,350 in 2019", disruption("ATL-LGA", carrier="DL", event=Event.DENIED_BOARDING, arrival_delay=180, fare="650", departs="2019-06-01T09:00"), "1350.00 USD cash"),
    ("250.5(b)(2): international, 3 h is 200%, cap $1,075", disruption("JFK-CDG", carrier="DL", event=Event.DENIED_BOARDING, arrival_delay=180, fare="700"), "1075.00 USD cash"),
    ("250.5: one hour or less, nothing", disruption("DCA-ORD", carrier="AA", event=Event.DENIED_BOARDING, arrival_delay=45, fare="220"), None),
    ("250.5: no alternate offered, 400%", disruption("DCA-ORD", carrier="AA", event=Event.DENIED_BOARDING, fare="220"), "880.00 USD cash"),
    ("250.2: Part 250 covers US airports only", disruption("LHR-JFK", carrier="BA", event=Event.DENIED_BOARDING, arrival_delay=210, fare="800"), None),
    ("No US cash compensation for delays", disruption("JFK-MCO", delay=600), None),
    ("260.5: domestic bag 12 h or more late: the fee back", disruption("JFK-LAX", event=Event.BAG_DELAYED, bag_delay_hours=13, bag_report_filed=True, bag_fee_paid=Money.parse("35", "USD")), "35.00 USD cash"),
]  # fmt: skip


@pytest.mark.parametrize(("why", "d", "expected"), US, ids=[row[0] for row in US])
def test_us_dot_compensation(why: str, d: object, expected: str | None) -> None:
    assert paid("us_dot", d) == expected, why  # type: ignore[arg-type]


def test_us_dot_refund_for_significant_delays_from_october_2024() -> None:
    # 260.2/260.6: 3 h domestic, 6 h international; in force from 2024-10-28.
    assert under("us_dot", disruption("ATL-LGA", carrier="DL", delay=180)).rights == {"refund"}
    assert under("us_dot", disruption("DFW-ORD", carrier="AA", delay=170)).rights == frozenset()
    assert under("us_dot", disruption("EWR-LHR", carrier="UA", delay=330)).rights == frozenset()
    assert under("us_dot", disruption("SFO-NRT", carrier="UA", delay=390)).rights == {"refund"}
    before = disruption("ATL-LGA", carrier="DL", delay=240, departs="2024-10-27T09:00")
    assert under("us_dot", before).rights == frozenset()


def test_us_dot_tarmac_care() -> None:
    # 259.4(b): lavatories and medical attention; food and water by 2 h.
    short = disruption("DCA-ORD", carrier="AA", event=Event.TARMAC_DELAY, tarmac_minutes=90, tarmac_phase="departure")
    assert under("us_dot", short).care == {"lavatory", "medical", "status_updates"}
    long = disruption("DCA-ORD", carrier="AA", event=Event.TARMAC_DELAY, tarmac_minutes=190, tarmac_phase="departure")
    assert "meals" in under("us_dot", long).care


# ---- JetBlue ----------------------------------------------------------------------------------------------

JETBLUE_2007 = [
    ("2007 bill: departure delay 1-1:59 h, $25", disruption("JFK-BOS", delay=90, departs="2007-03-01T09:00"), "25.00 USD voucher"),
    ("2007 bill: departure delay 2-3:59 h, $50", disruption("JFK-BOS", delay=150, departs="2007-03-01T09:00"), "50.00 USD voucher"),
    ("2007 bill: departure delay 6 h, round trip (one-way doubled)", disruption("JFK-BOS", delay=400, fare="99", departs="2007-03-01T09:00"), "198.00 USD voucher"),
    ("2007 bill: only a Controllable Irregularity", disruption("JFK-BOS", delay=400, cause=W, fare="99", departs="2007-03-01T09:00"), None),
    ("2007 bill: departure ground delay 3-4 h beats the departure-delay credit", disruption("JFK-BUF", event=Event.TARMAC_DELAY, delay=210, tarmac_minutes=210, tarmac_phase="departure", departs="2007-03-01T09:00"), "100.00 USD voucher"),
    ("2007 bill: arrival ground delay 2-3 h, one-way fare", disruption("FLL-JFK", event=Event.TARMAC_DELAY, tarmac_minutes=150, tarmac_phase="arrival", fare="149", departs="2007-03-01T09:00"), "149.00 USD voucher"),
    ("2007 bill: involuntary denied boarding, $1,000", disruption("FLL-JFK", event=Event.DENIED_BOARDING, arrival_delay=210, departs="2007-08-12T18:00"), "1000.00 USD cash"),
    ("2007 bill: another carrier's flight", disruption("JFK-MCO", carrier="DL", delay=400, departs="2007-03-01T09:00"), None),
]  # fmt: skip


@pytest.mark.parametrize(("why", "d", "expected"), JETBLUE_2007, ids=[row[0] for row in JETBLUE_2007])
def test_jetblue_2007(why: str, d: object, expected: str | None) -> None:
    assert paid("jetblue_cbor_2007", d) == expected, why  # type: ignore[arg-type]


JETBLUE_NOW = [
    ("cancelled within 4 h, no alternate within 1 h: $50 credit", disruption("BOS-MCO", event=Event.CANCELLATION, notice_hours=3, alternate_within_minutes=180), "50.00 USD credit"),
    ("cancelled after departure: $100 credit", disruption("JFK-MCO", event=Event.CANCELLATION, notice_hours=-0.5), "100.00 USD credit"),
    ("an alternate within 1 hour: no credit", disruption("JFK-MCO", event=Event.CANCELLATION, notice_hours=2, alternate_within_minutes=45), None),
    ("6 hours ahead: no credit", disruption("FLL-BOS", event=Event.CANCELLATION, notice_hours=6), None),
    ("weather: no credit", disruption("BOS-FLL", event=Event.CANCELLATION, notice_hours=1, cause=W), None),
]  # fmt: skip


@pytest.mark.parametrize(("why", "d", "expected"), JETBLUE_NOW, ids=[row[0] for row in JETBLUE_NOW])
def test_jetblue_current(why: str, d: object, expected: str | None) -> None:
    assert paid("jetblue_cbor_current", d) == expected, why  # type: ignore[arg-type]


def test_every_grant_carries_its_legal_basis_and_a_sentence() -> None:
    decision = under("eu261", disruption("FRA-JFK", carrier="LH", delay=239))
    grant = decision.compensation
    assert grant is not None
    assert grant.basis.startswith("Art 7(1)")
    assert grant.reductions
    assert "Art 7(2)(c)" in grant.reductions[0]
    assert "3 h 59 min" in grant.explanation
    assert "300.00 EUR" in grant.explanation
