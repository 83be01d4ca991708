"""One `domainguard run` process of the round, as e2e_start (tests/e2e/lib.sh) starts it, with leader election on
a Lease of the round's namespace. Two of them run at once: the leader and a standby."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request

import bed

# libfaketime (Debian package faketime): the controller's wall clock follows an offset file the clock-step fault
# rewrites; CLOCK_MONOTONIC stays real, as on a host whose NTP steps the clock. No flag of domainguard involved.
FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Controller:
    def __init__(self, binary: str, ns: str, slot: str, logdir: str):
        self.binary = binary
        self.ns = ns
        self.slot = slot
        self.logdir = logdir
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self.identity = ""
        self.metrics_port = 0
        self.probe_port = 0
        self.rss_samples: list[int] = []
        self.held_down = False  # a fault killed it and restarts it itself; the supervisor leaves it alone
        self.lock = threading.RLock()  # start/kill against the supervisor's look at the process
        self.exits: list[int] = []  # exit codes seen by the supervisor (1: lost the Lease, by design)

    def clock_file(self) -> str:
        return os.path.join(self.logdir, f"clock-{self.slot}.txt")

    def step_clock(self, offset: str) -> None:
        """Sets the wall-clock offset ("+3600", "-90", "+0") the running process sees within a second."""
        tmp = self.clock_file() + ".tmp"
        with open(tmp, "w") as f:
            f.write(offset + "\n")
        os.replace(tmp, self.clock_file())

    def log_path(self) -> str:
        return os.path.join(self.logdir, f"controller-{self.slot}.log")

    def start(self) -> None:
        with self.lock:
            self._start()
            self.held_down = False  # only now: the supervisor must never see the old, killed process as ours

    def _start(self) -> None:
        if self.proc and self.proc.poll() is None:
            return
        self.starts += 1
        self.identity = f"chaos-{self.slot}-{self.starts}"
        self.metrics_port, self.probe_port = free_port(), free_port()
        whois = bed.env("DG_WHOIS_ADDR")
        args = [self.binary, "run", f"--kubeconfig={bed.env('KUBECONFIG')}", f"--namespace={self.ns}",
                f"--leader-election-namespace={self.ns}", f"--leader-election-identity={self.identity}",
                "--lease-duration=8s", "--renew-deadline=5s", "--retry-period=1s",
                f"--metrics-bind-address=127.0.0.1:{self.metrics_port}",
                f"--health-probe-bind-address=127.0.0.1:{self.probe_port}",
                f"--root-hints={bed.env('DG_ROOT_HINTS')}", f"--rdap-bootstrap={bed.env('DG_RDAP_BOOTSTRAP')}",
                f"--rdap-bootstrap-url={bed.env('DG_RDAP_URL')}bootstrap.json",
                f"--whois-servers=test={whois},sm={whois},net={whois}", "--drift-poll-interval=2s"]
        env = dict(os.environ)
        # A sanitizer report must not look like exit 1 (how the controller leaves when it lost the Lease).
        env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "exitcode=66"]))
        supp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ubsan_suppressions.txt")
        env["UBSAN_OPTIONS"] = ":".join(filter(None, [env.get("UBSAN_OPTIONS"), "print_stacktrace=1", "exitcode=67",
                                                      f"suppressions={supp}"]))
        if os.path.exists(FAKETIME_LIB):
            self.step_clock("+0")
            env.update(LD_PRELOAD=FAKETIME_LIB, FAKETIME_TIMESTAMP_FILE=self.clock_file(), FAKETIME_CACHE_DURATION="1",
                       FAKETIME_DONT_FAKE_MONOTONIC="1")
            # a sanitizer build (build-asan) would refuse a preloaded library ahead of its runtime
            env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "verify_asan_link_order=0"]))
        with open(self.log_path(), "a") as log:
            log.write(f"==> chaos: start {self.identity}\n")
            log.flush()
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True, env=env)

    def pid(self) -> int | None:
        return self.proc.pid if self.proc and self.proc.poll() is None else None

    def alive(self) -> bool:
        return self.pid() is not None

    def exit_code(self) -> int | None:
        return self.proc.poll() if self.proc else None

    def kill9(self) -> None:
        with self.lock:
            self.held_down = True
            if self.alive():
                self.proc.send_signal(signal.SIGKILL)
                self.proc.wait(10)

    def stop(self) -> int | None:
        """SIGTERM and wait (graceful shutdown); returns the exit code."""
        if not self.alive():
            return self.exit_code()
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(45)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            return None

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.probe_port}/healthz", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def metrics(self) -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5) as r:
                return r.read().decode(errors="replace")
        except OSError:
            return ""

    def sample_rss(self) -> None:
        pid = self.pid()
        if pid:
            from checks import rss_kb
            self.rss_samples.append(rss_kb(pid))

    def wait_started(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not self.ready():
            if not self.alive():
                raise RuntimeError(f"controller {self.identity} exited {self.exit_code()} at start "
                                   f"(log {self.log_path()})")
            if time.monotonic() > deadline:
                raise RuntimeError(f"controller {self.identity} not healthy within {seconds:.0f}s")
            time.sleep(0.3)
