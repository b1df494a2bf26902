"""The server-drawn SVG charts: geometry from numbers, accessible, and escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from goodwill.web import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))  # noqa: S314 - our own markup


def titles(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}title")]


def test_a_line_chart_is_an_image_with_a_title_a_description_and_a_title_per_point() -> None:
    svg = charts.line_chart(
        ["01-07", "01-14", "01-21"], [charts.Series("NPS", [10.0, None, -20.5])], title="NPS by week"
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "NPS by week"
    assert titles(root)[0] == "NPS by week"
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert "01-07 10" in (desc.text or "")
    assert "01-21 -20.5" in (desc.text or "")
    assert "NPS, 01-21: -20.5" in titles(root)
    assert len(root.findall(f"{SVG}circle")) == 2  # no point where there is no value


def test_a_line_chart_puts_higher_values_higher() -> None:
    root = parse(charts.line_chart(["a", "b"], [charts.Series("s", [0.0, 50.0])], title="t", y_min=0, y_max=100))
    low, high = (float(c.get("cy") or 0) for c in root.findall(f"{SVG}circle"))
    assert high < low  # SVG's y grows downwards
    assert low == pytest.approx(12 + 180)  # the bottom of the plot: top margin + plot height


def test_text_is_escaped() -> None:
    svg = charts.bar_chart([("<script>alert(1)</script>", 3)], title='a "quoted" & <b>title</b>')
    assert "<script>" not in str(svg)
    assert "&lt;script&gt;" in str(svg)
    parse(svg)  # still well-formed


def test_bars_are_as_long_as_their_share_of_the_longest() -> None:
    root = parse(charts.bar_chart([("a", 10), ("b", 5), ("c", 0)], title="t", width=640))
    widths = [float(r.get("width") or 0) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(640 - 150 - 90)
    assert widths[1] == pytest.approx(widths[0] / 2)
    assert widths[2] == 0
    assert "b: 5" in titles(root)


def test_the_pyramid_is_narrow_at_the_top_and_says_each_share() -> None:
    root = parse(charts.pyramid([("platinum", 10), ("gold", 30), ("none", 60)], title="Tiers"))
    polygons = root.findall(f".//{SVG}polygon")
    widths = []
    for polygon in polygons:
        xs = [float(p.split(",")[0]) for p in (polygon.get("points") or "").split()]
        widths.append(max(xs) - min(xs))
    assert widths == sorted(widths)
    assert any("platinum: 10 passengers (10.0%)" in t for t in titles(root))


def test_pareto_points_accumulate_and_find_where_80_percent_is_reached() -> None:
    points = charts.pareto_points([50, 30, 10, 10])
    assert points == [(0.0, 0.0), (25.0, 50.0), (50.0, 80.0), (75.0, 90.0), (100.0, 100.0)]
    assert charts.share_reaching(points) == 50.0
    assert charts.share_reaching(charts.pareto_points([60, 40])) == pytest.approx(75.0)  # halfway up slice 2
    assert charts.share_reaching(charts.pareto_points([0, 0])) is None


def test_the_pareto_chart_draws_the_80_percent_line_and_says_who_reaches_it() -> None:
    svg = charts.pareto(charts.pareto_points([50, 30, 10, 10]), title="Revenue")
    root = parse(svg)
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert desc.text == "The top 50% of passengers bring 80% of revenue."
    assert "80% of revenue" in titles(root)
    assert re.search(r"top 50% bring 80%", str(svg))


def test_numbers_and_money_read_as_a_person_reads_them() -> None:
    assert charts.number(1234567) == "1,234,567"
    assert charts.number(12.345, "%") == "12.3%"
    assert charts.money(123456, "USD") == "1,234.56 USD"
    assert charts.money(5000, "JPY") == "5,000 JPY"
    assert charts.nice_ceiling(0) == 1
    assert charts.nice_ceiling(131) == 200
    assert charts.nice_ceiling(7) == 10
