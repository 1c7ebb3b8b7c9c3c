"""The terminal summary of a result: who and what was analysed, reps, per-leg metrics.

Below ``COMPACT_BELOW`` columns (an 80-column terminal) the tables drop their least useful
columns and the reps table folds to two lines a rep, so no column wraps one character per line.
"""

import math
from pathlib import Path
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .catalog import load_catalog
from .ratings.terminal import print_ratings
from .results import ScreenResult

if TYPE_CHECKING:
    from .rules.limits import Limit, Limits

COMPACT_BELOW = 110


_UNIT_SUFFIX = {"deg": "°", "% leg length": "%", "s": " s", "leg lengths": " LL", "ratio": "",
                "cm": " cm", "%": "%"}


def _fmt(v: float | None, unit: str) -> str:
    if v is None or not math.isfinite(v):
        return "—"
    digits = 2 if unit in ("leg lengths", "ratio", "s") else 1
    return f"{v:.{digits}f}{_UNIT_SUFFIX.get(unit, '')}"


def _worst(m, compact: bool) -> str:
    if m.worst is None or m.worst_t is None:
        return f"[dim]{escape(m.reason or '—')}[/]"
    where = (f"r{m.worst_rep} {m.worst_t:.1f}s" if compact
             else f"rep {m.worst_rep} @ {m.worst_t:.1f} s")
    return f"{_fmt(m.worst, m.unit)} [dim]{where}[/]"


def _table(title: str, headers: list[str], rows: list[tuple[list[str], str]], compact: bool,
           wrap: tuple[int, ...] = ()) -> Table:
    """A table; compact drops columns with no value in any row and uses a lighter frame.

    Only the columns in ``wrap`` (text) may wrap; numbers never break across lines. Compact
    tables leave out a last "note" column: :func:`_notes_below` prints it under the table.
    """
    keep = list(range(len(headers)))
    if compact:
        if headers[-1] == "note":
            keep.pop()
        keep = [i for i in keep if i == 0 or any(r[0][i] not in ("", "—") for r in rows)]
    table = Table(title=title, title_justify="left", title_style="bold",
                  box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD,
                  pad_edge=not compact, padding=(0, 1))
    for i in keep:
        table.add_column(headers[i], no_wrap=i not in wrap, overflow="fold")
    for cells, style in rows:
        table.add_row(*(cells[i] for i in keep), style=style)
    return table


def _notes_below(console: Console, table: Table, rows: list[tuple[list[str], str]],
                 what: str) -> None:
    console.print(table)
    for cells, _ in rows:
        if cells[-1]:
            console.print(f"  [dim]{what} {cells[0]}: {cells[-1]}[/]", highlight=False)


def _sure(m, compact: bool) -> str:
    """How sure the median is: its 95% interval, and (wide terminals) SD, noise and SEM."""
    if m.ci_low is None or m.ci_high is None:
        return "—"
    ci = f"{_fmt(m.ci_low, m.unit)}–{_fmt(m.ci_high, m.unit)}"
    if compact:
        return ci
    extra = [f"SD {_fmt(m.sd, m.unit)}"] if m.sd is not None else []
    extra += [f"noise {_fmt(m.noise, m.unit)}"] if m.noise is not None else []
    extra += [f"SEM {_fmt(m.sem_published, m.unit)}"] if m.sem_published is not None else []
    return f"{ci} [dim]{' · '.join(extra)}[/]"


def _target(limit: "Limit | None") -> str:
    if limit is None:
        return ""
    sign = ("≤" if limit.op == ">" else "<") if limit.above else ("≥" if limit.op == "<" else ">")
    return f"target {sign} {_fmt(limit.value, limit.unit)}"


