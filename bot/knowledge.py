"""Load knowledge-base (KB) YAML files, validate them completely, and build an immutable KnowledgeBase.

A KB is one YAML file or a directory of them; the format is documented in knowledge/README.md.
Every problem in every file is collected and reported at once, with file:line:column, and a KB
with any problem is never returned, so nothing is ever half-loaded.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from yaml.constructor import SafeConstructor

from .errors import FaqbotError, Problem
from .model import Entry, KnowledgeBase, LabeledQuestion, Safety, WarningSign, default_kb_path, kb_files
from .normalize import normalize
from .safety import ignored_phrase, quoted_words

try:  # The C loader is many times faster; both give yaml.safe_load semantics.
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

__all__ = ["Entry", "KnowledgeBase", "Safety", "WarningSign", "default_kb_path", "load_kb", "load_questions"]

TEXT_FIELDS = ("id", "question", "answer", "source")
LIST_FIELDS = ("alternates", "tips", "related", "mentions")
ENTRY_FIELDS = TEXT_FIELDS + LIST_FIELDS
KB_FIELDS = ("title", "description", "disclaimer")
FILE_FIELDS = (*KB_FIELDS, "threshold", "synonyms", "safety", "examples", "entries")
EXAMPLE_FIELDS = ("q", "expect")
SAFETY_FIELDS = ("notice", "signs", "ignore", "groups")
_GROUP_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")
_GROUP_REFERENCE = re.compile(r"<([^<>\s]*)>")
SIGN_FIELDS = ("name", "patterns")  # required
SIGN_OPTIONAL = ("notice", "within", "caution")
_WITHIN = ("sentence", "clause")
# Generous for any hand-written KB (the default one is under 100 kB), small enough to refuse a
# file that would take minutes and gigabytes to parse.
MAX_FILE_BYTES = 20 * 1024 * 1024
_KEBAB_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
# The tags yaml.safe_load understands; any other (such as !!python/object) is refused.
_SAFE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "omap", "pairs", "set", "binary", "timestamp")
)


def load_kb(path: str | Path | None = None, *, max_file_bytes: int = MAX_FILE_BYTES) -> KnowledgeBase:
    """Load and validate a KB from a YAML file or a directory of them (the default KB if None).

    Raises FaqbotError listing every problem found, one per line as file:line:column. A file
    larger than `max_file_bytes` is refused unread, since a KB may come from anyone.

    Examples
    --------
    >>> kb = load_kb()
    >>> len(kb) > 20
    True
    """
    root = Path(path) if path is not None else default_kb_path()
    files = kb_files(root)
    problems: list[Problem] = []
    # In a directory, a file with nothing in it yet (a placeholder, or only comments) adds nothing,
    # as one with an empty `entries:` does; a KB that is one empty file is still reported.
    parsed = [_FileReader(f, problems, max_file_bytes).read(may_be_empty=root.is_dir()) for f in files]

    entries: list[Entry] = []
    first_seen: dict[str, Problem] = {}
    related_refs: list[tuple[str | None, str, Problem]] = []
    kb_values: dict[str, tuple[str, Path]] = {}
    safety: tuple[Safety, Path] | None = None
    synonyms: dict[str, tuple[str, ...]] = {}
    variant_of: dict[str, tuple[str, Problem]] = {}
    for doc in parsed:
        if doc.safety is not None:
            if safety is not None:
                problems.append(doc.where("safety", f"'safety' is already set in {safety[1]}; set it in one file"))
            else:
                safety = (doc.safety, doc.path)
        for canonical, variants, spot in doc.synonyms:
            for variant in variants:
                if variant in variant_of and variant_of[variant][0] != canonical:
                    first, where = variant_of[variant]
                    problems.append(_at(spot, f"synonym '{variant}' is already a synonym of '{first}' "
                                              f"({where.path}:{where.line})", None))
                variant_of.setdefault(variant, (canonical, spot))
            synonyms[canonical] = tuple(dict.fromkeys((*synonyms.get(canonical, ()), *variants)))
        for key, value in doc.kb_values.items():
            if key in kb_values:
                other = kb_values[key][1]
                problems.append(doc.where(key, f"'{key}' is already set in {other}; set it in one file"))
            else:
                kb_values[key] = (value, doc.path)
        in_order = sorted(
            [(spot, entry.id, entry) for entry, spot in doc.entries] + [(spot, id_, None) for id_, spot in doc.broken_ids],
            key=lambda item: (item[0].line, item[0].column),
        )
        for spot, entry_id, maybe_entry in in_order:
            if entry_id in first_seen:
                earlier = first_seen[entry_id]
                problems.append(
                    Problem(spot.path, spot.line, spot.column,
                            f"duplicate id (first defined at {earlier.path}:{earlier.line})", entry_id)
                )
                continue
            first_seen[entry_id] = spot
            if maybe_entry is None:
                related_refs.extend((owner, target, where) for owner, target, where in doc.broken_related if owner == entry_id)
            else:
                entries.append(maybe_entry)
                related_refs.extend((entry_id, r, doc.related_spots[(entry_id, r)]) for r in maybe_entry.related)

    known = list(first_seen)
    examples: list[LabeledQuestion] = []
    for doc in parsed:
        related_refs.extend(doc.orphan_related)
        for example, id_spots in doc.examples:
            examples.append(example)
            for expected, spot in zip(example.expected, id_spots):
                if expected not in first_seen:
                    problems.append(_at(spot, f"example expects unknown id '{expected}'{_did_you_mean(expected, known)}", None))
    for owner, target, spot in related_refs:
        if target == owner:
            problems.append(_at(spot, "'related' lists the entry itself", owner))
        elif target not in first_seen:
            # A close id in this KB is the likelier fix ("service-basics" for "service-basic").
            hint = _did_you_mean(target, known) or _in_sibling_files(root)
            problems.append(_at(spot, f"'related' names unknown id '{target}'{hint}", owner))

    if not entries and not problems:
        problems.append(Problem(files[0], 1, 1, "the KB has no entries"))
    if problems:
        problems.sort(key=lambda p: (str(p.path), p.line, p.column))
        raise FaqbotError.from_problems(problems)
    values = {key: value for key, (value, _) in kb_values.items()}
    return KnowledgeBase(
        entries=tuple(entries),
        files=tuple(files),
        synonyms=synonyms,
        safety=safety[0] if safety else None,
        title=values.get("title"),
        description=values.get("description"),
        disclaimer=values.get("disclaimer"),
        threshold=float(values["threshold"]) if "threshold" in values else None,
        examples=tuple(examples),
    )


def _at(spot: Problem, message: str, entry_id: str | None) -> Problem:
    return Problem(spot.path, spot.line, spot.column, message, entry_id)


def _unclosed_bracket(text: str) -> tuple[int, int] | None:
    """Line and column of the last "[" or "{" never closed, outside quotes and comments."""
    opened: list[tuple[int, int]] = []
    for number, line in enumerate(text.splitlines(), 1):
        quote = ""
        for column, char in enumerate(line, 1):
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "#" and (column == 1 or line[column - 2].isspace()):
                break
            elif char in "[{":
                opened.append((number, column))
            elif char in "]}" and opened:
                opened.pop()
    return opened[-1] if opened else None


def _named(key: str) -> str:
    """A field's name in quotes, unless it quotes a name of its own: "synonyms of 'e-bike'"."""
    return key if "'" in key else f"'{key}'"


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _describe(value: object) -> str:
    if value is None:
        return "nothing (null)"
    return {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )


