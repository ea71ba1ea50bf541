"""Who has a person's page open right now, across every server process.

Used so that someone watching a note arrive on their screen is not also pushed it.
"""

from datetime import timedelta

from django.utils import timezone

from core.models import LiveViewer

# Each open page says it is still there this often; a row older than FRESH_FOR no longer
# counts, so a process that died cannot silence anyone's notifications for long.
HEARTBEAT_SECONDS = 60
FRESH_FOR = timedelta(seconds=2 * HEARTBEAT_SECONDS + 30)


def viewer_joined(*, channel_name: str, user_id: int, person_id: int) -> None:
    LiveViewer.objects.update_or_create(
        channel_name=channel_name,
        defaults={"user_id": user_id, "person_id": person_id, "seen_at": timezone.now()},
    )


def viewer_still_here(*, channel_name: str) -> None:
    LiveViewer.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def viewer_left(*, channel_name: str) -> None:
    LiveViewer.objects.filter(channel_name=channel_name).delete()


def watching_live(*, person_id: int) -> set[int]:
    """The users with a page about this person open right now."""
    return set(
        LiveViewer.objects.filter(
            person_id=person_id, seen_at__gte=timezone.now() - FRESH_FOR
        ).values_list("user_id", flat=True)
    )


def languages_listening(*, person_id: int) -> set[str]:
    """The languages of the pages about this person open right now: one query, however many.

    A live note is rendered in each of these (and the site's own language) and in no other.
    """
    return set(
        LiveViewer.objects.filter(person_id=person_id, seen_at__gte=timezone.now() - FRESH_FOR)
        .values_list("user__language", flat=True)
        .distinct()
    )
