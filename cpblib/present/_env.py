"""Environment variables through which cpb's own processes tell each other things (light to import)."""

DEFER_SVG_ENV = "CPB_DEFER_SVG"
"""``1`` in a kernel started by ``cpb run``: a displayed chart leaves its SVG to the runner, which draws them all."""
