"""The ratings in the terminal summary (Crossley per leg, LESS items)."""

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..results import Ratings
from .words import crossley_line, less_line, not_scored, why

_COLOUR = {"good": "green", "fair": "yellow", "poor": "red", None: "dim"}


def print_ratings(console: Console, ratings: Ratings | None, compact: bool) -> None:
    if ratings is None:
        return
    for side, r in ratings.crossley.items():
        if r.reps_used == 0:
            continue
        table = Table(title=f"Crossley rating · {escape(crossley_line(side, r))}",
                      title_justify="left", title_style="bold",
                      box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD, padding=(0, 1))
        table.add_column("criterion", no_wrap=True)
        table.add_column("grade", no_wrap=True)
        table.add_column("why", overflow="fold")
        for c in r.criteria.values():
            col = _COLOUR[c.rating]
            table.add_row(escape(c.label), f"[{col}]{c.rating or 'not rated'}[/]",
                          escape("; ".join(why(c))))
        console.print(table)
    for key, s in ratings.less.items():
        console.print(f"[bold]{escape(less_line(key, s))}[/]", highlight=False)
        for i in s.items:
            if i.points is not None:
                col = "green" if i.points == 0 else "red"
                console.print(f"  [{col}]{i.points}[/] {escape(i.label)}: {escape(i.reason)}",
                              highlight=False)
        console.print(f"  [dim]not scored: {escape(not_scored(s))}[/]", highlight=False)
    if ratings.crossley or ratings.less:
        console.print(f"[dim]rating thresholds: {escape(ratings.thresholds_source)}[/]",
                      highlight=False)
