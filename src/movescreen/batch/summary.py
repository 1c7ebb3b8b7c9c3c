"""summary.csv and summary.parquet: one row per clip and leg, the same for every run order."""

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import atomic_open, atomic_path
from ..catalog import load_catalog
from ..results import ScreenResult

SUMMARY_CSV = "summary.csv"
SUMMARY_PARQUET = "summary.parquet"
FIXED = ("athlete", "date", "test", "clip", "key", "leg", "status", "error", "flags",
         "reps_used")


@dataclass(frozen=True)
class ClipRow:
    """What the summary needs of one clip: who, which, and its result or error."""

    athlete: str
    date: str
    test: str
    clip: str
    key: str
    result: ScreenResult | None
    error: str | None = None


def leg_rows(row: ClipRow) -> list[dict[str, Any]]:
    """One row per leg (and one 'both' row for bilateral metrics); one row for a failure."""
    base = {"athlete": row.athlete, "date": row.date, "test": row.test, "clip": row.clip,
            "key": row.key[:16]}
    r = row.result
    if r is None:
        return [{**base, "leg": "", "status": "failed", "error": row.error or "",
                 "flags": "", "reps_used": None}]
    flags = ";".join(sorted({f.code for f in r.quality if f.severity != "info"}))
    out = []
    for side, leg in sorted(r.legs.items()):
        if not leg.metrics and not leg.reps_total:
            continue
        vals = {f"{m}{suffix}": getattr(s, attr) for m, s in leg.metrics.items()
                for suffix, attr in (("", "median"), ("_worst", "worst"))}
        out.append({**base, "leg": side, "status": "done", "error": "", "flags": flags,
                    "reps_used": leg.reps_used, **vals})
    if r.bilateral:
        vals = {f"{m}{suffix}": getattr(s, attr) for m, s in r.bilateral.items()
                for suffix, attr in (("", "median"), ("_worst", "worst"))}
        out.append({**base, "leg": "both", "status": "done", "error": "", "flags": flags,
                    "reps_used": None, **vals})
    if not out:  # a result with nothing measured still gets its row, with its flags
        out.append({**base, "leg": "", "status": "done", "error": "", "flags": flags,
                    "reps_used": None})
    return out


def summary_rows(rows: Sequence[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns (fixed ones, then metrics in catalogue order) and the rows, sorted."""
    present = {k for r in rows for k in r} - set(FIXED)
    order = [f"{m}{s}" for m in load_catalog() for s in ("", "_worst")]
    metrics = [c for c in order if c in present] + sorted(present - set(order))
    ordered = sorted(rows, key=lambda r: (r["athlete"], r["date"], r["test"], r["clip"],
                                          r["key"], r["leg"]))
    return [*FIXED, *metrics], ordered


def write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    with atomic_open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, columns, restval="")
        w.writeheader()
        for r in rows:
            w.writerow({k: "" if v is None else (f"{v:.4g}" if isinstance(v, float) else v)
                        for k, v in r.items()})


def write_parquet(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> bool:
    """Write the parquet file; False when pyarrow (the ``parquet`` extra) is missing."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return False
    text = set(FIXED) - {"reps_used"}
    schema = pa.schema([(c, pa.string() if c in text else
                         pa.int64() if c == "reps_used" else pa.float64()) for c in columns])
    table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows], schema=schema)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return True


def write_summary(out: Path, rows: Sequence[dict[str, Any]]) -> dict[str, Path]:
    """Write the rows of :func:`leg_rows` as summary.csv (and summary.parquet when pyarrow is
    installed) into ``out``."""
    columns, rows = summary_rows(rows)
    paths = {"csv": out / SUMMARY_CSV}
    write_csv(paths["csv"], columns, rows)
    if write_parquet(out / SUMMARY_PARQUET, columns, rows):
        paths["parquet"] = out / SUMMARY_PARQUET
    return paths
