"""Messages written from what Goodwill knows, pure: a `MessageContext` in, a subject, a body and a short text out.

`render(context)` picks the template named by the message (`templates/<language>/<template>.txt`) in the
passenger's language, falling back to English when that language or that template has no translation. Each
template writes three parts from one file: the subject, the body (email) and the short text (SMS and push), by
the `part` it is given. Nothing here reads the database or the clock: the service builds the context.

Templates are Jinja2 text (no HTML, so no escaping); their filters format money, times, care and occasions in
the message's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from goodwill.kit.money import Money

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGES = ("en", "es", "fr")
DEFAULT_LANGUAGE = "en"
PARTS = ("subject", "body", "short")
SHORT_LIMIT = 480  # three SMS segments; a push notification shows less, the app shows the rest


@dataclass(frozen=True)
class FlightInfo:
    code: str  # "B6 101"
    origin: str  # IATA
    origin_city: str
    destination: str
    destination_city: str
    departs: datetime  # aware, in the origin's zone
    arrives: datetime | None = None  # aware, in the destination's zone


@dataclass(frozen=True)
class EventInfo:
    type: str  # flights.models.EventType value
    cause: str = "unknown"
    cause_detail: str | None = None
    departure_delay_minutes: int | None = None
    arrival_delay_minutes: int | None = None
    tarmac_minutes: int | None = None
    diverted_to_city: str | None = None
    new_departure: datetime | None = None  # aware, in the origin's zone


@dataclass(frozen=True)
class Owed:
    """One entitlement as the passenger should read it."""

    kind: str  # compensation, refund, rebooking, care
    regime: str
    legal_basis: str
    amount: Money | None = None
    form: str | None = None  # cash, voucher, credit, miles
    care: tuple[str, ...] = ()


@dataclass(frozen=True)
class VoucherInfo:
    code: str
    amount: Money
    kind: str = "voucher"  # voucher or credit
    expires: date | None = None


@dataclass(frozen=True)
class Option:
    """Another flight on the same route the passenger can be moved to."""

    code: str
    departs: datetime  # aware, in the origin's zone


@dataclass(frozen=True)
class MessageContext:
    template: str  # e.g. disruption_cancellation, case_reply; unknown: the stored subject and body as they are
    language: str
    first_name: str
    last_name: str = ""
    tier: str = "none"
    airline: str = "Goodwill Demo Air"
    flight: FlightInfo | None = None
    event: EventInfo | None = None
    owed: tuple[Owed, ...] = ()
    vouchers: tuple[VoucherInfo, ...] = ()
    options: tuple[Option, ...] = ()
    case_reference: str | None = None
    wish_occasion: str | None = None
    update: bool = False  # an earlier message about this event was sent
    stored_subject: str | None = None  # what the writer of the message put in the outbox
    stored_body: str = ""
    channel: str = "email"
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    short: str
    language: str  # the language it was written in (after any fallback)
    template: str | None  # the template used; None: the stored text as it was


def language_of(requested: str | None) -> str:
    """The template language for a passenger's language tag ("es-MX" -> "es"); English when we have none."""
    base = (requested or "").strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


