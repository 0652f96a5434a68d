"""Uploaded files, whatever app keeps them (ticket attachments, legal documents): the checks made before anything
is written, the names they are stored and offered under, where they live and how they are served (see
docs/attachments.md). Files live under BSPOS_DATA_DIR/<folder>/ (so `bspos backup` takes them with the database)
unless a deployment sets STORAGES["default"] (S3 and the like)."""

import hashlib
import mimetypes
import os
import unicodedata

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat

# Programs and scripts a click could run (Windows, macOS, Linux, Office-free): refused by their name.
REFUSED_EXTENSIONS = frozenset({
    "exe", "com", "scr", "pif", "dll", "cpl", "sys", "msi", "msp", "msc", "bat", "cmd", "vbs", "vbe", "js", "jse",
    "wsf", "wsh", "ps1", "psm1", "psd1", "hta", "lnk", "reg", "inf", "gadget", "jar", "app", "dmg", "pkg", "apk",
    "deb", "rpm", "run", "bin", "elf", "sh", "bash", "zsh", "csh", "ksh", "command", "py", "pl", "rb", "php",
})
# And by content, whatever the name: the first bytes of executables (DOS/Windows PE, ELF, Mach-O, fat Mach-O or
# Java class) and of any script with an interpreter line. Six signatures are all a deny-list needs; a magic-number
# library would add a database of types we then ignore.
EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                         b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
STOCK_STORAGE = "django.core.files.storage.FileSystemStorage"


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_BYTES


def clean_name(name: str) -> str:
    """A file's name as shown and offered for download: no folders, no control characters, 200 characters."""
    name = os.path.basename(str(name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return name[:200] or "file"


def extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _head(file) -> bytes:
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    return head or b""


def refusal(file, allowed: frozenset[str] | None = None) -> str:
    """Why the file cannot be stored ("" when it can): empty, over the size limit, a program or script by name or
    by content, or (with `allowed`) not one of the allowed extensions."""
    name = clean_name(file.name)
    if file.size == 0:
        return f"{name} is empty."
    if file.size > max_bytes():
        return f"{name} is {filesizeformat(file.size)}, over the {filesizeformat(max_bytes())} limit per file."
    if extension(name) in REFUSED_EXTENSIONS:
        return f"{name}: programs and scripts cannot be attached (.{extension(name)} files are refused)."
    if allowed is not None and extension(name) not in allowed:
        return f"{name}: only {', '.join(sorted(allowed))} files are accepted here."
    if _head(file).startswith(EXECUTABLE_SIGNATURES):
        return f"{name} is a program or script, whatever its name; such files cannot be attached."
    return ""


def sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def content_type_of(name: str, given: str = "") -> str:
    return mimetypes.guess_type(name)[0] or given or "application/octet-stream"


def download(stored, filename: str) -> FileResponse:
    """A stored file as a download, never rendered by the browser (octet-stream, attachment, nosniff)."""
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=filename,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class DataDirStorage(FileSystemStorage):
    """Files under a folder of the data directory (BSPOS_DATA_DIR/<folder>), read when used so tests and
    installations that move the data directory find them."""

    def __init__(self, folder: str, **kwargs) -> None:
        self.folder = folder
        super().__init__(**kwargs)

    @property
    def base_location(self) -> str:
        return str(settings.DATA_DIR / self.folder)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def deconstruct(self):
        return ("bspos.core.uploads.DataDirStorage", (self.folder,), {})


def storage_in(folder: str) -> Storage:
    """The configured STORAGES["default"] when a deployment set one (S3, …), else the data directory's folder."""
    if settings.STORAGES["default"]["BACKEND"] != STOCK_STORAGE:
        return storages["default"]
    return DataDirStorage(folder)
