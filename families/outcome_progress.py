"""A simple picture of progress towards an outcome: notes marking progress, week by week.

Drawn on the server as SVG so it works on any phone with no chart library. Counts only the
notes the viewer may see, so the picture never hints at a team-only note to the circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from families.access import PersonAccess
from families.models import Outcome
from families.timeline import visible_notes

WEEKS_SHOWN = 12
# Drawing units; the SVG scales to the width of the screen.
BAR_WIDTH = 20
GAP = 6
CHART_HEIGHT = 100
LABEL_SPACE = 22


@dataclass(frozen=True)
class WeekCount:
    starts: date
    count: int


def progress_by_week(
    access: PersonAccess, outcome: Outcome, *, weeks: int = WEEKS_SHOWN, today: date | None = None
) -> list[WeekCount]:
    """Notes marking progress in each of the last ``weeks`` weeks (Monday to Sunday)."""
    today = today or timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    first_monday = this_monday - timedelta(weeks=weeks - 1)
    counts = dict.fromkeys((first_monday + timedelta(weeks=n) for n in range(weeks)), 0)
    written = (
        visible_notes(access)
        .filter(outcomes=outcome, created_at__date__gte=first_monday - timedelta(days=1))
        .values_list("created_at", flat=True)
    )
    for created_at in written:
        day = timezone.localdate(created_at)
        monday = day - timedelta(days=day.weekday())
        if monday in counts:
            counts[monday] += 1
    return [WeekCount(starts=monday, count=count) for monday, count in counts.items()]


def progress_svg(weeks: list[WeekCount], *, title: str) -> SafeString:
    """Bars, one per week, with the count written above each bar that has any."""
    width = len(weeks) * (BAR_WIDTH + GAP) + GAP
    height = CHART_HEIGHT + LABEL_SPACE * 2
    tallest = max((w.count for w in weeks), default=0) or 1
    total = sum(w.count for w in weeks)
    description = ngettext(
        "%(count)s note marked progress in the last %(weeks)s weeks.",
        "%(count)s notes marked progress in the last %(weeks)s weeks.",
        total,
    ) % {"count": total, "weeks": len(weeks)}
    bars = []
    for index, week in enumerate(weeks):
        x = GAP + index * (BAR_WIDTH + GAP)
        bar_height = round(CHART_HEIGHT * week.count / tallest)
        y = LABEL_SPACE + CHART_HEIGHT - bar_height
        label = formats.date_format(week.starts, "j M")
        bars.append((x, y, bar_height, week.count, label, index))
    drawn = format_html_join(
        "",
        '<g><title>{}</title><rect class="progress-bar" x="{}" y="{}" width="{}" height="{}"'
        ' rx="3"></rect>{}{}</g>',
        (
            (
                _("Week of %(date)s: %(count)s") % {"date": label, "count": count},
                x,
                y,
                BAR_WIDTH,
                max(bar_height, 1),
                format_html(
                    '<text class="progress-count" x="{}" y="{}" text-anchor="middle">{}</text>',
                    x + BAR_WIDTH // 2,
                    y - 4,
                    count,
                )
                if count
                else "",
                # A date under every third bar keeps the labels readable on a small screen.
                format_html(
                    '<text class="progress-date" x="{}" y="{}" text-anchor="middle">{}</text>',
                    x + BAR_WIDTH // 2,
                    height - 4,
                    label,
                )
                if index % 3 == 0
                else "",
            )
            for x, y, bar_height, count, label, index in bars
        ),
    )
    return format_html(
        '<svg class="progress-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{} {}" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}">{}</title><desc id="{}">{}</desc>'
        '<line class="progress-axis" x1="0" y1="{}" x2="{}" y2="{}"></line>{}</svg>',
        width,
        height,
        "progress-title",
        "progress-desc",
        "progress-title",
        title,
        "progress-desc",
        description,
        LABEL_SPACE + CHART_HEIGHT,
        width,
        LABEL_SPACE + CHART_HEIGHT,
        drawn,
    )
