"""The deterministic local structurer: the kinds of item Bedrock finds, found by rules in Spanish and English text.

It reads a page as blocks (separated by blank lines) of lines: "P:/R:" and "Q:/A:" pairs and a question with its
answer below it are FAQs; a line with days and times is opening hours ("L-V 9:00-14:00", "Mon-Fri 9am-2pm",
"Sábados de 10 a 14 h"); a line with a price is a service ("Corte 25,00 €", "Haircut €25", "Tinte | 1.250,00
EUR"); "Teléfono: ..." and its kind are facts; a short line over a paragraph is a heading, and what is under it a
policy when the heading says one ("Política de cancelación", "Refund policy") or a free-text section otherwise."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from agents.knowledge.extract import Extraction, Page
from agents.knowledge.models import KnowledgeBase, Weekday

DAY_NAMES: dict[Weekday, tuple[str, ...]] = {
    Weekday.MONDAY: ("lunes", "lun", "monday", "mon", "L"),
    Weekday.TUESDAY: ("martes", "mar", "tuesday", "tues", "tue", "M"),
    Weekday.WEDNESDAY: ("miércoles", "miercoles", "mié", "mie", "wednesday", "wed", "X"),
    Weekday.THURSDAY: ("jueves", "jue", "thursday", "thurs", "thu", "J"),
    Weekday.FRIDAY: ("viernes", "vie", "friday", "fri", "V"),
    Weekday.SATURDAY: ("sábados", "sabados", "sábado", "sabado", "sáb", "sab", "saturdays", "saturday", "sat", "S"),
    Weekday.SUNDAY: ("domingos", "domingo", "dom", "sundays", "sunday", "sun", "D"),
}
WEEK = list(Weekday)
# Names match in any case; the one-letter Spanish abbreviations (L M X J V S D) only in capitals.
_DAY_WORDS = sorted((name for names in DAY_NAMES.values() for name in names if len(name) > 1), key=len, reverse=True)
DAY = rf"(?:(?i:{'|'.join(_DAY_WORDS)})\.?|[LMXJVSD])(?![\w])"
DAY_RANGE = rf"{DAY}(?:\s*(?:-|\u2013|\u2014|a|al|to|through|thru|hasta)\s*{DAY})?"
DAYS = rf"(?:(?i:de|from)\s+)?{DAY_RANGE}(?:\s*(?:,|/|&|\by\b|\band\b|\be\b)\s*{DAY_RANGE})*"
CLOCK = r"\d{1,2}(?:[:.][0-5]\d)?\s*(?i:a\.?\s?m\.?|p\.?\s?m\.?|h\b|hrs?\b)?"
TIME_RANGE = rf"{CLOCK}\s*(?:-|\u2013|\u2014|(?i:a|to|until|till|hasta))\s*{CLOCK}"
TIMES = rf"(?:(?i:de|from)\s+)?{TIME_RANGE}(?:\s*(?:,|/|&|(?i:y|and|e))\s*(?:(?i:de|from)\s+)?{TIME_RANGE})*"
SCHEDULE = re.compile(rf"(?P<days>{DAYS})\s*[:,]?\s*(?P<times>{TIMES})")
ONE_DAY = re.compile(DAY)
ONE_RANGE = re.compile(
    r"(?P<h1>\d{1,2})(?:[:.](?P<m1>[0-5]\d))?\s*(?P<p1>(?i:a\.?\s?m|p\.?\s?m))?\.?\s*(?i:h\b|hrs?\b)?\s*"
    r"(?:-|\u2013|\u2014|(?i:a|to|until|till|hasta))\s*"
    r"(?P<h2>\d{1,2})(?:[:.](?P<m2>[0-5]\d))?\s*(?P<p2>(?i:a\.?\s?m|p\.?\s?m))?"
)
RANGE_WORD = re.compile(r"^\s*(?:-|\u2013|\u2014|a|al|to|through|thru|hasta)\s*$", re.IGNORECASE)

AMOUNT = r"\d{1,3}(?:[.,\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "US$": "USD", "£": "GBP"}
CURRENCY_WORDS = {"eur": "EUR", "euro": "EUR", "euros": "EUR", "usd": "USD", "gbp": "GBP", "dollars": "USD"}
PRICE = re.compile(
    rf"(?P<symbol>US\$|€|\$|£)\s?(?P<before>{AMOUNT})"
    rf"|(?P<after>{AMOUNT})\s?(?P<code>€|\$|£|(?i:eur(?:os?)?|usd|gbp|dollars)\b)"
)
DURATION = re.compile(
    r"\(?\b(?P<minutes>\d{1,3})\s?(?i:min(?:utos|utes|s)?\.?)\)?|\(?\b(?P<hours>\d)\s?(?i:h|horas?|hours?)\)?"
)

QUESTION_MARK = re.compile(r"^(?:P|Q|Pregunta|Question)\s*[:.)]\s*(?P<text>.+)$", re.IGNORECASE)
ANSWER_MARK = re.compile(r"^(?:R|A|Respuesta|Answer)\s*[:.)]\s*(?P<text>.+)$", re.IGNORECASE)
LABEL = re.compile(r"^(?P<label>[^:]{2,60}?)\s*:\s*(?P<value>.+)$")
FACT_LABELS = {
    "phone": ("teléfono", "telefono", "tel", "tfno", "móvil", "movil", "phone", "telephone", "mobile", "whatsapp"),
    "email": ("email", "e-mail", "correo", "correo electrónico", "correo electronico", "mail"),
    "address": ("dirección", "direccion", "domicilio", "address", "ubicación", "location"),
    "website": ("web", "website", "página web", "pagina web", "sitio web"),
    "name": ("nombre", "name", "empresa", "business"),
    "tax_id": ("cif", "nif", "vat", "tax id"),
}
POLICY_WORDS = re.compile(
    r"\b(?:pol[ií]tica|policy|policies|cancelaci[oó]n|cancelaciones|cancellations?|devoluci[oó]n|devoluciones|"
    r"refunds?|returns?|privacidad|privacy|condiciones|terms|normas|rules|pagos?|payments?|señal|deposits?|"
    r"garant[ií]a|warranty|no[- ]show|reservas?|bookings?)\b",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MAX_TEXT = 4000


@dataclass
class _Found:
    document_id: str
    items: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {name: [] for name in KnowledgeBase.model_fields}
    )

    def add(self, kind: str, page: Page, **values: Any) -> None:
        self.items[kind].append({"document_id": self.document_id, "page": page.number, **values})


def structure(extraction: Extraction, document_id: str) -> KnowledgeBase:
    found = _Found(document_id)
    for page in extraction.pages:
        heading: str | None = None
        body: list[str] = []
        for block in _blocks(page.text):
            if _read_faqs(block, page, found):
                continue
            for index, line in enumerate(block):
                if _read_line(line, page, found):
                    continue
                if _is_heading(line, index):
                    _flush(heading, body, page, found)
                    heading, body = _heading_text(line), []
                else:
                    body.append(line)
        _flush(heading, body, page, found)
    return KnowledgeBase.model_validate(_unique(found.items))


def _blocks(text: str) -> Iterator[list[str]]:
    for block in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        if lines := [line for line in lines if line]:
            yield lines


def _read_faqs(block: list[str], page: Page, found: _Found) -> bool:
    """ "P:/R:" or "Q:/A:" pairs anywhere in the block, or a block that opens with a question and answers it."""
    if any(QUESTION_MARK.match(line) for line in block):
        question: list[str] = []
        answer: list[str] | None = None
        for line in block:
            if asked := QUESTION_MARK.match(line):
                _add_faq(question, answer, page, found)
                question, answer = [asked["text"]], None
            elif answered := ANSWER_MARK.match(line):
                answer = [answered["text"]]
            elif answer is not None:
                answer.append(line)
            else:
                question.append(line)
        _add_faq(question, answer, page, found)
        return True
    if len(block) > 1 and block[0].endswith("?") and len(block[0]) <= 300:
        _add_faq([block[0]], block[1:], page, found)
        return True
    return False


def _add_faq(question: list[str], answer: list[str] | None, page: Page, found: _Found) -> None:
    if question and answer:
        found.add("faqs", page, question=" ".join(question)[:MAX_TEXT], answer=" ".join(answer)[:MAX_TEXT])


def _read_line(line: str, page: Page, found: _Found) -> bool:
    """Opening hours, a service with its price, or a labelled fact or policy: whichever the line is."""
    schedules = list(SCHEDULE.finditer(line))
    if schedules:
        for schedule in schedules:
            days = _days(schedule["days"])
            for opens, closes in _ranges(schedule["times"]):
                found.add("opening_hours", page, days=days, opens=opens, closes=closes)
        return True
    if price := PRICE.search(line):
        return _read_service(line, price, page, found)
    if labelled := LABEL.match(line):
        return _read_label(labelled["label"], labelled["value"], page, found)
    if email := EMAIL.search(line):
        found.add("facts", page, name="email", value=email[0])
        return line == email[0]
    return False


def _days(text: str) -> list[Weekday]:
    """ "L-V" is Monday to Friday; "lunes, miércoles y viernes" those three; "Sat-Sun" the weekend."""
    days: list[Weekday] = []
    tokens = list(ONE_DAY.finditer(text))
    for index, token in enumerate(tokens):
        day = _weekday(token[0])
        if index and RANGE_WORD.match(text[tokens[index - 1].end() : token.start()]):
            start = WEEK.index(days[-1])
            span = (WEEK.index(day) - start) % 7
            days.extend(WEEK[(start + step) % 7] for step in range(1, span + 1))
        else:
            days.append(day)
    return list(dict.fromkeys(days))


def _weekday(token: str) -> Weekday:
    name = token.rstrip(".")
    for day, names in DAY_NAMES.items():
        if name in names or (len(name) > 1 and name.casefold() in names):
            return day
    raise ValueError(token)  # unreachable: DAY only matches these names


def _ranges(text: str) -> Iterator[tuple[str, str]]:
    for match in ONE_RANGE.finditer(text):
        opens = _clock(match["h1"], match["m1"], match["p1"] or match["p2"])
        closes = _clock(match["h2"], match["m2"], match["p2"])
        if opens and closes:
            yield opens, closes


def _clock(hours: str, minutes: str | None, meridiem: str | None) -> str | None:
    hour, minute = int(hours), int(minutes or 0)
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.casefold().startswith("p") else 0)
    if hour > 24 or (hour == 24 and minute):
        return None
    return f"{hour:02d}:{minute:02d}"


def _read_service(line: str, price: re.Match[str], page: Page, found: _Found) -> bool:
    name = line[: price.start()]
    if not re.search(r"[^\W\d_]", name):
        return False
    description = line[price.end() :].strip(" |-\u2013\u2014:·")
    duration = DURATION.search(name) or DURATION.search(description)
    if duration:
        name, description = (text.replace(duration[0], "") for text in (name, description))
    name = re.sub(r"[\s.:|·…\-\u2013\u2014_]+$", "", name).strip(" |-·")
    amount = _amount(price["before"] or price["after"])
    if not name or amount is None:
        return False
    symbol = price["symbol"] or price["code"]
    currency = CURRENCY_SYMBOLS.get(symbol) or CURRENCY_WORDS.get(symbol.casefold())
    minutes = None
    if duration:
        minutes = int(duration["minutes"]) if duration["minutes"] else int(duration["hours"]) * 60
    summary = description.strip(" |-\u2013\u2014:·()") or None
    found.add("services", page, name=name[:200], price=amount, currency=currency, duration_minutes=minutes,
              description=summary)  # fmt: skip
    return True


def _amount(text: str) -> Decimal | None:
    """ "25,00", "25.00", "1.250,00", "1,250.00", "1 250" and "25" as numbers: the last separator is the decimal
    one when one or two digits follow it; otherwise separators group thousands."""
    digits = text.replace("\u00a0", "").replace(" ", "")
    last = max(digits.rfind(","), digits.rfind("."))
    if last != -1 and len(digits) - last - 1 in (1, 2):
        whole, cents = digits[:last], digits[last + 1 :]
        digits = f"{whole.replace(',', '').replace('.', '')}.{cents}"
    else:
        digits = digits.replace(",", "").replace(".", "")
    try:
        return Decimal(digits).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _read_label(label: str, value: str, page: Page, found: _Found) -> bool:
    key = label.casefold().strip(" .")
    for name, labels in FACT_LABELS.items():
        if key in labels:
            found.add("facts", page, name=name, value=value[:MAX_TEXT])
            return True
    if POLICY_WORDS.search(label) and len(value) > 10:
        found.add("policies", page, title=label[:200], text=value[:MAX_TEXT])
        return True
    return False


def _is_heading(line: str, index: int) -> bool:
    if line.startswith("#"):
        return True
    short = len(line) <= 60 and len(line.split()) <= 8 and not line.endswith((".", ",", ";", "?", "!"))
    return short and index == 0 and bool(re.search(r"[^\W\d_]", line))


def _heading_text(line: str) -> str:
    return line.lstrip("#").strip().rstrip(":").strip()


def _flush(heading: str | None, body: list[str], page: Page, found: _Found) -> None:
    text = " ".join(body).strip()
    if not text:
        return
    kind = "policies" if heading and POLICY_WORDS.search(heading) else "sections"
    title = (heading or _first_words(text))[:200]
    for start in range(0, len(text), MAX_TEXT):
        found.add(kind, page, title=title, text=text[start : start + MAX_TEXT])


def _first_words(text: str) -> str:
    words = text.split()
    return " ".join(words[:6]) + ("…" if len(words) > 6 else "")


def _unique(items: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The same line twice on a page (a header repeated, a price list in two columns) is one item."""
    return {kind: list({repr(sorted(item.items())): item for item in found}.values()) for kind, found in items.items()}
