"""Running late and "I can't make it" reaching open pages: the family's "Who's coming" changes
at once, in its reader's language, with nothing of the team's own business in it."""

import datetime as dt
import re

import pytest
import time_machine
from channels.db import database_sync_to_async

from core.tests.sockets import connect
from teams.rota import lateness, services
from teams.rota.clock import local_today
from teams.tests.rota_helpers import open_visit, teammate

pytestmark = pytest.mark.django_db(transaction=True)

# 08:00 in London on an ordinary Wednesday in June; the visit is 8 to 10.
EIGHT_AM_LONDON = dt.datetime(2026, 6, 17, 7, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _eight_in_the_morning():
    with time_machine.travel(EIGHT_AM_LONDON, tick=True):
        yield


async def _frames(socket, *, until_quiet: float = 0.3) -> list[str]:
    frames = []
    while not await socket.receive_nothing(timeout=until_quiet):
        frames.append(await socket.receive_from())
    return frames


def _todays_visit(personas):
    return open_visit(
        personas,
        day=local_today(),
        carer_ids=[personas.carer.pk],
        window_start=dt.time(8),
        window_end=dt.time(10),
        window_label="",
        purpose="Help with her eye drops",
    )


async def test_the_family_socket_hears_the_carer_is_late_and_nothing_for_the_team(personas):
    visit = await database_sync_to_async(_todays_visit)(personas)
    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/")
    grid, *_ = await connect(personas.carer, f"/ws/teams/{personas.team.pk}/")

    await database_sync_to_async(lateness.visit_running_late)(
        actor=personas.carer, visit_id=visit.pk, minutes=20
    )

    [frame] = await _frames(family)
    assert re.search(rf'<section id="whos-coming-{personas.person.pk}"', frame)
    assert "Angela is running about 20 minutes late and will be with Jean around 8.20." in frame
    # The team's grid, the visit's purpose and the open-visits list stay with the team.
    assert "eye drops" not in frame and "cell-" not in frame and "open-visit" not in frame
    [team_frame] = await _frames(grid)
    assert f'id="cell-{personas.person.pk}-{visit.date:%Y%m%d}"' in team_frame
    for socket in (family, grid):
        await socket.disconnect()


async def test_a_welsh_reader_hears_it_in_welsh(personas):
    def welsh(user):
        user.language = "cy"
        user.save(update_fields=["language"])

    await database_sync_to_async(welsh)(personas.family)
    visit = await database_sync_to_async(_todays_visit)(personas)
    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/")

    await database_sync_to_async(lateness.visit_running_late)(
        actor=personas.carer, visit_id=visit.pk, minutes=20
    )

    [frame] = await _frames(family)
    assert "Mae Angela tua 20 munud yn hwyr a bydd gyda Jean tua 8.20." in frame
    await family.disconnect()


async def test_cant_make_it_reaches_the_team_as_urgent_and_the_family_as_being_covered(personas):
    kasia = await database_sync_to_async(teammate)(personas, "Kasia Nowicka")
    visit = await database_sync_to_async(_todays_visit)(personas)
    family, *_ = await connect(personas.family, f"/ws/people/{personas.person.pk}/")
    kasias, *_ = await connect(kasia, f"/ws/teams/{personas.team.pk}/")

    await database_sync_to_async(lateness.visit_cant_make_it)(
        actor=personas.carer, visit_id=visit.pk
    )

    [urgent] = await _frames(kasias)
    assert 'hx-swap-oob="afterbegin:#open-visits"' in urgent  # first on the list
    assert f'id="open-visit-{visit.pk}"' in urgent and "Urgent" in urgent
    [covering] = await _frames(family)
    assert "so the team is finding someone else" in covering
    assert "eye drops" not in covering and "Urgent" not in covering

    await database_sync_to_async(services.visit_claim)(actor=kasia, visit_id=visit.pk)
    [taken] = await _frames(family)
    assert "Kasia is coming this morning, between 8 and 10." in taken
    for socket in (family, kasias):
        await socket.disconnect()
