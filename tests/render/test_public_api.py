"""The renderer's public surface and its purity."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

import shelfcast.render
from shelfcast.render import WRITERS, FileType, extension, media_type, render_feed

from .support import make_spec, text_column

FORBIDDEN = ("sqlalchemy", "pydantic", "fastapi", "starlette", "jinja2", "typer", "alembic")


def test_all_names_exist_and_are_unique() -> None:
    names = shelfcast.render.__all__
    assert len(names) == len(set(names))
    for name in names:
        assert hasattr(shelfcast.render, name), name
    for expected in (
        "render_feed",
        "RenderResult",
        "WRITERS",
        "FeedWriter",
        "format_decimal",
        "write_csv_batches",
        "write_xlsx_batches",
    ):
        assert expected in names


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from shelfcast.render import *", namespace)
    assert sorted(name for name in namespace if name != "__builtins__") == sorted(
        shelfcast.render.__all__
    )


def test_importing_the_renderer_loads_no_framework_and_nothing_else_of_ours() -> None:
    code = "import sys, shelfcast.render; print('\\n'.join(sorted(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    assert "shelfcast.render" in loaded
    for module in loaded:
        assert module.split(".")[0] not in FORBIDDEN, module
        if module.startswith("shelfcast."):
            assert module.startswith("shelfcast.render"), module


@pytest.mark.parametrize(
    ("file_type", "expected_extension", "expected_media_type"),
    [
        (FileType.CSV, "csv", "text/csv; charset=utf-8"),
        (
            FileType.XLSX,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (FileType.XLS, "xls", "application/vnd.ms-excel"),
    ],
)
def test_every_file_type_has_a_writer(
    file_type: FileType, expected_extension: str, expected_media_type: str
) -> None:
    assert extension(file_type) == expected_extension
    assert media_type(file_type) == expected_media_type
    assert WRITERS[file_type].extension == expected_extension


def test_registry_covers_file_types_and_is_read_only() -> None:
    assert set(WRITERS) == set(FileType)
    with pytest.raises(TypeError):
        WRITERS[FileType.CSV] = WRITERS[FileType.XLS]  # type: ignore[index]


@pytest.mark.parametrize("file_type", list(FileType))
def test_render_feed_counts_data_rows(file_type: FileType) -> None:
    spec = make_spec(file_type, [text_column("A")], header_row=4)
    out = io.BytesIO()
    result = render_feed(spec, (("x",) for _ in range(7)), out)
    assert result.rows == 7
    assert out.getvalue()
