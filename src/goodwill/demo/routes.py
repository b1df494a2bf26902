"""Where the demo airline's passengers fly, pure: weighted choices of routes, homes, hubs and days.

Demand follows supply: a route is chosen in proportion to its flights in the window, tilted by the
passengers' language (Spanish speakers fly to San Juan more often, French speakers to Burlington).
Connections are sold through JFK only, and only when the detour is small (BOS-JFK-FLL, never FLL-JFK-PBI).
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from datetime import date
from itertools import accumulate

from goodwill.demo import people
from goodwill.demo.network import NEW_YORK, FlightTable
from goodwill.flights.geo import great_circle_km

HUB = "JFK"  # JetBlue's New York hub: the only place connections are sold through
MAX_DETOUR = 1.4  # a connection flies at most this multiple of the direct distance
BUSINESS_DESTINATIONS = frozenset(
    ("BOS", "IAD", "ORD", "CLT", "RDU", "PIT", "BUF", "ROC", "SYR", "BTV", "PWM", "LAX", "SFO",
     "SEA", "AUS", "HOU", "DEN", "SLC", "PHX", "SJC", "OAK", "SAN", "PDX", "SMF", "LGB", "BUR")
)  # fmt: skip
HONEYMOON_DESTINATIONS = frozenset(("SJU", "BQN", "PSE", "LAS", "SFO", "SAN", "FLL", "PBI", "MSY", "LAX", "SEA"))


def pick(rng: random.Random, cumulative: Sequence[float]) -> int:
    """Index of a weighted choice, given cumulative weights: `rng.choices` without rebuilding them each time."""
    return bisect(cumulative, rng.random() * cumulative[-1], 0, len(cumulative) - 1)


class Routes:
    """Weighted choices over the routes of one flight table."""

    def __init__(self, table: FlightTable, *, end: date) -> None:
        self.table = table
        self.last_day = end.toordinal()
        counts = {route: table.route_count(*route) for route in table.route_days}
        self.counts = counts
        self.ny_routes = sorted(route for route in counts if route[0] in NEW_YORK)
        self.outstations = sorted({d for _o, d in self.ny_routes})
        self.business_routes = [r for r in self.ny_routes if r[1] in BUSINESS_DESTINATIONS]
        self.business_weights = list(accumulate(counts[r] for r in self.business_routes))
        self.home_weights = list(accumulate(sum(counts[r] for r in self.ny_routes if r[0] == h) for h in NEW_YORK))
        self.route_weights: dict[tuple[str, str], list[float]] = {}
        for language in people.LANGUAGES:
            affinity = people.AFFINITY.get(language, {})
            for home in NEW_YORK:
                weights = [
                    counts[(o, d)] * affinity.get(d, 1.0) * (3.0 if o == home else 1.0) for o, d in self.ny_routes
                ]
                self.route_weights[(language, home)] = list(accumulate(weights))
            self.route_weights[(language, "")] = list(
                accumulate(
                    sum(counts[(o, d)] for o in NEW_YORK if (o, d) in counts) * affinity.get(d, 1.0)
                    for d in self.outstations
                )
            )
        self.hubs: dict[str, list[str]] = {
            x: [h for h in NEW_YORK if (h, x) in counts and (x, h) in counts] for x in self.outstations
        }
        self.hub_weights = {x: list(accumulate(counts[(h, x)] for h in hubs)) for x, hubs in self.hubs.items()}
        self._connections: dict[tuple[str, str], tuple[list[str], list[float]]] = {}

    def new_york_home(self, rng: random.Random) -> str:
        return NEW_YORK[pick(rng, self.home_weights)]

    def outstation(self, rng: random.Random, language: str) -> str:
        """A city the airline flies to, for someone who lives there."""
        return self.outstations[pick(rng, self.route_weights[(language, "")])]

    def from_new_york(self, rng: random.Random, language: str, home: str) -> tuple[str, str]:
        """A route out of New York, favouring the home airport."""
        return self.ny_routes[pick(rng, self.route_weights[(language, home)])]

    def business_route(self, rng: random.Random) -> tuple[str, str]:
        return self.business_routes[pick(rng, self.business_weights)]

    def hub_for(self, rng: random.Random, outstation: str) -> str:
        """The New York airport a passenger from `outstation` flies to."""
        hubs = self.hubs[outstation]
        return hubs[pick(rng, self.hub_weights[outstation])]

    def day(self, rng: random.Random, origin: str, destination: str, stay: int) -> int:
        """An operating day of the route (ordinal) that leaves room for the stay before the window ends."""
        days = self.table.route_days[(origin, destination)]
        room = bisect(days, self.last_day - stay - 1)
        return days[rng.randrange(room)] if room else rng.choice(days)

    def connection(self, rng: random.Random, language: str, outstation: str) -> str | None:
        """A destination reached from `outstation` through JFK without a silly detour, if there is one."""
        destinations, weights = self._connection_table(language, outstation)
        if not destinations:
            return None
        return destinations[pick(rng, weights)]

    def _connection_table(self, language: str, outstation: str) -> tuple[list[str], list[float]]:
        key = (language, outstation)
        if key not in self._connections:
            airports = self.table.airports
            home, hub = airports[outstation], airports[HUB]
            affinity = people.AFFINITY.get(language, {})
            destinations: list[str] = []
            weights: list[float] = []
            if HUB in self.hubs.get(outstation, ()):
                for origin, destination in self.ny_routes:
                    if origin != HUB or destination == outstation:
                        continue
                    there = airports[destination]
                    direct = great_circle_km(home.latitude, home.longitude, there.latitude, there.longitude)
                    via = great_circle_km(home.latitude, home.longitude, hub.latitude, hub.longitude)
                    via += great_circle_km(hub.latitude, hub.longitude, there.latitude, there.longitude)
                    if via <= MAX_DETOUR * direct:
                        destinations.append(destination)
                        weights.append(self.counts[(origin, destination)] * affinity.get(destination, 1.0))
            self._connections[key] = (destinations, list(accumulate(weights)))
        return self._connections[key]
