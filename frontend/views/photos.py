"""Photos, served only after families.access says the viewer may see whose photo it is."""

from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from core.requests import SignedInRequest
from families.access import circle_member_access_or_404, person_access_or_404, visible_users


def _serve(photo: FieldFile) -> FileResponse:
    if not photo or not photo.name:  # a FieldFile with no file is false, and has no name
        raise Http404
    try:
        handle = photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=_content_type(photo.name))
    # Private: a shared cache must never keep a photo of someone's mum.
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _content_type(name: str) -> str:
    return "image/png" if name.endswith(".png") else "image/jpeg"


@require_GET
@login_required
def person_photo(request: SignedInRequest, person_id: int) -> FileResponse:
    return _serve(person_access_or_404(request.user, person_id).person.photo)


@require_GET
@login_required
def user_photo(request: SignedInRequest, user_id: int) -> FileResponse:
    user = visible_users(request.user).filter(pk=user_id).first()
    if user is None:
        raise Http404
    return _serve(user.photo)


@require_GET
@login_required
def circle_photo(request: SignedInRequest, circle_member_id: int) -> FileResponse:
    return _serve(circle_member_access_or_404(request.user, circle_member_id).member.photo)
