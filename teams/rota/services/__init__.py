"""Writes to the rota. The team runs it: any current member may do any of these, nobody approves.

Every service finds what it changes through the access layer (families.access), so a visit, offer
or change of another team is answered like something that does not exist; works in one
transaction; records a RotaChange the team can read and undo; and tells open pages.

The writes live in small modules by what they are about; this package names them all, so
``from teams.rota import services`` and ``services.visit_claim`` keep working.
"""

from families.access import offer_access_or_404, visit_access_or_404
from teams.rota.selectors import UNDOABLE_VISIT_KINDS
from teams.rota.services.calendar_feeds import (
    calendar_feed_renew,
    calendar_feed_revoke,
    calendar_feed_user,
)
from teams.rota.services.check_in import (
    CHECK_IN_EARLY,
    check_in_open,
    check_in_window,
    shares_check_ins,
    visit_check_in,
)
from teams.rota.services.common import (
    MAX_MINUTES,
    MIN_MINUTES,
    VISIT_FIELDS,
    WEEKDAY_CODES,
    WEEKS_AHEAD,
    AlreadyTaken,
    _announce,
    _current_members,
    _from_json,
    _record,
    snapshot,
)
from teams.rota.services.offers import (
    offer_accept,
    offer_accept_refusal,
    offer_withdraw,
    visit_offer,
)
from teams.rota.services.patterns import (
    _expand,
    occurrence_dates,
    pattern_create,
    pattern_expand,
    patterns_expand_all,
    weekly_rule,
)
from teams.rota.services.team_settings import (
    agreed_hours_set,
    availability_set,
    continuity_goal_set,
    rota_settings_for,
)
from teams.rota.services.undo import UNDOABLE_KINDS, change_undo
from teams.rota.services.visits import (
    visit_claim,
    visit_claim_refusal,
    visit_create,
    visit_move,
    visit_skip,
)

# Older names for the access layer's own lookups, for code written before the split.
_visit_for_member = visit_access_or_404
_offer_for_member = offer_access_or_404

__all__ = [
    "CHECK_IN_EARLY",
    "MAX_MINUTES",
    "MIN_MINUTES",
    "UNDOABLE_KINDS",
    "UNDOABLE_VISIT_KINDS",
    "VISIT_FIELDS",
    "WEEKDAY_CODES",
    "WEEKS_AHEAD",
    "AlreadyTaken",
    "_announce",
    "_current_members",
    "_expand",
    "_from_json",
    "_offer_for_member",
    "_record",
    "_visit_for_member",
    "agreed_hours_set",
    "availability_set",
    "calendar_feed_renew",
    "calendar_feed_revoke",
    "calendar_feed_user",
    "change_undo",
    "check_in_open",
    "check_in_window",
    "continuity_goal_set",
    "occurrence_dates",
    "offer_accept",
    "offer_accept_refusal",
    "offer_withdraw",
    "pattern_create",
    "pattern_expand",
    "patterns_expand_all",
    "rota_settings_for",
    "shares_check_ins",
    "snapshot",
    "visit_check_in",
    "visit_claim",
    "visit_claim_refusal",
    "visit_create",
    "visit_move",
    "visit_offer",
    "visit_skip",
    "weekly_rule",
]
