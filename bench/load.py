"""Load benchmark: `tpm-bot serve` against a bare Bolt app, on loopback only (run by hand).

    python bench/load.py                          # N=2000 events at C=50, healthy and throttled
    python bench/load.py -n 500 -c 20             # smaller
    python bench/load.py --instances 2            # two servers of each app, with Slack's retries
    python bench/load.py --database postgresql    # tpm-bot's store in PostgreSQL
    python bench/load.py --encoder off            # tpm-bot reads words alone

For each server, and for each of two fake Slack APIs (one healthy, one answering 1 in 8 first
posts with 429 and `Retry-After: 1`), it sends N correctly signed `app_mention` events from C
concurrent connections and prints, side by side: acknowledgements per second; ack latency p50
and p99; reply latency p50 and p99, from the moment an event's first delivery was sent to the
moment its reply (chat.postMessage) reached the fake Web API, matched by thread_ts; replies
delivered, lost and duplicated; non-200 responses; errors in the server's log; peak RSS
(VmHWM, of the largest instance) and CPU time per event (instances summed, start-up
excluded); then tpm-bot / bare ratios. Every run is bounded: it stops waiting for replies after
--settle seconds without progress.

With --instances 2 each app runs twice, tpm-bot's two sharing one store; each event goes to one
instance, and one event in ten is delivered again, as Slack's retry (`X-Slack-Retry-Num: 1`,
`X-Slack-Retry-Reason: http_timeout`), to the other instance 0-300 ms after its first delivery
was sent. tpm-bot must still answer each event once. The bare app has no de-duplication: its
duplicates are the baseline's nature, shown as they are.

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
import heapq
import hmac
import http.client
import json
import os
import random
import shutil
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
    ack_p50_ms: float
    ack_p99_ms: float
    #: From an event's first delivery being sent to its reply arriving at the Web API.
    reply_p50_ms: float
    reply_p99_ms: float
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


#: A folder to keep each server's log in (--logs); empty: logs are deleted after each run.
KEEP_LOGS = ""

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


#: DATABASE_URL for tpm-bot's store (--database) and TPM_BOT_ENCODER; the bare app reads neither.
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
#: With retries, every this many events (one in ten) is delivered again, as Slack's retry, to
#: another instance than the first delivery (the same one when there is only one) ...
RETRY_EVERY = 10
#: ... this long (uniformly drawn, seconds) after its first delivery was sent: while the first
#: is most likely still being answered, the harshest moment for de-duplication.
RETRY_DELAY = (0.0, 0.3)
#: Seconds a keep-alive connection may stay unused before the next event opens a new one.
IDLE_RECONNECT = 10.0
#: Connections (per instance) that send the retries, beside the C of first deliveries.
RETRY_SENDERS = 4


class Sent(NamedTuple):
    """What send_all did: ack latencies (ms), non-200 answers, seconds spent sending, and when
    (time.monotonic()) each event's first delivery was sent, by the thread its reply goes to."""

    latencies: list[float]
    non_200: int
    seconds: float
    sent_at: dict[str, list[float]]


