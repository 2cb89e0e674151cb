"""The translation catalogue: complete, current, well-formed, and shipped in the wheel.

* the template (``locale/drugfree.pot``) is what ``pybabel extract`` makes from the
  sources today, with the settings in ``pyproject.toml``;
* every message of the template has a Vietnamese translation that is not fuzzy, with the
  same ``{fields}`` as the English (coverage 100 %);
* every call of the translation function gives it a literal text (else extraction
  cannot see it);
* the package build compiles the catalogue into the wheel, which then reads it without
  the ``.po``;
* a source tree compiles its ``.po`` once per content, kept in the cache folder.
"""

from __future__ import annotations

import ast
import gettext
import io
import os
import signal
import string
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po

from drugfree_core import _env
from drugfree_core.i18n import catalog as catalog_module
from drugfree_core.i18n import catalogue_paths, compile_catalogue, po_compile
from drugfree_core.i18n.catalog import Catalogue, _from_mo, read_catalogue

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "drugfree_core"
TEMPLATE = SRC / "locale" / "drugfree.pot"
PO, _MO = catalogue_paths("vi")
#: The translation function's forms: name → how many leading arguments are literal texts
#: (the context of pmsg/pgettext counts as one).
FORMS = {"msg": 1, "msgn": 2, "pmsg": 2, "gettext": 1, "ngettext": 2, "pgettext": 2, "N_": 1}

Key = tuple[str | None, str]


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale="vi" if path.suffix == ".po" else None)


def _forms(message: Message) -> tuple[str, ...]:
    """A message's translation: one form, or one per plural form."""
    string = message.string
    return tuple(string) if isinstance(string, tuple | list) else (str(string),)


def _from_babel(lang: str, catalog: Catalog) -> Catalogue:
    """The catalogue as Babel reads it: the reference the library's ``.mo`` reader meets."""
    entries: dict[Key, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        forms = _forms(message)
        if all(forms):
            msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
            entries[(message.context, str(msgid))] = forms
    return Catalogue(lang=lang, entries=entries, plural=gettext.c2py(catalog.plural_expr))


def _keys(catalog: Catalog) -> dict[Key, Message]:
    out: dict[Key, Message] = {}
    for message in catalog:
        if message.id:
            msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
            out[(message.context, str(msgid))] = message
    return out


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_template_is_what_extraction_makes_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = tmp_path / "fresh.pot"
    monkeypatch.chdir(ROOT)  # pybabel reads [tool.babel.*] from ./pyproject.toml
    CommandLineInterface().run(["pybabel", "-q", "extract", "-o", str(fresh)])
    committed, extracted = _keys(_read(TEMPLATE)), _keys(_read(fresh))
    added = sorted(set(extracted) - set(committed), key=str)
    gone = sorted(set(committed) - set(extracted), key=str)
    assert not added and not gone, (
        "the template is out of date: run `pybabel extract` then `pybabel update` at the "
        f"repository's root and translate the new entries.\nnew: {added[:10]}\ngone: {gone[:10]}"
    )


def test_every_message_has_a_vietnamese_translation() -> None:
    template, po = _keys(_read(TEMPLATE)), _keys(_read(PO))
    assert set(po) == set(template), "run `pybabel update`: the .po and the template differ"
    untranslated, fuzzy = [], []
    for key, message in po.items():
        if not all(_forms(message)):
            untranslated.append(key)
        elif message.fuzzy:
            fuzzy.append(key)
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy (check and clear the flag): {fuzzy[:10]}"


def test_translations_keep_the_fields_of_the_english() -> None:
    wrong = []
    for (_context, msgid), message in _keys(_read(PO)).items():
        english = _fields(msgid)
        if isinstance(message.id, tuple | list):
            english |= _fields(message.id[1]) | {"n"}
        for form in _forms(message):
            if not _fields(form) <= english:
                wrong.append((msgid, form))
    assert not wrong, wrong[:10]


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name | ast.Attribute)
        and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) in FORMS
    ]


def test_the_translation_function_is_given_literal_texts() -> None:
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "i18n" / "message.py":
            continue  # where the forms are defined, passing their argument on
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree):
            name = call.func.id if isinstance(call.func, ast.Name) else call.func.attr  # type: ignore[union-attr]
            if isinstance(call.func, ast.Attribute) and name == "gettext":
                continue  # the standard library's gettext objects, not ours
            literal = call.args[: FORMS[name]]
            if len(literal) < FORMS[name] or not all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in literal
            ):
                bad.append(f"{path.relative_to(ROOT)}:{call.lineno} {name}(...)")
    assert not bad, "give the translation function a literal text:\n" + "\n".join(bad)


