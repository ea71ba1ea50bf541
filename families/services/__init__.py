"""Every write in families/, whoever calls it: pages, the API, sockets and commands."""

from families.services.circle import circle_member_add, circle_member_remove
from families.services.invitations import (
    InvitationState,
    InvitationUnusable,
    IssuedInvitation,
    invitation_accept,
    invitation_accept_with_new_account,
    invitation_create_for_circle,
    invitation_create_for_team,
    invitation_lookup,
)
from families.services.people import (
    PROFILE_FIELDS,
    person_create,
    person_set_coordinator,
    person_update_profile,
)

__all__ = [
    "PROFILE_FIELDS",
    "InvitationState",
    "InvitationUnusable",
    "IssuedInvitation",
    "circle_member_add",
    "circle_member_remove",
    "invitation_accept",
    "invitation_accept_with_new_account",
    "invitation_create_for_circle",
    "invitation_create_for_team",
    "invitation_lookup",
    "person_create",
    "person_set_coordinator",
    "person_update_profile",
]
from families.services.feelings import person_share_feeling
from families.services.notes import (
    concern_mark_handled,
    note_create,
    note_create_once,
    note_delete,
    note_edit,
    person_set_note_sharing,
    reaction_set,
    render_note_fragments,
    reply_create,
    reply_create_once,
)
from families.services.outcomes import outcome_create, outcome_update

__all__ += [
    "concern_mark_handled",
    "note_create",
    "note_create_once",
    "note_delete",
    "note_edit",
    "outcome_create",
    "outcome_update",
    "person_set_note_sharing",
    "person_share_feeling",
    "reaction_set",
    "render_note_fragments",
    "reply_create",
    "reply_create_once",
]
