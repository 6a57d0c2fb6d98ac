"""The environment docker-compose.yml gives the web service, with the variables of .env.example
filled in: the documented production shape, for `manage.py check --deploy` in scripts/test and
tests/test_deploy.py. Secrets the example leaves empty (compose refuses to start without them)
are generated here, so the check sees real, long, random values.

    python scripts/production_env.py        KEY=VALUE lines
    python scripts/production_env.py -0     NUL-separated, for `env` in a shell script
"""

import base64
import re
import secrets
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}, ${NAME:+other}, $NAME, $$.
INTERPOLATION = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))")
BRACED = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>.*))?$", re.DOTALL)


class MissingVariable(Exception):
    """Compose would refuse to start: a `${NAME:?message}` variable is unset or empty."""


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as compose reads a .env file (comments, blank lines, optional quotes)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def interpolate(text: str, variables: dict[str, str]) -> str:
    def replace(match):
        if match.group("escaped"):
            return "$"
        if match.group("named"):
            return variables.get(match.group("named"), "")
        parts = BRACED.match(match.group("braced"))
        if not parts:
            raise ValueError(f"cannot read ${{{match.group('braced')}}}")
        name, op, arg = parts.group("name", "op", "arg")
        value = variables.get(name)
        is_set, is_non_empty = value is not None, bool(value)
        if op is None:
            return value or ""
        present = is_non_empty if op.startswith(":") else is_set
        if op.endswith("-"):
            return value if present else interpolate(arg, variables)
        if op.endswith("?"):
            if not present:
                raise MissingVariable(f"{name}: {arg}")
            return value
        return interpolate(arg, variables) if present else ""  # :+ and +

    return INTERPOLATION.sub(replace, text)


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def required_variables() -> set[str]:
    """The variables compose refuses to start without (`${NAME:?...}` anywhere in the file)."""
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    return set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?", text))


def generated_secret(name: str) -> str:
    """A random value of the shape the setting takes (the field keys are parsed at start)."""
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    if name == "FIELD_ENCRYPTION_KEYS":
        return f"k1:{key}"
    if name == "BLIND_INDEX_KEY":
        return key
    return secrets.token_urlsafe(50)


def production_environment(variables: dict[str, str] | None = None, service: str = "web") -> dict[str, str]:
    """The service's environment after compose's interpolation with `variables` (default: the
    example file, its empty secrets generated)."""
    if variables is None:
        variables = read_env_file(ROOT / ".env.example")
        for name in required_variables():
            if not variables.get(name):
                variables[name] = generated_secret(name)
    environment = compose()["services"][service].get("environment", {})
    if isinstance(environment, list):  # the KEY=value form
        environment = dict(item.split("=", 1) if "=" in item else (item, "") for item in environment)
    return {key: interpolate(str(value), variables) for key, value in environment.items()}


def main(argv: list[str]) -> int:
    separator = "\0" if "-0" in argv else "\n"
    try:
        environment = production_environment()
    except MissingVariable as missing:
        print(f"production_env: docker-compose.yml needs {missing}", file=sys.stderr)
        return 1
    sys.stdout.write("".join(f"{key}={value}{separator}" for key, value in environment.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
