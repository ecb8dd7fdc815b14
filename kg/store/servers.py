"""Start and stop local SPARQL servers (Oxigraph, Virtuoso) on free ports: for tests and benchmarks.

    with OxigraphServer(location=tmp / "db") as server:
        server.query_url, server.update_url, server.store_url

Readiness is awaited by polling the port in a bounded loop; the process is stopped on exit.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

from kg.errors import EndpointError

VIRTUOSO_INI = Path("/usr/share/virtuoso-opensource-7/virtuoso.ini")
# Virtuoso's default cap: an answer longer than this is cut without any notice to the client.
VIRTUOSO_RESULT_SET_MAX_ROWS = 10000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_for_port(process: subprocess.Popen[bytes], port: int, timeout: float, what: str) -> None:
    """Return once the port accepts connections; fail if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(port):
            return
        try:
            # Waiting on the process doubles as the pause between polls and notices an early exit.
            code = process.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        raise EndpointError(f"{what} exited with status {code} before listening on port {port}")
    raise EndpointError(f"{what} did not listen on port {port} within {timeout:.0f} s")


def oxigraph_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "oxigraph"
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("oxigraph")


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


class _Server:
    process: subprocess.Popen[bytes] | None = None
    log_path: Path

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        except OSError:
            return ""

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


class OxigraphServer(_Server):
    """`oxigraph serve` (read-write: /query, /update, /store) or `serve-read-only` (/query only)."""

    def __init__(self, location: Path | None = None, *, read_only: bool = False, port: int | None = None,
                 union_default_graph: bool = True, timeout_s: int | None = None) -> None:
        self.location = location
        self.read_only = read_only
        self.port = port or free_port()
        self.union_default_graph = union_default_graph
        self.timeout_s = timeout_s
        self.base_url = f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base_url}/store"

    def start(self, startup_timeout: float = 30) -> OxigraphServer:
        binary = oxigraph_binary()
        if binary is None:
            raise EndpointError("the oxigraph server is not installed (pip install oxigraph)")
        command = [binary, "serve-read-only" if self.read_only else "serve",
                   "--bind", f"127.0.0.1:{self.port}"]
        if self.location is not None:
            command += ["--location", str(self.location)]
        if self.union_default_graph:
            command.append("--union-default-graph")
        if self.timeout_s is not None:
            command += ["--timeout-s", str(self.timeout_s)]
        self.log_path = Path(tempfile.mkstemp(prefix="oxigraph-", suffix=".log")[1])
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.process, self.port, startup_timeout, "oxigraph server")
        except EndpointError as exc:
            self.stop()
            raise EndpointError(f"{exc}\n{self.log()}") from exc
        return self

    def __enter__(self) -> OxigraphServer:
        return self.start()


class VirtuosoServer(_Server):
    """Debian's Virtuoso with a private ini and database in `directory`, ports bound to 127.0.0.1.

    SPARQL (query and update) at /sparql, Graph Store Protocol at /sparql-graph-crud; the anonymous
    SPARQL user is granted update rights so that tests can push.
    """

    def __init__(self, directory: Path, *, http_port: int | None = None, sql_port: int | None = None) -> None:
        self.directory = directory
        self.http_port = http_port or free_port()
        self.sql_port = sql_port or free_port()
        self.base_url = f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/sparql"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/sparql"

    @property
    def store_url(self) -> str:
        return f"{self.base_url}/sparql-graph-crud"

    def write_ini(self) -> Path:
        db = self.directory
        db.mkdir(parents=True, exist_ok=True)
        replacements = {
            "DatabaseFile": None, "ErrorLogFile": db / "virtuoso.log", "LockFile": db / "virtuoso.lck",
            "TransactionFile": None, "xa_persistent_file": db / "virtuoso.pxa",
        }
        lines: list[str] = []
        section = ""
        for raw in VIRTUOSO_INI.read_text(encoding="utf-8", errors="replace").splitlines():
            line = raw.strip()
            if line.startswith("["):
                section = line.strip("[]")
            key = line.split("=", 1)[0].strip() if "=" in line and not line.startswith(";") else ""
            temp = section == "TempDatabase"
            value: object = None
            if key == "DatabaseFile":
                value = db / ("virtuoso-temp.db" if temp else "virtuoso.db")
            elif key == "TransactionFile":
                value = db / ("virtuoso-temp.trx" if temp else "virtuoso.trx")
            elif key in replacements:
                value = replacements[key]
            elif key == "ServerPort":
                value = f"127.0.0.1:{self.http_port if section == 'HTTPServer' else self.sql_port}"
            elif key == "ServerRoot":
                value = db / "vsp"
            elif key == "DefaultHost":
                value = f"127.0.0.1:{self.http_port}"
            lines.append(f"{key} = {value}" if value is not None else raw)
        (db / "vsp").mkdir(exist_ok=True)
        ini = db / "virtuoso.ini"
        ini.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return ini

    def start(self, startup_timeout: float = 90) -> VirtuosoServer:
        binary = virtuoso_binary()
        if binary is None or not VIRTUOSO_INI.is_file():
            raise EndpointError("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")
        ini = self.write_ini()
        self.log_path = self.directory / "stdout.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen([binary, "+configfile", str(ini), "+foreground"],
                                            cwd=self.directory, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(self.process, self.http_port, startup_timeout, "virtuoso")
            self.sql("GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);")
        except EndpointError as exc:
            self.stop()
            raise EndpointError(f"{exc}\n{self.log()}") from exc
        return self

    def sql(self, statements: str) -> str:
        isql = shutil.which("isql-vt") or shutil.which("isql")
        if isql is None:
            raise EndpointError("isql-vt not found beside virtuoso-t")
        done = subprocess.run([isql, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
                              capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            raise EndpointError(f"isql failed: {done.stdout}{done.stderr}")
        return done.stdout

    def __enter__(self) -> VirtuosoServer:
        return self.start()
