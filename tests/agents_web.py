"""Websites for the Agents tests, with no network: a resolver that answers from a table, and a connector that
hands the fetch one end of a socket pair whose other end a thread serves, so the tests see exactly which
address each connection was for and what was sent on it."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from agents.website import IPAddress, WebsiteFetcher


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b"<html><head><title>Hola</title></head><body></body></html>"
    headers: Mapping[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    silent: bool = False  # accept the request and never answer

    def raw(self) -> bytes:
        headers = {"Content-Length": str(len(self.body)), "Connection": "close", **self.headers}
        head = f"HTTP/1.1 {self.status} X\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        return head.encode("latin-1") + b"\r\n" + self.body


def html(body: str, status: int = 200, **headers: str) -> Answer:
    return Answer(status, body.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8", **headers})


def redirect(location: str, status: int = 302) -> Answer:
    return Answer(status, b"", {"Location": location})


@dataclass
class FakeWeb:
    """`names`: host -> the addresses it resolves to; `pages`: (Host header, path) -> the answer. Records every
    lookup, every connection (address, port) and every request's head, and the SNI of TLS handshakes."""

    names: dict[str, list[str]] = field(default_factory=dict)
    pages: dict[tuple[str, str], Answer] = field(default_factory=dict)
    tls: ssl.SSLContext | None = None  # the server side, when the sites speak https
    lookups: list[str] = field(default_factory=list)
    connections: list[tuple[IPAddress, int]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def resolve(self, host: str, _port: int) -> list[IPAddress]:
        self.lookups.append(host)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [ipaddress.ip_address(address) for address in self.names[host]]

    def connect(self, address: IPAddress, port: int, timeout: float) -> socket.socket:
        self.connections.append((address, port))
        client, server = socket.socketpair()
        client.settimeout(timeout)
        threading.Thread(target=self._serve, args=(server,), daemon=True).start()
        return client

    def fetcher(self, loopback_ports: frozenset[int] = frozenset(), **options: object) -> WebsiteFetcher:
        return WebsiteFetcher(
            loopback_ports=loopback_ports,
            resolver=self.resolve,
            connector=self.connect,
            **options,  # type: ignore[arg-type]
        )

    def close(self) -> None:
        self._stop.set()

    def _serve(self, sock: socket.socket) -> None:
        try:
            if self.tls is not None:
                self.tls.sni_callback = self._record_sni
                sock = self.tls.wrap_socket(sock, server_side=True)
            head = _read_head(sock)
            self.requests.append(head)
            request_line, *lines = head.split("\r\n")
            path = request_line.split(" ")[1]
            host = next(line.split(":", 1)[1].strip() for line in lines if line.lower().startswith("host:"))
            answer = self.pages.get((host, path), Answer(404, b"not here", {"Content-Type": "text/plain"}))
            if answer.silent:
                self._stop.wait(10)
                return
            sock.sendall(answer.raw())
        except (OSError, ssl.SSLError, StopIteration, IndexError):
            pass
        finally:
            sock.close()

    def _record_sni(self, _: ssl.SSLObject, server_name: str | None, __: ssl.SSLContext) -> None:
        self.server_names.append(server_name)


def _read_head(sock: socket.socket) -> str:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n\r\n", 1)[0].decode("latin-1")


@dataclass(frozen=True)
class Authority:
    """A test certificate authority: a server context for names it signs, a client context that trusts it."""

    issue: Callable[[str], ssl.SSLContext]
    client: ssl.SSLContext


def make_authority(tmp_dir: str) -> Authority:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Colmena test authority")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem = ca.public_bytes(serialization.Encoding.PEM)

    def issue(name: str) -> ssl.SSLContext:
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        path = f"{tmp_dir}/{name}.pem"
        with open(path, "wb") as file:
            file.write(certificate.public_bytes(serialization.Encoding.PEM))
            file.write(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(path)
        return context

    client = ssl.create_default_context(cadata=ca_pem.decode("ascii"))
    return Authority(issue=issue, client=client)
