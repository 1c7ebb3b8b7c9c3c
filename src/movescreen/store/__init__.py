"""The database: the only module that speaks SQL.

``open_store(path_or_url)`` migrates and opens it; :mod:`.repo` holds every read and write;
:mod:`.models` the tables.
"""

from .db import Store, database_url, open_store

__all__ = ["Store", "database_url", "open_store"]