def kb_locations(files: Iterable[Path]) -> dict[tuple[str, str], str]:
    """Where each entry's id and each example's question are written, as "file:line:column", keyed
    ("entry", id) and ("example", question), for tools that point authors at them (lint). The files
    are read as node trees only, as when loading; one that no longer reads is skipped, since the
    positions only help."""
    found: dict[tuple[str, str], str] = {}
    for path in files:
        try:
            root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        for section, field_name, kind in (("entries", "id", "entry"), ("examples", "q", "example")):
            items = next((v for k, v in root.value if k.value == section), None) if isinstance(root, yaml.MappingNode) else None
            for item in items.value if isinstance(items, yaml.SequenceNode) else ():
                for key, value in item.value if isinstance(item, yaml.MappingNode) else ():
                    if key.value == field_name and isinstance(value, yaml.ScalarNode):
                        mark = value.start_mark
                        found.setdefault((kind, str(value.value).strip()), f"{path}:{mark.line + 1}:{mark.column + 1}")
    return found


def load_questions(path: str | Path, *, known_ids: Collection[str] | None = None) -> tuple[LabeledQuestion, ...]:
    """Read a labeled question set (docs: bot/evaluate.py), validated as a KB file is.

    Raises FaqbotError listing every problem, one per line as file:line:column. Given the KB's
    `known_ids`, an expected id that is not among them is a problem at its own place in the
    file, with the nearest known id as a hint.
    """
    path = Path(path)
    try:
        path.stat()
    except OSError as exc:  # no line to point at: say so in one line
        raise FaqbotError(f"{path}: cannot read the question set: {exc.strerror or exc}") from None
    problems: list[Problem] = []
    parsed = _FileReader(path, problems).read(question_set=True)
    if known_ids is not None:
        known = sorted(known_ids)
        for question, spots in parsed.examples:
            for expected, spot in zip(question.expected, spots):
                if expected not in known_ids:
                    problems.append(_at(spot, f"the KB has no entry '{expected}'{_did_you_mean(expected, known)}", None))
    if not problems and not parsed.examples:
        problems.append(Problem(path, 1, 1, "the question set has no questions"))
    if problems:
        problems.sort(key=lambda p: (p.line, p.column))
        raise FaqbotError.from_problems(problems)
    return tuple(question for question, _ in parsed.examples)


