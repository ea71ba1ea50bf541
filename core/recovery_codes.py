"""Recovery codes: ten single-use codes that stand in for the authenticator app, for the day
the phone is lost (core/second_factor.py decides when they may be used or made).

Only a keyed hash of each code is kept, with the site's SECRET_KEY: a copy of the database
alone reveals no code and cannot test guesses. The codes are long and random, so a fast keyed
hash is as strong here as a slow password hash, and it lets a code be found and used up in one
conditional update. Changing SECRET_KEY without keeping the old one in SECRET_KEY_FALLBACKS
makes every recovery code stop working (the app's codes are not affected).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.emails import email_normalise
from core.models import RecoveryCode, User

COUNT = 10
# No 0/o, 1/l/i: the codes are read off paper and typed on a phone. 10 of 31 signs, ~49 bits.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
LENGTH = 10
_SALT = "kith.recovery-code"


def _normalise(code: str) -> str:
    # People copy them with the dash or a space, in capitals, or fullwidth from a phone.
    return "".join(sign for sign in email_normalise(code) if sign.isalnum())


def _hash(user: User, code: str, *, secret: str | None = None) -> str:
    value = f"{user.pk}:{_normalise(code)}"
    return salted_hmac(_SALT, value, secret=secret, algorithm="sha256").hexdigest()


def _new() -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{code[:5]}-{code[5:]}"


def issue(user: User) -> list[str]:
    """A fresh set, replacing every earlier code. The codes are returned to be shown once."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new() for _ in range(COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_hash(user, code)) for code in codes
    )
    return codes


def use(*, user: User, code: str) -> bool:
    """Accept an unused code once. The update is the check: a replay, or the same code sent
    twice at the same moment, finds it already used and changes nothing."""
    if len(_normalise(code)) != LENGTH:
        return False
    # Codes made before the site's key was changed still work while the old key is kept.
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    hashes = [_hash(user, code, secret=key) for key in keys]
    used = RecoveryCode.objects.filter(
        user=user, code_hash__in=hashes, used_at__isnull=True
    ).update(used_at=timezone.now())
    return used == 1


def left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
