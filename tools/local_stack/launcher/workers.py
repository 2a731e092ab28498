"""11. A bounded worker pool per function, on one shared unpacked copy of each code version."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools.local_stack import package
from tools.local_stack.launcher.signatures import original

# --- 11. a bounded worker pool per function, on one shared copy of each code version ----------------


def _bound_worker_pools(limit: int) -> None:
    from ministack.core import lambda_runtime
    from ministack.services import lambda_svc

    acquire = original(
        lambda_runtime,
        "acquire_worker",
        "(func_name: str, config: dict, code_zip: bytes, qualifier: str = '$LATEST', "
        "max_concurrency: int | None = None)",
    )
    release = original(lambda_runtime, "release_worker", "(worker: ministack.core.lambda_runtime.Worker) -> None")
    invalidate = original(
        lambda_runtime,
        "invalidate_worker",
        "(func_name: str, qualifier: str = None, account: str = None, region: str = None)",
    )
    spawn = original(lambda_runtime.Worker, "_spawn", "(self)")
    if (lambda_svc.acquire_worker, lambda_svc.release_worker, lambda_svc.invalidate_worker) != (
        acquire,
        release,
        invalidate,
    ):
        raise RuntimeError("MiniStack's lambda_svc no longer imports the worker pool's functions: re-check patch 11")
    pools = BoundedPools(limit, acquire)

    def spawn_on_shared_code(self: Any) -> None:
        spawn(self)
        # The archives MiniStack wrote to unpack from are not needed once the worker has started.
        for archive in Path(self._tmpdir).glob("*.zip"):
            archive.unlink(missing_ok=True)

    lambda_runtime.acquire_worker = lambda_svc.acquire_worker = pools.acquire
    lambda_runtime.release_worker = lambda_svc.release_worker = pools.waking(release)
    lambda_runtime.invalidate_worker = lambda_svc.invalidate_worker = pools.waking(invalidate)
    lambda_runtime.Worker._spawn = spawn_on_shared_code
    # Worker._spawn unpacks the code and each layer into the worker's own folder through lambda_runtime's
    # `zipfile`; this stand-in unpacks each archive once and links the worker's folder to that copy.
    lambda_runtime.zipfile = SharedUnpacking(package.LOCAL_DIR / "unpacked")


class BoundedPools:
    """At most `limit` workers per function. An invocation that finds them all busy waits for one, up to the
    function's timeout (then it is throttled): a burst is served in turn, as Lambda queues what reserved
    concurrency holds back, instead of starting a worker per request."""

    def __init__(self, limit: int, acquire: Callable[..., Any]) -> None:
        self.limit = limit
        self._acquire = acquire
        self._freed = threading.Condition()

    def acquire(
        self,
        func_name: str,
        config: dict[str, Any],
        code_zip: bytes,
        qualifier: str = "$LATEST",
        max_concurrency: Any = None,
    ) -> Any:
        deadline = time.monotonic() + float(config.get("Timeout") or 30)
        ceiling = min(self.limit, max_concurrency or self.limit)
        with self._freed:
            while True:
                worker, reason = self._acquire(func_name, config, code_zip, qualifier, ceiling)
                if worker is not None or reason != "func_cap" or time.monotonic() >= deadline:
                    return worker, reason
                self._freed.wait(deadline - time.monotonic())

    def waking(self, pool_change: Callable[..., Any]) -> Callable[..., Any]:
        """`pool_change` (a release, an invalidation), then a wake-up for the invocations waiting for a worker."""

        def change_then_wake(*args: Any, **kwargs: Any) -> Any:
            result = pool_change(*args, **kwargs)
            with self._freed:
                self._freed.notify_all()
            return result

        return change_then_wake


class SharedUnpacking:
    """Stands in for the `zipfile` module inside MiniStack's lambda_runtime. Each archive is unpacked once, into
    a folder named by its content that outlives the run: the next `make run` starts its workers on it, and a
    stop has nothing large to delete (deleting a worker's copy took seconds on a busy disk)."""

    BadZipFile = zipfile.BadZipFile
    LargeFileError = zipfile.LargeZipFile  # what MiniStack names `zipfile.LargeFileError`, which does not exist
    UNUSED_FOR = 7 * 24 * 3600  # seconds after which a folder no run has used goes

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        root.mkdir(parents=True, exist_ok=True)
        for folder in root.iterdir():
            if time.time() - folder.stat().st_mtime > self.UNUSED_FOR:
                shutil.rmtree(folder, ignore_errors=True)

    def ZipFile(self, path: str) -> SharedArchive:  # noqa: N802 (the zipfile module's name)
        return SharedArchive(path, self)

    def unpacked(self, archive: zipfile.ZipFile, digest: str) -> Path:
        """The folder holding this archive's files, unpacked by the first worker that needs it."""
        shared = self.root / digest
        with self._lock:
            if not shared.is_dir():
                staging = self.root / f".{digest}.{uuid.uuid4().hex}"
                zipfile.ZipFile.extractall(archive, staging)
                try:
                    staging.rename(shared)
                except OSError:  # another stack unpacked it meanwhile
                    shutil.rmtree(staging, ignore_errors=True)
            os.utime(shared)
        return shared


class SharedArchive(zipfile.ZipFile):
    def __init__(self, path: str, unpacking: SharedUnpacking) -> None:
        super().__init__(path)
        self._digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:32]
        self._unpacking = unpacking

    def extractall(self, path: Any = None, *_: Any, **__: Any) -> None:
        # MiniStack made `path` empty for this archive: it becomes a link to the one shared copy.
        target = Path(path)
        shared = self._unpacking.unpacked(self, self._digest)
        target.rmdir()
        target.symlink_to(shared, target_is_directory=True)
