"""Export, erasure and retention: a passenger's data copied whole, erased without losing compensation evidence,
and free text kept no longer than the policy says."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from goodwill.all_models import metadata
from goodwill.cases.models import Direction, Interaction
from goodwill.customers import privacy
from goodwill.customers import service as customers
from goodwill.customers.models import Passenger, PassengerIdentity
from goodwill.customers.view import customer_360, search_passengers
from goodwill.errors import NotFound
from goodwill.listening.models import Feedback
from goodwill.recovery.models import Entitlement
from goodwill.vouchers.models import LedgerEntry
from tests.customers.test_view import _airline, _ana
from tests.imports.helpers import NOW

TABLES = metadata.sorted_tables


def _diego(session: Session) -> uuid.UUID:
    return session.scalars(
        select(PassengerIdentity.passenger_id).where(PassengerIdentity.value == "diego.lopez@example.com")
    ).one()


def test_every_table_that_points_at_a_passenger_has_an_erasure_plan() -> None:
    pointing = {t.name for t in TABLES if privacy._passenger_columns(t)} | {"passengers"}
    planned = set(privacy.ERASED) | set(privacy.DELETED) | set(privacy.KEPT)
    assert pointing - planned == set()


class TestExport:
    def test_the_export_holds_every_row_that_points_at_her_and_is_json(self, session: Session) -> None:
        _airline(session)
        ana = _ana(session)
        data = privacy.export_passenger(session, passenger_id=ana, tables=TABLES)
        json.dumps(data)  # plain JSON values only
        for table in TABLES:
            columns = privacy._passenger_columns(table)
            if not columns or table.name == "passengers":
                continue
            stored = session.scalar(
                select(func.count()).select_from(table).where(or_(*(table.c[c] == ana for c in columns)))
            )
            assert len(data["tables"].get(table.name, [])) == stored, table.name
        assert {
            "passenger_identities",
            "consents",
            "wishes",
            "entitlements",
            "feedback",
            "bookings",
            "segments",
        } <= set(data["tables"])
        assert data["tables"]["passengers"][0]["first_name"] == "Ana"

    def test_a_merged_record_s_rows_come_with_the_survivor_s(self, session: Session) -> None:
        _airline(session)
        ana, diego = _ana(session), _diego(session)
        customers.merge_passengers(session, merges=[customers.Merge(ana, diego, "email", "test")], now=NOW)
        data = privacy.export_passenger(session, passenger_id=diego, tables=TABLES)
        assert data["passenger_id"] == str(ana)
        assert set(data["records"]) == {str(ana), str(diego)}

    def test_an_unknown_passenger_is_not_found(self, session: Session) -> None:
        with pytest.raises(NotFound):
            privacy.export_passenger(session, passenger_id=uuid.uuid4(), tables=TABLES)


class TestErasure:
    def test_personal_data_goes_and_compensation_evidence_stays(self, session: Session) -> None:
        _airline(session)
        ana = _ana(session)
        owed = session.scalars(select(Entitlement.amount_minor).where(Entitlement.passenger_id == ana)).all()
        ledger = session.execute(
            select(func.count(), func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).where(
                LedgerEntry.passenger_id == ana
            )
        ).one()
        done = privacy.erase_passenger(session, passenger_id=ana, tables=TABLES, now=NOW)
        assert done.deleted["passenger_identities"] == 4
        erased = session.get(Passenger, ana)
        assert erased is not None
        assert (erased.first_name, erased.status, erased.date_of_birth) == ("Erased", "erased", None)
        assert search_passengers(session, query="ana.lopez@example.com") == []
        assert search_passengers(session, query="lopez ana") == []
        texts = session.scalars(select(Feedback.text).where(Feedback.passenger_id == ana)).all()
        assert texts
        assert set(texts) == {privacy.ERASED_TEXT}
        # Evidence: what was owed and every ledger movement, to the cent.
        assert session.scalars(select(Entitlement.amount_minor).where(Entitlement.passenger_id == ana)).all() == owed
        assert (
            session.execute(
                select(func.count(), func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).where(
                    LedgerEntry.passenger_id == ana
                )
            ).one()
            == ledger
        )
        view = customer_360(session, passenger_id=ana, now=NOW)
        assert view.identities == []
        assert view.wishes == []

    def test_erasing_again_changes_nothing_and_says_so(self, session: Session) -> None:
        _airline(session)
        ana = _ana(session)
        privacy.erase_passenger(session, passenger_id=ana, tables=TABLES, now=NOW)
        again = privacy.erase_passenger(session, passenger_id=ana, tables=TABLES, now=NOW)
        assert again.already_erased
        assert sum(again.deleted.values()) == 0
        assert sum(n for name, n in again.anonymised.items() if name != "survey_invitations") == 0

    def test_the_records_merged_into_her_are_erased_with_her(self, session: Session) -> None:
        _airline(session)
        ana, diego = _ana(session), _diego(session)
        customers.merge_passengers(session, merges=[customers.Merge(ana, diego, "email", "test")], now=NOW)
        done = privacy.erase_passenger(session, passenger_id=ana, tables=TABLES, now=NOW)
        assert done.records == 2
        merged = session.get(Passenger, diego)
        assert merged is not None
        assert merged.first_name == "Erased"

    def test_a_table_without_a_plan_stops_the_erasure_before_anything_changes(self, session: Session) -> None:
        from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, Uuid

        _airline(session)
        extra = MetaData()
        Table("passengers", extra, Column("id", Uuid, primary_key=True))
        notes = Table(
            "sticky_notes",
            extra,
            Column("id", Integer, primary_key=True),
            Column("passenger_id", Uuid, ForeignKey("passengers.id")),
        )
        with pytest.raises(ValueError, match="sticky_notes"):
            privacy.erase_passenger(session, passenger_id=_ana(session), tables=[*TABLES, notes], now=NOW)
        assert search_passengers(session, query="ana.lopez@example.com") != []


class TestRetention:
    def test_old_free_text_is_removed_and_scores_stay(self, session: Session) -> None:
        _airline(session)
        ana = _ana(session)
        old, new = NOW - timedelta(days=400), NOW - timedelta(days=10)
        for at, body in ((old, "old call about my bag"), (new, "new call about my seat")):
            session.add(
                Interaction(
                    passenger_id=ana, channel="phone", direction=Direction.INBOUND.value, occurred_at=at, body=body
                )
            )
        session.flush()
        scores = session.execute(select(Feedback.id, Feedback.nps, Feedback.sentiment).order_by(Feedback.id)).all()
        with_words = session.scalar(select(func.count()).where(Feedback.text != ""))
        dry = privacy.apply_retention(session, tables=TABLES, days=30, now=NOW, dry_run=True)
        assert (dry.interactions, dry.feedback) == (1, 0)  # the example feedback came in the last 30 days
        assert session.scalar(select(func.count()).where(Interaction.body == "old call about my bag")) == 1
        done = privacy.apply_retention(session, tables=TABLES, days=30, now=NOW)
        assert (done.interactions, done.feedback) == (1, 0)
        bodies = set(session.scalars(select(Interaction.body).where(Interaction.passenger_id == ana)))
        assert "new call about my seat" in bodies
        assert "old call about my bag" not in bodies
        shorter = privacy.apply_retention(session, tables=TABLES, days=5, now=NOW)
        assert (shorter.interactions, shorter.feedback) == (1, with_words)
        assert set(session.scalars(select(Feedback.text).where(Feedback.text != ""))) == {privacy.RETAINED_TEXT}
        assert (
            session.execute(select(Feedback.id, Feedback.nps, Feedback.sentiment).order_by(Feedback.id)).all() == scores
        )
        again = privacy.apply_retention(session, tables=TABLES, days=5, now=NOW)
        assert (again.feedback, again.interactions) == (0, 0)

    def test_a_period_under_a_day_is_refused(self, session: Session) -> None:
        with pytest.raises(ValueError, match="at least one day"):
            privacy.apply_retention(session, tables=TABLES, days=0, now=datetime(2026, 1, 1, tzinfo=UTC))
