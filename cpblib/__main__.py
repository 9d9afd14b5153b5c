"""``python -m cpblib`` runs the ``cpb`` command."""

from .cli import main

main()
