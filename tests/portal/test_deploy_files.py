"""The container files say what the settings and the Procfile say.

No Docker engine runs the tests: these read compose.yaml, the Dockerfile and .env.example and
hold them to the settings (every variable documented) and to `make serve` (same commands).
"""

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
# Read by the settings but set by portal/settings_test.py only: not configuration.
INTERNAL = {"PORTAL_TESTING"}
READS = [
    r"""environ\.get\(\s*["']([A-Z][A-Z0-9_]*)["']""",
    r"""environ\[\s*["']([A-Z][A-Z0-9_]*)["']""",
    r"""\benv(?:_bool|_list)?\(\s*["']([A-Z][A-Z0-9_]*)["']""",
    r"""["']([A-Z][A-Z0-9_]*)["']\s+in\s+(?:os\.)?environ""",
]


def variables_read():
    """Every environment variable portal/settings.py, portal/production.py and gunicorn read."""
    names = set()
    for path in ("portal/settings.py", "portal/production.py", "gunicorn.conf.py"):
        source = (ROOT / path).read_text()
        for pattern in READS:
            names.update(re.findall(pattern, source))
    return names - INTERNAL


def env_example():
    """The names .env.example sets or shows (commented lines are optional variables)."""
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def readme_configuration():
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([A-Z][A-Z0-9_]*)`", section))


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def dockerfile():
    return (ROOT / "Dockerfile").read_text()


def procfile():
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def test_the_variables_are_found():
    """The scan itself works: a few names every deployment sets, and the S3 block."""
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_HOST", "REDIS_URL", "SENTRY_DSN"} <= (
        variables_read()
    )
    assert {"S3_BUCKET", "S3_ENDPOINT_URL", "S3_PUBLIC_ACL", "ALLOW_SQLITE", "PORT"} <= (
        variables_read()
    )


def test_every_variable_is_in_env_example_and_the_readme():
    assert variables_read() - env_example() == set()
    assert variables_read() - readme_configuration() == set()


def test_env_example_holds_no_secret_and_nothing_unknown(compose):
    text = (ROOT / ".env.example").read_text()
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD", "EMAIL_HOST_PASSWORD"):
        assert re.search(rf"^{name}=$", text, flags=re.MULTILINE), name
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (ROOT / "compose.yaml").read_text()))
    # Beyond what the settings read: only what compose.yaml itself reads.
    assert env_example() - variables_read() == interpolated - variables_read()
    assert interpolated <= env_example()


def test_compose_runs_the_four_services_and_a_one_shot_migrate(compose):
    services = compose["services"]
    assert set(services) == {"web", "worker", "postgres", "redis", "migrate"}
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"].startswith("redis:7")
    assert any(
        volume.endswith(":/var/lib/postgresql/data") for volume in services["postgres"]["volumes"]
    )
    migrate = " ".join(services["migrate"]["command"])
    assert "manage.py migrate --no-input" in migrate and "manage.py createcachetable" in migrate
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"},
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}


def test_the_app_services_run_what_make_serve_runs(compose, dockerfile):
    services = compose["services"]
    assert services["worker"]["command"] == shlex.split(procfile()["worker"])
    assert services["worker"]["command"] == [
        "python",
        "manage.py",
        "worker",
        "--queue-name",
        "*",
    ]
    assert "command" not in services["web"]  # the image's CMD
    cmd = re.search(r"^CMD (.+)$", dockerfile, flags=re.MULTILINE).group(1)
    assert json.loads(cmd) == shlex.split(procfile()["web"])
    for name in ("web", "worker", "migrate"):
        assert services[name]["image"] == "tables-immigration"
        assert services[name]["env_file"] == ".env"
        assert "media:/app/media" in services[name]["volumes"]
    assert set(compose["volumes"]) == {"postgres", "media"}


def test_healthchecks(compose, dockerfile):
    services = compose["services"]
    assert services["postgres"]["healthcheck"]["test"][0] == "CMD-SHELL"
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"][1]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "scripts/healthcheck"]
    assert 'CMD ["python", "scripts/healthcheck"]' in dockerfile
    assert "/healthz" in (ROOT / "scripts/healthcheck").read_text()
    # The worker and migrate share the image but serve no HTTP: the image's check is off.
    assert services["worker"]["healthcheck"] == {"disable": True}
    assert services["migrate"]["healthcheck"] == {"disable": True}
    assert services["web"]["ports"] == ["127.0.0.1:${WEB_PORT:-8000}:8000"]


def test_the_image(dockerfile):
    stages = re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    assert stages == ["python:3.11-slim-bookworm", "python:3.11-slim-bookworm"]
    assert "system-packages runtime" in dockerfile
    assert "compilemessages" in dockerfile and "collectstatic --no-input" in dockerfile
    assert "pip install ." in dockerfile
    assert re.search(r"^USER 1000:1000$", dockerfile, flags=re.MULTILINE)
    assert "useradd --create-home --home-dir /home/portal --uid 1000 --gid 1000" in dockerfile
    assert re.search(r"^EXPOSE 8000$", dockerfile, flags=re.MULTILINE)
    # The build-time values of collectstatic stay in that RUN step, not in the image.
    env_lines = " ".join(re.findall(r"^ENV .*(?:\n\s+.*)*", dockerfile, flags=re.MULTILINE))
    assert "SECRET_KEY" not in env_lines and "DATABASE_URL" not in env_lines


def test_dockerignore_keeps_secrets_and_local_data_out():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for entry in (".env", ".git", ".venv", "media", "staticfiles", "db.sqlite3"):
        assert entry in ignored, entry
