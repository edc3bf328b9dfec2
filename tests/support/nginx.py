"""The shipped nginx config (deploy/nginx.conf) run by a real nginx, as an ordinary process on a
free port, in front of servers on this machine.

The prefix it runs in (`-p`) is laid out as:

    PREFIX/conf/nginx.conf            deploy/nginx.conf, copied as it is
    PREFIX/conf/nginx-upstreams.conf  `server 127.0.0.1:PORT;` for each upstream
    PREFIX/conf/nginx-listen.conf     `listen 127.0.0.1:PORT;`
    PREFIX/nginx.log                  its standard output (access log) and error (error log)

and nginx writes its pid file and temporary files there too. Without nginx these tests skip,
unless REQUIRE_POSTGRES=1 (as in CI, where nginx is installed for the scale-out tests)."""

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from tests.support.server import free_port
from tests.support.waiting import wait_until

NGINX = Path(os.environ.get("SAGA_TEST_NGINX", "/usr/sbin/nginx"))
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
MAIN_CONFIG = DEPLOY / "nginx.conf"
UPSTREAMS = "nginx-upstreams.conf"
LISTEN = "nginx-listen.conf"


def nginx_available() -> bool:
    return NGINX.is_file() and os.access(NGINX, os.X_OK)


def _globals() -> str:
    """What `-g` adds to the main config: in the foreground; as root, workers as root too
    (nginx's default user, nobody, could not enter the test's private temporary folders)."""
    return "daemon off;" + (" user root;" if os.geteuid() == 0 else "")


@dataclass
class NginxProcess:
    """nginx over `upstreams` (`127.0.0.1:PORT` each), in its own prefix under `folder`."""

    folder: Path
    upstreams: list[str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def conf(self) -> Path:
        return self.folder / "conf"

    @property
    def log_path(self) -> Path:
        return self.folder / "nginx.log"

    def lay_out(self) -> None:
        """The prefix: the shipped main config, and the two files it includes written here."""
        self.conf.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MAIN_CONFIG, self.conf / "nginx.conf")
        servers = "".join(f"server {address};\n" for address in self.upstreams)
        (self.conf / UPSTREAMS).write_text(servers)
        (self.conf / LISTEN).write_text(f"listen 127.0.0.1:{self.port};\n")

    def command(self, *arguments: str) -> list[str]:
        return [
            str(NGINX),
            "-p",
            f"{self.folder}/",
            "-c",
            str(self.conf / "nginx.conf"),
            "-e",
            "stderr",
            "-g",
            _globals(),
            *arguments,
        ]

    def test_config(self) -> subprocess.CompletedProcess[str]:
        """`nginx -t` on the laid-out prefix."""
        self.lay_out()
        return subprocess.run(
            self.command("-t"), capture_output=True, text=True, timeout=30, check=False
        )

    def start(self) -> None:
        self.lay_out()
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command(), stdout=self._log, stderr=subprocess.STDOUT, cwd=self.folder
        )
        wait_until(self._healthy, timeout=30, what=f"nginx on {self.url}")

    def _healthy(self) -> bool | None:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"nginx exited with {self.process.returncode}: {self.log_tail()}")
        try:
            return httpx.get(f"{self.url}/nginx-health", timeout=1).status_code == 200 or None
        except httpx.HTTPError:
            return None

    def stop(self) -> int:
        """SIGTERM (nginx's fast shutdown: open connections closed), and its exit code."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None
        return code

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