def test_the_compiled_catalogue_says_what_the_po_says() -> None:
    compiled = read_mo(io.BytesIO(compile_catalogue(PO)))
    from_po = read_catalogue("vi")
    assert from_po is not None
    assert len(from_po.entries) == len(_keys(_read(PO)))
    for key, message in _keys(compiled).items():
        assert from_po.entries[key] == _forms(message)


def test_the_compiled_catalogue_reads_back_as_the_po() -> None:
    """The library's own .mo reader gives the catalogue Babel reads from the .po."""
    from_po = _from_babel("vi", _read(PO))
    from_mo = _from_mo("vi", compile_catalogue(PO))
    assert from_mo.entries == from_po.entries
    assert [from_mo.plural(n) for n in range(30)] == [from_po.plural(n) for n in range(30)]


def _big_endian(mo: bytes) -> bytes:
    """The same .mo with its header and tables written most significant byte first."""
    import struct

    count, ids_at, texts_at = struct.unpack_from("<3I", mo, 8)
    words = 7  # magic, revision, count, two table offsets, hash size, hash offset
    header = struct.unpack_from(f"<{words}I", mo, 0)
    out = bytearray(mo)
    struct.pack_into(f">{words}I", out, 0, *header)
    for table in (ids_at, texts_at):
        pairs = struct.unpack_from(f"<{2 * count}I", mo, table)
        struct.pack_into(f">{2 * count}I", out, table, *pairs)
    return bytes(out)


def test_the_mo_reader_keeps_contexts_plurals_and_drops_untranslated() -> None:
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="en")  # two plural forms: n != 1
    catalog.add("plain", "thường")
    catalog.add("plain", "trong bối cảnh", context="ctx")
    catalog.add(("{n} unit", "{n} units"), ("{n} đơn vị", "{n} các đơn vị"))
    catalog.add("not yet", "")
    catalog.add("unsure", "chưa chắc", flags=["fuzzy"])
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    for data in (buffer.getvalue(), _big_endian(buffer.getvalue())):
        read = _from_mo("en", data)
        assert read.entries == {
            (None, "plain"): ("thường",),
            ("ctx", "plain"): ("trong bối cảnh",),
            (None, "{n} unit"): ("{n} đơn vị", "{n} các đơn vị"),
        }
        assert read.lookup("{n} unit", n=1) == "{n} đơn vị"
        assert read.lookup("{n} unit", n=4) == "{n} các đơn vị"
        assert read.lookup("plain", context="ctx") == "trong bối cảnh"
        assert read.entries == _from_babel("en", read_mo(io.BytesIO(buffer.getvalue()))).entries
    with pytest.raises(ValueError, match="not a compiled catalogue"):
        _from_mo("vi", b"\x00" * 28)


