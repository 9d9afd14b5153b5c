"""The pre- and post-render steps ``_quarto.yml`` names: ``python3 -m cpblib.publish._quarto_steps pre-render``.

Quarto runs them on every render of the project. Most of those renders want nothing of them (``cpb render``
stages and publishes itself; a render of single pages publishes nothing), so this module decides that from
the environment before it loads anything else, and only a plain ``quarto render`` of the whole project
goes on to :func:`cpblib.publish._quarto.main`, which stages the month before Quarto renders and
publishes it after.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

HOOKS_ENV = "CPB_QUARTO_HOOKS"
"""Set to ``off`` by ``cpb render``, which stages and publishes itself, so that the project's pre- and
post-render steps in ``_quarto.yml`` (for a plain ``quarto render``) do nothing."""

STEPS = ("pre-render", "post-render")


def wanted(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the steps have work to do: a plain ``quarto render`` of the whole project.

    >>> wanted({"QUARTO_PROJECT_RENDER_ALL": "1"}), wanted({"QUARTO_PROJECT_RENDER_ALL": "1", HOOKS_ENV: "off"})
    (True, False)
    >>> wanted({})  # a render of single pages
    False
    """
    return environ.get(HOOKS_ENV) != "off" and environ.get("QUARTO_PROJECT_RENDER_ALL") == "1"


def main(argv: list[str] | None = None) -> int:
    """``python -m cpblib.publish._quarto_steps pre-render|post-render``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] not in STEPS:
        print(f"usage: python -m cpblib.publish._quarto_steps {'|'.join(STEPS)}", file=sys.stderr)
        return 1
    if not wanted():
        return 0
    from ._quarto import main as run_step

    return run_step(args)


if __name__ == "__main__":
    raise SystemExit(main())
