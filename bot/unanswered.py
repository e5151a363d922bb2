"""An opt-in log of the questions the bot declined, for KB authors to see what users miss.

One JSON object per line (`{"time", "query", "best", "score"}`), appended with a single
O_APPEND write each, so lines from concurrent bots never interleave and a crash can at worst
leave its own last line short, never damage the lines before it. The file is created 0600:
questions can be private. A log that cannot be written warns once and is then left alone;
it never stops the bot answering.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

from .reply import Reply

__all__ = ["UnansweredLog"]


class UnansweredLog:
    """Appends each declined question to `path` (JSON Lines)."""

    def __init__(self, path: str | Path, *, warnings: TextIO | None = None) -> None:
        self.path = Path(path)
        self._warnings = warnings
        self._broken = False

    def record(self, reply: Reply) -> None:
        """Log `reply` if the bot declined it: not answers, small talk, empty lines, or questions held
        for a safety notice, none of which asks the KB's author for a new entry."""
        if reply.answered or reply.small_talk or reply.warnings or not reply.query.strip() or self._broken:
            return
        best = reply.suggestions[0] if reply.suggestions else None
        line = json.dumps(
            {
                "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "query": reply.query,
                "best": best.entry.id if best else None,
                "score": reply.score,  # as `ask --json` gives it: 0.0 when no entry shares a word
            },
            ensure_ascii=False,
        )
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (line + "\n").encode("utf-8"))
            finally:
                os.close(fd)
        except OSError as exc:
            self._broken = True
            print(f"faqbot: warning: cannot write the unanswered log {self.path}: {exc.strerror or exc}",
                  file=self._warnings or sys.stderr)
