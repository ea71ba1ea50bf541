"""Forms check the shape of what people type; services decide what it means."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from families.models import CircleMember
from teams.models import Membership

PHOTO_HELP = _("A clear photo of a face helps people recognise each other. JPEG, PNG or WebP.")


class PhotoField(forms.ImageField):
    default_error_messages = {
        "invalid_image": _(
            "This file is not a photo we can use. Please choose a JPEG, PNG or WebP picture."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", PHOTO_HELP)
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": "image/*"}))
        super().__init__(**kwargs)


class SignInForm(AuthenticationForm):
    # Deliberately one message for a wrong password and an unknown email alike.
    error_messages = {
        "invalid_login": _(
            "That email address and password do not match. Please check them and try again."
        ),
        "inactive": _("This account is closed. Please ask your care team for help."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "inputmode": "email"}
        )
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class PasswordResetInOwnLanguageForm(PasswordResetForm):
    """The reset email reaches its reader in the language they chose, not the asker's page's."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        language = getattr(context.get("user"), "language", "")
        with translation.override(language if language in dict(settings.LANGUAGES) else None):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        help_text=_("Shown to the families you work with, so they can reach you."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    photo = PhotoField(label=_("Your photo"))
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)


class PersonProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    preferred_name = forms.CharField(
        label=_("Preferred name"),
        max_length=80,
        required=False,
        help_text=_("What they like to be called."),
    )
    pronouns = forms.CharField(label=_("Pronouns"), max_length=40, required=False)
    photo = PhotoField(label=_("Photo"))
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)


class CoordinatorForm(forms.Form):
    coordinator = forms.TypedChoiceField(
        label=_("Named coordinator"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("The team member the family contacts first."),
    )

    def __init__(self, *args: Any, members: Iterable[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["coordinator"]).choices = [("", _("Nobody yet"))] + [
            (m.user_id, m.user.display_name) for m in members
        ]


class CircleMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(
        label=_("Who are they?"), choices=CircleMember.Kind.choices, widget=forms.RadioSelect
    )
    relationship = forms.CharField(
        label=_("Relationship"),
        max_length=80,
        help_text=_("For example: daughter, neighbour, district nurse."),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        help_text=_("Needed only if they will have their own account."),
    )
    photo = PhotoField(label=_("Photo"))


class TeamInviteForm(forms.Form):
    name = forms.CharField(label=_("Their name"), max_length=150)
    email = forms.EmailField(
        label=_("Their email address"),
        required=False,
        help_text=_("Optional. You will also get a link to send by text message."),
    )


class PersonAddForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    preferred_name = forms.CharField(
        label=_("Preferred name"),
        max_length=80,
        required=False,
        help_text=_("What they like to be called."),
    )


class RoleLabelForm(forms.Form):
    role_label = forms.CharField(
        label=_("Your team role"),
        max_length=80,
        required=False,
        help_text=_('A label for the team, such as "rota lead this month". Leave empty for none.'),
    )


class NewAccountForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Choose a password"),
        help_text=_("At least 8 characters. A short sentence is easy to remember."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, next to the field it is about."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
