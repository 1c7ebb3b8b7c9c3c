"""The coach form report: results and plan to one self-contained HTML page, a PDF of the same
content and annotated videos. See docs/report.md.

Heavy libraries (jinja2, matplotlib, WeasyPrint, PyAV encoding) are imported where used.
"""
