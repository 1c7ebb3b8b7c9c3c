"""Render the report as one self-contained HTML file (styles and images inline)."""

import base64
from importlib import resources
from pathlib import Path

from ..catalog import load_catalog
from ..ratings.words import crossley_line, not_scored, why
from ..results import ScreenResult
from ..rules.plan import Plan
from . import plots
from .intervals import interval_plot
from .model import KEY_METRICS, LANDINGS, ReportView, build_report
from .sources import clip_sources
from .stills import make_stills

TEMPLATE = "report.html.j2"
PHASE_COLOURS = {0: "#c62828", 1: "#e07b00", 2: "#b59a00", 3: "#1565c0", 4: "#2e7d32"}
_SDD = {"deg": 8.0}  # FPPA smallest detectable difference (Munro 2012); other metrics: none


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: resources.files(__package__)
                                     .joinpath("templates").joinpath(name).read_text("utf-8")),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined)
    env.filters["png"] = lambda b: data_uri(b, "image/png")
    env.filters["jpeg"] = lambda b: data_uri(b, "image/jpeg")
    env.globals["rating_reasons"] = why
    env.globals["crossley_line"] = crossley_line
    env.globals["not_scored"] = not_scored
    return env


def _trend_series(view: ReportView) -> tuple[list, dict[str, float]]:
    catalog = load_catalog()
    series, sdd = [], {}
    for screen in view.screens:
        r = screen.result
        sessions = sorted([p for p in view.previous if p.test == r.test] + [r],
                          key=lambda x: x.created)
        if len(sessions) < 2:
            continue
        for name in KEY_METRICS[r.test]:
            d = catalog.get(name)
            label = f"{screen.title}: {d.label if d else name}"
            for side in ("left", "right"):
                pts = [(s.created[:16].replace("T", " "),
                        s.legs[side].metrics[name].median if side in s.legs
                        and name in s.legs[side].metrics else None) for s in sessions]
                if sum(v is not None for _, v in pts) >= 2:
                    series.append((label, side, pts))
                    if d and name.startswith("fppa"):
                        sdd[label] = _SDD["deg"]
    return series, sdd


def attach_images(view: ReportView) -> None:
    """Decode stills and draw plots into ``view`` (placeholders where a file is missing)."""
    catalog = load_catalog()
    for screen in view.screens:
        sources = clip_sources(screen.source, screen.result)
        stills = make_stills(screen.stills, sources, label=screen.result.test != "squat")
        series = [(src.name, plots.time_series(screen.result, src, catalog, view.limits))
                  for src in sources]
        screen.images = {"stills": stills,
                         "plots": [(name, png) for name, png in series if png],
                         "problems": sorted({s.problem for s in sources if s.problem}),
                         "intervals": interval_plot(screen.result, catalog, view.limits)}
    series, sdd = _trend_series(view)
    view.images["trends"] = plots.trends(series, sdd) if series else None


def render_html(view: ReportView) -> str:
    """The page as a string (call :func:`attach_images` first)."""
    return _environment().get_template(TEMPLATE).render(
        v=view, phase_colours=PHASE_COLOURS, landings=LANDINGS,
        css=resources.files(__package__).joinpath("templates").joinpath("report.css").read_text("utf-8"))


def report_html(results: list[tuple[Path, ScreenResult]], plan: Plan | None = None, *,
                athlete_name: str = "", notes: str = "",
                previous: list[ScreenResult] | None = None) -> str:
    """Results (and plan) to the finished HTML page."""
    view = build_report(results, plan, athlete_name=athlete_name, notes=notes,
                        previous=previous)
    attach_images(view)
    return render_html(view)
