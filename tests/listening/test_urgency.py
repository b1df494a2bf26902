"""Urgency: the life events and needs that make a message one a person must see first."""

from __future__ import annotations

import pytest

from goodwill.listening.urgency import urgency


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Cancelled again and my sister's wedding is tomorrow in San Juan", ["wedding"]),
        ("We will miss my father's funeral because of you", ["funeral"]),
        ("My insulin is in the checked bag you lost", ["medical"]),
        ("My 9 year old is flying alone on B6 12 and nobody is answering", ["unaccompanied_minor"]),
        ("our UM was left at the gate", ["unaccompanied_minor"]),
        ("um, where is my bag?", []),
        ("No wheelchair at the gate after 40 minutes", ["disability"]),
        ("I am 34 weeks pregnant and stranded at JFK, no hotel", ["pregnancy", "stranded"]),
        ("Perdimos la boda de mi hermano", ["wedding"]),
        ("Mon fils, mineur non accompagné, attend seul à l'aéroport", ["unaccompanied_minor"]),
        ("ma mère est à l'hôpital et le vol est annulé", ["medical"]),
        ("Flight was late, the coffee was cold", []),
        ("weddings and funerals: an honeymoon missed, and medication lost", ["wedding", "funeral", "medical"]),
    ],
)
def test_urgency(text: str, codes: list[str]) -> None:
    assert urgency(text) == codes
