"""/api/v1/teams: a carer's own teams, for their current members only."""

from ninja import Router

from core.requests import SignedInRequest
from core.schemas import ERRORS
from families.access import team_access_or_404
from teams.schemas import SupportedPersonOut, TeamDetailOut, TeamOut, member
from teams.selectors import team_members, team_people, teams_with_members_for_user

router = Router(tags=["teams"])


@router.get("", response={200: list[TeamOut], **ERRORS}, summary="My teams")
def teams_list(request: SignedInRequest) -> list[TeamOut]:
    return [
        TeamOut(
            id=team.pk,
            name=team.name,
            area=team.area,
            members=[member(m) for m in team.current_members],
        )
        for team in teams_with_members_for_user(request.user)
    ]


@router.get("/{id:team_id}", response={200: TeamDetailOut, **ERRORS}, summary="One of my teams")
def team_detail(request: SignedInRequest, team_id: int) -> TeamDetailOut:
    team = team_access_or_404(request.user, team_id)
    return TeamDetailOut(
        id=team.pk,
        name=team.name,
        area=team.area,
        members=[member(m) for m in team_members(team)],
        people=sorted(
            (SupportedPersonOut(id=p.pk, name=p.name) for p in team_people(team)),
            key=lambda p: (p.name.casefold(), p.id),
        ),
    )
