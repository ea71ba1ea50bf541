from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.images import clean_photo, replace_photo
from core.models import User


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    display_name: str,
    phone: str = "",
    language: str | None = None,
    photo: UploadedFile | None = None,
    remove_photo: bool = False,
) -> User:
    """Change how someone appears to the people around them."""
    cleaned = clean_photo(photo) if photo is not None else None
    user.display_name = display_name.strip()
    user.phone = phone.strip()
    if language:
        if language not in dict(settings.LANGUAGES):
            raise ValidationError({"language": _("Please choose one of the languages listed.")})
        user.language = language
    user.full_clean(exclude=["password", "photo"])
    replace_photo(user, "photo", cleaned, remove=remove_photo)
    user.save()
    return user


def user_choose_language(*, user: User, language: str) -> User:
    """The language Kith speaks to this person in: pages, live updates, emails, phones."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Please choose one of the languages listed.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def user_set_larger_text(*, user: User, larger: bool) -> User:
    """Every page in a larger type for this person, on every device they use."""
    if user.larger_text != larger:
        user.larger_text = larger
        user.save(update_fields=["larger_text"])
    return user