# ---- formatting, per language ---------------------------------------------------------------------------

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$"}
_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
}
_DAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
}
_CARE = {
    "en": {
        "meals": "meals and refreshments",
        "hotel": "a hotel room if you need to stay overnight",
        "hotel_transport": "transport between the airport and the hotel",
        "communication": "two phone calls, emails or messages",
        "lavatory": "access to lavatories",
        "medical": "medical care if you need it",
        "status_updates": "regular updates on the situation",
        "ventilation": "ventilation and a comfortable temperature on board",
    },
    "es": {
        "meals": "comida y bebida",
        "hotel": "una habitación de hotel si tiene que pasar la noche",
        "hotel_transport": "transporte entre el aeropuerto y el hotel",
        "communication": "dos llamadas, correos o mensajes",
        "lavatory": "acceso a los aseos",
        "medical": "atención médica si la necesita",
        "status_updates": "información periódica sobre la situación",
        "ventilation": "ventilación y una temperatura adecuada a bordo",
    },
    "fr": {
        "meals": "des repas et des rafraîchissements",
        "hotel": "une chambre d'hôtel si vous devez passer la nuit",
        "hotel_transport": "le transport entre l'aéroport et l'hôtel",
        "communication": "deux appels, courriels ou messages",
        "lavatory": "l'accès aux toilettes",
        "medical": "des soins médicaux si nécessaire",
        "status_updates": "des nouvelles régulières de la situation",
        "ventilation": "une ventilation et une température correctes à bord",
    },
}
_OCCASIONS = {
    "en": {
        "honeymoon": "your honeymoon",
        "anniversary": "your anniversary",
        "birthday": "a birthday",
        "wedding": "a wedding",
        "funeral": "a funeral",
        "first_flight": "a first flight",
        "graduation": "a graduation",
        "reunion": "a family reunion",
        "business": "important work",
        "medical": "medical care",
    },
    "es": {
        "honeymoon": "su luna de miel",
        "anniversary": "su aniversario",
        "birthday": "un cumpleaños",
        "wedding": "una boda",
        "funeral": "un funeral",
        "first_flight": "un primer vuelo",
        "graduation": "una graduación",
        "reunion": "un reencuentro familiar",
        "business": "un trabajo importante",
        "medical": "una cita médica",
    },
    "fr": {
        "honeymoon": "votre lune de miel",
        "anniversary": "votre anniversaire de mariage",
        "birthday": "un anniversaire",
        "wedding": "un mariage",
        "funeral": "des obsèques",
        "first_flight": "un premier vol",
        "graduation": "une remise de diplôme",
        "reunion": "des retrouvailles en famille",
        "business": "un travail important",
        "medical": "des soins médicaux",
    },
}
_FORMS = {
    "en": {
        "cash": "paid in cash",
        "voucher": "as a travel voucher",
        "credit": "as travel credit",
        "miles": "in points",
    },
    "es": {
        "cash": "en efectivo",
        "voucher": "en un bono de viaje",
        "credit": "como crédito de viaje",
        "miles": "en puntos",
    },
    "fr": {"cash": "en espèces", "voucher": "en bon de voyage", "credit": "sous forme d'avoir", "miles": "en points"},
}
_OTHER_OCCASION = {
    "en": "something that mattered to you",
    "es": "algo importante para usted",
    "fr": "un moment important",
}


def _group(digits: str, separator: str) -> str:
    out: list[str] = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return separator.join(out)


def format_money(value: Money, language: str) -> str:
    """'$50.00' and '€600.00' in English, '600,00 €' in Spanish, '600,00 €' in French (narrow space groups)."""
    major = value.major
    sign = "-" if major < 0 else ""
    text = f"{abs(major):f}"
    whole, _, cents = text.partition(".")
    if language == "en":
        number = _group(whole, ",") + (f".{cents}" if cents else "")
        symbol = _SYMBOLS.get(value.currency)
        return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {value.currency}"
    number = _group(whole, "." if language == "es" else "\u202f") + (f",{cents}" if cents else "")
    symbol = {"USD": "US$", "EUR": "€", "GBP": "£", "CAD": "CA$"}.get(value.currency, value.currency)
    return f"{sign}{number} {symbol}"


def format_when(value: datetime, language: str) -> str:
    """A local time the passenger reads at a glance: 'Saturday 14 February at 10:00'."""
    day = _DAYS[language][value.weekday()]
    month = _MONTHS[language][value.month - 1]
    if language == "es":
        return f"{day} {value.day} de {month} a las {value:%H:%M}"
    if language == "fr":
        return f"{day} {value.day} {month} à {value:%H}h{value:%M}"
    return f"{day} {value.day} {month} at {value:%H:%M}"


def format_date(value: date, language: str) -> str:
    month = _MONTHS[language][value.month - 1]
    if language == "es":
        return f"{value.day} de {month} de {value.year}"
    if language == "fr":
        return f"{value.day} {month} {value.year}"
    return f"{value.day} {month} {value.year}"


def format_short_date(value: datetime | date, language: str) -> str:
    month = _MONTHS[language][value.month - 1][:3]
    return f"{value.day} {month}"


