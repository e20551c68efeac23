"""This process's own resident memory: now, and its peak (high-water mark).

Not ``getrusage(RUSAGE_SELF).ru_maxrss``: on Linux a process started by fork + exec inherits its
parent's peak in ``ru_maxrss`` (the kernel keeps the larger of the two across exec), so a small
child of a big parent reports the parent's size. The bench's export child is started by a phase
process that has just generated 1,741 strategies and rendered every page (about 330 MB), and
reported that instead of its own peak. ``VmHWM`` in /proc/self/status is the peak of this
process's own address space. Imports nothing from Django, so it can be measured anywhere.
"""

import resource
import sys
from pathlib import Path

STATUS = Path("/proc/self/status")


def _status_mb(key: str) -> float | None:
    try:
        text = STATUS.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024  # kB
    return None


def current_mb() -> float | None:
    """Resident memory now (VmRSS), in MiB; None where /proc is not available."""
    return _status_mb("VmRSS")


def peak_mb() -> float:
    """The peak resident memory of this process alone (VmHWM), in MiB. Without /proc, falls
    back on ru_maxrss (bytes on macOS, kB elsewhere), which may include a parent's peak."""
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / 1024 / 1024 if sys.platform == "darwin" else maxrss / 1024


if __name__ == "__main__":  # used by the tests: what a fresh child process reports
    print(f"{peak_mb():.1f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
