"""The one exception type for everything a user can get wrong: a bad KB, a bad flag, bad input."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a knowledge file, with where it is (line and column count from 1)."""

    path: Path
    line: int
    column: int
    message: str
    entry_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        who = f" entry '{self.entry_id}':" if self.entry_id else ""
        return f"{where}:{who} {self.message}"


class FaqbotError(Exception):
    """A problem the user can fix. Its message is meant to be shown as it is, one line per problem."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems

    @classmethod
    def from_problems(cls, problems: list[Problem] | tuple[Problem, ...]) -> FaqbotError:
        # A YAML alias repeats its node, and with it the node's problems: report each once.
        unique = tuple(dict.fromkeys(problems))
        return cls("\n".join(str(p) for p in unique), unique)
