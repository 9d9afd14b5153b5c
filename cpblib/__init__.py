"""cpb: Corporate Parenting Board performance packs."""

from .month import Month

__version__ = "0.1.0"

__all__ = ["Month", "__version__"]
