"""The report as a printable PDF: the HTML page laid out on A4 landscape pages by WeasyPrint.

Offices that file paper get the same document as the web page: the answer first, the
charts, the tables (their header row repeated on every page they run over), the
provenance last, and page numbers. WeasyPrint (a well-kept HTML and CSS to PDF engine)
draws the page's inline SVG charts itself, so nothing is fetched and no browser is
needed. It is an optional dependency (``pip install "drugfree-core[pdf]"``) that needs
the Pango text library of the system (on Debian: ``libpango-1.0-0`` and
``libpangoft2-1.0-0``); without them, asking for a PDF is a clear error, and every other
format still works.
"""

from __future__ import annotations

import importlib
from typing import Any

from drugfree_core.errors import UsageError
from drugfree_core.i18n import Lang, msg, resolve_lang
from drugfree_core.reports.export.html_out import render_html
from drugfree_core.reports.model import Report

#: What to install for PDF output, said in the error when it is missing.
INSTALL_HINT = msg(
    "install it with: {pip} (on Debian it also needs {apt})",
    pip='pip install "drugfree-core[pdf]"',
    apt="apt install libpango-1.0-0 libpangoft2-1.0-0",
)


def _weasyprint() -> Any:
    """The weasyprint module, or a :class:`UsageError` saying what to install."""
    try:
        return importlib.import_module("weasyprint")
    except ImportError:
        raise UsageError(msg("PDF output needs WeasyPrint; {hint}", hint=INSTALL_HINT)) from None
    except OSError as exc:  # the package is there, the system's Pango is not
        raise UsageError(
            msg(
                "PDF output needs the Pango library ({error}); {hint}",
                error=exc.__class__.__name__,
                hint=INSTALL_HINT,
            )
        ) from None


def check_pdf_engine() -> None:
    """Raise :class:`UsageError` now if PDF output cannot work here (before a long run)."""
    _weasyprint()


def render_pdf(report: Report, lang: Lang | None = None) -> bytes:
    """The report as PDF bytes in *lang*, printed from :func:`.render_html`'s page."""
    weasyprint = _weasyprint()
    lang = resolve_lang(lang)
    document = weasyprint.HTML(string=render_html(report, lang), base_url=None)
    pdf: bytes = document.write_pdf()
    return pdf
