"""The documentation is tested: every Python example runs, links resolve, pages are current.

Fences in README.md and docs/**/*.md:

- ```` ```python ```` runs as-is, in-process, in a fresh namespace;
- ```` ```python pytest ```` is a pytest test file: it runs in a pytester sandbox and must pass;
- ```` ```python no-run ```` is not run (only for snippets that cannot run by themselves).
"""

from __future__ import annotations

import linecache
import re
import sys
import types
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

import ecsmock
from ecsmock import docgen
from ecsmock.api import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
KINDS = {"": "run", "pytest": "pytest", "no-run": "skip"}
FENCE = re.compile(r"^(?P<indent> *)```(?P<info>[^`]*)$")


@dataclass(frozen=True)
class Block:
    """One fenced Python example."""

    page: Path
    index: int
    line: int  # 1-based line of the first line of code
    kind: str
    source: str

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT).as_posix()}#{self.index}"


def python_blocks(page: Path) -> list[Block]:
    """The ```python fences of `page`, in order."""
    blocks: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        i += 1
        if opening is None:
            continue
        words = opening["info"].split()
        start, body = i, []
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        if not words or words[0] != "python":
            continue
        attrs = " ".join(words[1:])
        if attrs not in KINDS:
            raise ValueError(f"{page}:{start}: unknown python fence attributes {attrs!r}")
        indent = len(opening["indent"])
        source = "\n".join(line[indent:] for line in body) + "\n"
        blocks.append(Block(page, len(blocks), start + 1, KINDS[attrs], source))
    return blocks


BLOCKS = [block for page in PAGES for block in python_blocks(page)]


def test_there_are_examples() -> None:
    assert (ROOT / "README.md") in {b.page for b in BLOCKS}
    assert len(BLOCKS) >= 20


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.kind == "run"], ids=lambda b: b.id)
def test_example_runs(block: Block) -> None:
    filename = f"<{block.id} (line {block.line})>"
    # Tracebacks show the example's own lines.
    linecache.cache[filename] = (
        len(block.source),
        None,
        block.source.splitlines(keepends=True),
        filename,
    )
    code = compile(block.source, filename, "exec")
    # A real module in sys.modules, as a script's __main__ is: freezegun patches the
    # `datetime` names of loaded modules only.
    module = types.ModuleType(f"_docs_example_{block.index}")
    sys.modules[module.__name__] = module
    try:
        exec(code, module.__dict__)
    finally:
        del sys.modules[module.__name__]
        linecache.cache.pop(filename, None)
    assert ecsmock.current() is None, "the example left a mock active"


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.kind == "pytest"], ids=lambda b: b.id)
def test_pytest_example_passes(block: Block, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_example=block.source)
    result = pytester.runpytest_inprocess("-W", "error", "-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert result.ret == 0, result.stdout.str()
    assert outcomes.get("passed", 0) >= 1
    assert set(outcomes) <= {"passed"}, outcomes


def test_no_run_blocks_are_rare() -> None:
    # `no-run` is for snippets that truly cannot run; everything else is executed.
    skipped = [b.id for b in BLOCKS if b.kind == "skip"]
    assert len(skipped) <= 3, skipped


# -- links ---------------------------------------------------------------------------------

LINK = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    text = heading.strip().lower()
    text = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    out: set[str] = set()
    in_fence = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        elif not in_fence and line.startswith("#"):
            out.add(slug(line.lstrip("#")))
    return out


def local_links(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    return [
        m["target"]
        for m in LINK.finditer(text)
        if not re.match(r"[a-z]+:", m["target"])  # http:, https:, mailto:
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_local_links_resolve(page: Path) -> None:
    broken = []
    for target in local_links(page):
        path_part, _, anchor = target.partition("#")
        linked = (page.parent / path_part).resolve() if path_part else page
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{target}: no heading with anchor #{anchor}")
    assert not broken, broken


def test_every_docs_page_is_linked_from_the_index() -> None:
    index = ROOT / "docs" / "index.md"
    linked = {(index.parent / t.partition("#")[0]).resolve() for t in local_links(index)}
    pages = {p.resolve() for p in (ROOT / "docs").rglob("*.md")} - {index.resolve()}
    assert not pages - linked, sorted(str(p) for p in pages - linked)


# -- reference pages -----------------------------------------------------------------------


def test_api_reference_names_every_public_name() -> None:
    text = (ROOT / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
    missing = [name for name in ecsmock.__all__ if f"`{name}" not in text]
    assert not missing, missing


def test_operations_page_is_current() -> None:
    page = docgen.DEFAULT_PATH
    recorded = docgen.recorded_version(page)
    if recorded is not None and recorded != docgen.botocore_version():
        # Another botocore may list other operations; the registry part must still hold.
        text = page.read_text(encoding="utf-8")
        supported = [line for line in text.splitlines() if "**supported**" in line]
        for name in REGISTRY:
            assert any(line.startswith(f"| [{name}](") for line in supported), name
        pytest.skip(
            f"{page.name} was generated with botocore {recorded}, botocore "
            f"{docgen.botocore_version()} is installed: run `python -m ecsmock.docgen`"
        )
    assert docgen.is_current(page), "stale: run `python -m ecsmock.docgen`"


def test_docgen_check_exit_codes(tmp_path: Path) -> None:
    page = tmp_path / "operations.md"
    assert docgen.main(["--check", "--output", str(page)]) == 1
    assert docgen.main(["--output", str(page)]) == 0
    assert docgen.main(["--check", "--output", str(page)]) == 0
    page.write_text(page.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    assert docgen.main(["--check", "--output", str(page)]) == 1


def test_docgen_render_marks_support() -> None:
    def handler() -> None:
        """RunTask: starts tasks | more."""

    text = docgen.render(["RunTask", "StopTask"], {"RunTask": handler}, version="9.9.9")
    assert "| `run_task` | **supported** | Starts tasks \\| more. |" in text
    assert "| `stop_task` | not yet | |" in text
    assert "1 of the 2" in text
    assert "botocore 9.9.9" in text
