"""The demo airline's passengers, pure: households of one to four people with a language, a home airport,
names typical of that language, and identifiers that are unique by construction and fictional.

Identifiers are unique by construction: loyalty numbers and the digits that end every email and handle are
a bijective scramble of the passenger's index (n -> n * a + b mod m, a coprime with m), and each phone is a
slot of its own. None depends on the passenger count, so a bigger airline with the same seed extends a
smaller one. Emails use the reserved example domains; phones the fictional 555-0100..555-0199 range.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from goodwill.demo import people
from goodwill.demo.network import NEW_YORK
from goodwill.demo.routes import Routes, pick
from goodwill.kit.text import fold

# The odds that a household's first member is a frequent (business) flyer, by household shape.
FREQUENT_ODDS = {"solo": 0.18, "couple": 0.12, "family": 0.06}
MEMBER_ODDS = 0.7  # adults in the loyalty programme; children are always enrolled (it is their only key)
DATE_OF_BIRTH_ODDS = 0.4  # adults whose date of birth is known; always known for children
DENSE_PHONES, PHONE_STRIDE = 3_000, 400


@dataclass(frozen=True, slots=True)
class Scramble:
    """A bijection n -> (n * multiplier + offset) mod modulus: distinct counters give distinct identifiers."""

    modulus: int
    multiplier: int
    offset: int

    def __call__(self, n: int) -> int:
        if not 0 <= n < self.modulus:
            raise ValueError("identifier space exhausted")
        return (n * self.multiplier + self.offset) % self.modulus


@dataclass(slots=True)
class Person:
    index: int
    first_name: str
    last_name: str
    female: bool
    birth: date | None
    loyalty: str | None
    email: str | None
    phone: str | None
    handle: str | None
    language: str
    adult: bool
    revenue_minor: int = 0
    wish: tuple[str, str, date] | None = None  # occasion, text, date

    def age_on(self, day: date) -> int | None:
        if self.birth is None:
            return None
        return day.year - self.birth.year - ((day.month, day.day) < (self.birth.month, self.birth.day))

    def passenger_type(self, day: date) -> str:
        """Airline ages: infant under 2, child under 12, adult from 12 (or when the age is unknown)."""
        age = self.age_on(day)
        if age is None or age >= 12:
            return "adult"
        return "infant" if age < 2 else "child"


@dataclass(slots=True)
class Household:
    number: int
    language: str
    home: str
    members: list[Person]
    frequent: bool
    regular_routes: list[tuple[str, str]] = field(default_factory=list)


def _phone_slot(index: int) -> int | None:
    """Which fictional number passenger `index` may have: the first ones densely, then every 400th, so that
    the 7,500 numbers (75 area codes x 555-0100..0199) last for a million passengers, whatever the count."""
    if index < DENSE_PHONES:
        return index
    if (index - DENSE_PHONES) % PHONE_STRIDE == 0:
        return DENSE_PHONES + (index - DENSE_PHONES) // PHONE_STRIDE
    return None


def _ascii(name: str) -> str:
    return "".join(c for c in fold(name) if "a" <= c <= "z")


class Population:
    """Builds household after household for one seed and passenger count."""

    def __init__(self, routes: Routes, *, seed: int, passengers: int, start: date) -> None:
        self.routes = routes
        self.passengers = passengers
        self.start = start
        ids = random.Random(f"{seed}:people")
        width = 10**7  # room for ten million; the same for any count, so a bigger airline extends a smaller one
        self.loyalty = Scramble(10**10, 3_141_592_653, ids.randrange(10**10))
        self.email_number = Scramble(width, 7919, ids.randrange(width))
        self.languages = list(people.LANGUAGES)
        self.language_weights = list(accumulate(people.LANGUAGES[k][0] for k in self.languages))

    def household(self, rng: random.Random, number: int, first_index: int) -> Household:
        """Household `number`, whose first member is passenger `first_index` (cut short at the total)."""
        language = self.languages[pick(rng, self.language_weights)]
        _weight, women, men, surnames = people.LANGUAGES[language]
        home = self.routes.new_york_home(rng) if rng.random() < 0.62 else self.routes.outstation(rng, language)
        shape = rng.random()
        family_name = rng.choice(surnames)
        ages: list[int] = [rng.randint(22, 78)]
        if shape < 0.50:
            kind = "solo"
        elif shape < 0.72:
            kind = "couple"
            ages.append(max(18, ages[0] + rng.randint(-6, 6)))
        else:
            kind = "family"
            ages[0] = rng.randint(25, 50)
            if shape < 0.92:  # otherwise a single parent
                ages.append(max(21, ages[0] + rng.randint(-5, 5)))
            ages.append(rng.randint(0, min(17, ages[0] - 20)))
            while len(ages) < 4 and rng.random() < 0.45:
                ages.append(rng.randint(0, min(17, ages[0] - 20)))
        ages = ages[: self.passengers - first_index]
        members: list[Person] = []
        for position, age in enumerate(ages):
            adult = age >= 18
            partner = position == 1 and adult
            female = (not members[0].female or rng.random() < 0.1) if partner else rng.random() < 0.5
            first = rng.choice(women if female else men)
            last = rng.choice(surnames) if partner and rng.random() < 0.3 else family_name
            birth = None
            if not adult or rng.random() < DATE_OF_BIRTH_ODDS:
                birth = date(self.start.year - age - 1, 1, 1) + timedelta(days=rng.randrange(365))
            members.append(self._person(rng, first_index + position, language, (first, last), female, birth, adult))
        household = Household(number, language, home, members, frequent=rng.random() < FREQUENT_ODDS[kind])
        if household.frequent and home in NEW_YORK:
            for _ in range(rng.randint(1, 3)):
                route = self.routes.business_route(rng)
                if route not in household.regular_routes:
                    household.regular_routes.append(route)
        return household

    def _person(
        self,
        rng: random.Random,
        index: int,
        language: str,
        name: tuple[str, str],
        female: bool,
        birth: date | None,
        adult: bool,
    ) -> Person:
        first, last = name
        member = not adult or rng.random() < MEMBER_ODDS
        loyalty = f"{self.loyalty(index):010d}" if member else None
        email = phone = handle = None
        f, lst = _ascii(first) or "guest", _ascii(last) or "traveller"
        n = self.email_number(index)  # the trailing digits make every email and handle unique
        if adult and (loyalty is None or rng.random() < 0.96):
            local = rng.choice((f"{f}.{lst}{n}", f"{f}{lst}{n}", f"{f[0]}{lst}{n}", f"{lst}.{f}{n}"))
            email = f"{local}@{rng.choice(people.EMAIL_DOMAINS)}"
        slot = _phone_slot(index)
        if adult and slot is not None and rng.random() < 0.6:
            phone = f"+1{people.AREA_CODES[slot // 100]}55501{slot % 100:02d}"
        if adult and rng.random() < 0.2:
            handle = f"@{f}_{lst}{n}"
        return Person(index, first, last, female, birth, loyalty, email, phone, handle, language, adult)
