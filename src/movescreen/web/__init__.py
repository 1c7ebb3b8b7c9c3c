"""The coach web app: ``movescreen serve`` (FastAPI, server-rendered pages, a JSON API)."""
