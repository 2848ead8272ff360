"""Which app imports which, read from the source with `ast`, checked against the import order.

The order is the fenced block under "## Import order" in docs/architecture.md, top line first:
a module may import from its own unit and from the units on lower lines. Names on one line
split by `|` are peers (they must not import each other); names split by `,` are one layer.
A unit is a top-level package (`courses`) or a dotted module inside one (`portal.urls`); a
module belongs to the unit with the longest matching name.

Every `.py` of every unit's package is read, migrations excepted, and every import counts:
module level, inside functions, under `if TYPE_CHECKING:`, relative imports, and the string
imports visible in the source (`import_module("x")`, `import_string("x.y")`,
`apps.get_model("label", ...)` with a literal argument).
"""

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

HEADING = "## Import order"
STRING_IMPORTERS = {"import_module", "__import__", "find_spec", "import_string"}


@dataclass(frozen=True)
class Order:
    """Each unit's line (0 is the top) and its peer group on that line."""

    rank: dict[str, tuple[int, int]]

    @property
    def units(self) -> list[str]:
        return list(self.rank)

    def unit_of(self, module: str) -> str | None:
        best = None
        for unit in self.rank:
            if (module == unit or module.startswith(unit + ".")) and (
                best is None or len(unit) > len(best)
            ):
                best = unit
        return best

    def breach(self, importer: str, imported: str) -> str | None:
        """Why `importer` may not import `imported`, or None when it may."""
        (line, group), (other_line, other_group) = self.rank[importer], self.rank[imported]
        if other_line < line:
            return f"{imported} is above {importer}"
        if other_line == line and other_group != group:
            return f"{imported} and {importer} are peers"
        return None


@dataclass(frozen=True)
class Import:
    path: str  # relative to the project root, with "/"
    line: int
    module: str  # the module imported, absolute
    importer: str  # unit of the file
    imported: str  # unit of the module

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Violation:
    edge: Import
    reason: str

    def __str__(self) -> str:
        edge = self.edge
        return (
            f"{edge.where}: {edge.importer} imports {edge.module}, against the import order "
            f"({self.reason})"
        )


def read_order(markdown: str) -> Order:
    """The first fenced block after the "## Import order" heading, top line first."""
    after = markdown.split(HEADING, 1)
    if len(after) != 2:
        raise ValueError(f"no {HEADING!r} section")
    block = re.search(r"^```[^\n]*\n(.*?)^```", after[1], re.S | re.M)
    if block is None:
        raise ValueError(f"no fenced block under {HEADING!r}")
    rank: dict[str, tuple[int, int]] = {}
    lines = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]
    for line_no, line in enumerate(line for line in lines if line):
        for group_no, group in enumerate(line.split("|")):
            for name in group.split(","):
                name = name.strip()
                if not re.fullmatch(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*", name):
                    raise ValueError(f"not a module name in the import order: {name!r}")
                if name in rank:
                    raise ValueError(f"{name} is named twice in the import order")
                rank[name] = (line_no, group_no)
    return Order(rank)


def app_packages(root: Path) -> list[str]:
    """Top-level folders that are Django apps (they have an apps.py)."""
    return sorted(p.parent.name for p in root.glob("*/apps.py"))


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(root: Path, module: str) -> bool:
    base = root.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _string_import(node: ast.Call) -> str | None:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    first = node.args[0] if node.args else None
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None
    if name in STRING_IMPORTERS and not first.value.startswith("."):
        return first.value.rsplit(".", 1)[0] if name == "import_string" else first.value
    if name == "get_model":  # apps.get_model("label", "Model") or ("label.Model")
        return first.value.split(".")[0]
    return None


def _imported_modules(
    root: Path, module: str, is_package: bool, tree: ast.AST
) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) for every import in the tree."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                base = ".".join(filter(None, [base, node.module or ""]))
            else:
                base = node.module or ""
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield node.lineno, sub if _is_module(root, sub) else base
        elif isinstance(node, ast.Call) and (target := _string_import(node)):
            yield node.lineno, target


def find_imports(root: Path, order: Order) -> list[Import]:
    """Every import from one unit into another, in file and line order."""
    packages = sorted(
        {unit.split(".")[0] for unit in order.units} | set(app_packages(root)),
    )
    edges = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            module = _module_name(root, path)
            importer = order.unit_of(module)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            found = _imported_modules(root, module, path.name == "__init__.py", tree)
            for line, target in sorted(set(found)):
                imported = order.unit_of(target)
                if importer and imported and imported != importer:
                    relative = path.relative_to(root).as_posix()
                    edges.append(Import(relative, line, target, importer, imported))
    return edges


def unplaced_apps(root: Path, order: Order) -> list[str]:
    """Apps that the import order does not name."""
    return [app for app in app_packages(root) if order.unit_of(app) is None]


def violations(edges: Iterable[Import], order: Order) -> list[Violation]:
    found = []
    for edge in edges:
        reason = order.breach(edge.importer, edge.imported)
        if reason:
            found.append(Violation(edge, reason))
    return found


def cycles(edges: Iterable[Import]) -> list[str]:
    """One named loop per group of units that import each other, e.g.
    "a (a/x.py:3) -> b (b/y.py:9) -> a"."""
    first: dict[str, dict[str, Import]] = {}
    for edge in edges:
        first.setdefault(edge.importer, {}).setdefault(edge.imported, edge)
    found, seen = [], set()
    for start in sorted(first):
        loop = _loop_back_to(start, first)
        if loop and frozenset(loop) not in seen:
            seen.add(frozenset(loop))
            hops = [first[a][b] for a, b in zip(loop, loop[1:] + loop[:1], strict=True)]
            found.append(" -> ".join(f"{h.importer} ({h.where})" for h in hops) + f" -> {start}")
    return found


def _loop_back_to(start: str, graph: dict[str, dict[str, Import]]) -> list[str] | None:
    """The shortest path of units from `start` back to itself, or None (breadth first)."""
    paths = [[start]]
    visited = {start}
    while paths:
        path = paths.pop(0)
        for nxt in sorted(graph.get(path[-1], {})):
            if nxt == start:
                return path
            if nxt not in visited:
                visited.add(nxt)
                paths.append(path + [nxt])
    return None
