"""The website fetch: the address rules on hostile URLs, and the fetch itself against sites served over
socket pairs (no network), which shows where each connection went and what it said."""

from __future__ import annotations

import ipaddress
import time
from pathlib import Path

import pytest

from agents.website import (
    MAX_PAGE_BYTES,
    WebsiteRefused,
    address_refusal,
    ipv4_literal,
    target_of,
)
from tests.agents_web import Answer, FakeWeb, html, make_authority, redirect

PUBLIC = "93.184.216.34"

HOSTILE_LITERALS = [
    "http://127.0.0.1/",
    "http://127.0.0.1./",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0x7F.0.0.1/",
    "http://017700000001/",
    "http://0177.0.0.01/",
    "http://127.1/",
    "http://0x7f.1/",
    "http://0/",
    "http://0.0.0.0/",
    "http://[::1]/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:93.184.216.34]/",
    "http://[::127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://2852039166/",
    "http://0xa9fea9fe/",
    "http://0251.0376.0251.0376/",
    "http://169.254.43518/",
    "http://169.254.170.2/v2/credentials",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[64:ff9b::5db8:d822]/",
    "http://[64:ff9b:1::a00:1]/",
    "http://[2002:7f00:1::]/",
    "http://[2002:5db8:d822::1]/",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    "http://10.0.0.1/",
    "http://10.1/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://198.18.0.1/",
    "http://192.0.0.1/",
    "http://224.0.0.1/",
    "http://239.255.255.250/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://[fe80::1]/",
    "http://[fec0::1]/",
    "http://[fc00::1]/",
    "http://[ff02::1]/",
    "https://[fe80::1%25eth0]/",
]

HOSTILE_BY_RULE = [
    "ftp://example.com/",
    "file:///etc/passwd",
    "gopher://example.com/",
    "javascript:alert(1)",
    "example.com",
    "//example.com/",
    "http://user:secret@example.com/",
    "http://example.com@127.0.0.1/",
    "http://@example.com/",
    "http://example.com:8080/",
    "https://example.com:80/",
    "http://example.com:22/",
    "http://example.com:99999/",
    "http://exa mple.com/",
    "http://example.com/\r\nX-Injected: 1",
    "http:///path",
    "http://" + "a" * 64 + ".example/",
    "http://example.com/" + "a" * 2100,
]


@pytest.fixture
def web() -> FakeWeb:
    return FakeWeb(
        names={
            "panaderia.example": [PUBLIC],
            "localhost": ["127.0.0.1", "::1"],
            "internal.example": ["10.0.0.5"],
            "mixed.example": [PUBLIC, "127.0.0.1"],
            "mapped.example": ["::ffff:10.0.0.1"],
            "metadata.example": ["169.254.169.254"],
            "nat64.example": ["64:ff9b::a9fe:a9fe"],
        },
    )


@pytest.mark.parametrize("url", HOSTILE_LITERALS)
def test_an_address_in_any_spelling_that_is_not_public_is_refused_without_a_lookup_or_a_connection(
    web: FakeWeb, url: str
) -> None:
    with pytest.raises(WebsiteRefused) as refused:
        web.fetcher().fetch(url)

    assert refused.value.field == "website_url"
    assert web.lookups == [] and web.connections == []


@pytest.mark.parametrize("url", HOSTILE_BY_RULE)
def test_a_url_breaking_a_rule_is_refused_before_anything_is_looked_up(web: FakeWeb, url: str) -> None:
    with pytest.raises(WebsiteRefused):
        web.fetcher().fetch(url)

    assert web.lookups == [] and web.connections == []


@pytest.mark.parametrize(
    "host", ["localhost", "internal.example", "mixed.example", "mapped.example", "metadata.example", "nat64.example"]
)
def test_a_name_resolving_to_any_address_that_is_not_public_is_refused_before_connecting(
    web: FakeWeb, host: str
) -> None:
    with pytest.raises(WebsiteRefused, match="resolves to") as refused:
        web.fetcher().fetch(f"https://{host}/")

    assert "only public addresses" in refused.value.message
    assert web.lookups == [host] and web.connections == []


