import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from families.models import Person


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_team_page_lists_members_and_the_people_supported(personas):
    page = _client(personas.carer).get(reverse("team", args=[personas.team.pk])).text
    assert "Angela Carer" in page
    assert "Jean" in page
    assert "there is no manager" in page


def test_any_member_sets_their_own_team_role(personas):
    client = _client(personas.carer)
    client.post(reverse("role_label_edit", args=[personas.team.pk]), {"role_label": "rota lead"})
    assert "rota lead" in client.get(reverse("team", args=[personas.team.pk])).text


def test_inviting_a_carer_shows_the_link(personas):
    response = _client(personas.carer).post(
        reverse("team_invite", args=[personas.team.pk]), {"name": "Nia New"}
    )
    assert response.status_code == 200
    assert "An invitation for Nia New" in response.text


def test_inviting_without_a_name_explains(personas):
    response = _client(personas.carer).post(
        reverse("team_invite", args=[personas.team.pk]), {"email": "not an email"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "Enter a valid email address." in response.text


def test_adding_a_person_leads_to_their_profile(personas):
    response = _client(personas.carer).post(
        reverse("person_add", args=[personas.team.pk]), {"full_name": "Ada Lovelace"}
    )
    person = Person.objects.get(full_name="Ada Lovelace")
    assert person.team == personas.team
    assert response["Location"] == reverse("person_edit", args=[person.pk])


def test_profile_changes_name_phone_and_photo(personas):
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), "red").save(buffer, format="JPEG")
    photo = SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")
    client = _client(personas.carer)
    response = client.post(
        reverse("profile"),
        {"display_name": "Angela O", "phone": "07700 900999", "language": "en-gb", "photo": photo},
    )
    assert response.status_code == 302
    personas.carer.refresh_from_db()
    assert personas.carer.display_name == "Angela O"
    with Image.open(personas.carer.photo.path) as saved:
        assert max(saved.size) == 1600


def test_profile_refuses_an_unknown_language(personas):
    response = _client(personas.carer).post(
        reverse("profile"), {"display_name": "Angela", "language": "xx"}
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.text
