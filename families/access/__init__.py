"""The one answer to "what may this user see and do for this person".

Every page, fragment, API call, socket and push asks here. Anything a user may not see is
answered exactly like something that does not exist: ``None`` from the ``*_access`` functions,
``Http404`` from the ``*_or_404`` ones. Nobody learns who else is supported.

Who sees a person:
- a current member of the person's team: everything;
- the person themself, through their own account: their record;
- a current member of the person's circle with an account: what the person shares with them;
- nobody else.

What the person shares is decided per kind of note (``PersonAccess.note_kinds_visible``):
the circle's usual kinds, or the kinds chosen for one member (the district nurse sees
concerns and visit notes, the nephew good moments only). Pages, the API, sockets, catch-up
and push all ask ``PersonAccess`` and nothing else.
"""

from core.audience import Audience as Audience
from families.access.people import ALL_NOTE_KINDS as ALL_NOTE_KINDS
from families.access.people import MAX_PK as MAX_PK
from families.access.people import TEAM_AUDIENCE_KINDS_SHAREABLE as TEAM_AUDIENCE_KINDS_SHAREABLE
from families.access.people import PersonAccess as PersonAccess
from families.access.people import PersonRow as PersonRow
from families.access.people import Role as Role
from families.access.people import TeamRow as TeamRow
from families.access.people import _signed_in as _signed_in
from families.access.people import about_me_shown_to as about_me_shown_to
from families.access.people import around_someone as around_someone
from families.access.people import as_pk as as_pk
from families.access.people import audience_users as audience_users
from families.access.people import circle_kinds_for as circle_kinds_for
from families.access.people import current_team_ids as current_team_ids
from families.access.people import first_family_contact_id as first_family_contact_id
from families.access.people import in_a_team as in_a_team
from families.access.people import is_first_family_contact as is_first_family_contact
from families.access.people import person_access as person_access
from families.access.people import person_access_or_404 as person_access_or_404
from families.access.people import person_row_access as person_row_access
from families.access.people import team_access as team_access
from families.access.people import team_access_or_404 as team_access_or_404
from families.access.people import team_row_access as team_row_access
from families.access.people import visible_people as visible_people
from families.access.people import visible_users as visible_users
from families.access.rota import offer_access_or_404 as offer_access_or_404
from families.access.rota import pattern_access_or_404 as pattern_access_or_404
from families.access.rota import rota_change_access_or_404 as rota_change_access_or_404
from families.access.rota import visit_access as visit_access
from families.access.rota import visit_access_or_404 as visit_access_or_404
from families.access.things import CircleMemberAccess as CircleMemberAccess
from families.access.things import NoteAccess as NoteAccess
from families.access.things import OutcomeAccess as OutcomeAccess
from families.access.things import PhotoAccess as PhotoAccess
from families.access.things import circle_member_access_or_404 as circle_member_access_or_404
from families.access.things import note_access as note_access
from families.access.things import note_access_or_404 as note_access_or_404
from families.access.things import note_photo_access_or_404 as note_photo_access_or_404
from families.access.things import outcome_access_or_404 as outcome_access_or_404
