"""Load and abuse test of ``casegraph serve``, on loopback only, bounded in time and count.

Usage::

    python bench/serve_load.py [--clients 20] [--seconds 60] [--burst 50000] [--burst-clients 50]

Builds the seed article into a temporary store, serves it with :class:`graph.serve.SparqlServer`
on a free loopback port, then:

1. ``--clients`` concurrent clients send the bundled competency queries in turn for
   ``--seconds`` seconds;
2. a burst of ``--burst`` short requests (``ASK {}``) from ``--burst-clients`` clients;
3. a few abusive requests: a three-way cross product (must end with 503 at the time limit), a
   result past the size cap (507), a federated query (400), an update (403);
4. one more query, which must be answered.

Prints requests/s, latency percentiles (p50, p95, p99), answers by status, transport errors,
Oxigraph restarts and whether the server failed. Asserts nothing; exits 1 if the endpoint did
not answer at the end or the server failed.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from oxigraph_server import start_sparql_server

from graph.ontology import competency_queries
from graph.pipeline import build

ROOT = Path(__file__).resolve().parent.parent
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CROSS_ROWS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 1000000"


def run_clients(url: str, queries: list[str], clients: int, *, seconds=None, total=None):
    """Send queries from ``clients`` threads until ``seconds`` pass or ``total`` are sent."""
    latencies: list[float] = []
    statuses: collections.Counter[int | str] = collections.Counter()
    lock = threading.Lock()
    sent = 0
    deadline = time.monotonic() + seconds if seconds else None

    def take() -> int | None:
        nonlocal sent
        with lock:
            if total is not None and sent >= total:
                return None
            if deadline is not None and time.monotonic() > deadline:
                return None
            sent += 1
            return sent

    def client() -> None:
        with httpx.Client(timeout=60, trust_env=False) as http:
            while (n := take()) is not None:
                query = queries[n % len(queries)]
                start = time.monotonic()
                try:
                    reply = http.get(
                        url,
                        params={"query": query},
                        headers={"Accept": "application/sparql-results+json"},
                    )
                    status: int | str = reply.status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                elapsed = time.monotonic() - start
                with lock:
                    latencies.append(elapsed)
                    statuses[status] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - start, latencies, statuses


def report(name: str, elapsed: float, latencies: list[float], statuses) -> None:
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    print(
        f"{name}: {len(latencies)} requests in {elapsed:.1f} s = {len(latencies) / elapsed:.0f}/s; "
        f"p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms; "
        f"answers {dict(sorted(statuses.items(), key=str))}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--burst", type=int, default=50_000)
    parser.add_argument("--burst-clients", type=int, default=50)
    parser.add_argument("--timeout", type=int, default=10, help="the server's query time limit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casegraph-load-") as work:
        store = Path(work) / "store"
        build([ROOT / "seeds"], store)
        queries = [q.sparql for q in competency_queries()]
        with start_sparql_server(store, timeout=args.timeout, log=lambda line: None) as server:
            url = server.query_url
            print(f"serving on {server.url} ({server.threads} threads, {args.timeout} s limit)")
            report(
                "bundled queries", *run_clients(url, queries, args.clients, seconds=args.seconds)
            )
            burst = run_clients(url, ["ASK {}"], args.burst_clients, total=args.burst)
            report("burst of ASK {}", *burst)
            with httpx.Client(timeout=120, trust_env=False) as http:
                for name, query in (
                    ("cross product", CROSS),
                    ("past the size cap", CROSS_ROWS),
                    ("federated", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"),
                ):
                    reply = http.get(url, params={"query": query})
                    print(f"{name}: {reply.status_code} {reply.text.strip()[:100]}")
                update = http.post(server.url + "update", content=b"CLEAR ALL")
                print(f"update: {update.status_code} {update.text.strip()}")
                final = http.get(url, params={"query": "ASK {}"})
            answered = final.status_code == 200
            print(
                f"answering afterwards: {answered}; Oxigraph restarts: {server.restarts}; "
                f"server failed: {server.poll() is not None}"
            )
            return 0 if answered and server.poll() is None else 1


if __name__ == "__main__":
    raise SystemExit(main())
