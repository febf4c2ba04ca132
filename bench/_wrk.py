"""Driving HTTP benchmarks with wrk (Debian package): a C load generator, so on a two-core machine
the server gets the CPU a Python client would have taken. Each benchmark hands over a list of
requests; wrk's threads take them in turn (thread t sends items t, t+T, t+2T, …), so a list
longer than the run sends each item once and a shorter one wraps round, as retries.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

THREADS = 2

SCRIPT = r"""
local created = {}
local data = os.getenv("BENCH_WRK_DATA")
local threads = tonumber(os.getenv("BENCH_WRK_THREADS"))
local once = os.getenv("BENCH_WRK_ONCE")
function setup(thread) thread:set("tid", #created); table.insert(created, thread) end
local function decoded(text)
  return (text:gsub("%%(%x%x)", function(hex) return string.char(tonumber(hex, 16)) end))
end
local function load(path)
  local loaded = {}
  for line in io.lines(path) do
    local method, target, body, raw = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
    local headers = {}
    for header in decoded(raw):gmatch("[^\n]+") do
      local name, value = header:match("^([^:]+): (.*)$")
      headers[name] = value
    end
    table.insert(loaded, {decoded(method), decoded(target), decoded(body), headers})
  end
  return loaded
end
function init(args) items = load(data); k = 0; share = math.ceil((#items - tid) / threads) end
function request()
  if once and k >= share then
    k = k + 1
    return wrk.format("GET", once)  -- the list is done: a light request until the thread stops
  end
  local item = items[(tid + k * threads) % #items + 1]
  k = k + 1
  return wrk.format(item[1], item[2], item[4], item[3])
end
function response(status, headers, body)
  if once and k >= share then wrk.thread:stop() end
end
function done(summary, latency, requests)
  for _, t in ipairs(created) do io.write(string.format("THREAD %d %d\n", t:get("tid"), t:get("k"))) end
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, #created))
end
"""


class WrkMissing(Exception):
    pass


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: str = ""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    #: Non-2xx/3xx answers, and socket errors (connect, read, write, timeout).
    bad_status: int
    socket_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    #: How many items each wrk thread built (thread t took items t, t+T, …).
    built: tuple[int, ...]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def items_sent(self, count: int, connections: int) -> set[int]:
        """The items certainly sent: each thread's built ones but the last few in flight."""
        in_flight = max(1, connections // len(self.built))
        return {
            (thread + j * len(self.built)) % count
            for thread, built in enumerate(self.built)
            for j in range(max(0, built - in_flight))
        }


def _escaped(text: str) -> str:
    """A field of the items file: %, tab and line breaks written as %XX (the script decodes them)."""
    return text.replace("%", "%25").replace("\t", "%09").replace("\n", "%0A").replace("\r", "%0D")


def _write_items(items: list[Request], path: Path) -> None:
    """One line per request: method, path, body and headers ("name: value" separated by %0A),
    tab-separated — read line by line (a Lua table literal of 40,000 requests is too big to load)."""
    with path.open("w", encoding="utf-8") as out:
        for item in items:
            headers = "\n".join(f"{name}: {value}" for name, value in item.headers)
            fields = (item.method, item.path, item.body, headers)
            out.write("\t".join(_escaped(field) for field in fields) + "\n")


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise WrkMissing("wrk is not installed (apt-get install wrk)")
    return found


def run(
    base: str, items: list[Request], *, seconds: float, connections: int = 8, once_then: str | None = None
) -> WrkResult:
    """wrk against `base` for `seconds` with `connections`, taking `items` in turn. `once_then`:
    send the list once, then the light path given (a few, while each thread stops) — for a
    burst measured as it happens rather than a rate sustained for `seconds`."""
    wrk = require_wrk()
    with tempfile.TemporaryDirectory() as folder:
        data, script = Path(folder) / "items.tsv", Path(folder) / "script.lua"
        _write_items(items, data)
        script.write_text(SCRIPT)
        done = subprocess.run(
            [
                wrk,
                f"-t{THREADS}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                base,
            ],
            env={
                "BENCH_WRK_DATA": str(data),
                "BENCH_WRK_THREADS": str(THREADS),
                "PATH": "/usr/bin:/bin",
                **({"BENCH_WRK_ONCE": once_then} if once_then else {}),
            },
            capture_output=True,
            text=True,
        )
    if done.returncode:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-800:]} {done.stdout[-300:]}")
    built = []
    numbers: list[int] = []
    for line in done.stdout.splitlines():
        if line.startswith("THREAD "):
            built.append(int(line.split()[2]))
        elif line.startswith("BENCH "):
            numbers = [int(x) for x in line.split()[1:]]
    if not numbers:
        raise RuntimeError(f"wrk printed no summary: {done.stdout[-500:]} {done.stderr[-500:]}")
    requests, duration_us, status, sockets, p50, p90, p99, worst, _threads = numbers
    return WrkResult(
        requests=requests,
        seconds=duration_us / 1e6,
        bad_status=status,
        socket_errors=sockets,
        p50_ms=p50 / 1000,
        p90_ms=p90 / 1000,
        p99_ms=p99 / 1000,
        max_ms=worst / 1000,
        built=tuple(built),
    )
