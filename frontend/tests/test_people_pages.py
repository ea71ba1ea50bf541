import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.tests.http import signed_in as _client
from families.models import CircleMember


def _png(size=(60, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, format="PNG")
    return SimpleUploadedFile("face.png", buffer.getvalue(), content_type="image/png")


def test_my_people_groups_people_by_how_you_know_them(personas):
    page = _client(personas.carer).get(reverse("people_directory")).text
    assert "People our team supports" in page
    assert "Jean" in page and "Neville Neighbour" in page
    assert "Olive Otherteam" not in page


def test_a_family_member_sees_only_their_person(personas):
    page = _client(personas.family).get(reverse("home")).text
    assert "People you are close to" in page
    assert "Jean" in page
    assert "Neville" not in page
    assert "Olive" not in page


def test_the_person_sees_their_own_page(personas):
    # Their home is My day (test_my_day_page.py); the list of their people keeps them too.
    page = _client(personas.person_user).get(reverse("people_directory")).text
    assert "Your own page" in page


def test_someone_connected_to_nobody_is_told_what_happens_next(personas):
    page = _client(personas.outsider).get(reverse("home")).text
    assert "Nobody is here yet." in page


def test_my_people_costs_the_same_queries_however_many_people(
    personas, django_assert_max_num_queries
):
    from core.tests.factories import PersonFactory

    client = _client(personas.carer)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("people_directory"))
    PersonFactory.create_batch(10, team=personas.team, coordinator=personas.carer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("people_directory"))


def test_the_person_page_puts_the_named_coordinator_first(personas):
    page = _client(personas.family).get(reverse("person", args=[personas.person.pk])).text
    assert page.index("First contact") < page.index("Angela Carer") < page.index("The care team")


def test_circle_contact_details_are_for_the_team_only(personas):
    url = reverse("person", args=[personas.person.pk])
    assert "07700 900123" in _client(personas.carer).get(url).text
    family_page = _client(personas.family).get(url).text
    assert "07700 900123" not in family_page
    assert "nina@example.org" not in family_page


def test_the_team_can_rewrite_the_profile(personas):
    url = reverse("person_edit", args=[personas.person.pk])
    _client(personas.carer).post(
        url,
        {
            "full_name": "Jean Margaret Person",
            "preferred_name": "Jeannie",
            "pronouns": "she/her",
        },
        expect=302,
    )
    personas.person.refresh_from_db()
    assert personas.person.preferred_name == "Jeannie"


def test_the_person_can_rewrite_their_own_profile_with_a_photo(personas):
    url = reverse("person_edit", args=[personas.person.pk])
    _client(personas.person_user).post(
        url, {"full_name": "Jean Margaret Person", "photo": _png()}, expect=302
    )
    personas.person.refresh_from_db()
    assert personas.person.photo.name.endswith(".jpg")
    photo = _client(personas.family).get(reverse("person_photo", args=[personas.person.pk]))
    assert photo.status_code == 200
    assert photo["Cache-Control"] == "private, max-age=3600"


def test_a_file_that_is_not_a_photo_gets_a_clear_message_and_nothing_changes(personas):
    url = reverse("person_edit", args=[personas.person.pk])
    bad = SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png")
    response = _client(personas.carer).post(
        url, {"full_name": "Changed Name", "photo": bad}, expect=200
    )
    assert "not a photo we can use" in response.text
    personas.person.refresh_from_db()
    assert personas.person.full_name == "Jean Margaret Person"


def test_an_empty_name_is_explained(personas):
    url = reverse("person_edit", args=[personas.person.pk])
    response = _client(personas.carer).post(url, {"full_name": ""}, expect=200)
    assert "This field is required." in response.text
    assert "Please check the answers marked below." in response.text


def test_the_team_names_a_coordinator_from_the_team_only(personas):
    from core.tests.factories import MembershipFactory

    colleague = MembershipFactory.create(team=personas.team).user
    url = reverse("person_coordinator", args=[personas.person.pk])
    _client(personas.carer).post(url, {"coordinator": colleague.pk}, expect=302)
    personas.person.refresh_from_db()
    assert personas.person.coordinator == colleague
    _client(personas.carer).post(url, {"coordinator": personas.other_carer.pk}, expect=302)
    personas.person.refresh_from_db()
    assert personas.person.coordinator == colleague


def test_adding_to_the_circle_and_inviting_shows_a_link_to_send(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("circle_add", args=[personas.person.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(personas.carer).post(
            url,
            {
                "name": "Tom Grandson",
                "kind": "family",
                "relationship": "grandson",
                "email": "tom@example.org",
                "invite": "1",
            },
            expect=200,
        )
    assert "/invitations/" in response.text
    assert "Send by text message" in response.text
    assert CircleMember.objects.filter(person=personas.person, name="Tom Grandson").exists()
    assert mailoutbox[0].to == ["tom@example.org"]


def test_adding_to_the_circle_without_a_name_explains_and_saves_nothing(personas):
    url = reverse("circle_add", args=[personas.person.pk])
    before = CircleMember.objects.count()
    response = _client(personas.carer).post(
        url, {"kind": "family", "relationship": "son"}, expect=200
    )
    assert "This field is required." in response.text
    assert CircleMember.objects.count() == before


def test_removing_someone_from_the_circle_ends_their_access(personas):
    url = reverse("circle_remove", args=[personas.family_place.pk])
    _client(personas.carer).post(url, expect=302)
    _client(personas.family).get(reverse("person", args=[personas.person.pk]), expect=404)


def test_removing_someone_from_the_circle_asks_first(personas):
    url = reverse("circle_remove", args=[personas.family_place.pk])
    page = _client(personas.carer).get(url)
    assert page.status_code == 200
    assert "Remove Sarah Daughter from Jean" in page.text
    personas.family_place.refresh_from_db()
    assert personas.family_place.removed_at is None


def test_only_the_team_is_asked_about_removing(personas):
    url = reverse("circle_remove", args=[personas.family_place.pk])
    _client(personas.family).get(url, expect=404)
    _client(personas.other_carer).get(url, expect=404)
