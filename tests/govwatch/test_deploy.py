"""deploy/ stays in step with the code: every govwatch command that the Dockerfile, the compose
file and the systemd units run exists in the CLI with those options; the compose file has the
services, health checks and Redis settings the guide promises; the image copies every package."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from govwatch.cli import cli

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
REDIS_SETTINGS = {"appendonly": "yes", "appendfsync": "everysec", "maxmemory-policy": "noeviction"}


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


def dockerfile_cmd() -> list[str]:
    [cmd] = re.findall(r"^CMD (\[.*\])$", dockerfile(), re.M)
    return json.loads(cmd)


def systemd_commands() -> dict[str, list[str]]:
    found = {}
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        [line] = re.findall(r"^ExecStart=(.*)$", unit.read_text(encoding="utf-8"), re.M)
        found[unit.name] = shlex.split(line)
    return found


def govwatch_commands() -> list[list[str]]:
    """Every govwatch command line in deploy/, as argument lists starting after ``govwatch``."""
    lines = [dockerfile_cmd()] + [s["command"] for s in compose()["services"].values() if "command" in s]
    lines += systemd_commands().values()
    return [line[1:] for line in lines if Path(line[0]).name == "govwatch"]


def check_args(args: list[str]) -> None:
    """Parse ``args`` the way ``govwatch`` would (options, types, subcommands) without running it."""
    cmd: click.Command = cli
    while isinstance(cmd, click.Group) and args and not args[0].startswith("-"):
        sub = cmd.get_command(click.Context(cmd), args[0])
        assert sub is not None, f"`{args[0]}` is not a govwatch command"
        cmd, args = sub, args[1:]
    cmd.make_context(cmd.name or "govwatch", list(args))


def test_every_deployed_command_exists_with_its_options() -> None:
    commands = govwatch_commands()
    assert {c[0] for c in commands} >= {"run", "scheduler", "worker", "api"}
    listed = CliRunner().invoke(cli, ["--help"]).output
    for args in commands:
        assert re.search(rf"^\s+{args[0]}\s", listed, re.M), f"govwatch --help does not list {args[0]}"
        check_args([a.replace("%H-%i", "host-1") for a in args])


def test_checking_commands_catches_a_wrong_one() -> None:
    with pytest.raises(AssertionError, match="not a govwatch command"):
        check_args(["schedule"])
    with pytest.raises(click.UsageError):
        check_args(["run", "--workers", "0"])  # `govwatch run` needs a worker
    with pytest.raises(click.UsageError):
        check_args(["worker", "--no-such-option"])


def test_compose_services_and_their_wiring() -> None:
    services = compose()["services"]
    assert set(services) == {"redis", "postgres", "scheduler", "worker", "api", "mailpit"}
    for name in ("redis", "postgres"):
        assert services[name]["healthcheck"]["test"], name
    assert services["mailpit"]["image"].startswith("axllent/mailpit")
    assert services["worker"]["deploy"]["replicas"] == 2
    for name in ("scheduler", "worker", "api"):
        svc = services[name]
        env = svc["environment"]
        assert re.fullmatch(r"redis://redis:6379/\d+", env["GOVWATCH_REDIS_URL"]), name
        assert re.match(r"postgresql://[^@]+@postgres:5432/", env["GOVWATCH_DATABASE_URL"]), name
        assert any(v.endswith(f":{env['GOVWATCH_CONFIG']}:ro") for v in svc["volumes"]), f"{name}: no config"
        assert {d: c["condition"] for d, c in svc["depends_on"].items()} == {"redis": "service_healthy",
                                                                              "postgres": "service_healthy"}
        assert svc["build"]["dockerfile"] == "deploy/Dockerfile" and svc["build"]["context"] == ".."


def test_redis_settings_in_compose_and_redis_conf_agree() -> None:
    args = compose()["services"]["redis"]["command"]
    given = {args[i].removeprefix("--"): args[i + 1] for i in range(1, len(args), 2)}
    assert {k: given.get(k) for k in REDIS_SETTINGS} == REDIS_SETTINGS
    conf = dict(
        line.split(None, 1)
        for line in (DEPLOY / "redis.conf").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
    assert {k: conf.get(k) for k in REDIS_SETTINGS} == REDIS_SETTINGS


def test_image_runs_as_a_user_and_copies_every_package() -> None:
    text = dockerfile()
    assert re.findall(r"^FROM (\S+)", text, re.M)[-1] == "python:3.11-slim"
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    assert dockerfile_cmd() == ["govwatch", "run"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = set(re.findall(r"^COPY (\w+) \1$", text, re.M))
    assert copied == packages


def test_the_wheel_ships_the_migrations() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["govwatch"]
    migrations = ROOT / "govwatch" / "migrations"
    files = [p.relative_to(ROOT / "govwatch").as_posix() for p in migrations.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    assert any(f.startswith("migrations/versions/0001") for f in files)
    assert [f for f in files if not any(fnmatch(f, pat) for pat in patterns)] == []


def test_worker_template_names_each_instance() -> None:
    assert "%i" in " ".join(systemd_commands()["govwatch-worker@.service"])


def test_docker_compose_accepts_the_file() -> None:
    if not shutil.which("docker") or subprocess.run(["docker", "compose", "version"],
                                                    capture_output=True).returncode != 0:
        pytest.skip("the docker compose plugin is not installed (the structure is checked above)")
    res = subprocess.run(["docker", "compose", "-f", str(DEPLOY / "docker-compose.yml"), "config", "--quiet"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
