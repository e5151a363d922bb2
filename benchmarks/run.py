"""Speed and scale benchmarks: start-up, match latency, large KBs, memory. Writes docs/performance.md.

    python benchmarks/run.py            # everything (about 15 minutes; the 100k KB is built once)
    python benchmarks/run.py --quick    # start-up and the default KB only

Whole-process times are medians of repeated runs, each ratio measured side by side in the same
run. Synthetic KBs are generated from a fixed seed under benchmarks/.data/ (not committed).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process, utils  # noqa: E402

from bot import Matcher, load_kb, load_matcher, reply_to  # noqa: E402

DATA = ROOT / "benchmarks" / ".data"
SIZES = (1_000, 10_000, 100_000)
ENTRIES_PER_FILE = 10_000  # keeps every file well under the loader's 20 MB cap
PHRASINGS = 5  # a question and 4 alternates


def env() -> dict[str, str]:
    """The environment for timed processes: the repo importable, a private cache, bytecode used."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(DATA / "cache")}


def timed(command: list[str], runs: int, stdin: str | None = None, environment: dict[str, str] | None = None) -> float:
    """Median wall time of `command` in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=environment or env(), input=stdin, capture_output=True, text=True, check=False, cwd=tempfile.gettempdir())
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def first_prompt_ms(runs: int) -> float:
    """Median time from starting the chat in a pseudo-terminal to its first prompt."""
    import pexpect

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        child = pexpect.spawn(sys.executable, ["-m", "bot"], env={**env(), "PROMPT_TOOLKIT_NO_CPR": "1"}, encoding="utf-8")
        child.expect_exact("you> ", timeout=30)
        times.append((time.perf_counter() - started) * 1000)
        child.close(force=True)
    return statistics.median(times)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latencies(matcher: Matcher, questions: list[str], call: Callable[[Matcher, str], object] | None = None) -> tuple[float, float]:
    """p50 and p99 of one rank() call (or of `call`), in milliseconds."""
    samples = []
    for question in questions:
        started = time.perf_counter()
        if call is None:
            matcher.rank(question, k=3)
        else:
            call(matcher, question)
        samples.append((time.perf_counter() - started) * 1000)
    return percentile(samples, 0.5), percentile(samples, 0.99)


def naive_latency(matcher: Matcher, questions: list[str]) -> float:
    """p50 of rapidfuzz extractOne with WRatio over every phrasing: the naive baseline."""
    choices = [p for entry in matcher.kb for p in entry.phrasings]
    samples = []
    for question in questions:
        started = time.perf_counter()
        process.extractOne(question, choices, scorer=fuzz.WRatio, processor=utils.default_process)
        samples.append((time.perf_counter() - started) * 1000)
    return percentile(samples, 0.5)


# --- synthetic KBs ------------------------------------------------------------------------------


def vocabulary(rng: random.Random, size: int) -> list[str]:
    consonants, vowels = "bcdfghjklmnprstvwz", "aeiou"
    words: set[str] = set()
    while len(words) < size:
        syllables = rng.randint(2, 4)
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables)))
    return sorted(words)


def generate(entries: int, seed: int = 7) -> Path:
    """A KB of `entries` entries x 5 phrasings, a 60-word answer and 2 tips each, in several files."""
    target = DATA / f"kb-{entries}"
    if (target / ".complete").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    rng = random.Random(seed)
    words = vocabulary(rng, 20_000)
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf-like: few common, many rare words

    def sentence(length: int) -> str:
        return " ".join(rng.choices(words, weights, k=length))

    for first in range(0, entries, ENTRIES_PER_FILE):
        lines = ["entries:"]
        for n in range(first, min(first + ENTRIES_PER_FILE, entries)):
            lines += [
                f"  - id: entry-{n}",
                f"    question: {sentence(rng.randint(5, 8))}?",
                "    alternates:",
                *(f"      - {sentence(rng.randint(3, 7))}" for _ in range(PHRASINGS - 1)),
                f"    answer: {sentence(60)}.",
                "    tips:",
                *(f"      - {sentence(8)}." for _ in range(2)),
                f"    source: Section {n % 50} > Part {n % 7}",
            ]
        (target / f"part-{first // ENTRIES_PER_FILE:03d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (target / ".complete").touch()
    return target


def with_examples(entries: int, count: int, seed: int = 13) -> Path:
    """The synthetic KB of `entries` plus `count` examples: phrasings with words dropped, a fifth out of scope."""
    target = DATA / f"kb-{entries}-examples-{count}"
    if (target / ".complete").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(generate(entries), target)
    rng = random.Random(seed)
    kb = load_kb(target)
    lines = ["examples:"]
    for _ in range(count):
        entry = rng.choice(kb.entries)
        words = [w for w in rng.choice(entry.phrasings).rstrip("?").split() if rng.random() > 0.3] or [entry.question]
        off_topic = rng.random() < 0.2
        lines += [f"  - q: {' '.join(words)}{' refund price' if off_topic else ''}", f"    expect: {'null' if off_topic else entry.id}"]
    (target / "examples.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (target / ".complete").touch()
    return target


def sample_questions(matcher: Matcher, count: int, seed: int = 11) -> list[str]:
    """Questions like people type them: a phrasing with a word dropped and, often, a typo."""
    rng = random.Random(seed)
    entries = matcher.kb.entries
    questions = []
    for _ in range(count):
        words = rng.choice(rng.choice(entries).phrasings).rstrip("?").split()
        if len(words) > 3:
            words.pop(rng.randrange(len(words)))
        if rng.random() < 0.5:
            i = rng.randrange(len(words))
            w = words[i]
            if len(w) > 4:
                j = rng.randrange(1, len(w) - 1)
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        questions.append(" ".join(words))
    return questions


def peak_rss_mb(command: list[str]) -> float:
    """Peak resident memory of `command`, in MB.

    Measured by a fresh Python process that runs only this command: RUSAGE_CHILDREN reports the
    largest child ever waited for, so asking it here would report an earlier, bigger child.
    """
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    result = subprocess.run([sys.executable, "-c", probe, *command], env=env(), capture_output=True, text=True, check=True)
    return int(result.stdout) / 1024


def first_run_s() -> float:
    """Seconds for one `faqbot ask` on the default KB with an empty cache."""
    shutil.rmtree(DATA / "cache", ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot", "ask", "how long does it last?"], env=env(), capture_output=True, check=True)
    return time.perf_counter() - started


def fresh_venv_rows(runs: int) -> list[tuple[str, str, str]]:
    """`faqbot ask` against its floor as a user gets them: the project `pip install`ed into a new venv.

    The interpreter that runs this script may import modules at start-up for its own site-packages
    (this project's machines import re, pathlib and typing so), which both commands then have for free.
    A fresh venv imports none, so there the floor is lower and faqbot's own imports count in full.
    """
    venv = DATA / "venv"
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(ROOT)], check=True, capture_output=True)
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"XDG_CACHE_HOME": str(DATA / "venv-cache")}
    faqbot = [str(venv / "bin" / "faqbot"), "ask"]
    subprocess.run([*faqbot, "warm the cache"], env=environment, capture_output=True, check=False)
    floor = timed([str(venv / "bin" / "python"), "-c", "import yaml, rapidfuzz"], runs, environment=environment)
    stdlib = timed([str(venv / "bin" / "python"), "-c", "import re, pathlib, typing, dataclasses, yaml, rapidfuzz"], runs, environment=environment)
    ask = timed([*faqbot, "how long does a couples massage last?"], runs, environment=environment)
    return [
        ("fresh venv (`pip install .`): `python -c \"import yaml, rapidfuzz\"` (floor)", f"{floor:.0f} ms", "1.00x"),
        ("fresh venv: the floor and `re, pathlib, typing, dataclasses`", f"{stdlib:.0f} ms", f"{stdlib / floor:.2f}x"),
        ("fresh venv: `faqbot ask \"how long does a couples massage last?\"`", f"{ask:.0f} ms",
         f"{ask / floor:.2f}x the floor, {ask / stdlib:.2f}x the floor with those modules"),
    ]


# --- the report ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="start-up and the default KB only")
    parser.add_argument("--runs", type=int, default=15, help="runs per whole-process timing (default 15)")
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "bot")], check=True)
    shutil.rmtree(DATA / "cache", ignore_errors=True)
    python = sys.executable
    rows: list[tuple[str, str, str]] = []

    first_run = statistics.median(first_run_s() for _ in range(5))
    subprocess.run([python, "-m", "bot", "ask", "warm the cache"], env=env(), capture_output=True, check=False)
    base_ask = timed([python, "-c", "import yaml, rapidfuzz"], args.runs)
    ask = timed([python, "-m", "bot", "ask", "how long does a couples massage last?"], args.runs)
    ask_declined = timed([python, "-m", "bot", "ask", "is pilates good for my back?"], args.runs)
    rows.append(("`python -c \"import yaml, rapidfuzz\"` (floor)", f"{base_ask:.0f} ms", "1.00x"))
    rows.append(("`faqbot ask \"how long does a couples massage last?\"`", f"{ask:.0f} ms", f"{ask / base_ask:.2f}x (target <= 1.3x)"))
    rows.append(("`faqbot ask \"is pilates good for my back?\"` (declined)", f"{ask_declined:.0f} ms", f"{ask_declined / base_ask:.2f}x"))
    rows.append(("first `faqbot ask` after install (index built, examples' model trained, cache written)", f"{first_run:.2f} s", "once per KB version; median of 5; one BLAS thread, as the CLI sets (bot/cli.py)"))
    rows.extend(fresh_venv_rows(args.runs))

    base_chat = timed([python, "-c", "import prompt_toolkit, yaml, rapidfuzz"], args.runs)
    chat = first_prompt_ms(args.runs)
    rows.append(("`python -c \"import prompt_toolkit, yaml, rapidfuzz\"` (floor)", f"{base_chat:.0f} ms", "1.00x"))
    rows.append(("`faqbot` chat: time to the first prompt (pty)", f"{chat:.0f} ms", f"{chat / base_chat:.2f}x (target <= 1.2x)"))

    default = load_matcher()
    questions = sample_questions(default, 2000)
    p50, p99 = latencies(default, questions)
    naive = naive_latency(default, questions)
    rows.append(("one match, default KB: p50 / p99", f"{p50:.3f} / {p99:.3f} ms", f"target p50 <= 0.5 ms; naive extractOne+WRatio p50 {naive:.3f} ms"))
    p50, p99 = latencies(default, questions, reply_to)
    rows.append(("one reply (`reply_to`: match, warning signs, verdict), default KB: p50 / p99", f"{p50:.3f} / {p99:.3f} ms", "what the chat and batch `ask` do per question"))

    if not args.quick:
        for size in SIZES:
            rows.extend(scale_rows(size, args.runs))
        big = with_examples(1_000, 5_000)
        started = time.perf_counter()
        build_rss = peak_rss_mb([python, "-m", "bot", "ask", "--kb", str(big), "build"])
        build = time.perf_counter() - started
        rows.append((
            "1,000 entries with 5,000 examples: first `faqbot ask --kb`", f"{build:.1f} s",
            f"peak RSS {build_rss:.0f} MB; naive Bayes, as the regression would be too big (bot/learned.py)",
        ))

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    table = "\n".join(["| what | median | ratio / notes |", "|---|---|---|", *(f"| {a} | {b} | {c} |" for a, b, c in rows)])
    print(table)
    if not args.quick:
        (ROOT / "docs" / "performance.md").write_text(
            "# Performance\n\n"
            f"Measured by `python benchmarks/run.py` on {machine}, {time.strftime('%Y-%m-%d')}. Whole-process\n"
            f"figures are medians of {args.runs} runs with the index cache warm and bytecode compiled (as after\n"
            "`pip install .`); ratios compare two commands measured side by side in the same run. Latencies\n"
            "are per `Matcher.rank(question, k=3)` call over questions made from the KB's phrasings with a\n"
            "word dropped and often a typo. Synthetic KBs: 5 phrasings, a 60-word answer and 2 tips per entry,\n"
            "Zipf-distributed words, fixed seed. The \"fresh venv\" rows install the project into a new virtual\n"
            "environment, as a user would: its interpreter imports nothing at start-up, while the one that runs\n"
            "the other rows imports re, pathlib and typing for its site-packages, so only there do faqbot's own\n"
            "standard-library imports count in full.\n\n"
            f"{table}\n",
            encoding="utf-8",
        )
    return 0


def scale_rows(size: int, runs: int) -> list[tuple[str, str, str]]:
    path = generate(size)
    python = sys.executable
    started = time.perf_counter()
    build_rss = peak_rss_mb([python, "-m", "bot", "ask", "--kb", str(path), "build"])
    build = time.perf_counter() - started
    cold = timed([python, "-m", "bot", "ask", "--kb", str(path), "some question"], max(3, runs // 3))
    rss = peak_rss_mb([python, "-m", "bot", "ask", "--kb", str(path), "some question"])
    matcher = load_matcher(path)
    questions = sample_questions(matcher, 1000)
    p50, p99 = latencies(matcher, questions)
    naive = naive_latency(matcher, questions[:50])
    checked = questions[: 400 if size >= 100_000 else 1000]  # exhaustive scoring of 100,000 takes 1 s a question
    same = sum(
        [c.entry.id for c in matcher.rank(q, k=1)] == [c.entry.id for c in matcher.rank(q, k=1, exhaustive=True)]
        for q in checked
    )
    label = f"{size:,} entries x {PHRASINGS} phrasings"
    return [
        (f"{label}: match p50 / p99", f"{p50:.2f} / {p99:.2f} ms", f"naive extractOne+WRatio p50 {naive:.1f} ms, {naive / p50:.1f}x as long as ours"),
        (f"{label}: top-1 same as exhaustive scoring", f"{same / len(checked):.1%}", f"of {len(checked)} sampled questions"),
        (f"{label}: `faqbot ask --kb` with a warm cache", f"{cold * 1000:.0f} ms" if cold < 1 else f"{cold:.0f} ms", f"first run (parse, validate, index, write cache): {build:.1f} s"),
        (f"{label}: peak RSS of `faqbot ask --kb`", f"{rss:.0f} MB", f"first run: {build_rss:.0f} MB"),
    ]


if __name__ == "__main__":
    sys.exit(main())
