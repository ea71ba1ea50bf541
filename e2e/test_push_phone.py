"""A moment written on the carer's phone reaches the daughter's phone as a notification, through
the real push worker and a local push service, and not while she is watching it arrive."""

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from core.tests.push_helpers import Device, LocalPushService
from e2e.conftest import sign_in
from e2e.pages import MARK_LIVE, note, open_jeans_timeline, unique, write_note


def _phone(phone_context: Callable[[], BrowserContext]) -> Page:
    context = phone_context()
    context.add_init_script(MARK_LIVE)
    return context.new_page()


def _give_sarah_a_phone(server_manage: Callable[..., None], device: Device) -> None:
    # Made directly: a browser hands over only https endpoints, and this one is local. Her
    # choices go back to how they start, whatever another test on this server chose for her.
    server_manage(
        "shell",
        "-c",
        "from core.models import PushPreferences, PushSubscription, User; "
        "sarah = User.objects.get(email='sarah@kith.example'); "
        "PushPreferences.objects.filter(user=sarah).delete(); "
        "PushSubscription.objects.create(user=sarah, "
        f"endpoint={device.endpoint!r}, p256dh={device.p256dh!r}, auth={device.auth!r})",
    )


def _share_a_moment(page: Page, words: str) -> str:
    moment = unique(words)
    write_note(page, kind="A good moment", body=moment, who_sees="The team and the circle")
    expect(note(page, moment)).to_be_visible()
    return moment


def test_a_shared_moment_reaches_the_daughters_phone_unless_she_watched_it_arrive(
    phone_context: Callable[[], BrowserContext],
    server: str,
    server_manage: Callable[..., None],
) -> None:
    with LocalPushService() as service:
        # Whatever earlier tests left for the worker goes out before Sarah has a phone.
        server_manage("push_worker", "--once")
        _give_sarah_a_phone(server_manage, service.device("sarahs-phone"))
        angela = _phone(phone_context)
        sign_in(angela, server, "angela@kith.example")
        open_jeans_timeline(angela, server)

        # Sarah is not looking: the worker tells her phone, without the note's words.
        _share_a_moment(angela, "Jean sang along to the radio")
        server_manage("push_worker", "--once")
        received = service.for_device("sarahs-phone")
        assert len(received) == 1
        told = service.decrypt(received[0])
        assert told["title"] == "New update about Jean"
        assert told["body"] == "Open Kith to see it."
        assert re.fullmatch(r"/people/\d+/timeline/", str(told["url"]))

        # Sarah has Jean's timeline open: she sees the moment arrive, so no notification.
        sarah = _phone(phone_context)
        sign_in(sarah, server, "sarah@kith.example")
        open_jeans_timeline(sarah, server)
        moment = _share_a_moment(angela, "Jean and Angela fed the ducks")
        expect(note(sarah, moment)).to_be_visible()
        server_manage("push_worker", "--once")
        assert len(service.for_device("sarahs-phone")) == 1
