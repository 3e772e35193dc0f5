"""Memory across knowledge reloads: `tpm-bot serve` after N SIGHUPs (run by hand).

    python bench/reload_memory.py            # 30 reloads, encoder on
    python bench/reload_memory.py --reloads 50 --encoder off

Starts the fake Slack Web API and `tpm-bot serve` (the model loads with the first question),
then sends SIGHUP N times, waiting for each reload to finish, and prints the resident memory
(VmRSS of the one `serve` process) at start, after the first reload and at the end.
Each reload builds a whole new matcher; memory that keeps growing means an old one is kept.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import peak_rss_mb, start_fake_api, start_server


def rss_mb(pid: int) -> float:
    return peak_rss_mb(pid, "VmRSS")


def reloads_logged(log: str) -> int:
    return Path(log).read_text(errors="replace").count("kind=reload") if os.path.exists(log) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reloads", type=int, default=30)
    parser.add_argument("--encoder", choices=["on", "off"], default="on")
    args = parser.parse_args()
    os.environ["TPM_BOT_ENCODER"] = args.encoder
    os.environ["TPM_BOT_CACHE_DIR"] = tempfile.mkdtemp(prefix="tpm-bench-cache-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='tpm-bench-')}/bench.db"
    api, api_url = start_fake_api(0)
    log = tempfile.mktemp(prefix="tpm-reload-", suffix=".log")
    server, _port = start_server([sys.executable, "-m", "bot", "serve"], api_url, log)
    try:
        time.sleep(2)  # start-up finishes (the knowledge, the store)
        start = rss_mb(server.pid)
        figures = [start]
        for number in range(1, args.reloads + 1):
            before = reloads_logged(log)
            server.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 60
            while reloads_logged(log) <= before and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.3)
            if number == 1:
                figures.append(rss_mb(server.pid))
        time.sleep(1)
        figures.append(rss_mb(server.pid))
        print(
            f"encoder {args.encoder}: RSS {figures[0]:.0f} MB at start, {figures[1]:.0f} MB after "
            f"1 reload, {figures[-1]:.0f} MB after {args.reloads} reloads "
            f"({figures[-1] - figures[1]:+.0f} MB from the first)"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        api.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
