"""No subject id in any aggregate output, whatever the data (a property test)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drugfree_core.dataset import Dataset
from drugfree_core.plugins import PluginHost
from drugfree_core.reports import ReportOptions, build_report, write_report
from drugfree_core.testing.strategies import datasets

ON = dt.date(2025, 10, 1)
HOST = PluginHost(autoload=False)


def _outputs(dataset: Dataset, lang: str, suppress: int | None) -> list[str]:
    """Every aggregate format as text (the workbook through its XML parts)."""
    import zipfile

    report = build_report(
        dataset,
        ON,
        host=HOST,
        options=ReportOptions(every="quarter", suppress_below=suppress),
    )
    texts = []
    for fmt in ("json", "html"):
        stream = io.StringIO()
        write_report(report, fmt, lang=lang, out=None, stdout=stream)  # type: ignore[arg-type]
        texts.append(stream.getvalue())
    with TemporaryDirectory() as tmp:
        folder = Path(tmp) / "csv"
        for path in write_report(report, "csv", lang=lang, out=folder):  # type: ignore[arg-type]
            texts.append(path.read_text(encoding="utf-8-sig"))
        book = Path(tmp) / "r.xlsx"
        write_report(report, "xlsx", lang=lang, out=book)  # type: ignore[arg-type]
        with zipfile.ZipFile(book) as archive:
            texts.extend(archive.read(n).decode("utf-8") for n in archive.namelist())
    return texts


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    dataset=datasets(on=ON),
    lang=st.sampled_from(["vi", "en"]),
    suppress=st.sampled_from([None, 5]),
)
def test_no_subject_id_in_any_aggregate_output(
    dataset: Dataset, lang: str, suppress: int | None
) -> None:
    ids = set(dataset.subjects["id"].to_list())
    for text in _outputs(dataset, lang, suppress):
        leaked = [sid for sid in ids if sid in text]
        assert not leaked, f"subject ids in an aggregate output: {leaked[:5]}"
