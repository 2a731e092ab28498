"""Where the Agents context keeps things: the item keys and the upload's object key."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agents.keys import (
    MAX_OBJECT_NAME_CHARS,
    UPLOAD_PREFIX,
    UploadKey,
    document_sk,
    object_name,
    onboarding_pk,
    parse_upload_key,
    upload_key,
)


def test_an_onboardings_items_share_its_partition() -> None:
    assert onboarding_pk("o-1") == "ONBOARDING#o-1"
    assert document_sk("d-1") == "DOCUMENT#d-1"


def test_an_upload_lands_under_the_prefix_the_processor_listens_on() -> None:
    assert upload_key("o-1", "d-1", "Carta de precios.pdf") == "knowledge-base/o-1/d-1/Carta-de-precios.pdf"


def test_accents_are_folded_and_a_path_in_the_name_is_flattened() -> None:
    assert object_name("Menú del día.docx") == "Menu-del-dia.docx"
    assert object_name("../../etc/passwd") == "etc-passwd"
    assert object_name("...") == "document"


def test_a_long_name_is_cut_and_keeps_its_extension() -> None:
    name = object_name("a" * 500 + ".pdf")

    assert len(name) <= MAX_OBJECT_NAME_CHARS
    assert name.endswith(".pdf")


@given(st.text(max_size=300))
def test_any_file_name_gives_a_safe_non_empty_name_within_the_cap(file_name: str) -> None:
    name = object_name(file_name)

    assert 0 < len(name) <= MAX_OBJECT_NAME_CHARS
    assert "/" not in name and not name.startswith(".")
    assert name.isascii()


@given(st.text(max_size=300))
def test_every_upload_key_parses_back_to_its_ids(file_name: str) -> None:
    key = upload_key("6f1c1c3e-3f7a", "0b9e-41", file_name)

    assert parse_upload_key(key) == UploadKey("6f1c1c3e-3f7a", "0b9e-41", object_name(file_name))


def test_a_key_no_upload_could_have_is_not_parsed() -> None:
    for key in ("other/o/d/f.pdf", UPLOAD_PREFIX + "o/f.pdf", UPLOAD_PREFIX + "o/d/e/f.pdf", UPLOAD_PREFIX + "o/d/"):
        assert parse_upload_key(key) is None
