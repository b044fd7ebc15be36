"""The configuration files that ship with the project stay in step with the code."""

import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_read_by_settings_is_documented_in_env_example():
    settings_source = (ROOT / "lssc" / "settings.py").read_text()
    used = set(re.findall(r'env\.\w+\(\s*"([A-Z0-9_]+)"', settings_source))
    documented = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert used - documented == set()
    assert len(used) > 20


def test_env_example_gives_each_variable_a_one_line_explanation():
    lines = (ROOT / ".env.example").read_text().splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^[A-Z0-9_]+=", line):
            assert lines[index - 1].startswith("# "), line


def test_docker_compose_file_is_accepted_by_compose(tmp_path):
    compose = shutil.which("docker-compose")
    require("docker-compose", "docker-compose", available=compose is not None)
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        [compose, "config", "--services"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {
        "db",
        "redis",
        "web",
        "worker",
        "beat",
        "mail",
        "s3",
        "s3-setup",
    }