@pytest.mark.parametrize(
    ("spelling", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0x7f.0.0.0x1", "127.0.0.1"),
        ("0", "0.0.0.0"),  # noqa: S104 (an address read, not bound)
        ("0x", "0.0.0.0"),  # noqa: S104
        ("1.2.3.4.", "1.2.3.4"),
    ],
)
def test_every_inet_aton_spelling_reads_as_the_address_it_is(spelling: str, address: str) -> None:
    assert ipv4_literal(spelling) == ipaddress.IPv4Address(address)


@pytest.mark.parametrize("host", ["256.0.0.1", "1.2.3.4.5", "08.1.1.1", "example.com", "1.2.3.0x100", "0x1g", ""])
def test_a_host_that_is_no_inet_aton_spelling_is_a_name(host: str) -> None:
    assert ipv4_literal(host) is None


@pytest.mark.parametrize("address", [PUBLIC, "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "2a00:1450::1"])
def test_a_public_unicast_address_is_allowed(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


def test_the_reason_names_the_kind_of_address() -> None:
    assert address_refusal(ipaddress.ip_address("169.254.169.254")) == "a cloud metadata address"
    assert address_refusal(ipaddress.ip_address("fd00:ec2::254")) == "a cloud metadata address"
    assert address_refusal(ipaddress.ip_address("::ffff:8.8.8.8")) == "an IPv4-mapped address"
    assert address_refusal(ipaddress.ip_address("64:ff9b::808:808")) == "a NAT64 address"
    assert address_refusal(ipaddress.ip_address("2002:808:808::")) == "a 6to4 address"


def test_the_page_is_fetched_from_the_checked_address_with_the_name_as_host(web: FakeWeb) -> None:
    web.pages[("panaderia.example", "/carta?x=1")] = html("<h1>Panadería</h1>")

    page = web.fetcher().fetch("http://panaderia.example/carta?x=1")

    assert web.lookups == ["panaderia.example"]
    assert web.connections == [(ipaddress.ip_address(PUBLIC), 80)]
    assert web.requests[0].startswith("GET /carta?x=1 HTTP/1.1")
    assert "Host: panaderia.example\r\n" in web.requests[0] + "\r\n"
    assert "Accept-Encoding: identity" in web.requests[0]
    assert page.body == "<h1>Panadería</h1>".encode() and page.charset == "utf-8"


def test_a_redirect_to_a_private_address_is_refused_and_never_connected_to(web: FakeWeb) -> None:
    web.pages[("panaderia.example", "/")] = redirect("http://10.0.0.1/admin")

    with pytest.raises(WebsiteRefused, match=r"10\.0\.0\.1 is a private address"):
        web.fetcher().fetch("http://panaderia.example/")

    assert web.connections == [(ipaddress.ip_address(PUBLIC), 80)]


def test_a_redirect_to_a_name_of_the_metadata_address_is_refused(web: FakeWeb) -> None:
    web.pages[("panaderia.example", "/")] = redirect("https://metadata.example/latest/meta-data/", 301)

    with pytest.raises(WebsiteRefused, match="cloud metadata"):
        web.fetcher().fetch("http://panaderia.example/")

    assert len(web.connections) == 1


def test_a_relative_redirect_is_followed_on_the_same_site(web: FakeWeb) -> None:
    web.pages[("panaderia.example", "/")] = redirect("/es/", 308)
    web.pages[("panaderia.example", "/es/")] = html("<p>hola</p>")

    page = web.fetcher().fetch("http://panaderia.example/")

    assert page.url == "http://panaderia.example/es/"
    assert len(web.connections) == 2


def test_three_redirects_are_followed_and_a_fourth_is_refused(web: FakeWeb) -> None:
    for step in range(4):
        web.pages[("panaderia.example", f"/{step}")] = redirect(f"/{step + 1}")
    web.pages[("panaderia.example", "/4")] = html("<p>fin</p>")

    assert web.fetcher().fetch("http://panaderia.example/1").url.endswith("/4")
    with pytest.raises(WebsiteRefused, match="more than 3 times"):
        web.fetcher().fetch("http://panaderia.example/0")


def test_a_page_that_is_not_html_is_refused(web: FakeWeb) -> None:
    web.pages[("panaderia.example", "/")] = Answer(200, b"%PDF-1.7", {"Content-Type": "application/pdf"})

    with pytest.raises(WebsiteRefused, match="application/pdf, not HTML"):
        web.fetcher().fetch("http://panaderia.example/")


def test_a_page_over_two_megabytes_is_refused_whether_or_not_it_says_its_length(web: FakeWeb) -> None:
    big = b"<p>" + b"a" * MAX_PAGE_BYTES
    web.pages[("panaderia.example", "/declared")] = Answer(200, big, {"Content-Type": "text/html"})
    web.pages[("panaderia.example", "/chunked")] = Answer(
        200, b"%x\r\n%s\r\n0\r\n\r\n" % (len(big), big), {"Content-Type": "text/html", "Transfer-Encoding": "chunked"}
    )

    for path in ("/declared", "/chunked"):
        with pytest.raises(WebsiteRefused, match="larger than 2 MB"):
            web.fetcher().fetch(f"http://panaderia.example{path}")


def test_an_error_answer_is_refused_with_its_status(web: FakeWeb) -> None:
    with pytest.raises(WebsiteRefused, match="answered 404"):
        web.fetcher().fetch("http://panaderia.example/missing")


def test_a_name_that_does_not_resolve_is_refused(web: FakeWeb) -> None:
    with pytest.raises(WebsiteRefused, match="could not be resolved"):
        web.fetcher().fetch("https://no-such-business.example/")


def test_a_site_that_never_answers_is_refused_when_the_time_is_up(web: FakeWeb) -> None:
    web.pages[("panaderia.example", "/")] = Answer(silent=True)
    started = time.monotonic()

    with pytest.raises(WebsiteRefused, match=r"timed out|did not answer"):
        web.fetcher(deadline_seconds=0.5).fetch("http://panaderia.example/")

    assert time.monotonic() - started < 2
    web.close()


def test_without_the_local_setting_loopback_sample_sites_are_refused(web: FakeWeb) -> None:
    for url in ("http://127.0.0.1:8101/", "http://localhost:8101/", "http://127.0.0.1/"):
        with pytest.raises(WebsiteRefused):
            web.fetcher().fetch(url)

    assert web.connections == []


def test_the_local_setting_allows_loopback_on_the_named_ports_over_http_only(web: FakeWeb) -> None:
    web.pages[("localhost:8101", "/")] = html("<p>local</p>")
    local = frozenset({8101})

    assert web.fetcher(local).fetch("http://localhost:8101/").body == b"<p>local</p>"
    assert web.connections == [(ipaddress.ip_address("127.0.0.1"), 8101)]
    for url in (
        "http://127.0.0.1:8102/",
        "https://127.0.0.1:8101/",
        "http://10.0.0.1:8101/",
        "http://internal.example:8101/",
        "http://panaderia.example:8101/",
        "http://169.254.169.254:8101/",
    ):
        with pytest.raises(WebsiteRefused):
            web.fetcher(local).fetch(url)
    assert len(web.connections) == 1


def test_target_keeps_the_path_and_query_and_lowers_the_host() -> None:
    target = target_of("HTTPS://Panaderia.Example/Carta?dia=lunes")

    assert (target.scheme, target.host, target.port, target.path) == (
        "https",
        "panaderia.example",
        443,
        "/Carta?dia=lunes",
    )


def test_https_speaks_tls_to_the_checked_address_with_sni_and_verification_on_the_name(
    web: FakeWeb, tmp_path: Path
) -> None:
    authority = make_authority(str(tmp_path))
    web.tls = authority.issue("panaderia.example")
    web.pages[("panaderia.example", "/")] = html("<p>segura</p>")

    page = web.fetcher(tls=authority.client).fetch("https://panaderia.example/")

    assert page.body == b"<p>segura</p>"
    assert web.server_names == ["panaderia.example"]
    assert web.connections == [(ipaddress.ip_address(PUBLIC), 443)]


def test_a_certificate_for_another_name_is_refused(web: FakeWeb, tmp_path: Path) -> None:
    authority = make_authority(str(tmp_path))
    web.tls = authority.issue("otro.example")

    with pytest.raises(WebsiteRefused, match="TLS could not be verified"):
        web.fetcher(tls=authority.client).fetch("https://panaderia.example/")
