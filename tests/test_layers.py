"""The layers hold: no import cycle between the modules of admin/, documents/ and exports/ (the
imports inside functions counted too, so that none can hide one), no import inside a function in
documents/ without a comment saying why, and documents/ and exports/ never import Flask."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("admin", "documents", "exports")


def modules(root, packages):
    """{module name: (path, is a package)} of every .py file under the packages."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            found[".".join(parts)] = (path, is_package)
    return found


def _imported(name, is_package, node, known):
    """The known modules an import statement of module ``name`` loads."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in known]
    if node.level:
        base = name.split(".") if is_package else name.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module
    targets = []
    for alias in node.names:
        submodule = f"{source}.{alias.name}"
        targets.append(submodule if submodule in known else source)
    return [t for t in targets if t in known]


def import_graph(root, packages):
    """{module: {modules it imports}}, imports inside functions included. A module importing
    its own package's submodules through the package (``from . import x``) depends on ``x``,
    not on the package's ``__init__``."""
    known = modules(root, packages)
    graph = {}
    for name, (path, is_package) in known.items():
        graph[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                graph[name].update(t for t in _imported(name, is_package, node, known) if t != name)
    return graph


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def local_imports(path):
    """(line, statement) of each import inside a function without a comment saying why (on its
    line or the line above)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    bare = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, (ast.Import, ast.ImportFrom)):
                line = lines[inner.lineno - 1]
                above = lines[inner.lineno - 2].strip() if inner.lineno > 1 else ""
                if "#" not in line and not above.startswith("#"):
                    bare.append((inner.lineno, line.strip()))
    return sorted(set(bare))


def test_no_import_cycle_between_modules():
    graph = import_graph(ROOT, PACKAGES)
    assert len(graph) > 50 and "documents.case" in graph["documents.cardquery.index"]
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle_held_by_an_import_inside_a_function(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from .a import A\n")
    (package / "a.py").write_text("from .b import B\n\nA = 1\n")
    (package / "b.py").write_text("B = 2\n\n\ndef later():\n    from .a import A\n\n    return A\n")
    (package / "c.py").write_text("from . import a, b\n")
    graph = import_graph(tmp_path, ("pkg",))
    assert graph["pkg.c"] == {"pkg.a", "pkg.b"}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]
    assert local_imports(package / "b.py") == [(5, "from .a import A")]


def test_documents_import_nothing_inside_functions_without_saying_why():
    bare = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / "documents").rglob("*.py"))
        if (found := local_imports(path))
    }
    assert bare == {}


def test_documents_and_exports_never_import_flask_nor_the_panel():
    graph = import_graph(ROOT, PACKAGES)
    for package, forbidden in (
        ("documents", ("flask", "flask_admin", "flask_babel", "flask_login", "admin")),
        ("exports", ("flask", "flask_admin", "flask_babel", "flask_login", "admin", "documents")),
    ):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module]
                else:
                    continue
                tops = {n.split(".")[0] for n in names}
                assert not tops & set(forbidden), f"{path.relative_to(ROOT)}:{node.lineno}"
    assert not any(m.startswith("admin") for m in graph["documents"])


MAX_LINES = 500  # seeds/ (transcribed sample data) is not in PACKAGES


def test_no_module_is_over_500_lines():
    """A module a newcomer can read whole: over 500 lines, split it by what its parts do (as
    documents/cardquery/ and documents/importer/ are)."""
    long = {
        str(path.relative_to(ROOT)): lines
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
