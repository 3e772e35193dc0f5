"""Load benchmark: `tpm-bot serve` against a bare Bolt app, on loopback only (run by hand).

    python bench/load.py                 # N=2000 mentions at concurrency C=50, with and without throttling
    python bench/load.py -n 500 -c 20    # smaller

For each server, and for each of two fake Slack APIs (one healthy, one answering 1 in 8 first
posts with 429 and `Retry-After: 1`), it sends N correctly signed `app_mention` events from C
concurrent connections and prints, side by side: acknowledgements per second, ack latency p50 and
p99, replies delivered, lost and duplicated, non-200 responses, errors in the server's log, and
peak RSS and CPU time per event (server processes summed, start-up excluded); then tpm-bot / bare ratios. Every run is bounded: it stops
waiting for replies after --settle seconds without progress.

Both servers run the same waitress settings and the same Web API client (see bench/bare_app.py).
The fake API is tests/fake_slack.py in its own process, so it does not share a GIL with either.
By default the OS places all three programs on the machine's cores, as the issue's set-up
describes. With --pin (two or more cores) the server under test gets core 0 to itself and the
load generator and fake API share the others: that isolates the server's own cost per request
(in production Slack is not on the bot's machine), and it is the harsher comparison, because the
bare app's server work is so small.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
QUESTIONS = [
    "what does a technical product manager do?",
    "how much does a tpm earn in india",
    "tpm vs pm — what is the difference?",
    "how do i become a tpm without a cs degree",
    "what skills does a senior tpm need",
    "is a tpm more technical than a product manager?",
    "what is the career path after director of product",
    "who is the best pizza chef in town?",
]
#: The questions above that the guide does not cover.
OFF_TOPIC = {"who is the best pizza chef in town?"}


def varied_questions() -> list[str]:
    """Every in-domain question of the development sets (about 430, each asked once before
    the list comes round again): the matcher reads nearly every event afresh, where the eight
    above are soon remembered word for word."""
    import yaml

    questions: list[str] = []
    for path in sorted((ROOT / "tests" / "data").glob("dev_questions*.yaml")):
        for asked in yaml.safe_load(path.read_text())["in_domain"].values():
            questions.extend(asked)
    return questions


class Result(NamedTuple):
    acks_per_second: float
    p50_ms: float
    p99_ms: float
    delivered: int
    lost: int
    duplicated: int
    non_200: int
    log_errors: int
    peak_rss_mb: float
    cpu_ms_per_event: float


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: Cores for the server under test, and for everything else (empty: let the OS decide).
SERVER_CORES: set[int] = set()
OTHER_CORES: set[int] = set()


def pin(cores: set[int]) -> None:
    if cores:
        os.sched_setaffinity(0, cores)


def start_fake_api(throttle_every: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "fake_slack.py"),
            "--throttle-every",
            str(throttle_every),
        ],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: pin(OTHER_CORES),
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


#: DATABASE_URL for tpm-bot's store (--database); the bare app has none.
DATABASE: dict[str, str] = {}


def bench_database(kind: str) -> tuple[str, object]:
    """(DATABASE_URL, cleanup) of a new database of `kind` for one benchmark run."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="tpm-bench-")
        return f"sqlite:///{folder}/bench.db", lambda: None
    import uuid

    from sqlalchemy import create_engine, text

    server = os.environ.get("TPM_BOT_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
    admin = create_engine(
        server.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    name = f"tpm_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return f"{server.rsplit('/', 1)[0]}/{name}", drop


def start_server(command: list[str], api_url: str, log_path: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        **DATABASE,
        "PORT": str(port),
        "SLACK_BOT_TOKEN": "xoxb-bench-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": f"{api_url}/api/",
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": str(ROOT),
    }
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: pin(SERVER_CORES),
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"server {command} did not start; see {log_path}")


#: Unmentioned follow-ups, each answerable, sent into threads the bot answered earlier.
FOLLOW_UPS = ["and how do I become one?", "what does a senior one do?", "how much do they earn?"]
#: A follow-up goes into the thread of a mention this many events before it (sent, with the
#: other follow-ups, after every mention has been answered).
FOLLOW_UP_LAG = 200


def follow_up_thread(index: int, every: int) -> int | None:
    """The mention whose thread event `index` follows up in, or None if it is a mention."""
    if every and index >= FOLLOW_UP_LAG and index % every == every - 1:
        target = index - FOLLOW_UP_LAG
        # Follow up on a mention, not on a follow-up, and on one the guide answered: after
        # "the guide doesn't cover that", an elliptical follow-up is chatter the bot leaves be.
        while target % every == every - 1 or QUESTIONS[target % len(QUESTIONS)] in OFF_TOPIC:
            target -= 1
        return target
    return None


def expected_replies(total: int, run: str, every: int) -> Counter[str]:
    """Replies each thread should get: one per mention, plus one per follow-up in it."""
    expected: Counter[str] = Counter()
    for index in range(total):
        thread = follow_up_thread(index, every)
        expected[f"{index if thread is None else thread}.{run}"] += 1
    return expected


def signed_mention(index: int, run: str, every: int = 0) -> tuple[bytes, dict[str, str]]:
    thread = follow_up_thread(index, every)
    if thread is None:
        event = {
            "type": "app_mention",
            "user": "U1",
            "channel": "C1",
            "text": f"<@UBOT> {QUESTIONS[index % len(QUESTIONS)]}",
            "ts": f"{index}.{run}",
        }
    else:
        event = {
            "type": "message",
            "channel_type": "channel",
            "user": "U2",
            "channel": "C1",
            "text": FOLLOW_UPS[index % len(FOLLOW_UPS)],
            "ts": f"{index}.{run}",
            "thread_ts": f"{thread}.{run}",
        }
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event_id": f"Ev{run}{index}",
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
        }
    )
    timestamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256)
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest.hexdigest()}",
    }
    return body.encode(), headers


