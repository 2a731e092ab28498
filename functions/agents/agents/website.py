"""The business's website, fetched as the hostile input it is: a URL anyone can type, naming a host anyone can
point anywhere. What is fetched, and how:

- http or https, on the scheme's default port, with no credentials in the URL;
- the host resolved once; every address it resolves to must be public (no loopback, private, link-local,
  multicast, reserved, IPv4-mapped, NAT64, 6to4, Teredo or metadata address), and an IP literal in any
  spelling inet_aton accepts (decimal, octal, hex, one to four parts) is judged as the address it is;
- the connection made to an address that was checked (no second lookup a DNS rebinding could answer
  differently), with the Host header, TLS's SNI and the certificate's verification on the name;
- at most MAX_REDIRECTS redirects, each one judged as the first URL was; DEADLINE_SECONDS for everything,
  MAX_PAGE_BYTES of body, HTML only, no compression (so the cap is on what is parsed).

Every refusal is a WebsiteRefused (422 with the reason), raised before anything is sent to a refused
address; a site that cannot be resolved, reached or read in time is one too. Only the standard library: the
fetch owns its sockets, so it knows exactly where each one goes.

For the local stack's sample sites, `loopback_ports` (AGENTS_WEBSITE_LOOPBACK_PORTS, set by `make run` and
the tests, never by the template) lets http reach 127.0.0.1 or ::1 on those ports, and nothing else."""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit

from colmena.errors import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_REDIRECTS = 3
DEADLINE_SECONDS = 5.0
MAX_PAGE_BYTES = 2 * 1024 * 1024
MAX_URL_CHARS = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "ColmenaOnboarding/1.0 (+https://colmena.example/bot)"
FIELD = "website_url"

# Ranges Python's `is_global` does not single out by name, or that carry an IPv4 address inside an IPv6 one:
# refused whatever the embedded address is, since each is a way around the IPv4 rules.
_TUNNELS: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (ipaddress.IPv6Network("64:ff9b::/96"), "a NAT64 address"),
    (ipaddress.IPv6Network("64:ff9b:1::/48"), "a local NAT64 address"),
    (ipaddress.IPv6Network("2002::/16"), "a 6to4 address"),
    (ipaddress.IPv6Network("2001::/32"), "a Teredo address"),
)
_METADATA = frozenset(
    {
        ipaddress.IPv4Address("169.254.169.254"),  # EC2 and Lambda's instance metadata
        ipaddress.IPv4Address("169.254.170.2"),  # ECS task metadata
        ipaddress.IPv6Address("fd00:ec2::254"),  # EC2's IPv6 instance metadata
    }
)
_LOOPBACKS = frozenset({ipaddress.IPv4Address("127.0.0.1"), ipaddress.IPv6Address("::1")})
# One part of an inet_aton address: decimal, octal (leading 0) or hex (0x).
_NUMBER = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")


