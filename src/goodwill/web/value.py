"""Value: the tier pyramid, the revenue Pareto curve, passengers at risk.

For a CX manager: where the airline's revenue sits (a few bring most of it), and which of those few are showing
signs of leaving, each with the reasons and a link to their 360 so someone can act today.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from goodwill.api.deps import SessionDep
from goodwill.customers import risk, standing
from goodwill.web import charts
from goodwill.web.auth import ManagerPage
from goodwill.web.console import render

router = APIRouter(include_in_schema=False)


@router.get("/value", response_class=HTMLResponse)
def value(request: Request, session: SessionDep, me: ManagerPage) -> HTMLResponse:
    tiers = standing.tiers(session)
    currency = standing.revenue_currency(session)
    slices = standing.revenue_slices(session)
    points = charts.pareto_points(slices)
    reach = charts.share_reaching(points) if slices and sum(slices) else None
    total_revenue = sum(t.revenue_minor for t in tiers)
    risks = standing.at_risk(session)
    context = {
        "tiers": tiers,
        "currency": currency,
        "total_revenue": total_revenue,
        "passengers": sum(t.passengers for t in tiers),
        "pyramid": charts.pyramid([(t.tier, t.passengers) for t in tiers], title="Passengers by loyalty tier"),
        "pareto": charts.pareto(points, title="Share of revenue brought by the most valuable passengers"),
        "pareto_rows": [(x, y) for x, y in points if x and float(x).is_integer() and int(x) in (1, 5, 10, 20, 50, 100)],
        "reach": reach,
        "signalled": risks.signalled,
        "levels": risks.levels,
        "at_risk": risks.passengers,
        "at_risk_revenue": sum(a.revenue_minor for a in risks.passengers if a.risk.level != "low"),
        "weights": risk.WEIGHTS,
        "flies_less": risk.FLIES_LESS,
        "stopped": risk.STOPPED,
        "high": risk.HIGH,
        "medium": risk.MEDIUM,
        "trend_days": standing.TREND_DAYS,
        "money": charts.money,
        "number": charts.number,
    }
    return render(request, "console/value.html", context, me=me)
