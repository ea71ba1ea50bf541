from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from frontend.forms import PasswordResetInOwnLanguageForm
from frontend.views import (
    account_deletion,
    accounts,
    audit,
    circle,
    export,
    invitations,
    language,
    my_day,
    people,
    photos,
    profile,
    pwa,
    rota,
    second_factor,
    sharing,
    teams,
    timeline,
    today,
)

urlpatterns = [
    # A team member's Today; everyone else's list of their people (frontend/views/today.py).
    path("", today.home, name="home"),
    path("people/", people.my_people, name="people_directory"),
    # The person's own word on how they feel today, from the faces on their My day.
    path("my-day/feeling/", my_day.feeling_share, name="my_day_feeling"),
    # The installable app: served from the root so the worker's scope is the whole site.
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    # The words of Kith's scripts, in the page's language.
    path("jsi18n/", pwa.KithJavaScriptCatalog.as_view(), name="javascript_catalog"),
    path("offline/pages.json", pwa.offline_pages, name="offline_pages"),
    # Accounts: Django's own views, our templates.
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", accounts.SignOutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetInOwnLanguageForm,
            email_template_name="registration/password_reset_email.txt",
            # Not "password_reset_subject.txt": django.contrib.auth ships one by that name,
            # found before ours.
            subject_template_name="registration/kith_password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirm.as_view(success_url=reverse_lazy("password_reset_complete")),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("profile/", profile.profile_edit, name="profile"),
    # "Larger text": a plain POST form, saved on the account.
    path("profile/text-size/", my_day.text_size, name="text_size"),
    # Switching language: a plain POST form on every page, no script needed.
    path("language/", language.language_choose, name="set_language"),
    # People and their circles.
    path("people/<id:person_id>/", people.person_detail, name="person"),
    path("people/<id:person_id>/edit/", people.person_edit, name="person_edit"),
    path(
        "people/<id:person_id>/coordinator/", people.person_coordinator, name="person_coordinator"
    ),
    path("people/<id:person_id>/circle/add/", circle.circle_add, name="circle_add"),
    path("people/<id:person_id>/record-log/", audit.audit_trail, name="audit_trail"),
    path("people/<id:person_id>/record-log.csv", audit.audit_trail_csv, name="audit_trail_csv"),
    path("circle/<id:circle_member_id>/invite/", circle.circle_invite, name="circle_invite"),
    path("circle/<id:circle_member_id>/remove/", circle.circle_remove, name="circle_remove"),
    # Teams.
    path("teams/<id:team_id>/", teams.team_detail, name="team"),
    path("teams/<id:team_id>/invite/", teams.team_invite, name="team_invite"),
    path("teams/<id:team_id>/people/add/", teams.person_add, name="person_add"),
    path("teams/<id:team_id>/my-role/", teams.role_label_edit, name="role_label_edit"),
    # Invitations.
    path("invitations/<str:token>/", invitations.invitation_page, name="invitation"),
    # Photos are care data: every one is served through an access check.
    path("people/<id:person_id>/photo/", photos.person_photo, name="person_photo"),
    path("users/<id:user_id>/photo/", photos.user_photo, name="user_photo"),
    path("circle/<id:circle_member_id>/photo/", photos.circle_photo, name="circle_photo"),
]

# The rota the team runs itself.

urlpatterns += [
    path("rota/", rota.my_week, name="rota_my_week"),
    path("rota/calendar/", rota.calendar, name="rota_calendar"),
    path("rota/calendar/<str:token>.ics", rota.calendar_feed, name="rota_calendar_feed"),
    path("rota/visits/<id:visit_id>/", rota.visit_detail, name="rota_visit"),
    path("rota/visits/<id:visit_id>/claim/", rota.visit_claim, name="rota_visit_claim"),
    path("rota/visits/<id:visit_id>/here/", rota.visit_check_in, name="rota_visit_check_in"),
    path("rota/visits/<id:visit_id>/offer/", rota.visit_offer, name="rota_visit_offer"),
    path("rota/visits/<id:visit_id>/cancel/", rota.visit_skip, name="rota_visit_skip"),
    path("rota/visits/<id:visit_id>/move/", rota.visit_move, name="rota_visit_move"),
    path("rota/offers/<id:offer_id>/accept/", rota.offer_accept, name="rota_offer_accept"),
    path("rota/offers/<id:offer_id>/withdraw/", rota.offer_withdraw, name="rota_offer_withdraw"),
    path("rota/changes/<id:change_id>/undo/", rota.change_undo, name="rota_change_undo"),
    path("teams/<id:team_id>/rota/", rota.team_week, name="rota_team"),
    path("teams/<id:team_id>/rota/open/", rota.open_visits, name="rota_open"),
    path("teams/<id:team_id>/rota/add/", rota.visit_add, name="rota_visit_add"),
    path("teams/<id:team_id>/rota/availability/", rota.availability, name="rota_availability"),
    path("teams/<id:team_id>/rota/activity/", rota.activity, name="rota_activity"),
    path("teams/<id:team_id>/rota/goal/", rota.goal_set, name="rota_goal"),
    path("teams/<id:team_id>/rota/my-hours/", rota.hours_set, name="rota_hours"),
]

# The shared timeline, notes and outcomes.

urlpatterns += [
    path("people/<id:person_id>/timeline/", timeline.timeline, name="timeline"),
    path("people/<id:person_id>/notes/", timeline.note_create, name="note_create"),
    path("notes/<id:note_id>/", timeline.note_detail, name="note_detail"),
    path("notes/<id:note_id>/edit/", timeline.note_edit, name="note_edit"),
    path("notes/<id:note_id>/delete/", timeline.note_delete, name="note_delete"),
    path("notes/<id:note_id>/reply/", timeline.note_reply, name="note_reply"),
    path("notes/<id:note_id>/react/", timeline.note_react, name="note_react"),
    path("notes/<id:note_id>/handled/", timeline.concern_handled, name="concern_handled"),
    path("note-photos/<id:photo_id>/", timeline.note_photo, name="note_photo"),
    path("note-photos/<id:photo_id>/view/", timeline.note_photo_view, name="note_photo_view"),
    path("people/<id:person_id>/goals/", timeline.outcome_list, name="outcome_list"),
    path("goals/<id:outcome_id>/", timeline.outcome_detail, name="outcome_detail"),
    path("people/<id:person_id>/sharing/", timeline.note_sharing, name="note_sharing"),
]

# Who sees what: the person's choices for their circle and each member of it.

urlpatterns += [
    path("circle/<id:circle_member_id>/sharing/", sharing.member_sharing, name="member_sharing"),
]

# A copy of the whole record, for the person or their coordinator.

urlpatterns += [
    path("people/<id:person_id>/copy/", export.record_export, name="record_export"),
    path("copies/<id:export_id>/", export.record_export_download, name="record_export_download"),
]

# Asking for one's own account to be deleted.

urlpatterns += [
    path("profile/delete/", account_deletion.account_delete, name="account_delete"),
]

# The optional second step at sign-in, and the team's rule about it.

urlpatterns += [
    path("accounts/code/", second_factor.code, name="second_factor_code"),
    path("accounts/code/recovery/", second_factor.recovery, name="second_factor_recovery"),
    path("accounts/code/setup/", second_factor.setup, name="second_factor_setup"),
    path(
        "accounts/code/recovery-codes/",
        second_factor.recovery_codes_new,
        name="second_factor_recovery_codes",
    ),
    path("accounts/code/off/", second_factor.turn_off, name="second_factor_off"),
    path("teams/<id:team_id>/sign-in/", second_factor.team_rule, name="team_sign_in_rule"),
]
