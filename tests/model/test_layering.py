"""The model's walls: what `ecsmock/model/` may import, and the shape of its tree.

design.md section 3: the model is pure Python (no botocore) and never reaches up into the
operations (`ecsmock.api`), the seam (`_patch`, `_wire`), the face (`_mock`) or the pytest
plugin. Every import counts, including those under `TYPE_CHECKING` and inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ecsmock

PACKAGE = Path(ecsmock.__file__).parent
MODEL = PACKAGE / "model"
FORBIDDEN = (
    "ecsmock.api",
    "ecsmock._patch",
    "ecsmock._wire",
    "ecsmock._mock",
    "ecsmock.pytest_plugin",
    "botocore",
    "boto3",
)
# moto (a test dependency) and ecsmock's bridge to it: never in the model's run-time code.
# The scripts under a `data` package, run by hand to rewrite its tables, may read moto's.
BESIDE_MOTO = ("moto", "ecsmock._moto")
PACKAGES = {"tasks", "services", "capacity", "clusters"}


def imported_modules(source: str, module: str) -> list[str]:
    """Every module an import statement of `source` names (`module` is its dotted name)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")[: -node.level]
                base = ".".join([*parent, base] if base else parent)
            found.append(base)
            # `from ecsmock import api` names the module ecsmock.api.
            found += [f"{base}.{alias.name}" for alias in node.names]
    return found


def forbidden_imports(source: str, module: str) -> list[str]:
    """The imports of `source` that cross the model's walls."""
    walls = FORBIDDEN if ".data." in module else FORBIDDEN + BESIDE_MOTO
    return [
        name
        for name in imported_modules(source, module)
        if any(name == wall or name.startswith(wall + ".") for wall in walls)
    ]


def model_modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(MODEL.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out.append((name, path))
    return out


@pytest.mark.parametrize(("module", "path"), model_modules(), ids=lambda v: str(v))
def test_model_module_stays_inside_its_walls(module: str, path: Path) -> None:
    assert forbidden_imports(path.read_text(), module) == []


def test_the_check_sees_every_kind_of_import() -> None:
    source = """
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from ecsmock.api._registry import Params
from ecsmock import _wire
from ... import _mock
import ecsmock.pytest_plugin

def later():
    from ecsmock._patch import attach
    import botocore.parsers
"""
    found = set(forbidden_imports(source, "ecsmock.model.tasks.store"))
    assert found == {
        "ecsmock.api._registry",
        "ecsmock.api._registry.Params",
        "ecsmock._wire",
        "ecsmock._mock",
        "ecsmock.pytest_plugin",
        "ecsmock._patch",
        "ecsmock._patch.attach",
        "botocore.parsers",
    }
    assert forbidden_imports("from ecsmock.model.tasks import task\n", "ecsmock.model.x") == []
    beside_moto = "import moto\nfrom ecsmock._moto import active\n"
    assert forbidden_imports(beside_moto, "ecsmock.model.tasks.outside") == [
        "moto",
        "ecsmock._moto",
        "ecsmock._moto.active",
    ]
    assert forbidden_imports(beside_moto, "ecsmock.model.capacity.data.make_table") == []


def test_model_tree_is_four_packages_and_a_few_modules() -> None:
    packages = {p.name for p in MODEL.iterdir() if p.is_dir() and p.name != "__pycache__"}
    modules = [p.name for p in MODEL.glob("*.py") if p.name != "__init__.py"]
    assert packages == PACKAGES
    assert len(modules) <= 8
    for name in ["", *sorted(PACKAGES)]:
        init = MODEL / name / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text())), f"{init} has no docstring"


def test_no_module_over_the_400_line_ceiling() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 400
    }
    assert long == {}
