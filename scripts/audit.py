"""Audit what ships for known vulnerabilities: the locked Python packages the server installs
(pip-audit, on `uv export --no-dev`) and the front end's runtime packages (npm audit --omit=dev).

    .venv/bin/python scripts/audit.py      (what `make audit` runs)

Exit 1 when either finds a known vulnerability, listing each. A vulnerability database that
cannot be reached is not a pass: the audit says so loudly, names what it could not audit, and
exits 2 under AUDIT_REQUIRED=1; else 0, so that a machine without access to one (this project's
CI reaches the package indexes, not the advisory services) still runs the rest of CI.
"""

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
UNAUDITED = "could not be audited"


@dataclass
class Findings:
    """One tool's answer: the vulnerabilities it found, and what it could not audit (why)."""

    tool: str
    vulnerable: list[str] = field(default_factory=list)
    unaudited: list[str] = field(default_factory=list)
    unreachable: str | None = None


def pip_audit_findings(report: dict[str, Any]) -> Findings:
    """pip-audit's JSON (`-f json`): each dependency with its `vulns`, or a `skip_reason`."""
    findings = Findings("pip-audit")
    dependencies = report.get("dependencies", [])
    for dependency in dependencies:
        name = f"{dependency['name']} {dependency.get('version', '')}".strip()
        for vuln in dependency.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version"
            findings.vulnerable.append(f"{name}: {vuln['id']} (fixed in {fixed})")
        if UNAUDITED in dependency.get("skip_reason", ""):
            findings.unaudited.append(name)
    if dependencies and len(findings.unaudited) == len(dependencies):
        findings.unreachable = "no package could be looked up in the vulnerability database"
    return findings


def npm_audit_findings(report: dict[str, Any]) -> Findings:
    """npm audit's JSON (`--json`): `vulnerabilities` by package, or the registry's error."""
    findings = Findings("npm audit")
    if "vulnerabilities" not in report:
        error = report.get("error") or {}
        message = report.get("message") or error.get("summary") or error.get("message")
        findings.unreachable = str(message or "no answer").splitlines()[0]
        return findings
    for name, vuln in sorted(report["vulnerabilities"].items()):
        findings.vulnerable.append(f"{name}: {vuln.get('severity', '?')} ({vuln.get('range', '')})")
    return findings


def _json(command: Sequence[str], cwd: Path) -> dict[str, Any]:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    try:
        answer: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"error": {"message": (done.stderr or done.stdout or "no output").strip()}}
    return answer


def audit_python() -> Findings:
    uv = REPOSITORY / ".tools" / "bin" / "uv"
    export = [str(uv), "export", "--project", "backend", "--frozen", "--no-dev"]
    export += ["--no-emit-project", "--no-hashes", "--quiet"]
    requirements = subprocess.run(
        export, cwd=REPOSITORY, capture_output=True, text=True, check=True
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listed:
        listed.write(requirements)
        listed.flush()
        pip_audit = Path(sys.executable).with_name("pip-audit")
        command = [str(pip_audit), "-r", listed.name, "--no-deps", "--disable-pip"]
        report = _json([*command, "-f", "json", "--progress-spinner", "off"], REPOSITORY)
    if "error" in report:
        return Findings("pip-audit", unreachable=report["error"]["message"].splitlines()[-1])
    return pip_audit_findings(report)


def audit_frontend() -> Findings:
    return npm_audit_findings(
        _json(["npm", "audit", "--omit=dev", "--json"], REPOSITORY / "frontend")
    )


def verdict(results: Sequence[Findings], required: bool) -> int:
    """Print what each tool found; the exit code."""
    status = 0
    for found in results:
        for line in found.vulnerable:
            print(f"audit: {found.tool}: VULNERABLE {line}")
        if found.vulnerable:
            status = 1
        elif found.unreachable:
            print(f"audit: {found.tool}: NOT AUDITED: {found.unreachable}")
            if required and status == 0:
                status = 2
        else:
            partly = f" ({len(found.unaudited)} not audited)" if found.unaudited else ""
            print(f"audit: {found.tool}: no known vulnerability{partly}")
    if status == 0 and any(f.unreachable for f in results):
        print("audit: the vulnerability database could not be reached from here: set")
        print("audit: AUDIT_REQUIRED=1 where it can, to fail when it cannot.")
    return status


def main() -> int:
    required = os.environ.get("AUDIT_REQUIRED") == "1"
    return verdict([audit_python(), audit_frontend()], required)


if __name__ == "__main__":
    sys.exit(main())
