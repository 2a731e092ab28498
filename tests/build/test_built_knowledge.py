"""The knowledge-base processor as `sam build` ships it: pypdf, python-docx and lxml are in its package and read a
PDF and a Word document on the runtime's own interpreter (boto3 only, as Lambda's), and none is loaded when the
handler is imported, nor when a plain-text document is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import knowledge_documents as documents
from tests.build.built import run_built
from tools import template

pytestmark = pytest.mark.build

PROCESSOR = "KnowledgeBaseProcessorFunction"
READ = """
import importlib, sys
sys.path[:0] = sys.argv[1:3]
importlib.import_module(sys.argv[3])
heavy = lambda: [name for name in ("pypdf", "docx", "lxml") if name in sys.modules]
assert not heavy(), f"{heavy()} loaded with the handler"
from agents.knowledge.extract import extract
assert extract(b"Corte 25 EUR").text == "Corte 25 EUR" and not heavy(), "a text document loaded " + str(heavy())
for path, text in zip(sys.argv[4:6], ("Corte 25,00 €", "Tinte 40 €")):
    extraction = extract(open(path, "rb").read())
    assert extraction.text == text, (path, extraction.text)
"""


def test_the_built_processor_reads_pdf_and_word_documents_loading_their_libraries_only_then(
    build_dir: Path, tmp_path: Path
) -> None:
    function = template.function(PROCESSOR)
    pdf, word = tmp_path / "precios.pdf", tmp_path / "precios.docx"
    pdf.write_bytes(documents.pdf(["Corte 25,00 €"]))
    word.write_bytes(documents.docx(["Tinte 40 €"]))

    result = run_built(build_dir, function, READ, function.module, str(pdf), str(word))

    assert result.returncode == 0, result.stderr