#: Seconds between passes: longer than a throttled reply's Retry-After (1 s).
PAUSE_SECONDS = 2.0
#: With --retries, every this many events is delivered again, as Slack's retry, to another
#: instance than the first delivery.
RETRY_EVERY = 10


def send_all(
    ports: list[int],
    total: int,
    concurrency: int,
    run: str,
    every: int = 0,
    retries: bool = False,
    answered: Callable[[], object] | None = None,
) -> tuple[list[float], int, float]:
    """Send `total` events from `concurrency` keep-alive connections, spread over the instances'
    `ports`; with `retries`, some events again to another instance. Latencies in ms.
    `answered` waits until the mentions have been answered, before their follow-ups."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    next_index = iter(range(total))

    def worker(number: int) -> None:
        nonlocal failures
        connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for port in ports]
        home = number % len(ports)

        def post(which: int, body: bytes, headers: dict[str, str]) -> None:
            nonlocal failures
            started = time.perf_counter()
            try:
                connections[which].request("POST", "/slack/events", body, headers)
                response = connections[which].getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connections[which].close()
                connections[which] = http.client.HTTPConnection(
                    "127.0.0.1", ports[which], timeout=30
                )
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                failures += status != 200

        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                break
            if index >= total:  # a retry, sent as Slack does: later, to another instance
                body, headers = signed_mention(index - total, run, every)
                retry = {
                    **headers,
                    "X-Slack-Retry-Num": "1",
                    "X-Slack-Retry-Reason": "http_timeout",
                }
                post((home + 1) % len(ports), body, retry)
                continue
            body, headers = signed_mention(index, run, every)
            post(home, body, headers)
        for connection in connections:
            connection.close()

    def run_workers() -> None:
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    # Follow-ups go after the mentions they follow, once those have been answered (a person
    # replies to an answer they have read: acknowledgements run ahead of answers under this
    # flood), and retries seconds after their first delivery, as Slack sends them; the pauses
    # and waits between passes are not counted as sending time.
    passes = [
        [i for i in range(total) if follow_up_thread(i, every) is None],
        [i for i in range(total) if follow_up_thread(i, every) is not None],
        list(range(total, 2 * total, RETRY_EVERY)) if retries else [],
    ]
    sending = 0.0
    for number, indices in enumerate(p for p in passes if p):
        if number:
            time.sleep(PAUSE_SECONDS)
            if number == 1 and every and answered is not None:
                answered()
        next_index = iter(indices)
        started = time.perf_counter()
        run_workers()
        sending += time.perf_counter() - started
    return latencies, failures, sending


def api_stats(api_url: str) -> dict:
    with urllib.request.urlopen(f"{api_url}/stats", timeout=10) as response:
        return json.loads(response.read())


def wait_for_replies(api_url: str, expected: Counter[str], settle: float) -> dict:
    """Poll until every reply arrived, or nothing new arrived for `settle` seconds."""
    last_count, last_change = -1, time.monotonic()
    total = sum(expected.values())
    while True:
        stats = api_stats(api_url)
        count = sum(stats["delivered"].values())
        if count >= total and len(stats["delivered"]) >= len(expected):
            time.sleep(0.5)  # a late duplicate would show up now
            return api_stats(api_url)
        if count != last_count:
            last_count, last_change = count, time.monotonic()
        elif time.monotonic() - last_change > settle:
            return stats
        time.sleep(0.2)


def peak_rss_mb(pid: int, field: str = "VmHWM") -> float:
    """Peak resident memory of a process and its children, summed (`field="VmRSS"`: now)."""
    total_kb = 0
    for each in process_tree(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith(f"{field}:"):
                    total_kb += int(line.split()[1])
        except OSError:
            pass
    return total_kb / 1024


def process_tree(pid: int) -> list[int]:
    """A process and its children (the answering process of `tpm-bot serve`)."""
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
            pids.extend(int(c) for c in children)
    except OSError:
        pass
    return pids


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a live process and its children have used so far."""
    total = 0.0
    for each in process_tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run_one(
    command: list[str],
    total: int,
    concurrency: int,
    throttle: int,
    settle: float,
    run: str,
    every: int = 0,
    instances: int = 1,
    retries: bool = False,
) -> Result:
    api, api_url = start_fake_api(throttle)
    log_paths = []
    for _ in range(instances):
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as log:
            log_paths.append(log.name)
    servers: list[tuple[subprocess.Popen, int]] = []
    try:
        servers = [start_server(command, api_url, path) for path in log_paths]
        ports = [port for _, port in servers]
        cpu_at_start = sum(cpu_seconds(server.pid) for server, _ in servers)
        mentions = Counter(f"{i}.{run}" for i in range(total) if follow_up_thread(i, every) is None)
        latencies, non_200, elapsed = send_all(
            ports,
            total,
            concurrency,
            run,
            every,
            retries,
            answered=lambda: wait_for_replies(api_url, mentions, settle),
        )
        expected = expected_replies(total, run, every)
        stats = wait_for_replies(api_url, expected, settle)
        rss = sum(peak_rss_mb(server.pid) for server, _ in servers)
        cpu = sum(cpu_seconds(server.pid) for server, _ in servers) - cpu_at_start
    finally:
        for server, _ in servers:
            server.terminate()
            server.wait(timeout=60)
        api.terminate()
        api.wait(timeout=10)
    delivered = stats["delivered"]
    log_text = ""
    for path in log_paths:
        log_text += Path(path).read_text(errors="replace")
        os.unlink(path)
    latencies.sort()
    return Result(
        acks_per_second=len(latencies) / elapsed,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        delivered=sum(min(delivered.get(ts, 0), n) for ts, n in expected.items()),
        lost=sum(max(n - delivered.get(ts, 0), 0) for ts, n in expected.items()),
        duplicated=sum(max(count - expected.get(ts, 0), 0) for ts, count in delivered.items()),
        non_200=non_200,
        log_errors=log_text.count("Traceback") + log_text.count(" ERROR "),
        peak_rss_mb=rss,
        cpu_ms_per_event=1000 * cpu / max(1, sum(expected.values())),
    )


