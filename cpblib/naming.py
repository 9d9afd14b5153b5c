"""Names derived from display text: one rule for every file and page name.

>>> slugify("Health & Emotional Wellbeing")
'health-emotional-wellbeing'
>>> slugify("Café – Leavers")
'cafe-leavers'
"""

from __future__ import annotations

import re
import unicodedata


def slugify(text: object) -> str:
    """Lower-case ASCII words joined by hyphens (domain file names, page names)."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
