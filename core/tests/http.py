"""A test client that checks the status of every answer.

A test that only looks for words in a page, or for words missing from it, passes just as well
when the page broke: a 500, a 404 or a redirect to the sign-in page holds none of the words
either. This client makes each request say what status it expects (a GET expects 200 unless
told otherwise), so an answer that is not what the test means fails there, with the answer.
"""

from typing import TYPE_CHECKING, Any, TypeVar

from django.http import HttpResponseBase
from django.test import Client

from core.models import User

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

_R = TypeVar("_R", bound=HttpResponseBase)


def check_status(response: _R, expect: int, what: str) -> _R:
    if response.status_code != expect:
        where = f" to {response['Location']}" if response.has_header("Location") else ""
        body = getattr(response, "content", b"")[:800].decode(errors="replace")
        raise AssertionError(
            f"{what} answered {response.status_code}{where}, not {expect}:\n{body}"
        )
    return response


# Each method says the status it expects; a write must say it (``expect`` has no default), so
# the signatures differ from Client's on purpose. Client's own already differ from
# RequestFactory's, which django-stubs ignores the same way.
class CheckedClient(Client):
    """django.test.Client, with the status every answer must have."""

    def get(  # type: ignore[override]
        self,
        path: str,
        data: Any = None,
        follow: bool = False,
        secure: bool = False,
        *,
        expect: int = 200,
        **extra: Any,
    ) -> "Response":
        response = super().get(path, data, follow, secure, **extra)
        return check_status(response, expect, f"GET {path}")

    def post(  # type: ignore[override]
        self,
        path: str,
        data: Any = None,
        content_type: str | None = None,
        *args: Any,
        expect: int,
        **extra: Any,
    ) -> "Response":
        # A write has no usual answer (a redirect after a form, 200 for htmx or the API): the
        # test says which one it means.
        if content_type is not None:
            extra["content_type"] = content_type
        response = super().post(path, data, *args, **extra)
        return check_status(response, expect, f"POST {path}")

    def put(  # type: ignore[override]
        self, path: str, data: Any = "", *args: Any, expect: int, **extra: Any
    ) -> "Response":
        return check_status(super().put(path, data, *args, **extra), expect, f"PUT {path}")

    def patch(  # type: ignore[override]
        self, path: str, data: Any = "", *args: Any, expect: int, **extra: Any
    ) -> "Response":
        return check_status(super().patch(path, data, *args, **extra), expect, f"PATCH {path}")

    def delete(  # type: ignore[override]
        self, path: str, data: Any = "", *args: Any, expect: int, **extra: Any
    ) -> "Response":
        return check_status(super().delete(path, data, *args, **extra), expect, f"DELETE {path}")


def signed_in(user: User, **defaults: Any) -> CheckedClient:
    client = CheckedClient(**defaults)
    client.force_login(user)
    return client
