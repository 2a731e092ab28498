"""The knowledge base's figures for `make bench`, each beside its baseline in the same run.

Extraction of one generated 300-page PDF (fpdf2, ~2,500 characters a page) by the processor's own extractor (pypdf,
page by page within its caps), by pypdf alone and, on the same file, by PyPDF2 3.0.1 and pdfminer.six (installed
from requirements/bench.txt, never in a function). Each runs in its own fresh process, interleaved, ROUNDS times:
pages per second from the first page to the last, and the process's peak resident memory (VmHWM: ru_maxrss would
carry the parent's peak over the exec) beside what it held before reading (interpreter, library and the file's
bytes), medians. The target: at least PyPDF2's speed with a lower peak. Then the processor's cold start with the
pypdf and python-docx imports its first document adds."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tools import template

PAGES = 300
ROUNDS = 3
E2E_PAGES = 20
E2E_UPLOADS = 5
PYTHON = sys.executable
AGENTS_CODE = template.ROOT / "functions" / "agents"
LAYER_CODE = template.ROOT / "layers" / "shared"
PROCESSOR = "KnowledgeBaseProcessorFunction"

# Each prints: seconds reading every page, peak RSS in KiB, RSS in KiB before the first page.
PRELUDE = """
import sys, time
path = sys.argv[1]
data = open(path, "rb").read()
def status(field):
    return int(open("/proc/self/status").read().split(field + ":")[1].split()[0])
def rss():
    return status("VmRSS")
"""
EXTRACTORS = {
    "the processor's extract (pypdf 7.1.0)": PRELUDE
    + """
sys.path[:0] = sys.argv[2:4]
from agents.knowledge.extract import extract
import pypdf
before = rss(); started = time.perf_counter()
pages = len(extract(data).pages)
""",
    "pypdf 7.1.0 alone": PRELUDE
    + """
import io, pypdf
before = rss(); started = time.perf_counter()
reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
pages = sum(1 for page in reader.pages if page.extract_text() is not None)
""",
    "PyPDF2 3.0.1": PRELUDE
    + """
import io, PyPDF2
before = rss(); started = time.perf_counter()
reader = PyPDF2.PdfReader(io.BytesIO(data))
pages = sum(1 for page in reader.pages if page.extract_text() is not None)
""",
    "pdfminer.six 20260107": PRELUDE
    + """
import io
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTTextContainer
before = rss(); started = time.perf_counter()
pages = 0
for layout in extract_pages(io.BytesIO(data)):
    "".join(element.get_text() for element in layout if isinstance(element, LTTextContainer))
    pages += 1
""",
}
REPORT = """
seconds = time.perf_counter() - started
assert pages == int(sys.argv[-1]), pages
print(seconds, status("VmHWM"), before)
"""


def three_hundred_pages() -> bytes:
    """A price list, hours, FAQs and policies, reworded on every page so that no two pages are the same."""
    from tests.knowledge_documents import pdf

    pages = []
    for number in range(1, PAGES + 1):
        lines = [f"Página {number}: servicios y precios"]
        lines += [f"Servicio {number}-{item} (30 min) ........ {number % 90 + item},50 €" for item in range(20)]
        lines += ["L-V 9:00-14:00 y 17:00-20:00", "P: ¿Hace falta cita?", f"R: Sí, llama al 91 000 {number:04d}."]
        lines += ["Política de cancelación", "Cancela con 24 horas de antelación o cobramos la señal. " * 8]
        pages.append("\n".join(lines))
    return pdf(pages)


def extraction_rows(path: Path) -> list[tuple[str, float, float, float]]:
    samples: dict[str, list[tuple[float, float, float]]] = {name: [] for name in EXTRACTORS}
    for _ in range(ROUNDS):
        for name, script in EXTRACTORS.items():
            arguments = [PYTHON, "-c", script + REPORT, str(path), str(AGENTS_CODE), str(LAYER_CODE), str(PAGES)]
            output = subprocess.run(arguments, check=True, capture_output=True, text=True).stdout.split()
            seconds, peak, before = (float(value) for value in output)
            samples[name].append((PAGES / seconds, peak / 1024, before / 1024))
    rows = []
    for name, runs in samples.items():
        rate, peak, before = (statistics.median(sample[index] for sample in runs) for index in range(3))
        rows.append((name, rate, peak, before))
    return rows


def processor_cold_starts(build_dir: Path) -> list[tuple[str, float, float, float]]:
    """The processor's import as Lambda runs it, alone and followed by pypdf's and python-docx's imports (what
    its first PDF or Word document adds), beside the foundation's baseline and the baseline with pydantic (the
    REST functions', since the processor's knowledge base is a pydantic model), interleaved."""
    from tools.bench import BASELINE, IMPORT_HANDLER, REST_BASELINE, RUNS, lambda_like_environment, process_seconds
    from tools.local_stack.package import LAYER_SOURCE, installed_requirements

    baseline_packages = str(installed_requirements(LAYER_SOURCE / "requirements.txt"))
    layer = str(build_dir / "SharedLayer" / "python")
    function = template.function(PROCESSOR)
    code_dir = build_dir / PROCESSOR
    scripts = {
        PROCESSOR: IMPORT_HANDLER,
        f"{PROCESSOR} + pypdf": IMPORT_HANDLER + "; import pypdf",
        f"{PROCESSOR} + python-docx": IMPORT_HANDLER + "; import docx",
    }
    samples: dict[str, list[float]] = {name: [] for name in scripts}
    baseline: list[float] = []
    with_pydantic: list[float] = []
    for _ in range(RUNS):
        for script, runs in ((BASELINE, baseline), (REST_BASELINE, with_pydantic)):
            runs.append(process_seconds(["-c", script, baseline_packages], lambda_like_environment(None), code_dir))
        for name, script in scripts.items():
            arguments = ["-c", script, str(code_dir), layer, function.module]
            samples[name].append(process_seconds(arguments, lambda_like_environment(function), code_dir))
    medians = statistics.median(baseline), statistics.median(with_pydantic)
    return [(name, statistics.median(runs), *medians) for name, runs in samples.items()]


def upload_to_ready(root: Path) -> tuple[list[float], list[float]]:
    """On a fresh local stack, E2E_UPLOADS uploads of a generated 20-page PDF (after one that warms the
    processor), each timed from asking for the presigned POST to the POST answered, and to the document read back
    ready through the API (S3's notification, the processor, the merge)."""
    import time

    from tests.e2e.test_knowledge_base import confirmed_onboarding, settled, uploaded
    from tests.knowledge_documents import pdf
    from tools.local_stack.process import StackProcess

    data = pdf([f"Página {n}\nCorte {n} (30 min) {n},50 €\nL-V 9:00-14:00\n" + "Texto. " * 300
                for n in range(1, E2E_PAGES + 1)])  # fmt: skip
    posted: list[float] = []
    ready: list[float] = []
    with StackProcess(root=root).start() as stack:
        owner = stack.new_user("bench-kb")
        onboarding_id = confirmed_onboarding(stack, owner)
        for attempt in range(E2E_UPLOADS + 1):
            started = time.perf_counter()
            document_id = uploaded(stack, owner, onboarding_id, f"precios-{attempt}.pdf", data, "application/pdf")
            answered = time.perf_counter()
            listing = settled(stack, owner, onboarding_id, document_id)
            [document] = [d for d in listing["documents"] if d["document_id"] == document_id]
            assert document["status"] == "ready", document
            if attempt:  # the first warms the processor's workers
                posted.append(answered - started)
                ready.append(time.perf_counter() - started)
    return posted, ready


def main(build_dir: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "300-pages.pdf"
        path.write_bytes(three_hundred_pages())
        size = path.stat().st_size
        print(
            f"\nKnowledge base: extracting a generated {PAGES}-page PDF ({size / 1024 / 1024:.1f} MB), each library in"
        )
        print(f"its own process, median of {ROUNDS} interleaved rounds (target: PyPDF2's speed or better, lower peak)")
        print(f"{'extractor':40} {'pages/s':>8} {'peak MB':>8} {'before MB':>10} {'peak - before':>14}")
        for name, rate, peak, before in extraction_rows(path):
            print(f"{name:40} {rate:8.1f} {peak:8.1f} {before:10.1f} {peak - before:14.1f}")
    if build_dir is not None:
        from tools.bench import TARGET_RATIO
        from tools.local_stack.process import scratch_copy

        with tempfile.TemporaryDirectory() as scratch:
            posted, ready = upload_to_ready(scratch_copy(Path(scratch)))
        print(f"\nA {E2E_PAGES}-page PDF on the local stack, {E2E_UPLOADS} uploads after one that warms the processor")
        print(f"{'presigned POST asked and answered':44} p50 {statistics.median(posted) * 1000:6.0f} ms")
        print(f"{'upload to ready (read through the API)':44} p50 {statistics.median(ready) * 1000:6.0f} ms")

        print(f"\nKnowledge-base processor: cold start, with the import its first document adds (<= {TARGET_RATIO}x)")
        print(f"{'function':44} {'handler':>8}  {'baseline':>14}  {'with pydantic':>19}")
        for name, seconds, baseline, pydantic in processor_cold_starts(build_dir):
            print(f"{name:44} {seconds * 1000:5.0f} ms  {baseline * 1000:5.0f} ms {seconds / baseline:5.2f}x  "
                  f"{pydantic * 1000:5.0f} ms {seconds / pydantic:5.2f}x")  # fmt: skip


if __name__ == "__main__":
    sys.path[:0] = [str(LAYER_CODE), str(AGENTS_CODE)]
    main()
