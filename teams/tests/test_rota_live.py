"""Rota changes reaching open pages: team grids hear the team, families hear only who's coming."""

import re

import pytest
from channels.db import database_sync_to_async

from core.tests.sockets import connect
from teams.rota import services
from teams.tests.rota_helpers import open_visit, teammate

pytestmark = pytest.mark.django_db(transaction=True)


async def _frames(socket, *, until_quiet: float = 0.3) -> list[str]:
    frames = []
    while not await socket.receive_nothing(timeout=until_quiet):
        frames.append(await socket.receive_from())
    return frames


async def test_a_claim_updates_the_team_grid_and_the_familys_whos_coming(personas):
    bea = await database_sync_to_async(teammate)(personas)
    visit = await database_sync_to_async(open_visit)(personas)
    grid, *_ = await connect(personas.carer, f"/ws/teams/{personas.team.pk}/")
    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/")

    await database_sync_to_async(services.visit_claim)(actor=bea, visit_id=visit.pk)

    grid_frames = await _frames(grid)
    family_frames = await _frames(family)
    assert len(grid_frames) == 1
    cell = f'id="cell-{personas.person.pk}-{visit.date:%Y%m%d}"'
    assert cell in grid_frames[0] and "Bea" in grid_frames[0]
    # The same day on a phone's list of the week.
    assert f'id="daycell-{personas.person.pk}-{visit.date:%Y%m%d}"' in grid_frames[0]
    assert f'<li id="open-visit-{visit.pk}" hx-swap-oob="delete">' in grid_frames[0]
    assert len(family_frames) == 1
    assert re.search(rf'<section id="whos-coming-{personas.person.pk}"', family_frames[0])
    assert "Bea is coming" in family_frames[0]
    assert "cup of tea" not in family_frames[0] and "cell-" not in family_frames[0]
    for socket in (grid, family):
        await socket.disconnect()


async def test_undoing_a_claim_reopens_the_visit_on_every_open_rota(personas):
    from teams.models import RotaChange

    bea = await database_sync_to_async(teammate)(personas)
    visit = await database_sync_to_async(open_visit)(personas)
    await database_sync_to_async(services.visit_claim)(actor=bea, visit_id=visit.pk)
    claim = await RotaChange.objects.aget(kind=RotaChange.Kind.VISIT_CLAIMED)
    grid, *_ = await connect(personas.carer, f"/ws/teams/{personas.team.pk}/")

    await database_sync_to_async(services.change_undo)(actor=bea, change_id=claim.pk)

    [frame] = await _frames(grid)
    day_cell = frame[frame.index(f'id="daycell-{personas.person.pk}-') :]
    assert "I&#x27;ll go" in day_cell or "I'll go" in day_cell
    assert "Bea" not in day_cell.split("</li>")[0]
    assert 'hx-swap-oob="beforeend:#open-visits"' in frame
    await grid.disconnect()


async def test_offers_never_reach_the_family_or_another_team(personas):
    visit = await database_sync_to_async(open_visit)(personas, carer_ids=[personas.carer.pk])
    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/")
    grid, *_ = await connect(personas.carer, f"/ws/teams/{personas.team.pk}/")
    _stranger, accepted, *_ = await connect(personas.other_carer, f"/ws/teams/{personas.team.pk}/")
    assert not accepted

    offer = await database_sync_to_async(services.visit_offer)(
        actor=personas.carer, visit_id=visit.pk, note="Dentist"
    )

    grid_frames = await _frames(grid)
    assert len(grid_frames) == 1 and f'id="offer-{offer.pk}"' in grid_frames[0]
    assert await _frames(family) == []
    for socket in (grid, family):
        await socket.disconnect()


def _latest_event_id() -> int:
    from core.models import Event

    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


async def test_a_rota_page_catching_up_is_sent_each_visit_as_it_is_now(personas):
    bea = await database_sync_to_async(teammate)(personas)
    visit = await database_sync_to_async(open_visit)(personas)
    after = await database_sync_to_async(_latest_event_id)()
    await database_sync_to_async(services.visit_claim)(actor=bea, visit_id=visit.pk)
    offer = await database_sync_to_async(services.visit_offer)(
        actor=bea, visit_id=visit.pk, note="Dentist on Thursday"
    )

    grid, *_ = await connect(personas.carer, f"/ws/teams/{personas.team.pk}/", after=after)
    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/", after=after)
    grid_frames = [f for f in await _frames(grid) if "kith-streams" not in f]
    family_frames = [f for f in await _frames(family) if "kith-streams" not in f]

    cell = f'id="cell-{personas.person.pk}-{visit.date:%Y%m%d}"'
    assert sum(cell in frame for frame in grid_frames) == 1, "one visit, one frame"
    assert any(f'id="offer-{offer.pk}"' in frame for frame in grid_frames)
    # The circle hears only who's coming, once, as it is now; never the offer or its reason.
    assert len(family_frames) == 1
    assert re.search(rf'<section id="whos-coming-{personas.person.pk}"', family_frames[0])
    assert not any("Dentist" in frame for frame in family_frames)
    for socket in (grid, family):
        await socket.disconnect()
