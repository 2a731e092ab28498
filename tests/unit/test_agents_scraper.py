"""The draft from a business's page: JSON-LD first, then Open Graph, then the page's text. Pages built here."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from agents.models import Business
from agents.scraper import MAX_DESCRIPTION_CHARS, draft_from_html


def page(head: str = "", body: str = "") -> bytes:
    return f"<!doctype html><html lang=es><head><meta charset=utf-8>{head}</head><body>{body}</body></html>".encode()


def json_ld(data: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


BAKERY = {
    "@context": "https://schema.org",
    "@type": "Bakery",
    "name": "Panadería La Espiga",
    "description": "Pan de masa madre y bollería artesana en Triana.",
    "telephone": "954 12 34 56",
    "address": {
        "@type": "PostalAddress",
        "streetAddress": "Calle Betis 12",
        "postalCode": "41010",
        "addressLocality": "Sevilla",
        "addressCountry": "ES",
    },
    "openingHoursSpecification": [
        {"@type": "OpeningHoursSpecification", "dayOfWeek": ["Monday", "Tuesday"], "opens": "08:00", "closes": "14:00"},
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Saturday",
            "opens": "09:00:00",
            "closes": "13:00:00",
        },
    ],
    "hasOfferCatalog": {
        "@type": "OfferCatalog",
        "itemListElement": [
            {"@type": "Offer", "itemOffered": {"@type": "Product", "name": "Pan de centeno"}},
            {"@type": "Offer", "itemOffered": {"@type": "Service", "name": "Tartas por encargo"}},
        ],
    },
}


def test_a_local_business_in_json_ld_gives_every_field() -> None:
    draft = draft_from_html(page(json_ld(BAKERY), "<h1>Otro nombre</h1>"), "ES")

    assert draft == Business(
        name="Panadería La Espiga",
        description="Pan de masa madre y bollería artesana en Triana.",
        phones=("+34954123456",),
        address="Calle Betis 12, 41010 Sevilla, ES",
        opening_hours=("lunes, martes: 08:00-14:00", "sábado: 09:00-13:00"),
        services=("Pan de centeno", "Tartas por encargo"),
    )


def test_the_business_is_found_inside_a_graph_beside_other_objects() -> None:
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Web"}, BAKERY]}

    assert draft_from_html(page(json_ld(graph)), "ES").name == "Panadería La Espiga"


def test_opening_hours_as_text_are_kept_as_written() -> None:
    business = {
        "@type": "HairSalon",
        "name": "Peluquería Marta",
        "openingHours": ["Mo-Fr 10:00-20:00", "Sa 10:00-14:00"],
    }

    assert draft_from_html(page(json_ld(business)), "ES").opening_hours == ("Mo-Fr 10:00-20:00", "Sa 10:00-14:00")


def test_broken_json_ld_is_passed_over_for_the_next_source() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "Bakery", "name": </script>'
        '<meta property="og:site_name" content="Horno Sol">'
    )

    assert draft_from_html(page(head), "ES").name == "Horno Sol"


def test_open_graph_fills_what_json_ld_does_not_have() -> None:
    head = (
        json_ld({"@type": "Restaurant", "name": "Casa Paco"})
        + '<meta property="og:description" content="Cocina casera desde 1970.">'
        + '<meta property="business:contact_data:street_address" content="Plaza Mayor 3">'
        + '<meta property="business:contact_data:locality" content="Salamanca">'
        + '<meta property="business:contact_data:phone_number" content="+34 923 00 11 22">'
    )

    draft = draft_from_html(page(head), "ES")

    assert (draft.name, draft.description) == ("Casa Paco", "Cocina casera desde 1970.")
    assert draft.address == "Plaza Mayor 3, Salamanca"
    assert draft.phones == ("+34923001122",)


def test_without_metadata_the_draft_comes_from_the_pages_text() -> None:
    body = """
        <header><h1>Taller Mecánico Hermanos Ruiz</h1></header>
        <p>Reparamos y revisamos su coche con garantía y presupuesto sin compromiso.</p>
        <p>Llámenos al <a href="tel:+34912345678">91 234 56 78</a> o al 612 345 678.</p>
        <address>Avenida de la Paz 45<br>28041 Madrid</address>
        <h2>Horario</h2><p>Lunes a viernes: 8:30 - 18:00</p><p>Sábados 9:00 a 13:00</p>
        <h2>Nuestros servicios</h2><ul><li>Cambio de aceite</li><li>ITV</li><li>Neumáticos</li></ul>
    """

    draft = draft_from_html(page("<title>Taller Ruiz | Madrid</title>", body), "ES")

    assert draft.name == "Taller Mecánico Hermanos Ruiz"
    assert draft.description == "Reparamos y revisamos su coche con garantía y presupuesto sin compromiso."
    assert draft.phones == ("+34912345678", "+34612345678")
    assert draft.address == "Avenida de la Paz 45, 28041 Madrid"
    assert draft.opening_hours == ("Lunes a viernes: 8:30 - 18:00", "Sábados 9:00 a 13:00")
    assert draft.services == ("Cambio de aceite", "ITV", "Neumáticos")


def test_the_title_gives_the_name_when_there_is_no_heading() -> None:
    assert (
        draft_from_html(page("<title>Floristería Luna \u2013 Flores en Bilbao</title>"), "ES").name
        == "Floristería Luna"
    )


def test_numbers_that_are_not_valid_for_the_country_are_left_out() -> None:
    body = '<p>Ref. 123456 · <a href="tel:000">llamar</a> · teléfono 954 12 34 56</p>'

    assert draft_from_html(page(body=body), "ES").phones == ("+34954123456",)


def test_script_text_is_never_read_as_the_pages_text() -> None:
    body = "<script>var horario = 'lunes 9:00';</script><p>Hola</p>"

    assert draft_from_html(page(body=body), "ES").opening_hours == ()


def test_a_long_description_is_cut_to_the_cap() -> None:
    head = f'<meta name="description" content="{"palabra " * 400}">'

    description = draft_from_html(page(head), "ES").description

    assert description is not None and len(description) <= MAX_DESCRIPTION_CHARS


def test_a_page_in_latin_1_is_read_with_its_declared_charset() -> None:
    html = "<html><body><h1>Peluquería Ñandú</h1></body></html>".encode("latin-1")

    assert draft_from_html(html, "ES", charset="iso-8859-1").name == "Peluquería Ñandú"


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_draft_and_never_an_error(html: bytes) -> None:
    assert isinstance(draft_from_html(html, "ES"), Business)


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "@type",
                        "name",
                        "telephone",
                        "address",
                        "openingHours",
                        "openingHoursSpecification",
                        "hasOfferCatalog",
                        "makesOffer",
                        "itemListElement",
                        "@graph",
                        "dayOfWeek",
                        "opens",
                        "closes",
                    ]
                ),
                inner,
                max_size=5,
            )
        ),
        max_leaves=20,
    )
)
def test_any_json_ld_gives_a_draft_and_never_an_error(data: Any) -> None:
    assert isinstance(draft_from_html(page(json_ld(data)), "ES"), Business)
