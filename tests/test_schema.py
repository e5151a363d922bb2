"""knowledge/schema.json, the JSON Schema editors validate KB files with, agrees with the validator.

Every KB file the project ships or tests with must pass both; every invalid fixture must fail both;
and the schema names exactly the fields bot/knowledge.py knows, so the two cannot drift apart.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from bot import FaqbotError, load_kb
from bot import knowledge
from bot.importer import run_import

from conftest import REPO_ROOT, write

SCHEMA_PATH = REPO_ROOT / "knowledge" / "schema.json"
FIXTURES = REPO_ROOT / "tests" / "fixtures"
SHIPPED = sorted((REPO_ROOT / "knowledge").glob("*.yaml"))
FIXTURE_KBS = sorted((FIXTURES / "articles").glob("*.expected.yaml")) + sorted((FIXTURES / "kb").glob("*.yaml"))
INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
MODELINE = "# yaml-language-server: $schema=./schema.json\n"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft7Validator:
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def schema_errors(validator: Draft7Validator, path: Path) -> list[str]:
    return [error.message for error in validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))]


def test_there_is_something_to_check() -> None:
    assert len(SHIPPED) == 5 and len(FIXTURE_KBS) >= 3 and len(INVALID) >= 4


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_kb_files_point_editors_at_the_schema_and_pass_it(path: Path, validator: Draft7Validator) -> None:
    assert path.read_text(encoding="utf-8").startswith(MODELINE)
    assert schema_errors(validator, path) == []


@pytest.mark.parametrize("path", FIXTURE_KBS, ids=lambda p: p.name)
def test_fixture_kbs_pass_the_schema_and_the_validator(path: Path, validator: Draft7Validator) -> None:
    assert schema_errors(validator, path) == []
    assert len(load_kb(path)) > 0
    modeline = path.read_text(encoding="utf-8").splitlines()[0]
    assert (path.parent / modeline.split("$schema=")[1]).resolve() == SCHEMA_PATH


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_files_fail_the_validator_and_the_schema(path: Path, validator: Draft7Validator) -> None:
    with pytest.raises(FaqbotError):
        load_kb(path)
    assert schema_errors(validator, path) != []


def test_an_imported_kb_passes_the_schema(validator: Draft7Validator, tmp_path: Path) -> None:
    out = tmp_path / "kb.yaml"
    run_import(FIXTURES / "articles" / "home-massage.txt", out, None, io.StringIO(), io.StringIO())
    assert schema_errors(validator, out) == []


@pytest.mark.parametrize(
    "text",
    [
        "title: Only a title\n",
        "synonyms:\n  open: [opening]\n",
        "safety:\n  notice: See a doctor.\n  signs: []\n",
        "safety:\n  notice: See a doctor.\n  ignore: [fell asleep]\n  signs: []\n",
        "safety:\n  notice: See a doctor.\n  signs:\n    - name: a doctor's no\n      notice: Follow it.\n      patterns: [doctor no]\n",
        "safety:\n  notice: N.\n  groups:\n    role: [doctor, gp]\n  signs:\n    - name: a doctor's no\n      within: clause\n"
        "      caution: true\n      patterns: [<role> no]\n",
        "title: T\nentries:\n",
        "entries:\n  - id: a1\n    question: Q?\n    answer: A.\n    source: S\n    tips:\n    alternates: []\n",
        "entries:\n  - id: a1\n    question: Q?\n    answer: A, not B.\n    source: S\n    mentions: [B]\n",
    ],
)
def test_files_the_validator_accepts_pass_the_schema(text: str, validator: Draft7Validator, tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", text)
    if "entries:\n  -" in text:
        load_kb(path)
    else:  # a file with no entries is valid only next to one that has some
        write(tmp_path / "other.yaml", "entries:\n  - id: z\n    question: Q?\n    answer: A.\n    source: S\n")
        load_kb(tmp_path)
    assert schema_errors(validator, path) == []


@pytest.mark.parametrize(
    "text",
    [
        "{}\n",
        "synonyms: {}\n",
        "entries:\n  - id: a\n    question: Q?\n    answer: A.\n    source: S\n    related: [Not-Kebab]\n",
        "entries:\n  - id: a\n    question: Q?\n    answer: A.\n    source: S\n    tips: ['  ']\n",
        "safety:\n  notice: N.\n  signs:\n    - name: fever\n      patterns: [hot]\n      level: high\n",
        "safety:\n  notice: N.\n  signs:\n    - name: fever\n      notice: ''\n      patterns: [hot]\n",
        "safety:\n  notice: N.\n  signs:\n    - name: fever\n      caution: maybe\n      patterns: [hot]\n",
        "safety:\n  notice: N.\n  groups:\n    role: [family doctor]\n  signs:\n    - name: fever\n      patterns: [hot]\n",
        "safety:\n  notice: N.\n  ignore: fell asleep\n  signs:\n    - name: fall\n      patterns: [fell]\n",
        "entries:\n  - id: a\n    question: Q?\n    answer: A.\n    source: S\n    mentions: [B, B]\n",
        "entries:\n  - id: a\n    question: Q?\n    answer: A.\n    source: S\n    mentions: B\n",
        "examples:\n  - q: what is it?\n",
        "examples:\n  - q: what is it?\n    expect: [Not-Kebab]\n",
        "examples:\n  - q: ' '\n    expect: null\n",
    ],
)
def test_files_the_validator_rejects_fail_the_schema(text: str, validator: Draft7Validator, tmp_path: Path) -> None:
    path = write(tmp_path / "kb.yaml", text)
    with pytest.raises(FaqbotError):
        load_kb(path)
    assert schema_errors(validator, path) != []


def test_the_schema_names_exactly_the_fields_the_validator_knows(schema: dict[str, Any]) -> None:
    entry = schema["definitions"]["entry"]
    sign = schema["properties"]["safety"]["properties"]["signs"]["items"]
    assert set(schema["properties"]) == set(knowledge.FILE_FIELDS)
    assert set(entry["properties"]) == set(knowledge.ENTRY_FIELDS)
    assert set(entry["required"]) == set(knowledge.TEXT_FIELDS)
    assert set(sign["required"]) == set(knowledge.SIGN_FIELDS)
    assert set(sign["properties"]) == {*knowledge.SIGN_FIELDS, *knowledge.SIGN_OPTIONAL}
    assert set(schema["properties"]["safety"]["properties"]) == set(knowledge.SAFETY_FIELDS)
    example = schema["properties"]["examples"]["items"]
    assert set(example["properties"]) == set(example["required"]) == set(knowledge.EXAMPLE_FIELDS)
    assert schema["definitions"]["id"]["pattern"] == "^" + knowledge._KEBAB_ID.pattern.removesuffix(r"\Z") + "$"
