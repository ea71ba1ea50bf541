"""Who sees what: the person's choices for their circle, and for each member of it.

Thin views over families.services.sharing. The person sets them through their own account;
the team may set them for the person, writing down how the person agreed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import DayField
from core.requests import SignedInRequest
from families.access import (
    PersonAccess,
    Role,
    about_me_shown_to,
    circle_kinds_for,
    circle_member_access_or_404,
    person_access_or_404,
)
from families.models import CIRCLE_DEFAULT_KINDS, CIRCLE_MEMBER_KINDS, CircleMember, Note

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from families.services.sharing import (
    AGREED_BY_MAX,
    AGREED_HOW_MAX,
    Agreement,
    circle_member_sharing_update,
    sharing_update,
)

# Plain words for each kind of note, as the person would think of them.
KIND_WORDS: dict[str, StrOrPromise] = {
    Note.Kind.VISIT: gettext_lazy("Visit notes: how each visit went"),
    Note.Kind.MOMENT: gettext_lazy("Good moments"),
    Note.Kind.FAMILY_UPDATE: gettext_lazy("Family updates"),
    Note.Kind.CONCERN: gettext_lazy("Concerns: when the team is worried about something"),
}


def _kind_choices(kinds: tuple[str, ...]) -> list[tuple[str, Any]]:
    return [(kind, KIND_WORDS[kind]) for kind in kinds]


class AgreementForm(forms.Form):
    """Only for the team: how the person said yes."""

    agreed_by = forms.CharField(
        label=gettext_lazy("Who agreed?"),
        max_length=AGREED_BY_MAX,
        help_text=gettext_lazy("Usually the person themself, or someone who may speak for them."),
        error_messages={"required": gettext_lazy("Please say who agreed to this.")},
    )
    agreed_how = forms.CharField(
        label=gettext_lazy("How did they tell you?"),
        max_length=AGREED_HOW_MAX,
        help_text=gettext_lazy("For example: said so at a visit, by phone, in a letter."),
        error_messages={
            "required": gettext_lazy("Please say how they told you, for example at a visit.")
        },
    )
    agreed_on = DayField(
        label=gettext_lazy("When?"),
        # A date picker wants ISO dates, whatever the language of the page.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": gettext_lazy("Please say when they agreed.")},
    )

    def agreement(self) -> Agreement:
        day: dt.date = self.cleaned_data["agreed_on"]
        now = timezone.localtime()
        # Today means now; another day means midday on it (a later day is then refused).
        if day == now.date():
            at = now
        else:
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
        return Agreement(
            by=self.cleaned_data["agreed_by"], how=self.cleaned_data["agreed_how"], at=at
        )


class CircleSharingForm(forms.Form):
    shared_with_circle = forms.TypedChoiceField(
        label=gettext_lazy("Who sees new notes, unless the writer chooses otherwise?"),
        choices=[
            ("yes", gettext_lazy("The team and the circle (family, friends, professionals)")),
            ("no", gettext_lazy("The team only")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Concerns and handovers are always for the team only. Notes already written "
            "keep who sees them."
        ),
        error_messages={"required": gettext_lazy("Please choose one.")},
    )
    circle_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("What your circle sees of the notes shared with them"),
        choices=_kind_choices(CIRCLE_DEFAULT_KINDS),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("You can choose differently for each person below."),
    )
    share_check_ins = forms.TypedChoiceField(
        label=gettext_lazy("When a carer arrives, may your circle see that they are with you?"),
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=False,
        # Django takes any empty value; the stubs allow only a string or None.
        empty_value=False,  # type: ignore[arg-type]
    )


class MemberSharingForm(forms.Form):
    SAME = "same"
    CHOSEN = "chosen"

    which = forms.ChoiceField(
        label=gettext_lazy("What do they see?"),
        choices=[
            (SAME, gettext_lazy("The same as the rest of the circle")),
            (CHOSEN, gettext_lazy("Only what I tick below")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Please choose one.")},
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Kinds of note they see"),
        choices=_kind_choices(CIRCLE_MEMBER_KINDS),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    about_me = forms.ChoiceField(
        label=gettext_lazy("May they read About Me?"),
        choices=[
            (SAME, gettext_lazy("As usual: family and friends yes, visiting professionals no")),
            ("yes", gettext_lazy("Yes")),
            ("no", gettext_lazy("No")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )

    def chosen_kinds(self) -> list[str] | None:
        if self.cleaned_data["which"] == self.SAME:
            return None
        return list(self.cleaned_data["kinds"])

    def chosen_about_me(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data["about_me"])


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _service_errors(forms_: Sequence[forms.Form], error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        forms_[0].add_error(None, error.messages)
        return
    for field, found in error.message_dict.items():
        target = next((f for f in forms_ if field in f.fields), forms_[0])
        target.add_error(field if field in target.fields else None, found)


def _agreement_form(request: HttpRequest, access: PersonAccess) -> AgreementForm | None:
    if access.role is Role.SELF:
        return None
    return AgreementForm(_posted(request), initial={"agreed_on": timezone.localdate()})


def _members(access: PersonAccess) -> list[dict[str, Any]]:
    members = CircleMember.objects.filter(person=access.person, removed_at__isnull=True)
    return [
        {
            "member": member,
            "own_choice": member.note_kinds is not None,
            "reads_about_me": about_me_shown_to(member),
            "kinds": [
                KIND_WORDS[k]
                for k in CIRCLE_MEMBER_KINDS
                if k in circle_kinds_for(access.person, member)
            ],
        }
        for member in members
    ]


def _person_to_choose_for(request: SignedInRequest, person_id: int) -> PersonAccess:
    access = person_access_or_404(request.user, person_id)
    if access.role not in (Role.TEAM, Role.SELF):
        raise Http404
    return access


@login_required
def circle_sharing(request: SignedInRequest, person_id: int) -> HttpResponse:
    access = _person_to_choose_for(request, person_id)
    person = access.person
    form = CircleSharingForm(
        _posted(request),
        initial={
            "shared_with_circle": "yes" if person.notes_shared_with_circle_by_default else "no",
            "circle_kinds": list(person.circle_note_kinds or ()),
            "share_check_ins": "yes" if person.check_ins_shared_with_circle else "no",
        },
    )
    agreement_form = _agreement_form(request, access)
    all_forms = [form] + ([agreement_form] if agreement_form else [])
    if request.method == "POST" and all(f.is_valid() for f in all_forms):
        try:
            sharing_update(
                actor=request.user,
                person_id=person.pk,
                shared_with_circle=form.cleaned_data["shared_with_circle"],
                circle_kinds=form.cleaned_data["circle_kinds"],
                share_check_ins=bool(form.cleaned_data["share_check_ins"]),
                agreement=agreement_form.agreement() if agreement_form else None,
            )
        except ValidationError as error:
            _service_errors(all_forms, error)
        else:
            messages.success(request, _("Saved. It applies straight away."))
            return redirect("note_sharing", person_id=person.pk)
    return render(
        request,
        "frontend/sharing/circle.html",
        {
            "person": person,
            "access": access,
            "form": form,
            "agreement_form": agreement_form,
            "members": _members(access),
            "nav": "people",
        },
        status=422 if any(f.errors for f in all_forms) else 200,
    )


@login_required
def member_sharing(request: SignedInRequest, circle_member_id: int) -> HttpResponse:
    member = circle_member_access_or_404(request.user, circle_member_id).member
    access = _person_to_choose_for(request, member.person_id)
    form = MemberSharingForm(
        _posted(request),
        initial={
            "which": MemberSharingForm.SAME
            if member.note_kinds is None
            else MemberSharingForm.CHOSEN,
            "kinds": sorted(circle_kinds_for(access.person, member)),
            "about_me": {True: "yes", False: "no"}.get(
                member.sees_about_me,  # type: ignore[arg-type]
                MemberSharingForm.SAME,
            ),
        },
    )
    agreement_form = _agreement_form(request, access)
    all_forms = [form] + ([agreement_form] if agreement_form else [])
    if request.method == "POST" and all(f.is_valid() for f in all_forms):
        try:
            circle_member_sharing_update(
                actor=request.user,
                circle_member_id=member.pk,
                kinds=form.chosen_kinds(),
                sees_about_me=form.chosen_about_me(),
                agreement=agreement_form.agreement() if agreement_form else None,
            )
        except ValidationError as error:
            _service_errors(all_forms, error)
        else:
            messages.success(request, _("Saved. It applies straight away."))
            return redirect("note_sharing", person_id=access.person.pk)
    return render(
        request,
        "frontend/sharing/member.html",
        {
            "person": access.person,
            "member": member,
            "access": access,
            "form": form,
            "agreement_form": agreement_form,
            "nav": "people",
        },
        status=422 if any(f.errors for f in all_forms) else 200,
    )