def _metrics_table(title: str, metrics: dict, catalog: dict, limits: "Limits", test: str,
                   with_status: bool, compact: bool) -> Table:
    headers = (["metric", "median", "95% CI" if compact else "95% CI of median", "worst",
                "normal / target"] + ([""] if with_status else []))
    rows = []
    for name, m in metrics.items():
        d = catalog[name]
        limit = limits.get(test, name) if with_status else None
        norm = " · ".join(x for x in (d.normal, _target(limit)) if x)
        row = [escape(m.label), _fmt(m.median, m.unit), _sure(m, compact), _worst(m, compact),
               f"[dim]{escape(norm)}[/]"]
        if with_status:
            flagged = limit.flagged(m.median) if limit is not None else None
            row.append(("[yellow]noise[/]" if compact else "[yellow]within measurement noise[/]")
                       if flagged and m.within_noise else
                       ("[red]not met[/]" if compact else "[red]target not met[/]") if flagged
                       else "[green]ok[/]" if flagged is False else "")
        rows.append((row, ""))
    return _table(title, headers, rows, compact, wrap=(0, 2, 3, 4))


def _reps_table(r: ScreenResult, compact: bool) -> tuple[Table, list]:
    if r.test in ("single-leg-hop", "drop-landing"):
        return _landings_table(r, compact)
    if r.test == "squat":
        cols = {"fppa_peak_deg": ("FPPA pk (worse knee)", "FPPA", "deg"),
                "kasr_bottom": ("knee/ankle sep", "KASR", "ratio"),
                "pelvic_shift_pct": ("pelvic shift", "shift", "% leg length")}
    else:
        cols = {"fppa_peak_deg": ("FPPA pk", "FPPA", "deg"),
                "pelvic_drop_deg": ("pelvic drop", "pelvis", "deg"),
                "trunk_lean_deg": ("trunk lean", "trunk", "deg")}
    cols |= {"depth_pct": ("depth", "depth", "% leg length"), "descent_s": ("down", "down", "s"),
             "ascent_s": ("up", "up", "s")}
    headers = ["#", "leg", "bottom", *(c[1] if compact else c[0] for c in cols.values()), "note"]
    rows = []
    for rep in r.reps:
        m = dict(rep.metrics)
        if rep.per_leg:  # bilateral: show the worse knee
            peaks = [leg.get("fppa_peak_deg") for leg in rep.per_leg.values()]
            m["fppa_peak_deg"] = max((p for p in peaks if p is not None), default=None)
        note = escape(rep.exclusion_reason or ("balance lost" if rep.balance_lost else ""))
        rows.append(([str(rep.index), rep.leg, f"{rep.t_bottom:.1f} s",
                      *(_fmt(m.get(c), unit) for c, (_, _, unit) in cols.items()), note],
                     "dim" if rep.excluded else ""))
    return _table("Reps", headers, rows, compact, wrap=(len(headers) - 1,)), rows


def _landings_table(r: ScreenResult, compact: bool) -> tuple[Table, list]:
    cols = {"flight_time_s": ("flight", "flight", "s"),
            "jump_height_cm": ("height", "height", "cm"),
            "fppa_ic_deg": ("FPPA contact", "FPPA ic", "deg"),
            "fppa_landing_peak_deg": ("FPPA peak", "FPPA pk", "deg"),
            "kasr_min": ("knee/ankle sep", "KASR", "ratio"),
            "knee_flexion_ic_deg": ("knee flex contact", "flex ic", "deg"),
            "time_to_peak_flexion_s": ("to peak flex", "to pk", "s"),
            "tts_video_s": ("video TTS", "TTS", "s")}
    headers = ["#", "leg", "contact", *(c[1] if compact else c[0] for c in cols.values()),
               "note"]
    rows = []
    for rep in r.reps:
        m = dict(rep.metrics)
        for name in ("fppa_ic_deg", "fppa_landing_peak_deg", "knee_flexion_ic_deg"):
            if rep.per_leg:  # bilateral: the worse knee
                vals = [leg.get(name) for leg in rep.per_leg.values()]
                vals = [v for v in vals if v is not None]
                pick = min if name == "knee_flexion_ic_deg" else max
                m[name] = pick(vals) if vals else None
        note = escape(rep.exclusion_reason or "; ".join(rep.notes))
        where = f"{escape(rep.clip)}: " if rep.clip else ""
        rows.append(([str(rep.index), rep.leg,
                      f"{where}{rep.events.get('initial_contact', rep.t_start):.2f} s",
                      *(_fmt(m.get(c), unit) for c, (_, _, unit) in cols.items()), note],
                     "dim" if rep.excluded else ""))
    return _table("Landings", headers, rows, compact, wrap=(len(headers) - 1,)), rows


