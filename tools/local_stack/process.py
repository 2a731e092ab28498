"""The local stack as a child process, for the end-to-end tests and the benchmark: started on free ports,
ready when it says so, stopped by its pid (SIGINT: the same clean stop as Ctrl-C)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.local_stack import stack
from tools.template import ROOT

COPIED = ("template.yaml", "functions", "layers", "events", "tools", "statemachines")
SHARED = (".venv-runtime", ".local/deps")  # the runtime environment and the installed requirements


def scratch_copy(destination: Path) -> Path:
    """The project's deployable files copied to `destination`, sharing the installed environments, so a
    stack run from it never touches the working tree (its state file, its code)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, destination / name)
    for name in SHARED:
        (ROOT / name).mkdir(parents=True, exist_ok=True)
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        (destination / name).symlink_to(ROOT / name)
    return destination


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class StackProcess:
    root: Path
    gateway_port: int = field(default_factory=free_port)
    api_port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    started_seconds: float = 0.0

    def start(self, timeout: float = 120) -> StackProcess:
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools.local_stack",
             "--gateway-port", str(self.gateway_port), "--api-port", str(self.api_port)],
            cwd=self.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        ready = threading.Event()
        threading.Thread(target=self._read_output, args=(ready,), daemon=True).start()
        if not ready.wait(timeout):
            self.stop()
            raise RuntimeError("the local stack did not get ready:\n" + "".join(self.output[-40:]))
        self.started_seconds = time.perf_counter() - started
        self.state = json.loads((self.root / stack.STATE_FILE.relative_to(ROOT)).read_text())
        return self

    def _read_output(self, ready: threading.Event) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            if line.strip() == "ready":
                ready.set()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        finally:
            if self.process.stdout is not None:
                self.process.stdout.close()

    @property
    def gateway(self) -> str:
        return stack.endpoint(self.gateway_port)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def client(self, service: str) -> Any:
        return stack.client(service, self.gateway_port)


PASSWORD = "Passw0rd!x"  # noqa: S105 (throwaway users of a local stack)


def sign_up_and_confirm(cognito: Any, client_id: str, email: str) -> str:
    """A client's sign-up and confirmation (the local pool accepts any code): returns the user's sub."""
    sub: str = cognito.sign_up(ClientId=client_id, Username=email, Password=PASSWORD)["UserSub"]
    cognito.confirm_sign_up(ClientId=client_id, Username=email, ConfirmationCode="123456")
    return sub


def sign_in(cognito: Any, client_id: str, email: str) -> str:
    """A client's password sign-in: returns the IdToken."""
    result = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )
    token: str = result["AuthenticationResult"]["IdToken"]
    return token
