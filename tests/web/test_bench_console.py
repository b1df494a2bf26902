"""`goodwill bench console` measures every console page on the demo airline with the blizzard replayed."""

from __future__ import annotations

from goodwill.bench import console as bench_console
from goodwill.web.console import NAV
from tests.conftest import Database


def test_every_page_is_measured_against_the_floor(database: Database, seeded_template: str) -> None:
    url = database.copy(seeded_template)
    result = bench_console.run(url=url, passengers=1_000, samples=5)
    paths = list(result["pages"])
    assert paths[: len(NAV)] == [item.path for item in NAV]
    assert any(p.startswith("/passengers/") for p in paths)  # the storm opened cases: a 360 and a case page
    assert any(p.startswith("/cases/C-") for p in paths)
    for path, figures in result["pages"].items():
        assert figures["status"] == 200, path
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert result["floor"]["health"]["p50_ms"] > 0
    assert result["floor"]["static_file"]["p50_ms"] > 0
    assert result["samples"] == 5
    again = bench_console.run(url=url, passengers=1_000, samples=5)  # reuses the database: no second storm
    assert list(again["pages"]) == paths
