from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> "User":
        # People type their email with capitals on phones; an address is one account.
        return self.get(email__iexact=username)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: a carer, a family member, a professional or the person themself.

    What they may see is never stored here: it follows from their memberships and circles,
    and core.access is the one place that works it out.
    """

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("name"), max_length=150)
    photo = models.ImageField(_("photo"), upload_to="users/", blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en-gb")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[0] if self.display_name else self.email


class Event(models.Model):
    """What open pages were told, kept so a page that reconnects can catch up.

    One row per audience: a team-only item has a team row and no circle row, so catch-up can
    never hand it to the circle. Append-only; old rows are pruned, never edited.
    """

    person = models.ForeignKey(
        "families.Person", on_delete=models.CASCADE, null=True, related_name="+"
    )
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, null=True, related_name="+")
    audience = models.CharField(max_length=10)
    kind = models.CharField(max_length=40)
    html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["person", "audience", "id"], name="event_person_catch_up"),
            models.Index(fields=["team", "audience", "id"], name="event_team_catch_up"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
