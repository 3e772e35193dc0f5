"""Clients that connect and then dribble or stall cannot starve Slack's deliveries.

A real `tpm-bot serve` process, because only the server shows it: 40 connections hold open
requests (half send a header byte now and then, half send nothing at all) while signed events
keep arriving, and each must be acknowledged well within Slack's 3 seconds.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

from slack_harness import mention, send_event

SLOW_CLIENTS = 40


def test_forty_slow_connections_do_not_stop_acknowledgements(http_bot, slack) -> None:
    stop = threading.Event()
    sockets = []
    for number in range(SLOW_CLIENTS):
        connection = socket.create_connection(("127.0.0.1", http_bot.port), timeout=5)
        connection.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n")
        sockets.append((number, connection))

    def dribble() -> None:
        header = b"X-Slow: " + b"a" * 1000
        position = 0
        while not stop.wait(0.5) and position < len(header):
            for number, connection in sockets:
                if number % 2 == 0:
                    with contextlib.suppress(OSError):
                        connection.sendall(header[position : position + 1])
            position += 1

    dribbler = threading.Thread(target=dribble, daemon=True)
    dribbler.start()
    slack.reset()
    try:
        latencies = []
        for number in range(20):
            started = time.monotonic()
            status, _ = send_event(
                http_bot.base, mention("<@UBOT> what is a tpm", f"{number}.5"), f"EvS{number}"
            )
            latencies.append(time.monotonic() - started)
            assert status == 200
        assert max(latencies) < 3.0, latencies
        slack.wait_for("chat.postMessage", count=20)
    finally:
        stop.set()
        dribbler.join(timeout=5)
        for _, connection in sockets:
            connection.close()
