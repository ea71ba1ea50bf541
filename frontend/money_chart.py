"""The budget over its period as a picture: spending added up day by day against the budget.

Drawn on the server as SVG, like the goals' picture: no script, readable by a screen reader
through its title and description.
"""

import datetime as dt

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from frontend.money_words import pounds
from teams.funding.selectors import MoneyPicture

WIDTH, HEIGHT, TOP = 320, 150, 12


def _points(running: list[tuple[dt.date, int]], top_pence: int) -> list[tuple[float, float]]:
    days = max(1, len(running) - 1)
    return [
        (round(i * WIDTH / days, 1), round(HEIGHT - total * (HEIGHT - TOP) / top_pence, 1))
        for i, (_day, total) in enumerate(running)
    ]


def _polyline(points: list[tuple[float, float]], css: str) -> SafeString:
    if len(points) < 2:
        return SafeString("")
    coords = " ".join(f"{x},{y}" for x, y in points)
    return format_html('<polyline class="{}" points="{}"></polyline>', css, coords)


def budget_svg(picture: MoneyPicture, *, title: str) -> SafeString:
    running = picture.running_total
    final = running[-1][1] if running else 0
    top = max(picture.budget_pence, final, 1) * 11 // 10
    points = _points(running, top)
    today_index = next((i for i, (day, _t) in enumerate(running) if day >= picture.today), 0)
    budget_y = round(HEIGHT - picture.budget_pence * (HEIGHT - TOP) / top, 1)
    today_x = points[today_index][0] if points else 0
    description = _(
        "Spent so far: %(spent)s of %(budget)s. By the end of the period, at this rate: %(end)s."
    ) % {
        "spent": pounds(picture.period.delivered_pence),
        "budget": pounds(picture.budget_pence),
        "end": pounds(final),
    }
    return format_html(
        '<svg class="budget-chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="budget-title budget-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="budget-title">{title}</title><desc id="budget-desc">{desc}</desc>'
        '<line class="budget-limit" x1="0" y1="{by}" x2="{w}" y2="{by}"></line>'
        '<line class="budget-today" x1="{tx}" y1="0" x2="{tx}" y2="{h}"></line>'
        "{spent}{ahead}</svg>",
        w=WIDTH,
        h=HEIGHT,
        title=title,
        desc=description,
        by=budget_y,
        tx=today_x,
        spent=_polyline(points[: today_index + 1], "budget-spent"),
        ahead=_polyline(points[today_index:], "budget-ahead"),
    )