def send_all(
    ports: list[int],
    total: int,
    concurrency: int,
    run: str,
    every: int = 0,
    retries: bool = False,
    answered: Callable[[], object] | None = None,
    rate: float = 0.0,
) -> Sent:
    """Send `total` events from `concurrency` keep-alive connections, spread over the instances'
    `ports` (each event to one instance); with `retries`, one in RETRY_EVERY again, shortly
    after, to the next instance. `answered` waits until the mentions have been answered,
    before their follow-ups. With `rate`, events are sent at most that many a second (each at
    its own moment, as Slack would), not as fast as the connections allow."""
    latencies: list[float] = []
    failures = 0
    sent_at: dict[str, list[float]] = {}
    lock = threading.Lock()
    next_index = iter(range(total))
    paced = iter(range(total))  # the event's place in its pass, with `rate`
    pass_started = 0.0
    # Retries due: (when, event index, instance), sent by their own connections.
    due: list[tuple[float, int, int]] = []
    due_changed = threading.Condition(lock)
    draw = random.Random(run)
    last_used: dict[int, float] = {}  # by id() of a connection: when its last answer came
    first_done = threading.Event()

    def post(
        connections: list[http.client.HTTPConnection],
        which: int,
        body: bytes,
        headers: dict[str, str],
    ) -> float:
        """POST one event to instance `which`; when it was sent (time.monotonic())."""
        nonlocal failures
        started = time.monotonic()
        if started - last_used.get(id(connections[which]), started) > IDLE_RECONNECT:
            # The server closes a connection idle for its IDLE_SECONDS (20): one left that
            # long (a retry sender's, at a slow --rate) would fail on a socket already closed.
            connections[which].close()
            connections[which] = http.client.HTTPConnection("127.0.0.1", ports[which], timeout=30)
        try:
            connections[which].request("POST", "/slack/events", body, headers)
            response = connections[which].getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connections[which].close()
            connections[which] = http.client.HTTPConnection("127.0.0.1", ports[which], timeout=30)
            status = 0
        last_used[id(connections[which])] = time.monotonic()
        elapsed = (time.monotonic() - started) * 1000
        with lock:
            latencies.append(elapsed)
            failures += status != 200
        if status != 200:  # 0: the connection failed
            retry = " (a retry)" if "X-Slack-Retry-Num" in headers else ""
            print(f"  {run}: HTTP {status} from instance {which}{retry}", file=sys.stderr)
        return started

    def connect() -> list[http.client.HTTPConnection]:
        return [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for port in ports]

    def worker(number: int) -> None:
        connections = connect()
        home = number % len(ports)
        while True:
            with lock:
                index = next(next_index, None)
                place = next(paced, 0)
            if index is None:
                break
            if rate:
                time.sleep(max(0.0, pass_started + place / rate - time.monotonic()))
            body, headers = signed_mention(index, run, every)
            thread = follow_up_thread(index, every)
            started = post(connections, home, body, headers)
            with lock:
                reply_thread = f"{index if thread is None else thread}.{run}"
                sent_at.setdefault(reply_thread, []).append(started)
                if retries and index % RETRY_EVERY == RETRY_EVERY // 2:
                    when = started + draw.uniform(*RETRY_DELAY)
                    heapq.heappush(due, (when, index, (home + 1) % len(ports)))
                    due_changed.notify()
        for connection in connections:
            connection.close()

    def retry_sender() -> None:
        """Sends each retry when it is due, as Slack does (`X-Slack-Retry-Num: 1`)."""
        connections = connect()
        while True:
            with lock:
                while True:
                    if due and due[0][0] <= time.monotonic():
                        _, index, which = heapq.heappop(due)
                        break
                    if not due and first_done.is_set():
                        index = -1
                        break
                    due_changed.wait(max(0.0, due[0][0] - time.monotonic()) if due else 0.05)
            if index < 0:
                break
            body, headers = signed_mention(index, run, every)
            retry = {**headers, "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            post(connections, which, body, retry)
        for connection in connections:
            connection.close()

    def run_workers() -> None:
        first_done.clear()
        senders = [
            threading.Thread(target=retry_sender)
            for _ in range(RETRY_SENDERS * len(ports) if retries else 0)
        ]
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
        for thread in senders + threads:
            thread.start()
        for thread in threads:
            thread.join()
        with lock:
            first_done.set()
            due_changed.notify_all()
        for thread in senders:
            thread.join()

    # Follow-ups go after the mentions they follow, once those have been answered (a person
    # replies to an answer they have read: acknowledgements run ahead of answers under this
    # flood); the pause and the wait between passes are not counted as sending time.
    passes = [
        [i for i in range(total) if follow_up_thread(i, every) is None],
        [i for i in range(total) if follow_up_thread(i, every) is not None],
    ]
    sending = 0.0
    for number, indices in enumerate(p for p in passes if p):
        if number:
            time.sleep(PAUSE_SECONDS)
            if every and answered is not None:
                answered()
        next_index, paced = iter(indices), iter(range(len(indices)))
        pass_started = time.monotonic()
        run_workers()
        sending += time.monotonic() - pass_started
    return Sent(latencies, failures, sending, sent_at)


def reply_latencies(sent_at: dict[str, list[float]], posts: list[list]) -> list[float]:
    """Ms from each event's first delivery to its reply's arrival at the Web API: in each
    thread, each event (in the order sent) takes the first reply not yet taken that arrived
    after it was sent. Duplicates and replies nobody asked for are left over; lost ones
    have no latency (they are counted as lost)."""
    arrived: dict[str, list[float]] = {}
    for thread, at in posts:
        arrived.setdefault(thread, []).append(at)
    latencies = []
    for thread, sent in sent_at.items():
        replies = sorted(arrived.get(thread, []))
        taken = 0
        for started in sorted(sent):
            while taken < len(replies) and replies[taken] < started:
                taken += 1
            if taken < len(replies):
                latencies.append((replies[taken] - started) * 1000)
                taken += 1
    return sorted(latencies)


def percentile(values: list[float], share: float) -> float:
    """`values` sorted; nan when empty."""
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(len(values) * share))]


def api_stats(api_url: str) -> dict:
    with urllib.request.urlopen(f"{api_url}/stats", timeout=10) as response:
        return json.loads(response.read())


def wait_for_replies(api_url: str, expected: Counter[str], settle: float) -> dict:
    """Poll until every reply arrived, or nothing new arrived for `settle` seconds."""
    last_count, last_change = -1, time.monotonic()
    while True:
        stats = api_stats(api_url)
        delivered = stats["delivered"]
        count = sum(delivered.get(ts, 0) for ts in expected)
        if all(delivered.get(ts, 0) >= n for ts, n in expected.items()):
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
    """A process and its children (`tpm-bot serve` has none: counted in case it ever does)."""
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


