"""movescreen: a video movement screen for single-leg squats, squats, hops and landings."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("movescreen")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
