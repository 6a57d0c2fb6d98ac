"""The layout's rules, checked from the source: dependencies between apps point one way (no
cycle, counting imports inside functions too), and an import inside a function says why."""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Bottom to top: each app may import only the ones listed before it.
LAYERS = [
    "portal.core",
    "portal.audit",
    "portal.notifications",
    "portal.accounts",
    "portal.organizations",
    "portal.catalog",
    "applications",
    "reviews",
    "certificates",
    "stats",
    "home",
]
SKIPPED_DIRS = {".venv", "tests", "migrations", "scripts", "var", "node_modules"}


def app_of(module: str) -> str | None:
    for app in sorted(LAYERS, key=len, reverse=True):
        if module == app or module.startswith(app + "."):
            return app
    return None


def source_files():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts):
            continue
        module = ".".join(relative.with_suffix("").parts)
        if module.endswith(".__init__"):
            module = module[: -len(".__init__")]
        if app_of(module):
            yield path, module


def imported_modules(node, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0:
        return [node.module]
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return [".".join(base + ([node.module] if node.module else []))]


def imports():
    """(file, line, importing module, imported module, inside a function, the function's node)."""
    for path, module in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {}
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for child in ast.walk(function):
                    functions.setdefault(child, function)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in imported_modules(node, module, path.name == "__init__.py"):
                    yield path, node.lineno, module, target, functions.get(node)


def app_graph() -> dict[str, set[str]]:
    graph = defaultdict(set)
    for _path, _line, module, target, _function in imports():
        source, destination = app_of(module), app_of(target)
        if destination and destination != source:
            graph[source].add(destination)
    return graph


def find_cycle(graph) -> list[str]:
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = "done"
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_the_import_graph_between_apps_has_no_cycle():
    assert find_cycle(app_graph()) == []


def test_apps_import_only_the_layers_below_them():
    upward = sorted(
        f"{source} imports {destination}"
        for source, destinations in app_graph().items()
        for destination in destinations
        if LAYERS.index(destination) > LAYERS.index(source)
    )
    assert upward == []


def test_an_import_inside_a_function_says_why():
    """Allowed only where it cannot be avoided (AppConfig.ready(), a module that imports this
    one), with a comment starting "Imported here because" right above it."""
    unexplained = []
    for path, line, _module, target, function in imports():
        if function is None or path.name == "manage.py":
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        above = " ".join(lines[max(function.lineno - 1, line - 4) : line - 1])
        if "Imported here because" not in above:
            unexplained.append(f"{path.relative_to(ROOT)}:{line} {target}")
    assert unexplained == []


def test_the_checker_sees_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


# --- every test asserts something ----------------------------------------------------------------

# A call whose name starts with one of these checks something (unittest's assertEqual, a mock's
# assert_called_once_with, Playwright's expect(), the suite's own check_* helpers).
CHECKING_CALLS = ("assert", "expect", "check")


def checks_something(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the function's own body asserts, expects an exception or warning, or calls a
    checking function (helpers it calls are not followed)."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if not isinstance(node, ast.Call):
            continue
        callee = node.func
        if isinstance(callee, ast.Attribute):
            name, owner = callee.attr, callee.value.id if isinstance(callee.value, ast.Name) else None
        elif isinstance(callee, ast.Name):
            name, owner = callee.id, None
        else:
            continue
        if (owner == "pytest" and name in ("raises", "warns")) or name.startswith(CHECKING_CALLS):
            return True
    return False


def unchecked_tests(source: str) -> list[str]:
    return [
        node.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test")
        and not checks_something(node)
    ]


def test_every_test_checks_something():
    """A test that asserts nothing passes whatever the code does."""
    offenders = [
        f"{path.relative_to(ROOT)}::{name}"
        for path in sorted((ROOT / "tests").rglob("test_*.py"))
        for name in unchecked_tests(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "tests that check nothing:\n" + "\n".join(offenders)


def test_the_checker_sees_a_test_without_a_check():
    source = """
import pytest

def test_asserts():
    assert 1

def test_raises():
    with pytest.raises(ValueError):
        int("x")

def test_expects(page):
    expect(page).to_have_url("/")

def test_mock(sent):
    sent.assert_called_once_with(1)

def test_only_calls():
    int("1")

def test_only_a_query_budget(django_assert_num_queries):
    with django_assert_num_queries(1):
        int("1")

def helper():
    pass
"""
    assert unchecked_tests(source) == ["test_only_calls", "test_only_a_query_budget"]


def form_classes_in_views(source: str) -> list[str]:
    """Classes defined in a views module whose bases are named like a form (…Form, …FormSet)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            bases = [ast.unparse(base) for base in node.bases]
            if any(base.endswith(("Form", "FormSet", "ModelForm")) for base in bases):
                found.append(node.name)
    return found


def test_forms_live_in_forms_modules():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path, _module in source_files()
        if path.name.startswith("views")
        for name in form_classes_in_views(path.read_text())
    ]
    assert offenders == []


def test_the_checker_sees_a_form_in_a_view():
    assert form_classes_in_views("from django import forms\nclass F(forms.Form):\n    pass\n") == ["F"]
    assert form_classes_in_views("class View:\n    pass\n") == []
