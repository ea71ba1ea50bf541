"""Rota pages: my week, the team's week, open visits, offers, availability, activity, calendar.

Thin on purpose: every read is a teams.rota selector, every write a teams.rota service.
"""

from frontend.views.rota.calendar import calendar, calendar_feed
from frontend.views.rota.taking import change_undo, offer_accept, visit_claim
from frontend.views.rota.team import (
    activity,
    availability,
    goal_set,
    hours_set,
    visit_add,
)
from frontend.views.rota.visit import (
    offer_withdraw,
    visit_check_in,
    visit_detail,
    visit_move,
    visit_offer,
    visit_skip,
)
from frontend.views.rota.weeks import my_week, open_visits, team_week

__all__ = [
    "activity",
    "availability",
    "calendar",
    "calendar_feed",
    "change_undo",
    "goal_set",
    "hours_set",
    "my_week",
    "offer_accept",
    "offer_withdraw",
    "open_visits",
    "team_week",
    "visit_add",
    "visit_check_in",
    "visit_claim",
    "visit_detail",
    "visit_move",
    "visit_offer",
    "visit_skip",
]
