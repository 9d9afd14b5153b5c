"""``python -m cpblib`` runs the ``cpb`` command."""

from .cli import app

app(prog_name="cpb")
