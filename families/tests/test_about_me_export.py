"""About Me in the copy of the record: structured, with the standard's section names."""

import json

from django.template.loader import render_to_string

from families import record_export
from families.access import person_access_or_404
from families.services import about_me_write
from families.services.sharing import circle_member_sharing_update


def _write_two_versions(personas):
    about_me_write(
        actor=personas.carer,
        person_id=personas.person.pk,
        sections={"called": "Jean", "hopes": "To stay at home, with my garden."},
        important_member_ids=[personas.family_place.pk],
        written_with="Jean and Sarah",
    )


def test_the_record_holds_about_me_with_section_names_and_every_version(personas):
    _write_two_versions(personas)
    reader = person_access_or_404(personas.person_user, personas.person.pk)
    data, _photos = record_export.collect(personas.person, reader)
    data = json.loads(json.dumps(data))  # exactly what record.json holds
    assert data["version"] == record_export.FORMAT_VERSION
    about = data["about_me"]
    assert [v["version"] for v in about["versions"]] == [1, 2]
    current = about["current"]
    assert current["version"] == 2
    assert current["written_by"] == "Angela Carer"
    assert current["written_with"] == "Jean and Sarah"
    names = {s["key"]: s["name"] for s in current["sections"]}
    assert names["called"] == "What I like to be called"
    assert names["hopes"] == "My hopes and wishes, and any advance decisions I want known"
    assert names["when_upset"] == "When I am in pain or upset"
    texts = {s["key"]: s["text"] for s in current["sections"]}
    assert texts["hopes"] == "To stay at home, with my garden."
    assert current["important_people_in_circle"] == [
        {
            "circle_member_id": personas.family_place.pk,
            "name": personas.family_place.name,
            "relationship": "daughter",
        }
    ]
    first = about["versions"][0]
    assert first["carried_over_from_earlier_profile"] is True
    assert {s["key"]: s["text"] for s in first["sections"]}["story"] == (
        "Loves the garden and a good crossword."
    )
    # The old boxes are no longer columns of the person.
    assert "what_matters" not in data["person"]


def test_the_readable_copy_shows_the_current_about_me(personas):
    _write_two_versions(personas)
    reader = person_access_or_404(personas.carer, personas.person.pk)
    data, _photos = record_export.collect(personas.person, reader)
    html = render_to_string(
        "frontend/export/record.html", {"record": data, "person": personas.person}
    )
    assert "My hopes and wishes, and any advance decisions I want known" in html
    assert "To stay at home, with my garden." in html
    assert "There are 2 versions, all in record.json." in html


def test_a_reader_sees_only_what_their_pages_show(personas):
    # Copies are made for the person and their coordinator; the rule is the pages' all the
    # same, should anyone else ever be given one.
    reader = person_access_or_404(personas.professional, personas.person.pk)
    assert record_export._about_me(personas.person, reader) == {"current": None, "versions": []}
    circle_member_sharing_update(
        actor=personas.person_user,
        circle_member_id=personas.professional_place.pk,
        kinds=None,
        sees_about_me=True,
    )
    reader = person_access_or_404(personas.professional, personas.person.pk)
    shown = record_export._about_me(personas.person, reader)
    # The current words, not the earlier versions: those are the team's and the person's.
    assert [v["version"] for v in shown["versions"]] == [1]