def print_summary(console: Console, r: ScreenResult, limits: "Limits | None" = None) -> None:
    """The readable summary: who and what was analysed, per-leg metrics against norms.

    ``limits``: the thresholds in force (rules and athlete's sex); the default rules and the
    unknown-sex thresholds when not given.
    """
    catalog = load_catalog()
    if limits is None:
        from .rules.limits import load_limits

        limits = load_limits()
    compact = console.width < COMPACT_BELOW
    c = r.clip
    console.print(f"[bold]{r.test}[/] · {escape(Path(c.file).name)} · {c.width}x{c.height} · "
                  f"{c.fps_measured:.0f} fps · {c.duration_s:.1f} s · view: [bold]{r.view.view}"
                  f"[/] ({r.view.source})", highlight=False)
    console.print(f"Person: {escape(r.person.selection)}" +
                  (" · tracked in a zoomed crop" if r.person.crop_tracking else ""),
                  highlight=False)
    what = "landings" if r.test in ("single-leg-hop", "drop-landing") else "reps"
    console.print(f"Standing reference: {r.standing.n_frames} frames between "
                  f"{r.standing.t_start:.1f} and {r.standing.t_end:.1f} s · "
                  f"{what} found: {len(r.reps)}", highlight=False)
    for cv in r.clip_views:
        state = ("used" if cv.usable
                 else f"[yellow]not used[/]: {escape(' '.join(cv.problems))}")
        console.print(f"Clip {escape(cv.clip)}: {cv.view.view} view · {state}", highlight=False)
    if not r.clip_views:
        for other in r.other_clips:
            console.print(f"Also combined: {escape(Path(other.file).name)}", highlight=False)
    if r.reps:
        table, rows = _reps_table(r, compact)
        if compact:
            _notes_below(console, table, rows, "landing" if what == "landings" else "rep")
        else:
            console.print(table)
    if r.steps:
        when = ", ".join(f"{s.t_start:.2f} s ({s.leg or '?'})" for s in r.steps)
        console.print(f"[dim]Steps and shuffles, not counted as landings ({len(r.steps)}): "
                      f"{escape(when)}[/]", highlight=False)
    for side, leg in r.legs.items():
        if not leg.reps_total:
            continue
        title = f"{side.upper()} leg · {leg.reps_used} of {leg.reps_total} reps used"
        # the published FPPA targets are for single-leg squats and landings, not squats
        console.print(_metrics_table(title, leg.metrics, catalog, limits, r.test,
                                     with_status=r.test != "squat", compact=compact))
        for ex in leg.excluded:
            console.print(f"  [yellow]rep {ex.rep} excluded:[/] {escape(ex.reason)}",
                          highlight=False)
    if r.bilateral:
        console.print(_metrics_table("Both legs", r.bilateral, catalog, limits, r.test,
                                     with_status=True, compact=compact))
    print_ratings(console, r.ratings, compact)
    colours = {"error": "red", "warning": "yellow", "info": "blue"}
    for f in r.quality:
        console.print(f"[{colours[f.severity]}]{f.severity}[/]: {escape(f.message)}",
                      highlight=False)
    for note in r.notes:
        console.print(f"[dim]note: {escape(note)}[/]", highlight=False)
