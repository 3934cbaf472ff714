"""Run callables at the same instant on real threads (each with its own database connection)."""

from __future__ import annotations

import threading

from django.db import connection


def race(fns) -> list:
    """Start every callable together; return each one's result or the exception it raised."""
    barrier = threading.Barrier(len(fns))
    outcomes: list = [None] * len(fns)

    def run(i, fn):
        try:
            barrier.wait()
            outcomes[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the losing side's error is the point
            outcomes[i] = exc
        finally:
            connection.close()  # each thread has its own connection: release it

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes
