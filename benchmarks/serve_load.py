"""Load benchmark of ``drugfree serve``: the real server on 127.0.0.1, concurrent clients.

Run ``python benchmarks/serve_load.py`` (about two minutes on 2 cores). It makes the
national synthetic dataset once (``benchmarks/out/national``: 3,321 units, ~400,000
people, ~4 million tests, Parquet), starts ``drugfree serve`` on a free loopback port in a
separate process, waits for ``/health``, warms the caches with one request of each kind,
then for each scenario runs ``--clients`` concurrent clients (default 50) for
``--seconds`` (default 20) against it:

- ``explain``: ``GET /v1/units/{code}/explanation`` of a random commune-level unit, with a
  national token;
- ``province``: ``GET /v1/evaluations?province=P`` (first page of 100 units) of a random
  province, with a national token.

It prints p50/p95/p99 latency, throughput and errors per scenario (errors must be 0; the
script exits 1 otherwise), and the server's peak resident memory (``VmHWM``). Every
request goes to 127.0.0.1 only; both loops stop by themselves. ``--json`` writes the
figures to a file too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx

HERE = Path(__file__).resolve().parent
DATA = HERE / "out" / "national"
DATE = "2025-10-01"
SCHEME = "mps-recognition-2024"


def ensure_data() -> Path:
    if not (DATA / "subjects.parquet").exists():
        print("generating the national synthetic dataset …", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "drugfree_core.cli", "synth", "--preset", "national",
             "--format", "parquet", "--out", str(DATA)],
            check=True,
        )  # fmt: skip
    return DATA


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def drive(
    base: str,
    token: str,
    paths: list[str],
    clients: int,
    seconds: float,
) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=120) as c:

        async def worker(seed: int) -> None:
            rng = random.Random(seed)
            while time.perf_counter() < deadline:
                path = rng.choice(paths)
                started = time.perf_counter()
                try:
                    response = await c.get(path)
                    status = response.status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__  # type: ignore[assignment]
                latencies.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    errors[str(status)] = errors.get(str(status), 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "throughput_per_s": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "mean_ms": statistics.fmean(latencies),
        "seconds": elapsed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--data", type=Path, default=None, help="dataset (default: national)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    data = args.data or ensure_data()

    import drugfree_core as dfc
    from drugfree_core.adminmap import official_map
    from drugfree_core.service import mint_token

    dataset = dfc.load(data)
    units = dataset.units if dataset.units.height else official_map().units
    provinces = units.filter(units["kind"] == "province")
    provinces = provinces.filter(provinces["valid_to"].is_null())["code"].to_list()
    communes = units.filter(
        units["kind"].cast(str).is_in(["commune", "ward", "special_zone"])
        & units["valid_to"].is_null()
    )["code"].to_list()
    del dataset

    with tempfile.TemporaryDirectory(prefix="drugfree-load-") as tmp:
        secret, entry = mint_token("bench", "national", ["aggregates", "explain"])
        (Path(tmp) / "tokens.toml").write_text(entry, encoding="utf-8")
        port = free_port()
        env = {**os.environ, "DRUGFREE_DISABLE_PLUGIN_AUTOLOAD": "1"}
        server = subprocess.Popen(
            [sys.executable, "-m", "drugfree_core.cli", "serve", str(data),
             "--tokens", str(Path(tmp) / "tokens.toml"),
             "--audit-log", str(Path(tmp) / "audit.jsonl"),
             "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            started = time.perf_counter()
            while True:
                if server.poll() is not None:
                    print("the server stopped before it answered", file=sys.stderr)
                    return 1
                try:
                    if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.perf_counter() - started > 300:
                    print("the server did not answer within 300 s", file=sys.stderr)
                    return 1
                time.sleep(0.5)
            ready = time.perf_counter() - started
            explain_paths = [f"/v1/units/{c}/explanation?date={DATE}" for c in communes]
            province_paths = [
                f"/v1/evaluations?scheme={SCHEME}&date={DATE}&province={p}&page_size=100"
                for p in provinces
            ]
            headers = {"Authorization": f"Bearer {secret}"}
            warm: dict[str, float] = {}
            for name, path in (("explain", explain_paths[0]), ("province", province_paths[0])):
                t0 = time.perf_counter()
                response = httpx.get(base + path, headers=headers, timeout=300)
                response.raise_for_status()
                warm[name] = (time.perf_counter() - t0) * 1000
            results = {
                "explain": asyncio.run(
                    drive(base, secret, explain_paths, args.clients, args.seconds)
                ),
                "province": asyncio.run(
                    drive(base, secret, province_paths, args.clients, args.seconds)
                ),
            }
            figures = {
                "clients": args.clients,
                "seconds_per_scenario": args.seconds,
                "server_ready_s": ready,
                "first_request_ms": warm,
                "scenarios": results,
                "server_peak_rss_mib": peak_rss_mib(server.pid),
            }
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()

    print(f"server ready after {figures['server_ready_s']:.1f} s (load + fingerprint + map)")
    print("first request (evaluation computed and cached): "
          + ", ".join(f"{k} {v:.0f} ms" for k, v in warm.items()))  # fmt: skip
    print(f"{args.clients} concurrent clients, {args.seconds:g} s per scenario")
    for name, r in results.items():
        print(
            f"  {name:8s} {r['requests']:6d} requests  {r['throughput_per_s']:7.1f}/s  "
            f"p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms  "
            f"errors {r['errors']}"
        )
    print(f"server peak RSS: {figures['server_peak_rss_mib']:.0f} MiB")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 1 if any(r["errors"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
