"""CPU threads for the shim's runs: the user's choice if there is one, else what the machine spares.

Both frameworks default to one OpenMP thread per core. On a shared machine that is a poor
choice: OpenMP threads wait by spinning, so they fight other processes for the same cores
and an epoch can take many times longer than its share. Unless the user chose a thread
count (``D2L_NUM_THREADS`` or ``OMP_NUM_THREADS``), a shim run measures how many cores other
processes keep busy, trains with the rest (at least one), checks again at every epoch, and
gives the framework its previous setting back when it returns. (MXNet 1.9 is the exception:
its oneDNN crashes when a process goes back up to more threads than a backward pass already
ran with, so there the count only ever goes down; ``limit_threads``.)
"""
import contextlib
import os
import time

from . import config

_active = []  # the policy of the run in progress (evaluations inside it reuse it)
_SAMPLE_SECONDS = 0.05


def cores():
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class CpuMeter:
    """Cores kept busy by other processes between two readings (Linux /proc; None elsewhere)."""

    def __init__(self):
        self._last = self._read()

    @staticmethod
    def _read():
        try:
            with open('/proc/stat') as f:
                fields = [int(v) for v in f.readline().split()[1:]]
            with open('/proc/self/stat') as f:
                mine = f.read().rsplit(')', 1)[1].split()
        except (OSError, ValueError, IndexError):
            return None
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        busy_all = sum(fields[:8]) - idle
        busy_mine = int(mine[11]) + int(mine[12])  # utime + stime of every thread of ours
        return time.monotonic(), busy_all, busy_mine

    def others_busy(self):
        """Cores other processes used since the last call (or since the meter was made)."""
        now, last = self._read(), self._last
        self._last = now
        if now is None or last is None or now[0] <= last[0]:
            return None
        ticks = os.sysconf('SC_CLK_TCK')
        others = (now[1] - last[1]) - (now[2] - last[2])
        return max(others, 0) / ticks / (now[0] - last[0])


def spare_threads(busy, total):
    """Threads to use when other processes keep ``busy`` of ``total`` cores busy."""
    if busy is None:
        return total
    return max(1, min(total, round(total - busy)))


class Policy:
    """The thread count of one shim run; ``begin_epoch`` re-checks the machine."""

    def __init__(self, backend, record=None):
        self.backend, self.record = backend, record
        self.user = config.user_threads()
        self.meter = None if self.user else CpuMeter()
        self.previous = backend.get_threads()
        self.epochs_begun = 0
        if self.meter is not None:
            time.sleep(_SAMPLE_SECONDS)  # a first look at what the others are doing
        self.apply()

    def apply(self):
        n = self.backend.limit_threads(
            self.user or spare_threads(self.meter.others_busy(), cores()))
        if n != self.backend.get_threads():
            self.backend.set_threads(n)
        if self.record is not None and not self.record.threads:
            self.record.host['threads'] = n
        return n

    def begin_epoch(self):
        """Choose again (from what other processes did during the last epoch); note the count."""
        if self.epochs_begun:
            self.apply()
        self.epochs_begun += 1
        if self.record is not None:
            self.record.threads.append(self.backend.get_threads())

    def restore(self):
        previous = self.backend.limit_threads(self.previous)
        if previous != self.backend.get_threads():
            self.backend.set_threads(previous)


@contextlib.contextmanager
def chosen(backend, record=None):
    """Threads chosen for the duration of a shim run (nested calls reuse the outer choice)."""
    if _active:
        yield _active[-1]
        return
    policy = Policy(backend, record)
    _active.append(policy)
    try:
        yield policy
    finally:
        _active.pop()
        policy.restore()
