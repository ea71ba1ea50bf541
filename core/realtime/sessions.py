"""Whether an open socket's session would still be accepted by a page request.

The socket's user is found once, when it opens; everything that can end a session afterwards
(signing out, idle expiry, a new password, deactivation, the second factor removed) must also
end the socket. Consumers ask this when told something changed and again every minute.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.utils.crypto import constant_time_compare
from django_otp import DEVICE_ID_SESSION_KEY

from core.models import User


def session_user(session_key: str | None) -> User | None:
    """The user this session signs in right now, or None if a page would refuse it.

    The same rules as django.contrib.auth.get_user, without its side effects (it flushes or
    re-keys the session; a socket only listens): the session row exists and has not expired,
    it names an active user through a configured backend, and its password hash still
    matches. Two queries: the session, the user; one or two more only for a session that
    passed a code.
    """
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    data = store.load()  # empty when the row is gone or expired
    user_id, backend_path = data.get(SESSION_KEY), data.get(BACKEND_SESSION_KEY)
    if user_id is None or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    backend = load_backend(backend_path)
    user = backend.get_user(User._meta.pk.to_python(user_id))  # None when inactive or gone
    if user is None or not user.is_active:
        return None
    if not _password_unchanged(user, data.get(HASH_SESSION_KEY)):
        return None
    if _second_factor_removed(user, data.get(DEVICE_ID_SESSION_KEY)):
        return None
    return user


def _password_unchanged(user: User, session_hash: str | None) -> bool:
    """Django's session auth hash: it changes with the password, ending other sessions."""
    if not session_hash:
        return False
    # Under SECRET_KEY, then each of SECRET_KEY_FALLBACKS, as Django's own check does.
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return any(constant_time_compare(session_hash, known) for known in hashes)


def _second_factor_removed(user: User, device_id: str | None) -> bool:
    """The session passed a code from an app that is gone, and the team requires one.

    A session from before the team's rule (no code passed) is left as the pages leave it.
    """
    if not device_id:
        return False
    from django_otp.models import Device

    from core.second_factor import second_factor_required

    device = Device.from_persistent_id(device_id)
    still_there = device is not None and device.user_id == user.pk and device.confirmed
    return not still_there and second_factor_required(user)
