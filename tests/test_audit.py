"""`scripts/audit.py` reads each tool's JSON as the tools write it: a vulnerability fails the
audit, a database that cannot be reached is said and fails it only where it must be reached."""

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "audit.py"


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_python_package_with_a_known_vulnerability_fails_the_audit(
    audit: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    report = {
        "dependencies": [
            {"name": "fastapi", "version": "0.1", "vulns": []},
            {
                "name": "starlette",
                "version": "0.1",
                "vulns": [{"id": "PYSEC-0000-1", "fix_versions": ["0.2"]}],
            },
        ]
    }
    found = audit.pip_audit_findings(report)
    assert found.vulnerable == ["starlette 0.1: PYSEC-0000-1 (fixed in 0.2)"]
    assert found.unreachable is None
    assert audit.verdict([found], required=False) == 1
    assert "VULNERABLE starlette 0.1" in capsys.readouterr().out


def test_python_packages_none_of_which_could_be_looked_up_are_not_audited(
    audit: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    skipped = "Dependency not found on PyPI and could not be audited: alembic (1.0)"
    found = audit.pip_audit_findings(
        {"dependencies": [{"name": "alembic", "skip_reason": skipped}]}
    )
    assert found.unreachable is not None
    assert audit.verdict([found], required=False) == 0
    assert "NOT AUDITED" in capsys.readouterr().out
    assert audit.verdict([found], required=True) == 2


def test_clean_python_packages_pass(audit: ModuleType) -> None:
    found = audit.pip_audit_findings({"dependencies": [{"name": "anyio", "vulns": []}]})
    assert (found.vulnerable, found.unreachable) == ([], None)
    assert audit.verdict([found], required=True) == 0


def test_npm_vulnerabilities_fail_the_audit_and_its_registry_error_is_not_a_pass(
    audit: ModuleType,
) -> None:
    vulnerable = audit.npm_audit_findings(
        {"vulnerabilities": {"react": {"severity": "high", "range": "<19.0.1"}}, "metadata": {}}
    )
    assert vulnerable.vulnerable == ["react: high (<19.0.1)"]
    assert audit.verdict([vulnerable], required=False) == 1
    clean = audit.npm_audit_findings({"vulnerabilities": {}, "metadata": {}})
    assert audit.verdict([clean], required=True) == 0
    refused = audit.npm_audit_findings(
        {"message": "405 Method Not Allowed - POST /-/npm/v1/security/advisories/bulk"}
    )
    assert refused.unreachable == "405 Method Not Allowed - POST /-/npm/v1/security/advisories/bulk"
    assert audit.verdict([refused], required=True) == 2
