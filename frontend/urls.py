from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from frontend.forms import SignInForm
from frontend.views import accounts, circle, invitations, people, photos, profile, teams

urlpatterns = [
    path("", people.my_people, name="home"),
    # Accounts: Django's own views, our templates.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", accounts.SignOutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
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
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("profile/", profile.profile_edit, name="profile"),
    # People and their circles.
    path("people/<int:person_id>/", people.person_detail, name="person"),
    path("people/<int:person_id>/edit/", people.person_edit, name="person_edit"),
    path(
        "people/<int:person_id>/coordinator/", people.person_coordinator, name="person_coordinator"
    ),
    path("people/<int:person_id>/circle/add/", circle.circle_add, name="circle_add"),
    path("circle/<int:circle_member_id>/invite/", circle.circle_invite, name="circle_invite"),
    path("circle/<int:circle_member_id>/remove/", circle.circle_remove, name="circle_remove"),
    # Teams.
    path("teams/<int:team_id>/", teams.team_detail, name="team"),
    path("teams/<int:team_id>/invite/", teams.team_invite, name="team_invite"),
    path("teams/<int:team_id>/people/add/", teams.person_add, name="person_add"),
    path("teams/<int:team_id>/my-role/", teams.role_label_edit, name="role_label_edit"),
    # Invitations.
    path("invitations/<str:token>/", invitations.invitation_page, name="invitation"),
    # Photos are care data: every one is served through an access check.
    path("people/<int:person_id>/photo/", photos.person_photo, name="person_photo"),
    path("users/<int:user_id>/photo/", photos.user_photo, name="user_photo"),
    path("circle/<int:circle_member_id>/photo/", photos.circle_photo, name="circle_photo"),
]
