"""Group names: the only places a frame can be sent. Each one maps to exactly one audience."""

from core.audience import Audience


def person_group(person_id: int, audience: Audience) -> str:
    return f"person-{person_id}-{audience.value}"


def person_topic_group(person_id: int, topic: str) -> str:
    """Circle items about one kind of thing (a note's kind), for those the person shows it to.

    Still one fragment per audience: it goes to this group instead of the circle's own.
    """
    return f"{person_group(person_id, Audience.CIRCLE)}-{topic}"


def team_group(team_id: int) -> str:
    """Team-wide pages (the rota grid). Only current team members ever join it."""
    return f"team-{team_id}"


def user_group(user_id: int) -> str:
    """Control messages for one user's sockets: their access changed."""
    return f"user-{user_id}"


def session_group(session_key: str) -> str:
    """Control messages for one signed-in session: it ended."""
    return f"session-{session_key}"


def language_group(group: str, language: str) -> str:
    """Where a group's frames go for the pages open in one language.

    A frame is rendered once per audience and language, and each socket joins its groups in
    its user's language only, so everyone reads a live note in their own words.
    """
    return f"{group}.{language}"


def without_language(name: str) -> str:
    return name.rpartition(".")[0] or name