@dataclass
class _ParsedFile:
    path: Path
    entries: list[tuple[Entry, Problem]] = field(default_factory=list)
    # Entries with problems of their own, by id: still counted for duplicate ids and 'related'.
    broken_ids: list[tuple[str, Problem]] = field(default_factory=list)
    broken_related: list[tuple[str, str, Problem]] = field(default_factory=list)  # (id, target, where)
    # 'related' of entries with no usable id: still checked, so that one run reports every problem.
    orphan_related: list[tuple[str | None, str, Problem]] = field(default_factory=list)
    kb_values: dict[str, str] = field(default_factory=dict)
    kb_spots: dict[str, Problem] = field(default_factory=dict)
    related_spots: dict[tuple[str, str], Problem] = field(default_factory=dict)
    synonyms: list[tuple[str, tuple[str, ...], Problem]] = field(default_factory=list)
    safety: Safety | None = None
    examples: list[tuple[LabeledQuestion, list[Problem]]] = field(default_factory=list)  # with where each id is

    def where(self, key: str, message: str) -> Problem:
        return _at(self.kb_spots[key], message, None)


class _FileReader:
    """Reads one file from its YAML node tree, so that every problem can point at a line.

    Only the shape the schema allows is walked (file -> entries -> fields -> list items); anything
    deeper is a type error, never recursed into, which keeps aliases from multiplying the work.
    """

    def __init__(self, path: Path, problems: list[Problem], max_bytes: int = MAX_FILE_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.problems = problems
        self.result = _ParsedFile(path)
        self.entry_id: str | None = None
        self.source = ""
        self.lines: list[str] = []  # the source's lines, split when first needed

    def problem(self, node: yaml.Node | None, message: str) -> None:
        line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (1, 1)
        self.problems.append(Problem(self.path, line, column, message, self.entry_id))

    def spot(self, node: yaml.Node) -> Problem:
        return Problem(self.path, node.start_mark.line + 1, node.start_mark.column + 1, "", self.entry_id)

    def read(self, *, question_set: bool = False, may_be_empty: bool = False) -> _ParsedFile:
        """Read the file as a KB file, or as a labeled question set (a `questions` list)."""
        try:
            size = self.path.stat().st_size
            if size > self.max_bytes:
                self.problem(None, f"the file is {size:,} bytes, more than the limit of {self.max_bytes:,}")
                return self.result
            data = self.path.read_bytes()
            if data.startswith(b"\xef\xbb\xbf"):
                self.problem(None, "the file starts with a byte-order mark (BOM); save it as UTF-8 without one")
                return self.result
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = exc.object[: exc.start].decode("utf-8", errors="replace")
            line = before.count("\n") + 1
            column = len(before) - (before.rfind("\n") + 1) + 1
            self.problems.append(Problem(self.path, line, column, "not UTF-8 text: save the file as UTF-8"))
            return self.result
        except OSError as exc:
            self.problem(None, f"cannot read: {exc.strerror or exc}")
            return self.result
        loader = _SafeLoader(text)
        self.source = text
        try:
            root = loader.get_single_node()
            if root is None and may_be_empty:
                return self.result
            if root is None:
                self.problem(None, f"the file is empty; expected a mapping with {'a questions' if question_set else 'an entries'} list")
            elif question_set:
                self.read_question_set(loader, root)
            else:
                self.read_file(loader, root)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            reason = exc.problem or exc.context or "invalid YAML"
            context = exc.context or ""
            unclosed = exc.problem == "found unexpected end of stream" or "flow" in context
            if exc.problem_mark and exc.context_mark and unclosed:
                # An unclosed quote or bracket: point at where it opened, not where YAML gave up.
                opened = "a quote" if "quoted" in context else "a bracket"
                mark, reason = exc.context_mark, f"{opened} opened here is never closed"
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            if "flow node" in context and (bracket := _unclosed_bracket(text)):
                line, column = bracket  # YAML's mark is where the file ended, not the bracket
            if mark and _char_at(text, mark.line, mark.column) == "\t":
                reason = "a tab character; YAML indents with spaces only"
            elif mark:
                reason += _likely_cause(reason, text, mark.line, mark.column)
            self.problems.append(Problem(self.path, line, column, f"invalid YAML: {reason}"))
        except yaml.reader.ReaderError as exc:  # a character YAML does not allow; its message spans two lines
            position = exc.position
            line = text.count("\n", 0, position) + 1
            column = position - (text.rfind("\n", 0, position) + 1) + 1
            code = exc.character if isinstance(exc.character, int) else ord(exc.character)
            self.problems.append(Problem(self.path, line, column, f"invalid YAML: character U+{code:04X} is not allowed in YAML text"))
        except yaml.YAMLError as exc:
            self.problem(None, f"invalid YAML: {exc}")
        finally:
            loader.dispose()
        return self.result

    def mapping_items(self, loader: SafeConstructor, node: yaml.MappingNode) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """Keys and values of a mapping; non-text and duplicate keys are reported and skipped."""
        items: list[tuple[str, yaml.Node, yaml.Node]] = []
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self.value(loader, key_node)
            if key is None and not self.safe(key_node):
                continue
            if not isinstance(key, str):
                self.problem(key_node, "keys must be text")
            elif key in seen:
                self.problem(key_node, f"duplicate key '{key}' (first at line {seen[key]})")
            else:
                seen[key] = key_node.start_mark.line + 1
                items.append((key, key_node, value_node))
        return items

    def safe(self, node: yaml.Node) -> bool:
        """False, after reporting it, when a node carries a tag that safe loading does not allow."""
        if node.tag in _SAFE_TAGS:
            return True
        self.problem(node, f"the tag '{node.tag}' is not allowed (only plain YAML is loaded)")
        return False

    def value(self, loader: SafeConstructor, node: yaml.Node) -> object:
        """A scalar node's value by safe_load's rules; None for an unsafe tag (reported) or a non-scalar."""
        if not isinstance(node, yaml.ScalarNode) or not self.safe(node):
            return None
        try:
            return loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.problem(node, f"invalid value: {getattr(exc, 'problem', None) or exc}")
            return None

    def read_file(self, loader: SafeConstructor, root: yaml.Node) -> None:
        if not self.safe(root):
            return
        if not isinstance(root, yaml.MappingNode):
            self.problem(root, "expected a mapping with an 'entries' list at the top of the file")
            return
        entries_node = None
        items = self.mapping_items(loader, root)
        for key, key_node, value_node in items:
            if key == "entries":
                entries_node = value_node
            elif key == "synonyms":
                self.read_synonyms(loader, value_node)
            elif key == "safety":
                self.result.kb_spots["safety"] = self.spot(key_node)
                self.read_safety(loader, value_node)
            elif key == "examples":
                self.read_examples(loader, value_node)
            elif key == "threshold":
                threshold = self.threshold(loader, value_node)
                if threshold is not None:
                    self.result.kb_values[key] = threshold
                    self.result.kb_spots[key] = self.spot(key_node)
            elif key in KB_FIELDS:
                value = self.text(loader, key, value_node)
                if value is not None:
                    self.result.kb_values[key] = value
                    self.result.kb_spots[key] = self.spot(key_node)
            else:
                self.problem(key_node, f"unknown top-level key '{key}'{_did_you_mean(key, list(FILE_FIELDS))}")
        if entries_node is None:
            # A file of only synonyms, examples or KB settings is fine, even one still empty or wrong
            # (`synonyms: {}`): what it lacks is not entries.
            if not any(key in FILE_FIELDS for key, _, _ in items):
                self.problem(root, "missing 'entries' (the list of entries)")
        elif isinstance(entries_node, yaml.ScalarNode) and self.value(loader, entries_node) is None:
            pass  # `entries:` with nothing after it: no entries in this file
        elif not self.safe(entries_node):
            pass
        elif not isinstance(entries_node, yaml.SequenceNode):
            self.problem(entries_node, "'entries' must be a list of entries")
        else:
            for entry_node in entries_node.value:
                self.entry_id = None
                self.read_entry(loader, entry_node)
                self.entry_id = None

    def read_question_set(self, loader: SafeConstructor, root: yaml.Node) -> None:
        """A question set for `faqbot eval`: a `questions` list, items shaped as a KB's examples."""
        if not self.safe(root):
            return
        if not isinstance(root, yaml.MappingNode):
            self.problem(root, "expected a mapping with a 'questions' list at the top of the file")
            return
        found = False
        for key, key_node, value_node in self.mapping_items(loader, root):
            if key == "questions":
                found = True
                self.read_examples(loader, value_node, key="questions", noun="question", placed=True)
            else:
                self.problem(key_node, f"unknown top-level key '{key}' (a question set has only 'questions')")
        if not found:
            self.problem(root, "missing 'questions' (the list of labeled questions)")

    def read_examples(
        self, loader: SafeConstructor, node: yaml.Node, *, key: str = "examples", noun: str = "example", placed: bool = False
    ) -> None:
        """`examples:` lists questions as people ask them, each with `q` and `expect` (an id, a list of ids, or null).

        A question set's `questions:` has the same items; `placed` keeps where each one is, for reports.
        """
        if not self.safe(node):
            return
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"'{key}' must be a list of questions, each with 'q' and 'expect'")
            return
        for item in node.value:
            if not self.safe(item):
                continue
            if not isinstance(item, yaml.MappingNode):
                self.problem(item, f"each {noun} must be a mapping with 'q' (the question) and 'expect' (an id, a list of ids, or null)")
                continue
            text: str | None = None
            expected: list[tuple[str, Problem]] | None = None
            for field_name, key_node, value_node in self.mapping_items(loader, item):
                if field_name == "q":
                    text = self.text(loader, "q", value_node)
                elif field_name == "expect":
                    expected = self.expected_ids(loader, value_node)
                else:
                    self.problem(key_node, f"unknown {noun} field '{field_name}'{_did_you_mean(field_name, list(EXAMPLE_FIELDS))}")
                    text = None
            present = {k.value for k, _ in item.value if isinstance(k, yaml.ScalarNode)}
            for required in EXAMPLE_FIELDS:
                if required not in present:
                    self.problem(item, f"{noun} is missing '{required}'")
            if text is not None and expected is not None and present >= set(EXAMPLE_FIELDS):
                # A KB's example keeps no place of its own: its problems are all found here, and
                # places would double its size in the index cache.
                where = f"{self.path}:{item.start_mark.line + 1}:{item.start_mark.column + 1}" if placed else ""
                example = LabeledQuestion(text, tuple(i for i, _ in expected), where)
                self.result.examples.append((example, [spot for _, spot in expected]))

    def expected_ids(self, loader: SafeConstructor, node: yaml.Node) -> list[tuple[str, Problem]] | None:
        """An example's `expect`: null (out of scope), an id, or a list of ids; each with where it is."""
        if isinstance(node, yaml.ScalarNode) and self.safe(node) and self.value(loader, node) is None:
            return []
        nodes = node.value if isinstance(node, yaml.SequenceNode) and node.value else [node]
        ids = [(self.text(loader, "expect", n), n) for n in nodes if isinstance(n, yaml.ScalarNode)]
        if len(ids) != len(nodes) or any(i is None for i, _ in ids):
            if len(ids) != len(nodes):
                self.problem(node, "'expect' must be an id, a list of ids, or null")
            return None
        return [(str(i), self.spot(n)) for i, n in ids]

    def read_synonyms(self, loader: SafeConstructor, node: yaml.Node) -> None:
        """`synonyms:` maps a word or phrase the KB uses to the other words people say for it."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "'synonyms' must be a mapping: a KB word -> a list of words people use for it")
            return
        for canonical, key_node, value_node in self.mapping_items(loader, node):
            variants = self.text_list(loader, f"synonyms of '{canonical}'", value_node)
            if variants is None:
                continue
            if not canonical.strip() or not normalize(canonical):
                self.problem(key_node, "a synonym key must contain a word")
                continue
            normalized = tuple(v for v in dict.fromkeys(normalize(v) for v in variants) if v)
            self.result.synonyms.append((normalize(canonical), normalized, self.spot(key_node)))

    def read_safety(self, loader: SafeConstructor, node: yaml.Node) -> None:
        """`safety:` holds a `notice`, the warning `signs` (each a `name` and its `patterns`) and, optionally,
        phrases to `ignore` and `groups` of words that patterns use as one ("<role>")."""
        if not self.safe(node):
            return
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "'safety' must be a mapping with 'notice' and 'signs'")
            return
        notice: str | None = None
        signs: list[WarningSign] | None = None
        ignore: tuple[str, ...] | None = ()
        ignore_node: yaml.Node | None = None
        groups: dict[str, tuple[str, ...]] | None = {}
        groups_node: yaml.Node | None = None
        signs_node: yaml.Node | None = None
        items = self.mapping_items(loader, node)
        for key, key_node, value_node in items:
            if key == "groups":
                groups, groups_node = self.read_groups(loader, value_node), value_node
            elif key == "notice":
                notice = self.text(loader, "notice", value_node)
            elif key == "signs":
                signs, signs_node = self.read_signs(loader, value_node), value_node
            elif key == "ignore":
                ignore, ignore_node = self.text_list(loader, "ignore", value_node), value_node
            else:
                self.problem(key_node, f"unknown safety field '{key}'{_did_you_mean(key, list(SAFETY_FIELDS))}")
        present = {key for key, _, _ in items}
        for required in sorted({"notice", "signs"} - present):
            self.problem(node, f"'safety' is missing '{required}'")
        if signs is not None and ignore and isinstance(ignore_node, yaml.SequenceNode):
            ignore = self.check_ignore(ignore, ignore_node.value, signs)
        if isinstance(signs_node, yaml.SequenceNode):  # even when other problems were found: all in one run
            names = [key.value for key, _ in groups_node.value] if isinstance(groups_node, yaml.MappingNode) else []
            if not self.check_patterns(signs_node.value, names):
                signs = None
        if notice is not None and signs is not None and ignore is not None and groups is not None:
            self.result.safety = Safety(notice, tuple(signs), ignore, groups)

    def read_groups(self, loader: SafeConstructor, node: yaml.Node) -> dict[str, tuple[str, ...]] | None:
        """`groups:` maps a lowercase name to the words it stands for, each one word."""
        if not self.safe(node):
            return None
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "'groups' must be a mapping of names to lists of words")
            return None
        groups: dict[str, tuple[str, ...]] | None = {}
        for name, name_node, value_node in self.mapping_items(loader, node):
            words = self.text_list(loader, name, value_node)
            if not _GROUP_NAME.match(name):
                self.problem(name_node, f"group name {name!r} must be lowercase letters, digits and '-'")
            elif words == ():
                self.problem(value_node, f"group {name!r} has no words")
            elif words is not None and (several := next((w for w in words if len(normalize(w).split()) != 1), None)):
                self.problem(value_node, f"group {name!r}: {several!r} is not one word")
            elif words is not None and groups is not None:
                groups[name] = words
                continue
            groups = None
        return groups

    def check_patterns(self, sign_nodes: list[yaml.Node], groups: list[str]) -> bool:
        """Every "<name>" in a pattern must be a group, and a pattern in quotes needs two words or
        more (read from the nodes, so that it is checked even in signs with other problems)."""
        ok = True
        pattern_nodes = [
            pattern
            for sign in sign_nodes
            if isinstance(sign, yaml.MappingNode)
            for key, value in sign.value
            if key.value == "patterns" and isinstance(value, yaml.SequenceNode)
            for pattern in value.value
            if isinstance(pattern, yaml.ScalarNode) and isinstance(pattern.value, str)
        ]
        for pattern_node in pattern_nodes:
            quoted = quoted_words(pattern_node.value)
            if quoted is not None and (len(quoted) < 2 or _GROUP_REFERENCE.search(pattern_node.value)):
                # One word as written would miss its other forms; a group's words have no one order.
                self.problem(pattern_node, "a pattern in quotes needs two words or more, and no <group>")
                ok = False
                continue
            for name in _GROUP_REFERENCE.findall(pattern_node.value):
                if name not in groups:
                    self.problem(pattern_node, f"unknown group <{name}>{_did_you_mean(name, groups)}")
                    ok = False
        return ok

    def check_ignore(self, phrases: tuple[str, ...], nodes: list[yaml.Node], signs: list[WarningSign]) -> tuple[str, ...] | None:
        """Ignore phrases must have words, and none may hold a whole pattern: that sign would never be seen."""
        ok = True
        for phrase, phrase_node in zip(phrases, nodes):
            try:
                words, _ = ignored_phrase(phrase)
            except ValueError as error:
                self.problem(phrase_node, f"ignore phrase {phrase!r} {error}")
                ok = False
                continue
            if not words:
                self.problem(phrase_node, f"ignore phrase {phrase!r} has no words")
                ok = False
                continue
            hidden = next(
                ((sign, p) for sign in signs for p in sign.patterns if f" {words} " in f" {normalize(p)} "), None
            )
            if hidden is not None:
                self.problem(
                    phrase_node,
                    f"ignore phrase {phrase!r} would hide the pattern {hidden[1]!r} of the sign {hidden[0].name!r}",
                )
                ok = False
        return phrases if ok else None

    def read_signs(self, loader: SafeConstructor, node: yaml.Node) -> list[WarningSign] | None:
        if not self.safe(node):
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, "'signs' must be a list of warning signs, each with 'name' and 'patterns'")
            return None
        signs: list[WarningSign] = []
        ok = True
        for sign_node in node.value:
            if not self.safe(sign_node):
                ok = False
                continue
            if not isinstance(sign_node, yaml.MappingNode):
                self.problem(sign_node, "each warning sign must be a mapping with 'name' and 'patterns'")
                ok = False
                continue
            sign = self.read_sign(loader, sign_node)
            if sign is None:
                ok = False
            else:
                signs.append(sign)
        return signs if ok else None

    def read_sign(self, loader: SafeConstructor, node: yaml.MappingNode) -> WarningSign | None:
        """One warning sign: `name` and `patterns`, and optionally its own `notice`, `within` and `caution`."""
        ok = True
        name: str | None = None
        patterns: tuple[str, ...] | None = None
        notice: str | None = None
        within: str | None = "sentence"
        caution: object = False
        present = set()
        for key, key_node, value_node in self.mapping_items(loader, node):
            present.add(key)
            if key == "name":
                name = self.text(loader, key, value_node)
            elif key == "patterns":
                patterns = self.text_list(loader, key, value_node)
                if patterns == ():
                    self.problem(node, "warning sign needs at least one pattern")
                    patterns = None
            elif key == "notice":
                notice = self.text(loader, key, value_node)
                ok = ok and notice is not None
            elif key == "within":
                within = self.text(loader, key, value_node)
                if within is not None and within not in _WITHIN:
                    self.problem(value_node, f"'within' must be 'sentence' or 'clause', not {within!r}")
                    within = None
            elif key == "caution":
                caution = self.value(loader, value_node)
                if not isinstance(caution, bool):
                    self.problem(value_node, f"'caution' must be true or false, not {caution!r}")
                    ok = False
            else:
                self.problem(key_node, f"unknown warning-sign field '{key}'{_did_you_mean(key, [*SIGN_FIELDS, *SIGN_OPTIONAL])}")
                ok = False
        for required in SIGN_FIELDS:
            if required not in present:
                self.problem(node, f"warning sign is missing '{required}'")
        if not ok or name is None or patterns is None or within is None:
            return None
        return WarningSign(name, patterns, notice, "clause" if within == "clause" else "sentence", caution is True)

    def text(self, loader: SafeConstructor, key: str, node: yaml.Node) -> str | None:
        """A required non-blank text value, or None after reporting why not."""
        if not self.safe(node):
            return None
        value = self.value(loader, node)
        if isinstance(value, str) and value.strip():
            self.check_cut_short(key, node)
            return value.strip()
        if isinstance(node, yaml.ScalarNode) and (value is None or isinstance(value, str)):
            self.problem(node, f"{_named(key)} is empty")
            return None
        shown = _describe(value) if isinstance(node, yaml.ScalarNode) else _describe_node(node)
        one_pair = isinstance(node, yaml.MappingNode) and len(node.value) == 1  # "- Tip: check the valve"
        hint = " (put it in quotes)" if isinstance(value, (bool, int, float)) or one_pair else ""
        self.problem(node, f"{_named(key)} must be text, not {shown}{hint}")
        return None

    def check_cut_short(self, key: str, node: yaml.Node) -> None:
        """Report unquoted text that a " #" cut short: "day #1 in town" reads as "day" and a comment.

        A comment meant as one is set off by two spaces, or has a line of its own."""
        end = node.end_mark
        if not isinstance(node, yaml.ScalarNode) or node.style not in (None, ""):  # plain: "" from libyaml
            return
        if not self.lines:
            self.lines = self.source.split("\n")
        if end.line < len(self.lines) and self.lines[end.line][end.column : end.column + 2] == " #":
            self.problems.append(Problem(
                self.path, end.line + 1, end.column + 2,
                f"{_named(key)} stops here: YAML reads ' #' and the rest of the line as a comment; put the whole text in "
                "quotes (or, for a comment, two spaces before the #)",
                self.entry_id,
            ))

    def threshold(self, loader: SafeConstructor, node: yaml.Node) -> str | None:
        """`threshold:` a number from 0 to 100, kept as its text like the other KB-level values."""
        if not self.safe(node):
            return None
        value = self.value(loader, node) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 100:
            return repr(float(value))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            shown = f"{value:g}"
        elif isinstance(value, str):
            shown = f"text ({value!r})"
        else:
            shown = _describe(value) if isinstance(node, yaml.ScalarNode) else _describe_node(node)
        self.problem(node, f"'threshold' must be a number from 0 to 100, not {shown}")
        return None

    def text_list(self, loader: SafeConstructor, key: str, node: yaml.Node) -> tuple[str, ...] | None:
        if not self.safe(node):
            return None
        if not isinstance(node, yaml.SequenceNode):
            if isinstance(node, yaml.ScalarNode) and self.value(loader, node) is None:
                return ()  # `tips:` with nothing after it reads as an empty list
            self.problem(node, f"{_named(key)} must be a list of text")
            return None
        items: list[str] = []
        ok = True
        for item_node in node.value:
            item = self.text(loader, f"{key} item", item_node)
            if item is None:
                ok = False
            else:
                items.append(item)
        return tuple(items) if ok else None

    def read_entry(self, loader: SafeConstructor, node: yaml.Node) -> None:
        if not self.safe(node):
            return
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"each entry must be a mapping of fields, not {_describe_node(node)}")
            return
        # Name the entry in every problem found in it, including problems with its keys.
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == "id" and isinstance(value_node, yaml.ScalarNode):
                if value_node.value.strip() and value_node.tag in _SAFE_TAGS:
                    self.entry_id = value_node.value.strip()
        items = self.mapping_items(loader, node)
        values: dict[str, object] = {}
        valid = True
        related_nodes: list[yaml.Node] = []
        misspelt: set[str] = set()  # fields an unknown one was taken for: not also reported missing
        for key, key_node, value_node in items:
            if key not in ENTRY_FIELDS:
                close = difflib.get_close_matches(key, list(ENTRY_FIELDS), n=1)
                misspelt.update(close)
                self.problem(key_node, f"unknown field '{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
                valid = False
                continue
            value: object = (
                self.text(loader, key, value_node) if key in TEXT_FIELDS else self.text_list(loader, key, value_node)
            )
            if value is None:
                valid = False
                continue
            if key == "id" and not _KEBAB_ID.match(str(value)):
                self.problem(value_node, f"id '{value}' must be kebab-case: lowercase letters, digits and '-'")
                valid = False
            if key == "related" and isinstance(value_node, yaml.SequenceNode):
                related_nodes = list(value_node.value)
            if key == "mentions" and isinstance(value, tuple) and len(set(value)) < len(value):
                self.problem(value_node, "'mentions' lists a term twice")
                valid = False
            values[key] = value
        for required in TEXT_FIELDS:
            if required not in values and required not in misspelt and not any(k == required for k, _, _ in items):
                self.problem(node, f"missing required field '{required}'")
                valid = False
        if not valid:
            entry_id = values.get("id")
            targets = values.get("related")
            refs = [(str(t), self.spot(t_node)) for t, t_node in zip(targets, related_nodes)] if isinstance(targets, tuple) else []
            if isinstance(entry_id, str) and _KEBAB_ID.match(entry_id):
                self.result.broken_ids.append((entry_id, self.spot(node)))
                self.result.broken_related.extend((entry_id, target, where) for target, where in refs)
            else:
                self.result.orphan_related.extend((self.entry_id, target, where) for target, where in refs)
            return
        entry = Entry(**values)  # type: ignore[arg-type]
        self.result.entries.append((entry, self.spot(node)))
        for target, target_node in zip(entry.related, related_nodes):
            if (entry.id, target) in self.result.related_spots:
                self.problem(target_node, f"'related' lists '{target}' twice")
            self.result.related_spots[(entry.id, target)] = self.spot(target_node)


def _in_sibling_files(root: Path) -> str:
    """A hint for one file of a directory KB checked alone: the ids it names may be in the others."""
    if not root.is_file():
        return ""
    try:
        others = [f for f in kb_files(root.parent) if f.resolve() != root.resolve()]
    except FaqbotError:
        return ""
    return f" (if another file in {root.parent}/ defines it, check the whole directory)" if others else ""


def _likely_cause(reason: str, text: str, line: int, column: int) -> str:
    """What a KB author most often did to get this YAML error, as a hint to append to it."""
    if reason.startswith("mapping values are not allowed"):
        before = text.split("\n")[line][:column]
        if ": " in before:  # "answer: Note: 80 psi." reads as a key inside a value
            return "; text with ': ' in it must be in quotes"
        return "; check this line's indentation against the lines above it"
    if reason in ("did not find expected key", "did not find expected '-' indicator"):
        return "; check this line's indentation: the fields of an entry line up under each other"
    return ""


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column : column + 1] if line < len(lines) else ""


def _describe_node(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return "a single value"
