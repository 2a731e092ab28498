"""A business's facts drafted from its own home page: schema.org LocalBusiness JSON-LD first, then Open Graph
(and Facebook's business contact tags), then the page's own text. Each field is taken from the first source
that has it; the owner corrects the draft anyway, so a field left empty is better than a wrong guess.

BeautifulSoup on Python's own html.parser (nothing compiled, the same on every machine) is imported inside
`draft_from_html`, so only the draft pays its import; the page is at most 2 MB (agents.website)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from agents.models import Business
from agents.phones import distinct, numbers_in, to_e164

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 1000
MAX_ADDRESS_CHARS = 300
MAX_ITEM_CHARS = 200
MAX_PHONES = 5
MAX_HOURS = 14
MAX_SERVICES = 30
MAX_JSON_LD_CHARS = 200_000
MAX_TEXT_CHARS = 200_000

# schema.org's LocalBusiness and the subtypes a small business is most often marked up as; an object of
# another type still counts when it carries a LocalBusiness's properties (see `_is_business`).
BUSINESS_TYPES = frozenset(
    """LocalBusiness Organization Store Restaurant CafeOrCoffeeShop BarOrPub Bakery FoodEstablishment
    HairSalon BeautySalon DaySpa HealthAndBeautyBusiness NailSalon Dentist MedicalClinic MedicalBusiness
    Physician Optician Pharmacy AutoRepair AutomotiveBusiness ProfessionalService LegalService Attorney
    AccountingService RealEstateAgent HomeAndConstructionBusiness Plumber Electrician Hotel LodgingBusiness
    SportsActivityLocation ExerciseGym VeterinaryCare ChildCare EducationalOrganization""".split()
)
DAYS = {
    "Monday": "lunes",
    "Tuesday": "martes",
    "Wednesday": "miércoles",
    "Thursday": "jueves",
    "Friday": "viernes",
    "Saturday": "sábado",
    "Sunday": "domingo",
}
_DAY_WORD = re.compile(
    r"\b(lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bados?|domingos?|festivos|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun|[LMXJVSD]\s*[-\u2013a]\s*[LMXJVSD])\b",
    re.IGNORECASE,
)
_TIME = re.compile(r"\b\d{1,2}[:.h]\d{2}\b|\b\d{1,2}\s*(?:am|pm|h)\b", re.IGNORECASE)
_SERVICE_HEADINGS = re.compile(
    r"servicios|services|tratamientos|treatments|carta|men[uú]|productos|products|especialidades|tarifas|precios",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


def draft_from_html(html: bytes, country: str, charset: str | None = None) -> Business:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser", from_encoding=charset)
    ld = _json_ld_business(soup)
    og = _open_graph(soup)
    text = _page_text(soup)
    return Business(
        name=_clip(ld.get("name") or og.get("name") or _title(soup), MAX_NAME_CHARS),
        description=_clip(
            ld.get("description") or og.get("description") or _first_paragraph(soup), MAX_DESCRIPTION_CHARS
        ),
        phones=tuple(_phones(ld, og, soup, text, country)),
        address=_clip(ld.get("address") or og.get("address") or _address_element(soup), MAX_ADDRESS_CHARS),
        opening_hours=tuple(ld.get("opening_hours") or _hours_in_text(text)),
        services=tuple(ld.get("services") or _services_in_lists(soup)),
    )


# ---------------------------------------------------------------- JSON-LD


def _json_ld_business(soup: BeautifulSoup) -> dict[str, Any]:
    for script in soup.find_all("script", attrs={"type": re.compile(r"^\s*application/ld\+json", re.I)}):
        text = script.string or ""
        if len(text) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue  # a page's broken markup is the page's problem, not the draft's
        business = next((node for node in _nodes(data, depth=0) if _is_business(node)), None)
        if business is not None:
            return _business_fields(business)
    return {}


def _nodes(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document: lists, `@graph`, and objects nested a few levels down."""
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "publisher", "provider", "author"):
            if key in data:
                yield from _nodes(data[key], depth + 1)


def _types(node: dict[str, Any]) -> set[str]:
    kinds = node.get("@type")
    listed = kinds if isinstance(kinds, list) else [kinds]
    return {str(kind).rsplit("/", 1)[-1] for kind in listed if kind}


def _is_business(node: dict[str, Any]) -> bool:
    if _types(node) & BUSINESS_TYPES:
        return True
    return bool(node.get("name")) and any(key in node for key in ("telephone", "address", "openingHours"))


def _business_fields(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": _text(node.get("name")),
        "description": _text(node.get("description")),
        "phones": [_text(phone) for phone in _listed(node.get("telephone")) if _text(phone)],
        "address": _postal_address(node.get("address")),
        "opening_hours": _opening_hours(node),
        "services": _offers(node),
    }


def _listed(value: Any) -> list[Any]:
    return value[:50] if isinstance(value, list) else [] if value is None else [value]


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    cleaned = _SPACES.sub(" ", str(value)).strip()
    return cleaned or None


def _postal_address(value: Any) -> str | None:
    value = _listed(value)[0] if _listed(value) else None
    if not isinstance(value, dict):
        return _text(value)
    locality = " ".join(filter(None, (_text(value.get("postalCode")), _text(value.get("addressLocality")))))
    parts = [_text(value.get("streetAddress")), locality, _text(value.get("addressRegion"))]
    country = value.get("addressCountry")
    parts.append(_text(country.get("name") if isinstance(country, dict) else country))
    return ", ".join(part for part in parts if part) or None


