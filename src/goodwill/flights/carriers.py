"""Operating carriers Goodwill knows out of the box: IATA code, name, home country and APPR size. Pure data.

The home country decides which passenger-rights regimes follow the carrier (EU261 applies to EU carriers
from anywhere to the EU, UK261 to UK carriers, APPR to flights to, from and within Canada). APPR's size
("large": two million passengers or more in each of the two preceding years; else "small") sets the
compensation amounts; it only matters for flights in Canada but is recorded for every carrier.
"""

from __future__ import annotations

from typing import NamedTuple


class CarrierInfo(NamedTuple):
    iata: str
    name: str
    country: str
    size: str


CARRIERS: dict[str, CarrierInfo] = {
    c.iata: c
    for c in (
        # United States
        CarrierInfo("B6", "JetBlue Airways", "US", "large"),
        CarrierInfo("AA", "American Airlines", "US", "large"),
        CarrierInfo("DL", "Delta Air Lines", "US", "large"),
        CarrierInfo("UA", "United Airlines", "US", "large"),
        CarrierInfo("WN", "Southwest Airlines", "US", "large"),
        CarrierInfo("AS", "Alaska Airlines", "US", "large"),
        CarrierInfo("NK", "Spirit Airlines", "US", "large"),
        CarrierInfo("F9", "Frontier Airlines", "US", "large"),
        CarrierInfo("HA", "Hawaiian Airlines", "US", "large"),
        CarrierInfo("G4", "Allegiant Air", "US", "large"),
        CarrierInfo("SY", "Sun Country Airlines", "US", "large"),
        # Canada
        CarrierInfo("AC", "Air Canada", "CA", "large"),
        CarrierInfo("WS", "WestJet", "CA", "large"),
        CarrierInfo("TS", "Air Transat", "CA", "large"),
        CarrierInfo("PD", "Porter Airlines", "CA", "small"),
        # United Kingdom
        CarrierInfo("BA", "British Airways", "GB", "large"),
        CarrierInfo("VS", "Virgin Atlantic", "GB", "large"),
        CarrierInfo("U2", "easyJet", "GB", "large"),
        # EU, EEA and Switzerland
        CarrierInfo("LH", "Lufthansa", "DE", "large"),
        CarrierInfo("EW", "Eurowings", "DE", "large"),
        CarrierInfo("AF", "Air France", "FR", "large"),
        CarrierInfo("KL", "KLM Royal Dutch Airlines", "NL", "large"),
        CarrierInfo("IB", "Iberia", "ES", "large"),
        CarrierInfo("VY", "Vueling", "ES", "large"),
        CarrierInfo("EI", "Aer Lingus", "IE", "large"),
        CarrierInfo("FR", "Ryanair", "IE", "large"),
        CarrierInfo("LX", "Swiss International Air Lines", "CH", "large"),
        CarrierInfo("OS", "Austrian Airlines", "AT", "large"),
        CarrierInfo("SN", "Brussels Airlines", "BE", "large"),
        CarrierInfo("AZ", "ITA Airways", "IT", "large"),
        CarrierInfo("TP", "TAP Air Portugal", "PT", "large"),
        CarrierInfo("SK", "Scandinavian Airlines", "SE", "large"),
        CarrierInfo("AY", "Finnair", "FI", "large"),
        CarrierInfo("DY", "Norwegian Air Shuttle", "NO", "large"),
        CarrierInfo("W6", "Wizz Air", "HU", "large"),
        CarrierInfo("LO", "LOT Polish Airlines", "PL", "large"),
        # Elsewhere
        CarrierInfo("AM", "Aeromexico", "MX", "large"),
        CarrierInfo("CM", "Copa Airlines", "PA", "large"),
        CarrierInfo("TK", "Turkish Airlines", "TR", "large"),
        CarrierInfo("EK", "Emirates", "AE", "large"),
        CarrierInfo("QR", "Qatar Airways", "QA", "large"),
        CarrierInfo("JL", "Japan Airlines", "JP", "large"),
        CarrierInfo("NH", "All Nippon Airways", "JP", "large"),
        CarrierInfo("SQ", "Singapore Airlines", "SG", "large"),
        CarrierInfo("CX", "Cathay Pacific", "HK", "large"),
        CarrierInfo("QF", "Qantas", "AU", "large"),
    )
}
