"""A client-side deadline for database calls.

``statement_timeout`` is enforced by the server, so it cannot help when the server itself
hangs (stopped, swapped out, a network partition that keeps the connection open): the
client would wait on its socket for ever, and a web worker with it. ``Watchdog`` keeps a
deadline for each call in progress; one daemon thread per process shuts the socket of a
call that outlives it, so the blocked call fails at once with an ``OperationalError``
(which the site answers with a 503) instead of hanging.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
from contextlib import contextmanager

# How often the watchdog looks at the calls in progress: the deadline's precision.
TICK_SECONDS = 0.1


class Call:
    """One guarded call: ``expired`` becomes True if the watchdog had to cut it off."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False


class Watchdog:
    def __init__(self) -> None:
        self._calls: dict[int, tuple[float, int, Call]] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None

    @contextmanager
    def guard(self, fileno: int, seconds: float):
        """Within the block, a call on socket ``fileno`` may take ``seconds`` at most.

        Yields a ``Call`` whose ``expired`` says, afterwards, whether the deadline cut it short.
        """
        call = Call(seconds)
        if seconds <= 0:
            yield call
            return
        key = next(self._ids)
        with self._lock:
            self._calls[key] = (time.monotonic() + seconds, fileno, call)
            self._start()
        try:
            yield call
        finally:
            with self._lock:
                self._calls.pop(key, None)

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._watch, name="database-deadline", daemon=True)
            self._thread.start()

    def _watch(self) -> None:
        while True:
            time.sleep(TICK_SECONDS)
            now = time.monotonic()
            with self._lock:
                # Under the lock: a registered socket is still open (the call has not returned).
                for deadline, fileno, call in self._calls.values():
                    if deadline <= now and not call.expired:
                        call.expired = True
                        _shut_down(fileno)


def _shut_down(fileno: int) -> None:
    """Shut down the socket without closing its descriptor (the database driver owns it)."""
    try:
        sock = socket.socket(fileno=fileno)
    except OSError:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.detach()


watchdog = Watchdog()
