"""`make new-function NAME=... CONTEXT=... TRIGGER=...`: a new function in the project's own shape, rendered
with copier from tools/scaffold/template/ (one folder per trigger, laid out as the project is).

Everything is checked before anything is rendered; copier renders into a temporary folder; only when that
has worked are the files moved in and the template entry inserted into template.yaml, as text, before
`Outputs:` (so its comments and layout stay). A refusal is one line on stderr and exit code 2, and changes
nothing."""

from __future__ import annotations

import keyword
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = Path(__file__).resolve().parent / "template"
TRIGGERS = ("api", "s3", "schedule", "event", "workflow-task")
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
ENTRY = "template-entry.yaml"
# What a context has once: rendered every time, moved in only where the context lacks it.
CONTEXT_FILES = ("Makefile", "requirements.txt", "{context}/handlers/__init__.py")
RESOURCE_SUFFIXES = (
    "",
    "LogGroup",
    "ErrorsAlarm",
    "ThrottlesAlarm",
    "DeadLetterQueue",
    "DeadLetterQueuePolicy",
    "Bucket",
)
REFUSED = 2


class Refused(Exception):
    """Input the scaffold will not act on; the message is the one line the user reads."""


@dataclass(frozen=True)
class NewFunction:
    name: str
    context: str
    trigger: str

    @property
    def camel(self) -> str:
        return _camel(self.name)

    @property
    def logical_id(self) -> str:
        return f"{_camel(self.context)}{self.camel}Function"

    @property
    def dashed(self) -> str:
        return self.name.replace("_", "-")

    @property
    def answers(self) -> dict[str, str]:
        return {
            "trigger": self.trigger,
            "name": self.name,
            "context": self.context,
            "camel": self.camel,
            "context_camel": _camel(self.context),
            "logical_id": self.logical_id,
            "dashed": self.dashed,
            "route": f"/{self.context.replace('_', '-')}/{self.dashed}",
            "detail_type": f"{self.context}.{self.dashed}",
        }

    def files(self, root: Path) -> dict[str, Path]:
        """What the function adds, none of which may exist yet (nor a package that its logic module's name
        would shadow)."""
        package = root / "functions" / self.context / self.context
        return {
            "handler": package / "handlers" / f"{self.name}.py",
            "logic": package / f"{self.name}.py",
            "package": package / self.name,
            "events": root / "events" / self.name,
            "unit_test": root / "tests" / "unit" / f"test_{self.name}.py",
            "handler_test": root / "tests" / "handlers" / f"test_{self.name}.py",
        }

    @property
    def logical_ids(self) -> list[str]:
        """Every resource a function of any trigger may add, none of which may be declared yet."""
        return [self.logical_id + suffix for suffix in RESOURCE_SUFFIXES]


def _camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def checked(name: str, context: str, trigger: str, root: Path = ROOT) -> NewFunction:
    """The function to add, or Refused saying why not."""
    if trigger not in TRIGGERS:
        raise Refused(f"unknown trigger {trigger!r}: use one of {', '.join(TRIGGERS)}")
    _check_identifier("name", name)
    _check_identifier("context", context)
    if not (root / "functions" / context / context / "__init__.py").is_file():
        raise Refused(f"unknown context {context!r}: there is no package functions/{context}/{context}/")
    function = NewFunction(name, context, trigger)
    for path in function.files(root).values():
        if path.exists():
            raise Refused(f"{name!r} exists: {path.relative_to(root)}")
    declared = set(re.findall(r"^  (\w+):", (root / "template.yaml").read_text(), flags=re.MULTILINE))
    for logical_id in function.logical_ids:
        if logical_id in declared:
            raise Refused(f"{name!r} exists: template.yaml declares {logical_id}")
    return function


def _check_identifier(what: str, word: str) -> None:
    if not SNAKE_CASE.fullmatch(word):
        raise Refused(f"invalid {what} {word!r}: use a snake_case Python identifier (archive_sessions)")
    if keyword.iskeyword(word) or keyword.issoftkeyword(word):
        raise Refused(f"invalid {what} {word!r}: it is a Python keyword")


def render(function: NewFunction, destination: Path) -> str:
    """The function's files rendered into `destination` (laid out as the project is), and its template entry."""
    from copier import run_copy

    for part in ("context", function.trigger):
        run_copy(
            str(TEMPLATE_DIR),
            str(destination),
            data={"part": part, **function.answers},
            defaults=True,
            overwrite=True,
            quiet=True,
            vcs_ref=None,
        )
    entry = (destination / ENTRY).read_text()
    (destination / ENTRY).unlink()
    # One formatting for every length of name: ruff writes the rendered code as `make lint` wants it.
    python_files = [str(path) for path in destination.rglob("*.py")]
    ruff = Path(sys.executable).parent / "ruff"
    config = ["--config", str(ROOT / "pyproject.toml")]
    subprocess.run([ruff, "check", "--quiet", "--fix", "--select", "I", *config, *python_files], check=True)
    subprocess.run([ruff, "format", "--quiet", *config, *python_files], check=True)
    return entry


def inserted(template_text: str, entry: str) -> str:
    """template.yaml's text with `entry` at the end of Resources, before `Outputs:`, and nothing else moved."""
    block = entry.strip("\n") + "\n\n"
    match = re.search(r"^Outputs:", template_text, flags=re.MULTILINE)
    if match is None:
        return template_text.rstrip("\n") + "\n\n" + block.rstrip("\n") + "\n"
    return template_text[: match.start()] + block + template_text[match.start() :]


def install(function: NewFunction, rendered: Path, entry: str, root: Path) -> list[Path]:
    """Moves the rendered files into the project (keeping a context's own Makefile, requirements and
    handlers package) and inserts the template entry; the paths added."""
    context_files = {Path("functions", function.context, f.format(context=function.context)) for f in CONTEXT_FILES}
    added = []
    for source in sorted(path for path in rendered.rglob("*") if path.is_file()):
        relative = source.relative_to(rendered)
        target = root / relative
        if relative in context_files and target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, target)
        added.append(relative)
    template = root / "template.yaml"
    template.write_text(inserted(template.read_text(), entry))
    return added


def scaffold(name: str, context: str, trigger: str, root: Path = ROOT) -> list[Path]:
    function = checked(name, context, trigger, root)
    with tempfile.TemporaryDirectory(prefix="colmena-scaffold-") as scratch:
        entry = render(function, Path(scratch))
        added = install(function, Path(scratch), entry, root)
    if trigger == "api":
        # `make openapi`: the committed descriptions describe the new route at once.
        subprocess.run([sys.executable, str(root / "tools" / "openapi.py")], cwd=root, check=True)
    return added


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if len(arguments) != 3:
        usage = "usage: make new-function NAME=<snake_case> CONTEXT=<context> TRIGGER=" + "|".join(TRIGGERS)
        print(usage, file=sys.stderr)
        return REFUSED
    name, context, trigger = arguments
    try:
        added = scaffold(name, context, trigger)
    except Refused as refusal:
        print(f"new-function: {refusal}", file=sys.stderr)
        return REFUSED
    function = NewFunction(name, context, trigger)
    for path in added:
        print(f"added {path}")
    print(f"added {function.logical_id} to template.yaml")
    return 0