def combined(results: list[Result]) -> Result:
    """Several rounds as one: the median of each rate and latency, the sum of each count."""
    return Result(
        *(
            statistics.median(values) if isinstance(values[0], float) else sum(values)
            for values in zip(*results, strict=True)
        )
    )


def print_table(title: str, ours: Result, bare: Result) -> None:
    print(f"\n{title}")
    print(f"{'':24}{'tpm-bot':>12}{'bare Bolt':>12}{'ratio':>9}")
    for field in Result._fields:
        mine, theirs = getattr(ours, field), getattr(bare, field)
        ratio = f"{mine / theirs:.2f}" if isinstance(mine, float) and theirs else ""
        shown = (f"{mine:.1f}", f"{theirs:.1f}") if isinstance(mine, float) else (mine, theirs)
        print(f"{field:24}{shown[0]:>12}{shown[1]:>12}{ratio:>9}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="mentions per run (default 2000)")
    parser.add_argument("-c", type=int, default=50, help="concurrent connections (default 50)")
    parser.add_argument(
        "--settle", type=float, default=15.0, help="seconds to wait without progress"
    )
    parser.add_argument("--pin", action="store_true", help="give the server a core of its own")
    parser.add_argument(
        "--follow-ups",
        action="store_true",
        help="make a fifth of the events unmentioned follow-ups in threads answered earlier",
    )
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="tpm-bot's store: a new SQLite file (default) or a new PostgreSQL database on "
        "$TPM_BOT_BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run each pair this many times, alternating which goes first; medians are shown",
    )
    parser.add_argument(
        "--instances",
        type=int,
        default=1,
        help="run this many servers of each app, sharing the store, events spread over them",
    )
    parser.add_argument(
        "--varied",
        action="store_true",
        help="ask the development sets' ~430 in-domain questions in turn instead of the 8 above",
    )
    parser.add_argument(
        "--retries",
        action="store_true",
        help=f"deliver every {RETRY_EVERY}th event again, as a retry, to another instance",
    )
    args = parser.parse_args()
    if args.varied:
        QUESTIONS[:] = varied_questions()
    every = 5 if args.follow_ups else 0
    url, cleanup = bench_database(args.database)
    DATABASE["DATABASE_URL"] = url
    cores = sorted(os.sched_getaffinity(0))
    if args.pin and len(cores) >= 2:
        SERVER_CORES.add(cores[0])
        OTHER_CORES.update(cores[1:])
        pin(OTHER_CORES)

    ours = [sys.executable, "-m", "bot", "serve"]
    bare = [sys.executable, str(ROOT / "bench" / "bare_app.py")]
    placement = (
        f"server on core {cores[0]}, load and fake API on {cores[1:]}"
        if SERVER_CORES
        else f"{len(cores)} cores shared"
    )
    print(
        f"N={args.n} events at C={args.c} concurrent connections, loopback, {placement}, "
        f"store: {args.database}, instances: {args.instances}"
        + (", a fifth follow-ups" if every else "")
        + (f", {len(QUESTIONS)} distinct questions" if args.varied else ", 8 questions repeated")
        + (f", every {RETRY_EVERY}th event retried on another instance" if args.retries else "")
    )
    for throttle, title in (
        (0, "Healthy Slack API"),
        (8, "Slack API throttling 1 in 8 first posts (429, Retry-After: 1)"),
    ):
        rounds: dict[str, list[Result]] = {"t": [], "b": []}
        for number in range(args.rounds):
            # Alternate which app goes first: a shared machine drifts, and the first run of a
            # pair is not always the luckier one.
            order = (("t", ours), ("b", bare)) if number % 2 == 0 else (("b", bare), ("t", ours))
            for name, command in order:
                rounds[name].append(
                    run_one(
                        command,
                        args.n,
                        args.c,
                        throttle,
                        args.settle,
                        f"{name}{throttle}r{number}",
                        every,
                        args.instances,
                        args.retries,
                    )
                )
        print_table(title, combined(rounds["t"]), combined(rounds["b"]))
        if args.rounds > 1:
            for field in ("acks_per_second", "p99_ms"):
                ratios = [
                    getattr(t, field) / getattr(b, field)
                    for t, b in zip(rounds["t"], rounds["b"], strict=True)
                ]
                print(f"{field} ratio by round: " + " ".join(f"{r:.2f}" for r in ratios))
    cleanup()  # type: ignore[operator]


if __name__ == "__main__":
    main()