def warm_up_servers(ports: list[int], count: int, run: str, api_url: str) -> None:
    """Ask each instance `count` questions (every one of QUESTIONS, off-topic included, in
    turn) one at a time and wait for the replies, before anything is measured: what a server
    loads on its first questions (the sentence model, the word lists of gap questions) is
    start-up, which CPU per event also leaves out. --warm-up 0 measures a cold start."""
    for which, port in enumerate(ports):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for index in range(which * count, (which + 1) * count):
            body, headers = signed_mention(index, run)
            connection.request("POST", "/slack/events", body, headers)
            connection.getresponse().read()
        connection.close()
    expected = Counter(f"{i}.{run}" for i in range(len(ports) * count))
    wait_for_replies(api_url, expected, settle=5.0)


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
    rate: float = 0.0,
    warm_up: int = 0,
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
        if warm_up:
            warm_up_servers(ports, warm_up, f"warm{run}", api_url)
        cpu_at_start = sum(cpu_seconds(server.pid) for server, _ in servers)
        mentions = Counter(f"{i}.{run}" for i in range(total) if follow_up_thread(i, every) is None)
        sent = send_all(
            ports,
            total,
            concurrency,
            run,
            every,
            retries,
            answered=lambda: wait_for_replies(api_url, mentions, settle),
            rate=rate,
        )
        expected = expected_replies(total, run, every)
        stats = wait_for_replies(api_url, expected, settle)
        with urllib.request.urlopen(f"{api_url}/posts", timeout=30) as response:
            replies = reply_latencies(sent.sent_at, json.loads(response.read())["posts"])
        rss = max(peak_rss_mb(server.pid) for server, _ in servers)
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
        if KEEP_LOGS:
            kept = Path(KEEP_LOGS) / f"{Path(command[-1]).stem}-{run}-{log_paths.index(path)}.log"
            shutil.move(path, kept)
        else:
            os.unlink(path)
    latencies = sorted(sent.latencies)
    return Result(
        acks_per_second=len(latencies) / sent.seconds,
        ack_p50_ms=percentile(latencies, 0.5),
        ack_p99_ms=percentile(latencies, 0.99),
        reply_p50_ms=percentile(replies, 0.5),
        reply_p99_ms=percentile(replies, 0.99),
        delivered=sum(min(delivered.get(ts, 0), n) for ts, n in expected.items()),
        lost=sum(max(n - delivered.get(ts, 0), 0) for ts, n in expected.items()),
        duplicated=sum(
            max(count - expected.get(ts, 0), 0)
            for ts, count in delivered.items()
            if ".warm" not in ts  # the warm-up's replies are not the run's
        ),
        non_200=sent.non_200,
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
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"deliver one event in {RETRY_EVERY} again, as Slack's retry, 0-300 ms later, to "
        "the next instance (default: on with --instances 2 or more)",
    )
    parser.add_argument(
        "--encoder",
        choices=("on", "off"),
        default="on",
        help="tpm-bot's sentence encoder (TPM_BOT_ENCODER; default on, as serve's default)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="send at most this many events a second (default: as fast as C connections "
        "allow; Slack itself sends a workspace at most about 8 a second)",
    )
    parser.add_argument(
        "--warm-up",
        type=int,
        default=16,
        metavar="K",
        help="ask each server K questions, unmeasured, before the run (default 16; 0: measure "
        "from a cold start, the first questions loading the model and word lists)",
    )
    parser.add_argument(
        "--logs", default="", help="keep each server's log in this folder (named app-run-n.log)"
    )
    args = parser.parse_args()
    if args.logs:
        global KEEP_LOGS
        KEEP_LOGS = args.logs
        os.makedirs(KEEP_LOGS, exist_ok=True)
    if args.retries is None:
        args.retries = args.instances > 1
    DATABASE["TPM_BOT_ENCODER"] = args.encoder
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
        f"store: {args.database}, encoder: {args.encoder}, instances: {args.instances}"
        + (f", at most {args.rate:g} events/s" if args.rate else "")
        + (f", {args.warm_up} warm-up questions per server" if args.warm_up else ", cold start")
        + (", a fifth follow-ups" if every else "")
        + (f", {len(QUESTIONS)} distinct questions" if args.varied else ", 8 questions repeated")
        + (
            f", 1 in {RETRY_EVERY} events retried 0-300 ms later on "
            + ("the other instance" if args.instances > 1 else "the same instance")
            if args.retries
            else ""
        )
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
                        args.rate,
                        args.warm_up,
                    )
                )
        print_table(title, combined(rounds["t"]), combined(rounds["b"]))
        if args.rounds > 1:
            for field in ("acks_per_second", "ack_p99_ms", "reply_p99_ms"):
                ratios = [
                    getattr(t, field) / getattr(b, field)
                    for t, b in zip(rounds["t"], rounds["b"], strict=True)
                ]
                print(f"{field} ratio by round: " + " ".join(f"{r:.2f}" for r in ratios))
    cleanup()  # type: ignore[operator]


if __name__ == "__main__":
    main()
