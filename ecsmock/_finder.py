"""An import hook that patches chosen modules right after their first import.

`PatchOnImport` sits on ``sys.meta_path``; for the modules it patches it asks the other
finders for the module's spec and wraps the loader, so the module is patched as soon as it
has run, before anything can use it. ecsmock patches two botocore modules this way (see
`ecsmock._patch`) without importing botocore itself.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

# The attribute every finder of ecsmock's carries, whichever import of ecsmock made it:
# ecsmock imported afresh (after leaving `sys.modules`) tells an earlier import's finder by
# it, never by its class (a new class object), and no finder of ecsmock's asks another.
MARK = "_ecsmock_finder"


def is_finder(obj: Any) -> bool:
    """Whether `obj` is a finder of ecsmock's (of this import or an earlier one)."""
    return getattr(obj, MARK, False) is True


class _PatchingLoader:
    """Wraps the real loader of a patched module: run it, then patch the module."""

    def __init__(self, loader: Any, patch: Callable[[str, ModuleType], None]) -> None:
        self._loader = loader
        self._patch = patch

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        """Let the real loader make the module."""
        made: ModuleType | None = self._loader.create_module(spec)
        return made

    def exec_module(self, module: ModuleType) -> None:
        """Run the module, put the real loader back, and patch it."""
        self._loader.exec_module(module)
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        self._patch(module.__name__, module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class PatchOnImport:
    """A `sys.meta_path` finder that wraps the loader of the modules in `names`."""

    _ecsmock_finder = True  # MARK

    def __init__(self, names: Collection[str], patch: Callable[[str, ModuleType], None]) -> None:
        self._names = names
        self._patch = patch

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        """Find `fullname` with the other finders; wrap its loader if we patch it."""
        if fullname not in self._names:
            return None
        for finder in list(sys.meta_path):
            find = getattr(finder, "find_spec", None)
            if find is None or is_finder(finder):
                continue
            spec: ModuleSpec | None = find(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _PatchingLoader(spec.loader, self._patch)  # type: ignore[assignment]
                return spec
        return None


def put_first(finder: PatchOnImport) -> None:
    """Put `finder` first on ``sys.meta_path``, instead of any earlier finder of ecsmock's."""
    if finder not in sys.meta_path:
        sys.meta_path[:] = [f for f in sys.meta_path if not is_finder(f)]
        sys.meta_path.insert(0, finder)
