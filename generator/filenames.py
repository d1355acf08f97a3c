"""File names every platform can check out: a base module, read by the config's checks and the model's naming."""

from __future__ import annotations

# Names Windows keeps for devices, whatever the extension (`aux.py`, `con/`): a repository holding one cannot be
# checked out there.
WINDOWS_DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
)


def is_device_name(name: str) -> bool:
    """Whether Windows reads a file or folder called `name` as a device (`AUX`, `con.py`, `nul.tar.gz`)."""
    return name.split(".", 1)[0].rstrip(" ").lower() in WINDOWS_DEVICE_NAMES
