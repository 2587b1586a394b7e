import hashlib
import os
from pathlib import Path

import pytest

from meetings import create_app
from meetings.documents.storage import InvalidKey, LocalStorage, get_storage, safe_download_headers
from tests.documents import samples


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "documents")


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_put_open_round_trip(storage):
    data = samples.pdf()
    key = storage.put(data)
    assert key == hashlib.sha256(data).hexdigest()
    with storage.open(key) as handle:
        assert handle.read() == data
    assert storage.exists(key)
    assert storage.size(key) == len(data)


def test_put_names_the_file_by_hash_in_fan_out_folders(storage):
    key = storage.put(b"Minutes")
    assert stored_files(storage.root) == [storage.root / key[:2] / key[2:4] / key]


def test_put_same_content_stored_once(storage):
    first = storage.put(b"Agenda")
    written_at = (storage.root / first[:2] / first[2:4] / first).stat().st_mtime_ns
    os.utime(storage.root / first[:2] / first[2:4] / first, ns=(0, 0))
    second = storage.put(b"Agenda")
    assert first == second
    assert len(stored_files(storage.root)) == 1
    assert (storage.root / first[:2] / first[2:4] / first).stat().st_mtime_ns == 0 != written_at


def test_put_leaves_no_temporary_file(storage):
    storage.put(b"one")
    storage.put(b"two")
    names = [p.name for p in stored_files(storage.root)]
    assert len(names) == 2
    assert not [n for n in names if n.startswith(".") or n.endswith(".part")]


def test_put_failed_write_leaves_nothing(storage, monkeypatch):
    def broken_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        storage.put(b"half")
    assert stored_files(storage.root) == []


def test_delete_removes_and_tolerates_missing(storage):
    key = storage.put(b"Draft")
    storage.delete(key)
    assert not storage.exists(key)
    storage.delete(key)  # twice is fine
    with pytest.raises(FileNotFoundError):
        storage.open(key)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "abc",
        "A" * 64,
        "g" * 64,
        "0" * 63,
        "0" * 65,
        "../" + "0" * 61,
        "/etc/passwd",
        "..",
        "0" * 64 + "\n",
        None,
    ],
)
def test_bad_keys_refused(storage, key):
    for operation in (storage.open, storage.exists, storage.delete, storage.size):
        with pytest.raises(InvalidKey):
            operation(key)


def test_get_storage_defaults_to_instance_documents(tmp_path, monkeypatch):
    monkeypatch.delenv("DOCUMENT_STORAGE_PATH", raising=False)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        assert get_storage().root == Path(app.instance_path) / "documents"
        assert app.config["DOCUMENT_MAX_BYTES"] == 20 * 1024 * 1024


def test_get_storage_follows_config(app, tmp_path):
    app.config["DOCUMENT_STORAGE_PATH"] = str(tmp_path / "elsewhere")
    assert get_storage().root == tmp_path / "elsewhere"


def test_headers_pdf_inline_with_utf8_name():
    headers = safe_download_headers("Joint Statement — 第3回.pdf", "application/pdf")
    assert headers == {
        "Content-Type": "application/pdf",
        "Content-Disposition": (
            'inline; filename="Joint Statement - 3.pdf"; '
            "filename*=UTF-8''Joint%20Statement%20%E2%80%94%20%E7%AC%AC3%E5%9B%9E.pdf"
        ),
        "X-Content-Type-Options": "nosniff",
    }


def test_headers_no_quote_or_line_break_injection():
    name = 'Report".pdf\r\nSet-Cookie: a=b\\x.pdf'
    disposition = safe_download_headers(name, "application/pdf")["Content-Disposition"]
    assert disposition == ("inline; filename=\"x.pdf\"; filename*=UTF-8''x.pdf")
    name = 'Final "agreed"\r\n text.docx'
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = safe_download_headers(name, docx)["Content-Disposition"]
    assert disposition == (
        'attachment; filename="Final agreed text.docx"; '
        "filename*=UTF-8''Final%20%22agreed%22%20text.docx"
    )


def test_headers_direction_override_removed():
    headers = safe_download_headers("invoice\u202efdp.exe", "application/pdf")
    assert headers["Content-Disposition"].endswith("filename*=UTF-8''invoicefdp.exe")


def test_headers_only_non_ascii_name_falls_back_to_download():
    disposition = safe_download_headers("議事録.txt", "text/plain")["Content-Disposition"]
    assert disposition == (
        "inline; filename=\"download.txt\"; filename*=UTF-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2.txt"
    )
    assert safe_download_headers("", "image/png")["Content-Disposition"] == (
        "inline; filename=\"download\"; filename*=UTF-8''download"
    )


@pytest.mark.parametrize(
    ("media_type", "content_type", "disposition"),
    [
        ("application/pdf", "application/pdf", "inline"),
        ("image/png", "image/png", "inline"),
        ("image/jpeg", "image/jpeg", "inline"),
        ("text/plain", "text/plain; charset=utf-8", "inline"),
        ("application/msword", "application/msword", "attachment"),
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "attachment",
        ),
        ("text/html", "application/octet-stream", "attachment"),
        ("image/svg+xml", "application/octet-stream", "attachment"),
        ("application/xhtml+xml", "application/octet-stream", "attachment"),
        ("", "application/octet-stream", "attachment"),
    ],
)
def test_headers_content_type_is_never_markup(media_type, content_type, disposition):
    headers = safe_download_headers("file", media_type)
    assert headers["Content-Type"] == content_type
    assert headers["Content-Disposition"].startswith(disposition + ";")
    assert headers["X-Content-Type-Options"] == "nosniff"
