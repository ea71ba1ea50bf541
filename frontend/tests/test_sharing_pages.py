"""The "who sees what" pages: the person chooses; the team chooses for them, with consent."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from families.models import SharingChange


@pytest.fixture
def as_user():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def _circle_url(personas) -> str:
    return reverse("note_sharing", args=[personas.person.pk])


def _member_url(place) -> str:
    return reverse("member_sharing", args=[place.pk])


def test_the_person_sees_their_choices_and_everyone_in_their_circle(personas, as_user):
    page = as_user(personas.person_user).get(_circle_url(personas)).content.decode()

    assert "You decide who sees the notes written about you." in page
    assert personas.family_place.name in page
    assert personas.professional_place.name in page
    assert _member_url(personas.professional_place) in page
    # The person is not asked how they agreed: choosing is agreeing.
    assert 'name="agreed_by"' not in page


def test_the_person_chooses_what_the_circle_sees(personas, as_user):
    response = as_user(personas.person_user).post(
        _circle_url(personas),
        {"shared_with_circle": "yes", "circle_kinds": ["moment"], "share_check_ins": "yes"},
    )

    assert response.status_code == 302
    personas.person.refresh_from_db()
    assert personas.person.circle_note_kinds == ["moment"]
    assert personas.person.share_check_ins is True
    assert SharingChange.objects.get().agreed_by == personas.person_user.display_name


def test_the_person_chooses_for_one_member(personas, as_user):
    response = as_user(personas.person_user).post(
        _member_url(personas.professional_place),
        {"which": "chosen", "kinds": ["visit", "concern"]},
    )

    assert response.status_code == 302
    personas.professional_place.refresh_from_db()
    assert personas.professional_place.note_kinds == ["visit", "concern"]
    page = as_user(personas.person_user).get(_circle_url(personas)).content.decode()
    assert "Concerns: when the team is worried about something" in page


def test_the_team_must_write_down_how_the_person_agreed(personas, as_user):
    client = as_user(personas.carer)
    page = client.get(_member_url(personas.family_place)).content.decode()
    assert 'name="agreed_by"' in page and 'name="agreed_how"' in page

    refused = client.post(
        _member_url(personas.family_place), {"which": "chosen", "kinds": ["moment"]}
    )
    assert refused.status_code == 422
    assert "Please say who agreed to this." in refused.content.decode()
    personas.family_place.refresh_from_db()
    assert personas.family_place.note_kinds is None

    accepted = client.post(
        _member_url(personas.family_place),
        {
            "which": "chosen",
            "kinds": ["moment"],
            "agreed_by": "Jean",
            "agreed_how": "said so at a visit",
            "agreed_on": timezone.localdate().isoformat(),
        },
    )
    assert accepted.status_code == 302
    change = SharingChange.objects.get()
    assert (change.agreed_by, change.agreed_how) == ("Jean", "said so at a visit")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SHARING_CHANGED).count() == 1


def test_a_date_in_the_future_is_refused(personas, as_user):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = as_user(personas.carer).post(
        _circle_url(personas),
        {
            "shared_with_circle": "yes",
            "circle_kinds": ["moment"],
            "agreed_by": "Jean",
            "agreed_how": "by phone",
            "agreed_on": tomorrow.isoformat(),
        },
    )
    assert response.status_code == 422
    assert "That date is in the future" in response.content.decode()


def test_a_kind_not_on_the_list_is_refused(personas, as_user):
    response = as_user(personas.person_user).post(
        _member_url(personas.family_place), {"which": "chosen", "kinds": ["handover"]}
    )
    assert response.status_code == 422
    personas.family_place.refresh_from_db()
    assert personas.family_place.note_kinds is None


@pytest.mark.parametrize("who", ["family", "professional", "other_carer", "outsider"])
def test_nobody_else_may_even_see_the_pages(personas, as_user, who):
    client = as_user(personas.all_users()[who])
    assert client.get(_circle_url(personas)).status_code == 404
    assert client.get(_member_url(personas.family_place)).status_code == 404
    posted = client.post(_member_url(personas.family_place), {"which": "chosen", "kinds": []})
    assert posted.status_code == 404
    assert client.get(reverse("member_sharing", args=[999999])).status_code == 404


def test_the_persons_page_links_to_the_choices(personas, as_user):
    page = as_user(personas.person_user).get(reverse("person", args=[personas.person.pk]))
    assert _circle_url(personas) in page.content.decode()
