"""N Playground processes behind Debian's nginx on this machine: the scale-out recipe of DEPLOY.md, run.

One Streamlit process runs every session's script thread under one GIL, so it is worth about one core of
Python; N replicas use N. A session's state lives in its replica's memory, so every request of a browser must
reach the same one: nginx sets a cookie (nnpg_replica, a random id) on the first answer and hashes it to pick
the replica (ip_hash would send a whole classroom behind one NAT, or every local test user, to one replica).
Websockets are upgraded and never time out while a session is open.

    python bench/replicas.py [--replicas 2] [--port 8080]   # serve until Ctrl-C
    python bench/replicas.py --print-config                 # the nginx config, for a real deployment

The benchmarks (bench_sessions.py) and the deployment tests (tests/e2e/test_replicas_e2e.py) start it too.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from conftest import free_port, start_server, stop_server  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
COOKIE = "nnpg_replica"


def nginx_config(replica_ports: list[int], listen: str, folder: str) -> str:
    """The proxy: sticky by cookie, websockets upgraded, temp files and logs in ``folder``."""
    servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in replica_ports)
    temps = "\n".join(f"  {kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                          "uwsgi", "scgi"))
    return f"""worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
{temps}
  # the replica this browser stays on: its cookie, or a new random id on its first request
  map $cookie_{COOKIE} $nnpg_replica {{ "" $request_id; default $cookie_{COOKIE}; }}
  map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
  upstream playground {{
    hash $nnpg_replica consistent;
{servers}
  }}
  server {{
    listen {listen};
    location / {{
      proxy_pass http://playground;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_read_timeout 1d;
      proxy_send_timeout 1d;
      proxy_buffering off;
      add_header Set-Cookie "{COOKIE}=$nnpg_replica; Path=/; HttpOnly; SameSite=Lax" always;
    }}
  }}
}}
"""


class Deployment:
    """``replicas`` Streamlit processes on free ports and nginx in front on ``port`` (a free one if None)."""

    def __init__(self, replicas: int = 2, port: int | None = None):
        if not 1 <= replicas <= 8:
            raise ValueError(f"replicas must be 1 to 8, received {replicas}")
        self.replicas, self.port = replicas, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.servers: list[subprocess.Popen | None] = []
        self.folder = tempfile.mkdtemp(prefix="nnpg-nginx-")
        self.nginx: subprocess.Popen | None = None

    def start(self) -> Deployment:
        self.ports = [free_port() for _ in range(self.replicas)]
        self.servers = [start_server(port) for port in self.ports]
        config = Path(self.folder) / "nginx.conf"
        config.write_text(nginx_config(self.ports, f"127.0.0.1:{self.port}", self.folder))
        self.nginx = subprocess.Popen([NGINX, "-p", self.folder, "-c", str(config), "-g", "daemon off;"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_for_proxy()
        return self

    def _wait_for_proxy(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.nginx.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.nginx.stderr.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("nginx did not answer in time")

    def pids(self) -> list[int]:
        """The live replicas' and nginx's processes (for CPU and memory)."""
        pids = [s.pid for s in self.servers if s is not None and s.poll() is None]
        if self.nginx is not None:
            workers = Path(f"/proc/{self.nginx.pid}/task/{self.nginx.pid}/children")
            pids += [self.nginx.pid, *map(int, workers.read_text().split())] if workers.exists() else []
        return pids

    def kill(self, index: int) -> None:
        """Kill replica ``index`` outright, as a crash would."""
        server = self.servers[index]
        if server is not None:
            server.kill()
            server.wait(timeout=10)

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.terminate()
            self.nginx.wait(timeout=10)
        for server in self.servers:
            if server is not None and server.poll() is None:
                stop_server(server)
        shutil.rmtree(self.folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--print-config", action="store_true", help="print the nginx config and exit")
    args = parser.parse_args()
    if args.print_config:
        print(nginx_config([8501 + i for i in range(args.replicas)], "80", "/var/lib/nginx"))
        return
    deployment = Deployment(args.replicas, args.port).start()
    print(f"{args.replicas} replicas on ports {deployment.ports}, nginx on {deployment.url} (Ctrl-C stops)")
    try:
        while all(s.poll() is None for s in deployment.servers):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        deployment.stop()


if __name__ == "__main__":
    main()
