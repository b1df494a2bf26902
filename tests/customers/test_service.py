"""Passengers: who is who across records, and merging records of one person without losing anything."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.all_models import metadata
from goodwill.cases.models import Case, Interaction
from goodwill.customers import service as customers
from goodwill.customers.models import Consent, Passenger, PassengerIdentity, PassengerMerge
from goodwill.customers.service import IdentityKeys, PassengerRecord, Traveller
from goodwill.listening.models import Feedback
from goodwill.store.bulk import Outcome
from goodwill.vouchers.models import LedgerEntry, Voucher

NOW = datetime(2013, 3, 1, tzinfo=UTC)


def test_a_merge_knows_every_column_that_points_at_a_passenger() -> None:
    pointing = {
        (table.name, fk.parent.name)
        for table in metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "passengers"
    }
    assert pointing - {("passenger_merges", "merged_id")} == set(customers.PASSENGER_REFERENCES)


def add(session: Session, *records: PassengerRecord, now: datetime = NOW) -> list[uuid.UUID]:
    return customers.upsert_passengers(session, records=records, now=now, source="test").passenger_ids


class TestTravellers:
    def test_known_travellers_are_found_and_unknown_ones_created(self, session: Session) -> None:
        (ana,) = add(session, PassengerRecord(IdentityKeys(loyalty="L0000001"), "Ana", "López"))
        ids, created, merged = customers.resolve_travellers(
            session,
            travellers=[
                Traveller(IdentityKeys(loyalty="L0000001", email="ana@example.com"), "Ana", "López"),
                Traveller(IdentityKeys(email="ben@example.com"), "Ben", "Okafor", "fr"),
                Traveller(IdentityKeys(email="ben@example.com", phone="+12125550101"), "Benjamin", "Okafor"),
            ],
            now=NOW,
            source="test",
        )
        assert (created, merged) == (1, 0)
        assert ids[0] == ana
        assert ids[1] == ids[2] != ana
        ben = session.get(Passenger, ids[1])
        assert ben is not None
        assert (ben.first_name, ben.language) == ("Ben", "fr")  # the first record of a new person names them
        owners = customers.find_passenger_ids(session, keys=[("email", "ana@example.com"), ("phone", "+12125550101")])
        assert owners == {("email", "ana@example.com"): ana, ("phone", "+12125550101"): ids[1]}


class TestMerge:
    def test_everything_of_the_merged_record_moves_to_the_survivor(self, session: Session) -> None:
        (survivor,) = add(
            session,
            PassengerRecord(IdentityKeys(email="old@example.com"), "Ana", "López", consents=(("email", False),)),
        )
        (merged,) = add(
            session,
            PassengerRecord(IdentityKeys(phone="+12125550101"), "Ana", "Lopez", tier="gold",
                            consents=(("email", True), ("sms", True))),
            now=NOW.replace(day=2),
        )  # fmt: skip
        session.add_all(
            [
                Feedback(passenger_id=merged, channel="survey", external_id="f1", content_hash="h", received_at=NOW),
                Interaction(passenger_id=merged, channel="email", direction="inbound", occurred_at=NOW),
                Case(reference="C-1", passenger_id=merged, type="complaint", subject="late", opened_at=NOW),
                Voucher(code="V1", passenger_id=merged, currency="USD", face_value_minor=5000, issued_at=NOW,
                        reason="goodwill"),
                LedgerEntry(passenger_id=merged, entry_type="issue", amount_minor=5000, currency="USD",
                            idempotency_key="issue:V1"),
            ]
        )  # fmt: skip
        session.flush()
        customers.merge_passengers(
            session, merges=[customers.Merge(survivor, merged, "email", "test: same email")], now=NOW
        )
        session.expire_all()
        for model in (Feedback, Interaction, Case, Voucher, LedgerEntry, PassengerIdentity):
            owners = set(session.scalars(select(model.passenger_id)))  # type: ignore[attr-defined]
            assert owners == {survivor}, model.__name__
        gone = session.get(Passenger, merged)
        kept = session.get(Passenger, survivor)
        assert gone is not None
        assert kept is not None
        assert (gone.status, gone.merged_into_id) == ("merged", survivor)
        assert kept.tier == "gold"  # the higher tier wins
        consents = session.execute(select(Consent.channel, Consent.granted)).all()
        # One consent per channel remains, the most recent: the merged record's "yes" of a day later.
        assert sorted(tuple(c) for c in consents) == [("email", True), ("sms", True)]
        evidence = session.scalars(select(PassengerMerge)).one()
        assert (evidence.survivor_id, evidence.merged_id, evidence.matched_on) == (survivor, merged, "email")

    def test_a_record_matching_two_people_merges_them_and_says_so(self, session: Session) -> None:
        first, second = add(
            session,
            PassengerRecord(IdentityKeys(email="a@example.com"), "A", "B"),
            PassengerRecord(IdentityKeys(phone="+16175550100"), "A", "B"),
        )
        result = customers.upsert_passengers(
            session,
            records=[PassengerRecord(IdentityKeys(email="a@example.com", phone="+16175550100"), "A", "B")],
            now=NOW,
            source="test",
        )
        assert (result.outcomes, result.merged) == ([Outcome.UPDATED], 1)
        assert result.passenger_ids == [first]  # no loyalty number: the older record survives
        assert session.scalar(select(Passenger.status).where(Passenger.id == second)) == "merged"
