"""The PDF: the same HTML rendered by WeasyPrint (imported lazily; needs Pango)."""

from pathlib import Path

from ..atomic import atomic_path
from ..errors import MovescreenError


def write_pdf(html: str, out: Path) -> Path:
    """Write ``html`` as a PDF to ``out`` atomically (print styles apply)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango/GObject libraries missing
        raise MovescreenError(f"PDF needs WeasyPrint and Pango ({exc}); install them "
                              "(pip install weasyprint; apt-get install libpango-1.0-0 "
                              "libpangoft2-1.0-0) or use --no-pdf.") from None
    with atomic_path(out) as tmp:
        HTML(string=html).write_pdf(str(tmp))
    return out