def _opening_hours(node: dict[str, Any]) -> list[str]:
    hours = [text for text in (_text(entry) for entry in _listed(node.get("openingHours"))) if text]
    for spec in _listed(node.get("openingHoursSpecification")):
        if not isinstance(spec, dict):
            continue
        days = [
            DAYS.get(str(day).rsplit("/", 1)[-1], str(day).rsplit("/", 1)[-1]) for day in _listed(spec.get("dayOfWeek"))
        ]
        opens, closes = _text(spec.get("opens")), _text(spec.get("closes"))
        if days and opens and closes:
            hours.append(f"{', '.join(days)}: {opens[:5]}-{closes[:5]}")
    return [_clip(entry, MAX_ITEM_CHARS) or "" for entry in distinct(hours, MAX_HOURS)]


def _offers(node: dict[str, Any]) -> list[str]:
    names: list[str] = []
    catalog = node.get("hasOfferCatalog")
    for holder in [*_listed(catalog), *([{"itemListElement": node.get("makesOffer")}] if "makesOffer" in node else [])]:
        if not isinstance(holder, dict):
            continue
        for element in _listed(holder.get("itemListElement")):
            if not isinstance(element, dict):
                continue
            offered = element.get("itemOffered")
            name = _text(offered.get("name")) if isinstance(offered, dict) else _text(element.get("name"))
            if name:
                names.append(name)
    return [_clip(name, MAX_ITEM_CHARS) or "" for name in distinct(names, MAX_SERVICES)]


# ---------------------------------------------------------------- Open Graph


def _open_graph(soup: BeautifulSoup) -> dict[str, str | None]:
    meta: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("property") or tag.get("name") or "").strip().lower()
        content = tag.get("content")
        if key and isinstance(content, str) and key not in meta:
            meta[key] = _SPACES.sub(" ", content).strip()
    street = meta.get("business:contact_data:street_address")
    locality = " ".join(
        filter(None, (meta.get("business:contact_data:postal_code"), meta.get("business:contact_data:locality")))
    )
    return {
        "name": meta.get("og:site_name") or meta.get("og:title"),
        "description": meta.get("og:description") or meta.get("description"),
        "phone": meta.get("business:contact_data:phone_number") or meta.get("og:phone_number"),
        "address": ", ".join(filter(None, (street, locality))) or None,
    }


# ---------------------------------------------------------------- the page's own text


def _title(soup: BeautifulSoup) -> str | None:
    heading = soup.find("h1")
    if heading is not None and heading.get_text(strip=True):
        return heading.get_text(" ", strip=True)
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    # "Panadería Lola | Pan artesano en Sevilla": the business's name is the first part.
    return re.split("\\s+[|\u2013\u2014\u00b7-]\\s+", title, maxsplit=1)[0] or None


def _first_paragraph(soup: BeautifulSoup) -> str | None:
    for paragraph in soup.find_all("p", limit=50):
        text = paragraph.get_text(" ", strip=True)
        if len(text) >= 40:
            return text
    return None


def _address_element(soup: BeautifulSoup) -> str | None:
    element = soup.find("address")
    return _SPACES.sub(" ", element.get_text(", ", strip=True)).strip(" ,") if element is not None else None


def _page_text(soup: BeautifulSoup) -> str:
    for unwanted in soup.find_all(["script", "style", "noscript", "template"]):
        unwanted.decompose()
    return soup.get_text("\n", strip=True)[:MAX_TEXT_CHARS]


def _phones(ld: dict[str, Any], og: dict[str, str | None], soup: BeautifulSoup, text: str, country: str) -> list[str]:
    written = [*ld.get("phones", []), og.get("phone")]
    written += [str(link.get("href", ""))[4:] for link in soup.find_all("a", href=re.compile(r"^tel:", re.I), limit=20)]
    found = [number for number in (to_e164(raw, country) for raw in written if raw) if number]
    return distinct([*found, *numbers_in(text, country, MAX_PHONES)], MAX_PHONES)


def _hours_in_text(text: str) -> list[str]:
    lines = (line.strip() for line in text.split("\n"))
    hours = [line for line in lines if len(line) <= MAX_ITEM_CHARS and _DAY_WORD.search(line) and _TIME.search(line)]
    return distinct(hours, MAX_HOURS)


def _services_in_lists(soup: BeautifulSoup) -> list[str]:
    """The items of the first list after a heading such as "Servicios" or "Carta"."""
    for heading in soup.find_all(["h2", "h3", "h4"], limit=100):
        if not _SERVICE_HEADINGS.search(heading.get_text(" ", strip=True)):
            continue
        listing: Tag | None = heading.find_next(["ul", "ol"])
        if listing is None:
            continue
        items = (item.get_text(" ", strip=True) for item in listing.find_all("li", limit=MAX_SERVICES * 2))
        return [_clip(item, MAX_ITEM_CHARS) or "" for item in distinct((i for i in items if i), MAX_SERVICES)]
    return []


def _clip(text: str | None, limit: int) -> str | None:
    if not text:
        return None
    text = _SPACES.sub(" ", text).strip()
    return (text if len(text) <= limit else text[: limit - 1].rstrip() + "…") or None
