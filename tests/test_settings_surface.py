"""One settings surface: every knob is declared in portal/settings.py, read from its environment
variable there, documented in the README's settings table, and read in code as `settings.NAME`
(a `getattr(settings, NAME, default)` hides a second default that the settings module and the
README do not know about). Checked from the source; nothing here touches the database."""

import ast
import re
from pathlib import Path

from django.conf import global_settings, settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "portal" / "settings.py"
APPS = ["portal", "applications", "reviews", "certificates", "home"]
SKIPPED_DIRS = {"migrations", "__pycache__"}
# Settings that belong to a library and keep its names and defaults (they are not read from the
# environment one by one): Celery's (CELERY_ namespace), django-axes' and django-csp's.
LIBRARY_PREFIXES = ("CELERY_", "AXES_", "CONTENT_SECURITY_POLICY")
# Wiring, not knobs: where the checkout lives (derived from the file's place) and the URL module.
NOT_CONFIGURABLE = {"BASE_DIR", "ROOT_URLCONF", "BACKUP_SECRET_SETTINGS"}
ENV_METHODS = {"str", "bool", "int", "float", "list", "tuple", "dict", "json", "url", "db", "db_url", "path", "cache"}


def project_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if SKIPPED_DIRS & set(path.parts) or path == SETTINGS_FILE:
                continue
            yield path


def env_variable(node) -> str | None:
    """The variable name of `env.int("NAME", ...)`, `env("NAME")` or `environ.Env().str("NAME")`."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    first = node.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None
    func = node.func
    if isinstance(func, ast.Name) and func.id == "env":
        return first.value
    if isinstance(func, ast.Attribute) and func.attr in ENV_METHODS:
        target = func.value
        if isinstance(target, ast.Name) and target.id == "env":
            return first.value
        if isinstance(target, ast.Call) and ast.unparse(target.func) in {"environ.Env", "Env"}:
            return first.value
    return None


def settings_module():
    """(settings assigned at the top level → the nodes of their values, the module's functions)."""
    tree = ast.parse(SETTINGS_FILE.read_text(encoding="utf-8"))
    assigned, functions = {}, {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            functions[node.name] = node
        targets = []
        if isinstance(node, ast.Assign):
            targets = [t for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets = [node.target]
        for target in targets:
            assigned.setdefault(target.id, []).append(node.value)
        # `if X: NAME = ...` at the top level (e.g. the storages): assignments in either branch.
        if isinstance(node, ast.If):
            for child in ast.walk(node):
                if isinstance(child, ast.Assign):
                    for target in child.targets:
                        if isinstance(target, ast.Name):
                            assigned.setdefault(target.id, []).append(child.value)
                            assigned[target.id].append(node.test)
    return tree, assigned, functions


def environment_variables() -> set[str]:
    tree, _assigned, _functions = settings_module()
    return {name for node in ast.walk(tree) if (name := env_variable(node))}


def variables_behind(name: str, assigned, functions, seen=None) -> set[str]:
    """The environment variables a setting's value depends on, through other settings and the
    module's own functions."""
    seen = set() if seen is None else seen
    if name in seen:
        return set()
    seen.add(name)
    found = set()
    for value in assigned.get(name, []) + ([functions[name]] if name in functions else []):
        for node in ast.walk(value):
            if variable := env_variable(node):
                found.add(variable)
            elif isinstance(node, ast.Name) and (node.id in assigned or node.id in functions):
                found |= variables_behind(node.id, assigned, functions, seen)
    return found


def project_settings(assigned) -> list[str]:
    return [
        name
        for name in assigned
        if name.isupper()
        and not name.startswith("_")
        and not hasattr(global_settings, name)
        and not name.startswith(LIBRARY_PREFIXES)
        and name not in NOT_CONFIGURABLE
    ]


def readme_table() -> set[str]:
    """The variables named in the first column of the table under the README's "## Configuration"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    assert len(rows) > 2, "README.md's Configuration section has no table"
    documented = set()
    for row in rows[2:]:  # after the header and the |---| line
        first_column = row.strip("|").split("|")[0]
        documented |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_column))
    return documented


def test_every_environment_variable_is_documented():
    undocumented = sorted(environment_variables() - readme_table())
    assert not undocumented, f"portal/settings.py reads {undocumented}, which README.md's settings table omits"


def test_every_documented_variable_exists():
    unknown = sorted(readme_table() - environment_variables())
    assert not unknown, f"README.md's settings table documents {unknown}, which portal/settings.py never reads"


def test_every_project_setting_comes_from_the_environment():
    _tree, assigned, functions = settings_module()
    fixed = [name for name in project_settings(assigned) if not variables_behind(name, assigned, functions)]
    assert not fixed, f"{fixed} are set in portal/settings.py without an environment variable (or README entry)"


def settings_reads(path: Path):
    """(line, how) for each read of django.conf.settings in a module that is not `settings.NAME`,
    and (line, NAME) for each `settings.NAME`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports_settings = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "django.conf"
        and any(alias.name == "settings" and alias.asname is None for alias in node.names)
        for node in ast.walk(tree)
    )
    if not imports_settings:
        return [], []
    indirect, direct = [], []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "hasattr"}
            # getattr(settings, name) without a default hides nothing (a missing one raises).
            and (node.func.id == "hasattr" or len(node.args) > 2)
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "settings"
        ):
            indirect.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "settings":
            if node.attr.isupper():
                direct.append((node.lineno, node.attr))
    return indirect, direct


def test_code_reads_settings_by_name():
    found = []
    for path in project_files():
        indirect, _direct = settings_reads(path)
        found += [f"{path.relative_to(ROOT)}:{line}: {how}" for line, how in indirect]
    assert not found, "read these as settings.NAME, declared in portal/settings.py:\n" + "\n".join(found)


def test_every_setting_code_reads_is_declared():
    _tree, assigned, _functions = settings_module()
    missing = []
    for path in project_files():
        _indirect, direct = settings_reads(path)
        for line, name in direct:
            if name not in assigned and not hasattr(global_settings, name):
                missing.append(f"{path.relative_to(ROOT)}:{line}: settings.{name}")
    assert not missing, "not declared in portal/settings.py:\n" + "\n".join(missing)


def test_the_declared_settings_are_the_loaded_ones():
    """The parser above reads the right file: what it finds is what Django loaded."""
    _tree, assigned, _functions = settings_module()
    for name in project_settings(assigned):
        assert hasattr(settings, name), name
