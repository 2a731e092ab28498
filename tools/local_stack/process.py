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
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.local_stack import stack
from tools.template import ROOT

COPIED = ("template.yaml", "functions", "layers", "events", "tools", "statemachines", "docs")
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


def free_ports(count: int) -> list[int]:
    """Distinct ports free now (held open together while they are chosen, so none repeats)."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


# What a test session sets for itself and a developer's `make run` would not have.
NOT_INHERITED = (
    "POWERTOOLS_TRACE_DISABLED",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
)


@dataclass
class StackProcess:
    root: Path
    ports: list[int] = field(default_factory=lambda: free_ports(7))
    process: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    _ready: threading.Event = field(default_factory=threading.Event)

    @property
    def gateway_port(self) -> int:
        return self.ports[0]

    @property
    def api_port(self) -> int:
        return self.ports[1]

    @property
    def stripe_port(self) -> int:
        return self.ports[2]

    @property
    def sample_sites_port(self) -> int:
        return self.ports[3]

    @property
    def model_port(self) -> int:
        return self.ports[4]

    @property
    def twilio_port(self) -> int:
        return self.ports[5]

    @property
    def elevenlabs_port(self) -> int:
        return self.ports[6]

    def launch(self) -> StackProcess:
        """Starts `make run`'s process without waiting for it."""
        environment = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools.local_stack",
             "--gateway-port", str(self.gateway_port), "--api-port", str(self.api_port),
             "--stripe-port", str(self.stripe_port), "--sample-sites-port", str(self.sample_sites_port),
             "--model-port", str(self.model_port), "--twilio-port", str(self.twilio_port),
             "--elevenlabs-port", str(self.elevenlabs_port)],
            cwd=self.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**environment, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        threading.Thread(target=self._read_output, daemon=True).start()
        return self

    def start(self, timeout: float = 120) -> StackProcess:
        """Starts the stack and waits until it is deployed and answering."""
        self.launch()
        if not self._ready.wait(timeout):
            self.stop()
            raise RuntimeError("the local stack did not get ready:\n" + "".join(self.output[-40:]))
        state_file = self.root / stack.state_file(self.gateway_port).relative_to(ROOT)
        self.state = json.loads(state_file.read_text())
        return self

    def _read_output(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            if line.strip() == "ready":
                self._ready.set()

    def stop(self, signal_number: int = signal.SIGINT) -> None:
        """Stops the stack by its pid (SIGINT is Ctrl-C) and waits for its cleanup."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal_number)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        finally:
            if self.process.stdout is not None:
                self.process.stdout.close()

    def __enter__(self) -> StackProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def gateway(self) -> str:
        return stack.endpoint(self.gateway_port)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def stripe(self) -> str:
        """The local Stripe's base address (`StripeClient(..., base_addresses={"api": stack.stripe})`)."""
        return f"http://127.0.0.1:{self.stripe_port}"

    @property
    def twilio(self) -> str:
        """The local Twilio's base address (`client.api.base_url = stack.twilio` for the `twilio` library)."""
        return f"http://127.0.0.1:{self.twilio_port}"

    @property
    def elevenlabs(self) -> str:
        """The local ElevenLabs' base address."""
        return f"http://127.0.0.1:{self.elevenlabs_port}"

    @property
    def sample_sites(self) -> str:
        """The sample business websites' base address (`/panaderia-la-espiga/`, ...)."""
        return f"http://127.0.0.1:{self.sample_sites_port}"

    def client(self, service: str) -> Any:
        return stack.client(service, self.gateway_port)

    def new_user(self, name: str) -> tuple[str, str]:
        """A new user of the stack's pool, signed up, confirmed and signed in as a client would: their sub and
        ID token. The e-mail is `name` with a random suffix, so tests sharing a stack never meet."""
        cognito = self.client("cognito-idp")
        client_id = str(self.state["outputs"]["UserPoolClientId"])
        email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
        sub = sign_up_and_confirm(cognito, client_id, email)
        return sub, sign_in(cognito, client_id, email)


PASSWORD = "Passw0rd!x"  # noqa: S105 (throwaway users of a local stack)


def sign_up_and_confirm(cognito: Any, client_id: str, email: str) -> str:
    """A client's sign-up and confirmation with the local pool's code (123456): returns the user's sub."""
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