def format_duration(minutes: int | None, language: str) -> str:
    total = max(0, int(minutes or 0))
    hours, rest = divmod(total, 60)
    words = {
        "en": ("hour", "hours", "minutes"),
        "es": ("hora", "horas", "minutos"),
        "fr": ("heure", "heures", "minutes"),
    }
    one, many, mins = words[language]
    joiner = {"en": " and ", "es": " y ", "fr": " et "}[language]
    parts = []
    if hours:
        parts.append(f"{hours} {one if hours == 1 else many}")
    if rest or not hours:
        parts.append(f"{rest} {mins}")
    return joiner.join(parts)


def care_words(codes: tuple[str, ...] | list[str], language: str) -> list[str]:
    names = _CARE[language]
    return [names.get(code, code.replace("_", " ")) for code in codes]


def occasion_words(occasion: str, language: str) -> str:
    return _OCCASIONS[language].get(occasion, _OTHER_OCCASION[language])


def join_words(items: list[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    last = {"en": " and ", "es": " y ", "fr": " et "}[language]
    return ", ".join(items[:-1]) + last + items[-1]


# ---- rendering ------------------------------------------------------------------------------------------

_ENV = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    undefined=StrictUndefined,
    autoescape=False,  # noqa: S701 - plain text for email bodies and SMS, never HTML
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
    auto_reload=False,  # templates ship with the package: no stat() of the file per message
)


def _blank_lines(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def has_template(template: str | None, language: str = DEFAULT_LANGUAGE) -> bool:
    if not template:
        return False
    try:
        _ENV.get_template(f"{language}/{template}.txt")
    except TemplateNotFound:
        return False
    return True


def render(context: MessageContext, parts: tuple[str, ...] = PARTS) -> Rendered:
    """The message as the passenger will read it, in their language (or English), with its subject and short text
    (`parts` leaves out what a channel will not use: an email needs no short text)."""
    language = language_of(context.language)
    chosen = None
    for candidate in dict.fromkeys((language, DEFAULT_LANGUAGE)):
        if has_template(context.template, candidate):
            chosen = candidate
            break
    if chosen is None:
        subject = context.stored_subject or ""
        body = context.stored_body
        short = _one_line(f"{subject}. {body}" if subject else body)[:SHORT_LIMIT]
        return Rendered(subject, body, short, language, None)
    template = _ENV.get_template(f"{chosen}/{context.template}.txt")
    lang = chosen

    def money(value: Money) -> str:
        return format_money(value, lang)

    def amounts(items: list[Owed]) -> str:
        return " + ".join(money(o.amount) for o in items if o.amount is not None)

    def bases(items: list[Owed]) -> str:
        return join_words(list(dict.fromkeys(o.legal_basis for o in items)), lang)

    values: dict[str, Any] = {
        "c": context,
        "p": context,
        "f": context.flight,
        "e": context.event,
        "lang": lang,
        "money": money,
        "when": lambda v: format_when(v, lang),
        "day": lambda v: format_date(v, lang),
        "short_day": lambda v: format_short_date(v, lang),
        "duration": lambda m: format_duration(m, lang),
        "care": lambda codes: join_words(care_words(codes, lang), lang),
        "occasion": lambda o: occasion_words(o, lang),
        "owed": {
            kind: [o for o in context.owed if o.kind == kind]
            for kind in ("compensation", "refund", "rebooking", "care")
        },
        "care_codes": sorted({code for o in context.owed if o.kind == "care" for code in o.care}),
        "top_tier": context.tier in ("gold", "platinum"),
        "tier_name": context.tier.capitalize(),
        "amounts": amounts,
        "bases": bases,
        "form_words": lambda form: _FORMS[lang].get(form, form),
    }
    written = {part: template.render(values | {"part": part}) if part in parts else "" for part in PARTS}
    return Rendered(
        subject=_one_line(written["subject"])[:200],
        body=_blank_lines(written["body"]),
        short=_one_line(written["short"])[:SHORT_LIMIT],
        language=lang,
        template=context.template,
    )


def template_names() -> list[str]:
    """Every template written in English (the fallback), by name."""
    return sorted(p.stem for p in (TEMPLATES / DEFAULT_LANGUAGE).glob("*.txt") if not p.stem.startswith("_"))