class WebsiteRefused(InvalidInput):
    """The website cannot be used: a rule it breaks, or a reason it could not be read. Answered as 422."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, field=FIELD)


@dataclass(frozen=True)
class Page:
    """What the fetch read: the final URL after redirects, the body, and the charset its headers declared."""

    url: str
    body: bytes
    charset: str | None


# ---------------------------------------------------------------- the rules


def address_refusal(address: IPAddress) -> str | None:
    """What makes this address one a fetch may not reach ("a loopback address"), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return "an IPv4-mapped address"
        for network, what in _TUNNELS:
            if address in network:
                return what
    if address in _METADATA:
        return "a cloud metadata address"
    for refused, what in (
        (address.is_unspecified, "the unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (isinstance(address, ipaddress.IPv6Address) and address.is_site_local, "a site-local address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public address"),
    ):
        if refused:
            return what
    return None


def ipv4_literal(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host names in any spelling inet_aton (and so a resolver) takes: `2130706433`,
    `0x7f.1`, `0177.0.0.01`, `127.1`; None if the host is not such a spelling. One trailing dot is allowed."""
    parts = host.removesuffix(".").split(".")
    if not 1 <= len(parts) <= 4 or not all(_NUMBER.fullmatch(part) for part in parts):
        return None
    *leading, last = [_number(part) for part in parts]
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(parts)):
        return None
    value = 0
    for number in leading:
        value = value * 256 + number
    value = value * 256 ** (5 - len(parts)) + last
    return ipaddress.IPv4Address(value)


def _number(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    return int(part, 8) if part.startswith("0") else int(part)


@dataclass(frozen=True)
class Target:
    """A URL that passed the rules that need no lookup: where to connect, what to say the host is."""

    url: str
    scheme: str
    host: str  # the name (or the literal) as sent in Host and, for https, as SNI
    port: int
    path: str  # path and query, as sent in the request line
    literal: IPAddress | None  # the address, when the host is one


def target_of(url: str, loopback_ports: Collection[int] = ()) -> Target:
    """The URL's parts, or WebsiteRefused naming the rule it breaks (before any lookup)."""
    parts, port = _split(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise WebsiteRefused(f"only http and https websites can be read, not {scheme or 'a URL without a scheme'}")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise WebsiteRefused("the URL may not hold a user name or password")
    local = port is not None and port in loopback_ports and scheme == "http"
    if port is not None and port != DEFAULT_PORTS[scheme] and not local:
        raise WebsiteRefused(f"only the default port of {scheme} ({DEFAULT_PORTS[scheme]}) may be used, not {port}")
    host = (parts.hostname or "").lower()
    if not host:
        raise WebsiteRefused("the URL names no host")
    literal = _literal(host)
    return Target(
        url=url,
        scheme=scheme,
        host=host if literal is not None else _ascii_name(host),
        port=port or DEFAULT_PORTS[scheme],
        path=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
        literal=literal,
    )


def _split(url: str) -> tuple[SplitResult, int | None]:
    if len(url) > MAX_URL_CHARS:
        raise WebsiteRefused(f"the URL is longer than {MAX_URL_CHARS} characters")
    if any(ord(character) < 33 or ord(character) == 127 for character in url):
        raise WebsiteRefused("the URL holds spaces or control characters")
    try:
        parts = urlsplit(url)
        return parts, parts.port
    except ValueError as error:
        raise WebsiteRefused(f"not a URL that can be fetched ({error})") from error


def _literal(host: str) -> IPAddress | None:
    if ":" in host:  # urlsplit has taken the brackets off an IPv6 literal
        if "%" in host:
            raise WebsiteRefused("an IPv6 address with a zone is a local address")
        try:
            return ipaddress.IPv6Address(host)
        except ValueError as error:
            raise WebsiteRefused(f"{host} is not an IPv6 address") from error
    return ipv4_literal(host)


def _ascii_name(host: str) -> str:
    """The host name as DNS sees it (IDNA), or WebsiteRefused for one that no lookup could take."""
    try:
        name = host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise WebsiteRefused(f"{host!r} is not a valid host name") from error
    if len(name) > 253 or not all(label and len(label) <= 63 for label in name.removesuffix(".").split(".")):
        raise WebsiteRefused(f"{host!r} is not a valid host name")
    if not re.fullmatch(r"[a-z0-9.-]+", name) or name.startswith(("-", ".")):
        raise WebsiteRefused(f"{host!r} is not a valid host name")
    return name


def checked_addresses(
    target: Target, resolved: Sequence[IPAddress], loopback_ports: Collection[int]
) -> list[IPAddress]:
    """The addresses to connect to, if every one the host resolved to may be reached; WebsiteRefused if any
    may not: a name with one private address among public ones is a name someone can aim."""
    if not resolved:
        raise WebsiteRefused(f"{target.host} resolves to no address")
    local_port = target.port != DEFAULT_PORTS[target.scheme]
    for address in resolved:
        if address in _LOOPBACKS and target.port in loopback_ports and target.scheme == "http":
            continue  # the local stack's sample sites, on a port `make run` named
        if local_port:
            raise WebsiteRefused(f"port {target.port} may only be used for the local sample sites")
        refusal = address_refusal(address)
        if refusal is not None:
            where = f"{address}" if target.literal is not None else f"{target.host} resolves to {address}, which"
            raise WebsiteRefused(f"{where} is {refusal}; only public addresses can be fetched")
    return list(dict.fromkeys(resolved))


# ---------------------------------------------------------------- the fetch

Resolver = Callable[[str, int], list[IPAddress]]
Connector = Callable[[IPAddress, int, float], socket.socket]


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address getaddrinfo gives for the host, once."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def connect(address: IPAddress, port: int, timeout: float) -> socket.socket:
    return socket.create_connection((str(address), port), timeout=timeout)


class Deadline:
    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        left = self._end - time.monotonic()
        if left <= 0:
            raise WebsiteRefused(f"the website did not answer within {DEADLINE_SECONDS:g} seconds")
        return left


@dataclass(frozen=True)
class WebsiteFetcher:
    """Fetches one page under the rules above. `resolver`, `connector` and `tls` are the real ones unless a
    test gives its own (an answer without DNS, a socket pair, a context trusting a test authority)."""

    loopback_ports: frozenset[int] = frozenset()
    resolver: Resolver = resolve
    connector: Connector = connect
    tls: ssl.SSLContext | None = None
    deadline_seconds: float = DEADLINE_SECONDS

    def fetch(self, url: str) -> Page:
        deadline = Deadline(self.deadline_seconds)
        for _ in range(MAX_REDIRECTS + 1):
            target = target_of(url, self.loopback_ports)
            status, location, page = self._get(target, deadline)
            if page is not None:
                return page
            if location is None:
                raise WebsiteRefused(f"the website answered {status} without saying where to go")
            url = urljoin(target.url, location)
        raise WebsiteRefused(f"the website redirected more than {MAX_REDIRECTS} times")

    def _addresses(self, target: Target, deadline: Deadline) -> list[IPAddress]:
        if target.literal is not None:
            return checked_addresses(target, [target.literal], self.loopback_ports)
        # getaddrinfo takes no timeout: it runs in a thread the deadline stops waiting for.
        pool = ThreadPoolExecutor(max_workers=1)
        try:
            resolved = pool.submit(self.resolver, target.host, target.port).result(timeout=deadline.left())
        except FutureTimeout as error:
            raise WebsiteRefused(f"{target.host} could not be resolved in time") from error
        except (OSError, UnicodeError, ValueError) as error:
            raise WebsiteRefused(f"{target.host} could not be resolved") from error
        finally:
            pool.shutdown(wait=False)
        return checked_addresses(target, resolved, self.loopback_ports)

    def _get(self, target: Target, deadline: Deadline) -> tuple[int, str | None, Page | None]:
        addresses = self._addresses(target, deadline)
        with self._connection(target, addresses, deadline) as connection:
            headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"}
            try:
                connection.request("GET", target.path, headers=headers)
                _set_timeout(connection, deadline)
                response = connection.getresponse()
                if response.status in REDIRECTS:
                    return response.status, response.getheader("Location"), None
                if response.status != 200:
                    raise WebsiteRefused(f"the website answered {response.status} {response.reason}".strip())
                media_type, charset = _content_type(response.getheader("Content-Type"))
                if media_type not in HTML_TYPES:
                    raise WebsiteRefused(f"the page is {media_type or 'of no declared type'}, not HTML")
                body = _read_capped(connection, response, deadline)
            except (OSError, http.client.HTTPException) as error:
                raise WebsiteRefused(f"the website could not be read ({_plain(error)})") from error
        return 200, None, Page(url=target.url, body=body, charset=charset)

    @contextmanager
    def _connection(
        self, target: Target, addresses: list[IPAddress], deadline: Deadline
    ) -> Iterator[http.client.HTTPConnection]:
        sock = self._connect_any(target, addresses, deadline)
        # The https class only for its default port, so Host is sent as `name`, not `name:443`; it never
        # connects itself, as it is given its socket.
        kind = http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
        connection = kind(target.host, target.port)
        try:
            if target.scheme == "https":
                context = self.tls or ssl.create_default_context()
                sock.settimeout(deadline.left())
                try:
                    # SNI and the certificate's name check on the host name, over the checked address.
                    sock = context.wrap_socket(sock, server_hostname=target.host)
                except (OSError, ssl.SSLError) as error:
                    raise WebsiteRefused(f"the website's TLS could not be verified ({_plain(error)})") from error
            # http.client connects only when it has no socket: this one, to the checked address, is used.
            connection.sock = sock
            yield connection
        finally:
            connection.close()
            sock.close()

    def _connect_any(self, target: Target, addresses: list[IPAddress], deadline: Deadline) -> socket.socket:
        failure: OSError | None = None
        for address in addresses:
            try:
                return self.connector(address, target.port, deadline.left())
            except OSError as error:
                failure = error
        raise WebsiteRefused(f"the website could not be reached ({_plain(failure)})")


def _set_timeout(connection: http.client.HTTPConnection, deadline: Deadline) -> None:
    if connection.sock is not None:
        connection.sock.settimeout(deadline.left())


def _read_capped(
    connection: http.client.HTTPConnection, response: http.client.HTTPResponse, deadline: Deadline
) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > MAX_PAGE_BYTES:
        raise WebsiteRefused(f"the page is larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB")
    chunks: list[bytes] = []
    size = 0
    while True:
        _set_timeout(connection, deadline)  # each read waits at most what is left of the whole fetch
        chunk = response.read1(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_PAGE_BYTES:
            raise WebsiteRefused(f"the page is larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB")
        chunks.append(chunk)


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    if not header:
        return None, None
    media_type, *parameters = (part.strip() for part in header.split(";"))
    charset = next(
        (value.strip("\"' ") for name, _, value in (p.partition("=") for p in parameters) if name.lower() == "charset"),
        None,
    )
    return media_type.lower(), charset or None


def _plain(error: BaseException | None) -> str:
    if error is None:
        return "no address answered"
    if isinstance(error, TimeoutError):
        return "timed out"
    text = str(error) or type(error).__name__
    return text[:200]
