"""Registers every command module on the app."""

from __future__ import annotations

import importlib

for _module in ("_project", "_load", "_check", "_score", "_run", "_render", "_benchmarks", "_derive", "_import"):
    try:
        importlib.import_module(f"{__package__}.{_module}")
    except ModuleNotFoundError as exc:  # a command module not written yet
        if exc.name != f"{__package__}.{_module}":
            raise