@pytest.mark.slow
def test_the_wheel_ships_the_compiled_catalogue(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("drugfree_core-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "drugfree_core/locale/vi/LC_MESSAGES/drugfree.mo" in names
    assert not [n for n in names if n.endswith((".po", ".pot"))]
    # Installed from the wheel alone (no .po beside it), the library speaks Vietnamese.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); import drugfree_core.i18n as i; "
        "assert i.__file__.startswith(sys.argv[1]), i.__file__; "
        "print(i.ngettext('{n} record quarantined', '{n} records quarantined', 3, 'vi'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(site)], check=True, capture_output=True, text=True
    )
    assert out.stdout.strip() == "3 bản ghi bị cách ly"


# --- the compiled copy kept in the cache folder -----------------------------------------


@pytest.fixture
def source_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the catalogue with no .mo, read by the library, and an empty cache."""
    locale = tmp_path / "locale"
    (locale / "vi" / "LC_MESSAGES").mkdir(parents=True)
    (locale / "vi" / "LC_MESSAGES" / "drugfree.po").write_bytes(PO.read_bytes())
    monkeypatch.setattr(catalog_module, "LOCALE_DIR", locale)
    monkeypatch.setenv("DRUGFREE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def _kept(tree: Path) -> list[Path]:
    return sorted((tree / "cache" / "catalogues").glob("*.mo"))


def _without_babel(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(po_text: bytes, lang: str) -> bytes:
        raise AssertionError("compiled again")

    monkeypatch.setattr(po_compile, "compile_po", refuse)


def test_a_source_tree_compiles_its_catalogue_once_and_reads_it_back(
    source_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = read_catalogue("vi")
    assert first is not None
    assert first.entries == _from_babel("vi", _read(PO)).entries
    (kept,) = _kept(source_tree)
    assert kept.read_bytes() == compile_catalogue(PO)
    _without_babel(monkeypatch)
    again = read_catalogue("vi")
    assert again is not None
    assert again.entries == first.entries
    assert [again.plural(n) for n in range(30)] == [first.plural(n) for n in range(30)]


def _edited_po(tree: Path, text: str) -> str:
    """Give the first plain message of the tree's .po the translation *text*: its msgid."""
    po = tree / "locale" / "vi" / "LC_MESSAGES" / "drugfree.po"
    catalog = _read(po)
    edited = next(m for m in catalog if m.id and not m.pluralizable and not m.context)
    edited.string = text
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    po.write_bytes(buffer.getvalue())
    return str(edited.id)


def _aged(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_an_edited_catalogue_is_compiled_anew(source_tree: Path) -> None:
    assert read_catalogue("vi") is not None
    (before,) = _kept(source_tree)
    msgid = _edited_po(source_tree, "đã sửa")
    after = read_catalogue("vi")
    assert after is not None
    assert after.entries[(None, msgid)] == ("đã sửa",)
    # The copy of the .po as it was stays (another checkout may still use it).
    assert before in _kept(source_tree)
    assert len(_kept(source_tree)) == 2


def test_only_this_languages_long_unwritten_copies_and_leftovers_are_dropped(
    source_tree: Path,
) -> None:
    folder = source_tree / "cache" / "catalogues"
    folder.mkdir(parents=True)
    day, hour = 24 * 3600, 3600
    old_vi = folder / f"drugfree-vi-{'a' * 32}.mo"
    recent_vi = folder / f"drugfree-vi-{'b' * 32}.mo"
    old_other = folder / f"drugfree-vi-VN-{'c' * 32}.mo"  # another language's name
    unrelated, hidden = folder / "notes.mo", folder / ".notes.part"
    old_part, fresh_part = folder / ".abcd_123.part", folder / ".efgh_456.part"
    for path in (old_vi, recent_vi, old_other, unrelated, hidden, old_part, fresh_part):
        path.write_bytes(b"x")
    for path in (old_vi, old_other, unrelated, hidden):
        _aged(path, 8 * day)
    _aged(recent_vi, 6 * day)
    _aged(old_part, 2 * hour)
    _aged(fresh_part, hour / 2)
    assert read_catalogue("vi") is not None
    left = {p.name for p in folder.iterdir()}
    assert old_vi.name not in left and old_part.name not in left
    kept = {recent_vi.name, old_other.name, unrelated.name, hidden.name, fresh_part.name}
    assert kept < left
    assert len(_kept(source_tree)) == 4  # the new copy, the recent one, the other two


def _compiled_copy(tree: Path) -> Path:
    assert read_catalogue("vi") is not None
    (kept,) = _kept(tree)
    return kept


@pytest.mark.parametrize(
    "damage",
    [
        lambda good: b"",
        lambda good: b"not a catalogue at all, just bytes here",
        lambda good: b"\xde",
        lambda good: good[: len(good) // 2],  # the header whole, the strings cut short
        lambda good: good[:-200],
    ],
)
def test_a_damaged_copy_is_compiled_again_and_replaced(
    source_tree: Path, damage: Callable[[bytes], bytes]
) -> None:
    kept = _compiled_copy(source_tree)
    kept.write_bytes(damage(kept.read_bytes()))
    again = read_catalogue("vi")
    assert again is not None
    assert again.entries == _from_babel("vi", _read(PO)).entries
    assert kept.read_bytes() == compile_catalogue(PO)


def test_a_copy_others_may_have_written_is_not_read(source_tree: Path) -> None:
    """A copy writable by others, a link, a pipe, or someone else's: compiled, never read."""
    kept = _compiled_copy(source_tree)
    po = source_tree / "locale" / "vi" / "LC_MESSAGES" / "drugfree.po"
    _edited_po(source_tree, "giả mạo")
    planted = compile_catalogue(po)
    po.write_bytes(PO.read_bytes())
    truth = _from_babel("vi", _read(PO)).entries
    elsewhere = source_tree / "planted.mo"
    elsewhere.write_bytes(planted)
    elsewhere.chmod(0o600)  # only the link itself is wrong: nothing else may reject it

    def plant_writable(mp: pytest.MonkeyPatch) -> None:
        kept.write_bytes(planted)
        kept.chmod(0o666)

    def plant_link(mp: pytest.MonkeyPatch) -> None:
        kept.unlink()
        kept.symlink_to(elsewhere)

    def plant_pipe(mp: pytest.MonkeyPatch) -> None:
        kept.unlink()
        os.mkfifo(kept)

    def plant_someone_elses(mp: pytest.MonkeyPatch) -> None:
        kept.write_bytes(planted)
        kept.chmod(0o644)
        real = os.geteuid()
        mp.setattr(os, "geteuid", lambda: real + 1)

    def stuck(signum: int, frame: object) -> None:
        raise AssertionError("the read waited on the pipe")

    previous = signal.signal(signal.SIGALRM, stuck)
    try:
        for plant in (plant_writable, plant_link, plant_pipe, plant_someone_elses):
            with pytest.MonkeyPatch.context() as mp:
                plant(mp)
                signal.alarm(10)
                try:
                    read = read_catalogue("vi")
                finally:
                    signal.alarm(0)
            assert read is not None
            assert read.entries == truth, plant.__name__
            assert kept.is_file() and not kept.is_symlink(), plant.__name__
            assert kept.read_bytes() == compile_catalogue(PO), plant.__name__
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_a_copy_that_cannot_be_renamed_into_place_leaves_nothing_behind(
    source_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(source: object, target: object) -> None:
        raise OSError("the disk is full")

    monkeypatch.setattr(os, "replace", refuse)
    read = read_catalogue("vi")
    assert read is not None
    assert read.entries == _from_babel("vi", _read(PO)).entries
    assert not [p for p in (source_tree / "cache").rglob("*") if p.is_file()]


def test_without_a_cache_folder_the_catalogue_is_still_read(
    source_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(source_tree)
    # Empty: keep nothing. A file where the folder should be: nothing can be written.
    for setting in ("", str(source_tree / "a-file")):
        (source_tree / "a-file").write_text("")
        monkeypatch.setenv("DRUGFREE_CACHE_DIR", setting)
        read = read_catalogue("vi")
        assert read is not None
        assert read.entries == _from_babel("vi", _read(PO)).entries
    assert sorted(p.name for p in source_tree.iterdir()) == ["a-file", "locale"]
    assert (source_tree / "a-file").read_text() == ""


def test_an_untranslated_entry_is_left_out_of_the_compiled_catalogue(tmp_path: Path) -> None:
    """Babel writes an empty plural form as the English: the entry must read as missing."""
    catalog = Catalog(locale="vi")
    catalog.add("plain", "thường")
    catalog.add(("{n} unit", "{n} units"), ("",))
    catalog.add("not yet", "")
    catalog.add("unsure", "chưa chắc", flags=["fuzzy"])
    buffer = io.BytesIO()
    write_po(buffer, catalog)
    po = tmp_path / "vi" / "LC_MESSAGES" / "drugfree.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(buffer.getvalue())
    assert _from_mo("vi", compile_catalogue(po)).entries == {(None, "plain"): ("thường",)}


def test_the_cache_folder_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DRUGFREE_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert _env.cache_dir() == tmp_path / "home" / ".cache" / "drugfree-core"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _env.cache_dir() == tmp_path / "xdg" / "drugfree-core"
    monkeypatch.setenv("DRUGFREE_CACHE_DIR", str(tmp_path / "chosen"))
    assert _env.cache_dir() == tmp_path / "chosen"
    monkeypatch.setenv("DRUGFREE_CACHE_DIR", "  ")
    assert _env.cache_dir() is None


def test_a_damaged_catalogue_warns_and_leaves_english(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken install's catalogue is said once, in English; nothing ends in a traceback."""
    from drugfree_core.i18n import catalog

    monkeypatch.setattr(catalog, "read_catalogue", lambda lang: catalog._from_mo(lang, b"\0" * 28))
    with pytest.warns(RuntimeWarning, match="catalogue .* is damaged .*not a compiled catalogue"):
        assert catalog.catalogue.__wrapped__("vi") is None
