"""An open timeline, as the reliability test's clients keep one: its socket, what it shows, and
the bookkeeping frontend/static/kith/live.js does (each stream's chain of frames, asking for what
it missed) and timeline.js does (a new note already shown is not shown again).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

# Written into the words of notes nobody outside the team may see.
TEAM_ONLY = "TEAMONLY"
ARTICLE = re.compile(r'<article id="note-(\d+)"([^>]*)>')
CURSOR = re.compile(
    r'id="kith-cursor" hidden data-event-id="(\d+)" data-stream="[^"]*"'
    r' data-previous="(\d+)"'
)
STREAMS = re.compile(r'id="kith-streams" hidden data-streams="([^"]*)"( data-covered="(\d+)")?')


@dataclass
class Page:
    """One open timeline: its socket, what it has shown, and live.js's bookkeeping."""

    number: int
    viewer: dict[str, Any]
    process: int
    covered: int = 0
    seen: set[int] = field(default_factory=set)
    asking: bool = False
    unanswered: list[int] = field(default_factory=list)
    shown: dict[int, str] = field(default_factory=dict)  # note id -> its article's HTML
    heard_ids: set[int] = field(default_factory=set)  # every note id any frame carried
    team_only_heard: list[str] = field(default_factory=list)
    repeats: list[int] = field(default_factory=list)  # event ids heard twice on one socket
    server_closes: list[str] = field(default_factory=list)
    killed_closes: int = 0
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    socket: aiohttp.ClientWebSocketResponse | None = None
    generation: int = 0
    closing: bool = False
    last_frame_at: float = 0.0
    # Closed by its viewer while catching up after the kill, then opened afresh.
    leaves_while_catching_up: bool = False
    left: bool = False
    last_error: str = ""

    def opened_afresh(self) -> None:
        """The viewer opens the page again: drawn afresh, it asks for everything."""
        self.covered, self.seen, self.shown = 0, set(), {}

    def missing(self, event_id: int) -> bool:
        return event_id > self.covered and event_id not in self.seen

    async def ask(self) -> None:
        if self.asking or self.socket is None:
            return
        self.asking = True
        await self.socket.send_str(json.dumps({"catch_up": self.covered}))

    def forget_up_to(self, event_id: int) -> None:
        self.covered = max(self.covered, event_id)
        self.seen = {seen for seen in self.seen if seen > self.covered}

    def show(self, frame: str) -> None:
        """What htmx and timeline.js do with a frame's notes."""
        for match in ARTICLE.finditer(frame):
            note_id, attributes = int(match.group(1)), match.group(2)
            self.heard_ids.add(note_id)
            article = frame[match.start() : frame.find("</article>", match.start())]
            if 'hx-swap-oob="delete"' in attributes:
                self.shown.pop(note_id, None)
            elif 'hx-swap-oob="outerHTML"' in attributes:
                if note_id in self.shown:  # htmx swaps out-of-band only what is there
                    self.shown[note_id] = article
            elif 'afterbegin:#timeline"' in frame[: match.start()][-60:]:
                # A new note at the top, unless the page already shows it.
                self.shown.setdefault(note_id, article)
        if TEAM_ONLY in frame and self.viewer["role"] != "team":
            self.team_only_heard.append(frame[:200])

    async def heard(self, frame: str, on_this_socket: set[int]) -> None:
        self.last_frame_at = time.monotonic()
        self.show(frame)
        if cursor := CURSOR.search(frame):
            event_id, previous = int(cursor.group(1)), int(cursor.group(2))
            if event_id in on_this_socket:
                self.repeats.append(event_id)
            on_this_socket.add(event_id)
            self.seen.add(event_id)
            if self.missing(previous):
                if self.asking:
                    self.unanswered.append(previous)
                else:
                    await self.ask()
        if streams := STREAMS.search(frame):
            heads = json.loads(streams.group(1).replace("&quot;", '"'))
            if streams.group(3) is not None:
                self.asking = False
                self.forget_up_to(int(streams.group(3)))
                again = [gap for gap in self.unanswered if self.missing(gap)]
                self.unanswered = []
                if again:
                    await self.ask()
            elif any(self.missing(head) for head in heads.values()):
                await self.ask()
            elif not self.asking:
                self.forget_up_to(max([self.covered, *heads.values()]))
