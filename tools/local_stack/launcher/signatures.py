"""Each patch wraps MiniStack functions only while they keep the signature the patch was written
against; a changed one stops the launcher, naming it, instead of patching code nobody checked."""

from __future__ import annotations

import inspect
from typing import Any


def original(owner: Any, name: str, signature: str) -> Any:
    """`owner.name` as MiniStack defines it, when its signature is still the one the patch was written against."""
    found = getattr(owner, name)
    actual = str(inspect.signature(found))
    if actual != signature:
        where = getattr(owner, "__module__", "") + "." + getattr(owner, "__qualname__", "")
        where = owner.__name__ if inspect.ismodule(owner) else where
        raise RuntimeError(
            f"MiniStack changed {where}.{name}: the launcher's patch expects {name}{signature}, "
            f"found {name}{actual}; re-check that patch in tools/local_stack/launcher/"
        )
    return found
