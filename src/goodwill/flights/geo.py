"""Geography, pure: great-circle distance and which legal area an airport's country belongs to."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0

# EU member states (Regulation 261/2004 applies on their territory), plus the EEA states and Switzerland
# that apply it by agreement.
EU_COUNTRIES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    }
)
# The EU's outermost regions are part of the Union (TFEU Art 349) but airportsdata gives them their own
# country codes: Guadeloupe, French Guiana, Martinique, Reunion, Mayotte, Saint-Martin. (The Canaries,
# Azores and Madeira are under ES and PT already.)
EU_OUTERMOST_REGIONS = frozenset({"GP", "GF", "MQ", "RE", "YT", "MF"})
EU261_AREA = EU_COUNTRIES | EU_OUTERMOST_REGIONS | {"IS", "NO", "LI", "CH"}
UK = "GB"


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres on a sphere of radius 6,371 km (the method EU261 practice uses)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def legal_area(country: str) -> str:
    """'eu' for the EU261 area, 'uk', 'ca', 'us', or the country code itself."""
    if country in EU261_AREA:
        return "eu"
    if country == UK:
        return "uk"
    return country.lower()
