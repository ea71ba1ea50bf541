"""A test client that checks the status of every answer.

A test that only looks for words in a page, or for words missing from it, passes just as well
when the page broke: a 500, a 404 or a redirect to the sign-in page holds none of the words
either. This client makes each request say what status it expects (a GET expects 200 unless
told otherwise), so an answer that is not what the test means fails there, with the answer.
"""

from django.http import HttpResponse
from django.test import Client


def check_status(response: HttpResponse, expect: int, what: str) -> HttpResponse:
    if response.status_code != expect:
        where = f" to {response['Location']}" if response.has_header("Location") else ""
        body = getattr(response, "content", b"")[:800].decode(errors="replace")
        raise AssertionError(
            f"{what} answered {response.status_code}{where}, not {expect}:\n{body}"
        )
    return response


class CheckedClient(Client):
    """django.test.Client, with the status every answer must have."""

    def get(self, path, data=None, follow=False, secure=False, *, expect=200, **extra):
        response = super().get(path, data, follow, secure, **extra)
        return check_status(response, expect, f"GET {path}")

    def post(self, path, data=None, content_type=None, *args, expect, **extra):
        # A write has no usual answer (a redirect after a form, 200 for htmx or the API): the
        # test says which one it means.
        if content_type is not None:
            extra["content_type"] = content_type
        response = super().post(path, data, *args, **extra)
        return check_status(response, expect, f"POST {path}")

    def put(self, path, data="", *args, expect, **extra):
        return check_status(super().put(path, data, *args, **extra), expect, f"PUT {path}")

    def patch(self, path, data="", *args, expect, **extra):
        return check_status(super().patch(path, data, *args, **extra), expect, f"PATCH {path}")

    def delete(self, path, data="", *args, expect, **extra):
        return check_status(super().delete(path, data, *args, **extra), expect, f"DELETE {path}")


def signed_in(user, **defaults) -> CheckedClient:
    client = CheckedClient(**defaults)
    client.force_login(user)
    return client
