"""Imports every domain's models so the metadata (and Alembic) sees all tables."""

from goodwill.access.models import ApiKey, ConsoleSession, User
from goodwill.audit.models import AuditEntry
from goodwill.bookings.models import Bag, Booking, BookingPassenger, Segment
from goodwill.cases.models import Case, CaseCounter, CaseEvent, Interaction
from goodwill.customers.models import Consent, Passenger, PassengerIdentity, PassengerMerge, Wish
from goodwill.flights.models import Airport, Carrier, Flight, FlightEvent
from goodwill.imports.models import ImportRun
from goodwill.listening.models import Feedback
from goodwill.notifications.models import AddressBounce, OutboundMessage
from goodwill.recovery.models import Entitlement
from goodwill.store.base import Base
from goodwill.store.queue import Job
from goodwill.surveys.models import SurveyInvitation
from goodwill.vouchers.models import LedgerEntry, Voucher
from goodwill.webhooks.models import WebhookDelivery, WebhookSubscription

metadata = Base.metadata

__all__ = [
    "AddressBounce",
    "Airport",
    "ApiKey",
    "AuditEntry",
    "Bag",
    "Booking",
    "BookingPassenger",
    "Carrier",
    "Case",
    "CaseCounter",
    "CaseEvent",
    "Consent",
    "ConsoleSession",
    "Entitlement",
    "Feedback",
    "Flight",
    "FlightEvent",
    "ImportRun",
    "Interaction",
    "Job",
    "LedgerEntry",
    "OutboundMessage",
    "Passenger",
    "PassengerIdentity",
    "PassengerMerge",
    "Segment",
    "SurveyInvitation",
    "User",
    "Voucher",
    "WebhookDelivery",
    "WebhookSubscription",
    "Wish",
    "metadata",
]
