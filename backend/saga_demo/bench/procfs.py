"""What Linux's /proc says of a process: its CPU time and resident memory (None once it has
gone, or without /proc)."""

import os
from pathlib import Path


def process_dir(pid: int) -> Path:
    return Path(f"/proc/{pid}")


def cpu_seconds(process: Path) -> float | None:
    """utime + stime of the process, in seconds."""
    try:
        fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(process: Path) -> float | None:
    try:
        status = (process / "status").read_text()
    except OSError:
        return None
    rss_kb = next(
        (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), None
    )
    return None if rss_kb is None else rss_kb * 1024.0


def title(process: Path) -> str:
    """The process's command line up to its first argument: a PostgreSQL process's title."""
    try:
        return (process / "cmdline").read_bytes().split(b"\0", 1)[0].decode(errors="replace")
    except OSError:
        return ""


def processes() -> list[Path]:
    """Every process's directory."""
    try:
        return [entry for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    except OSError:
        return []
