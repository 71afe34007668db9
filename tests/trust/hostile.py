"""Hostile and broken files, built byte by byte: what an officer's inbox can hold."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

from tests.conftest import SAMPLE
from tests.trust import annex

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _ole2(*streams: str) -> bytes:
    """An OLE2 (compound file) header and directory entries naming ``streams`` — enough for
    anything that sniffs a file (Excel's .xls, Word's .doc, an encrypted OOXML package)."""
    header = OLE2_MAGIC + b"\x00" * 16 + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9)
    header = header.ljust(512, b"\x00")
    entries = b""
    for name in ("Root Entry", *streams):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        entries += raw.ljust(64, b"\x00") + struct.pack("<H", len(raw)) + b"\x02\x01"
        entries = entries.ljust(((len(entries) + 127) // 128) * 128, b"\x00")
    return header + entries.ljust(4096, b"\xff")


def sample_bytes() -> bytes:
    return Path(SAMPLE).read_bytes()


def sheet_member(data: bytes) -> str:
    return next(n for n in annex.members(data) if re.match(r"xl/worksheets/sheet\d+\.xml$", n))


def billion_laughs(target: str = "xl/sharedStrings.xml", *, pad: int = 0, utf16: bool = False) -> bytes:
    """The sample with one XML part replaced by an entity-expansion bomb (after ``pad`` bytes of
    an XML comment, to get past a sniffer that reads only the start of a part)."""
    data = sample_bytes()
    if target == "sheet":
        target = sheet_member(data)
    lol = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)]
    comment = f"<!--{' ' * pad}-->" if pad else ""
    body = ('<?xml version="1.0" encoding="UTF-8"?>' + comment
            + f"<!DOCTYPE sst [{''.join(lol)}]>"
            + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
              'uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    raw = body.encode("utf-16") if utf16 else body.encode()
    if utf16:
        raw = raw.replace(b'e\x00n\x00c\x00o\x00d\x00i\x00n\x00g\x00=\x00"\x00U\x00T\x00F\x00-\x008\x00',
                          b'e\x00n\x00c\x00o\x00d\x00i\x00n\x00g\x00=\x00"\x00U\x00T\x00F\x00-\x001\x006\x00')
    return annex.rezip(data, {target: raw})


def external_entity() -> bytes:
    """XXE: an entity that would read a local file into a cell."""
    data = sample_bytes()
    body = ('<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM '
            '"file:///etc/passwd">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<si><t>&xxe;</t></si></sst>')
    return annex.rezip(data, {"xl/sharedStrings.xml": body.encode()})


def zip_bomb(path: Path, declared_mib: int = 256) -> Path:
    """A real workbook whose sheet part inflates to ``declared_mib`` MiB of spaces (written
    streaming, so building it costs little memory)."""
    data = sample_bytes()
    sheet = sheet_member(data)
    src = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename == sheet:
                xml = src.read(sheet)
                head, tail = xml.split(b"<sheetData>", 1)
                with dst.open(sheet, "w", force_zip64=True) as fh:
                    fh.write(head + b"<sheetData>")
                    chunk = b" " * (1 << 20)
                    for _ in range(declared_mib):
                        fh.write(chunk)
                    fh.write(tail)
            else:
                dst.writestr(info.filename, src.read(info.filename))
    return path


def ratio_bomb() -> bytes:
    """Under the total size limit, but one member expands thousands of times."""
    data = sample_bytes()
    sheet = sheet_member(data)
    xml = annex.members(data)[sheet]
    head, tail = xml.split(b"<sheetData>", 1)
    return annex.rezip(data, {sheet: head + b"<sheetData>" + b" " * (60 << 20) + tail})


def lying_sizes() -> bytes:
    """A zip whose directory says a member is small while its data inflates to far more."""
    data = sample_bytes()
    sheet = sheet_member(data)
    xml = annex.members(data)[sheet]
    head, tail = xml.split(b"<sheetData>", 1)
    big = head + b"<sheetData>" + b" " * (64 << 20) + tail
    out = annex.rezip(data, {sheet: big})
    # patch the member's declared uncompressed size (local header and central directory) to 1 KiB
    size = struct.pack("<I", len(big))
    assert out.count(size) >= 2
    return out.replace(size, struct.pack("<I", 1024))


def empty_formatted_rows(n: int = 1_000_000, *, with_table: bool) -> bytes:
    """n empty rows that carry formatting (a style, a height) — what a sheet looks like after
    someone formatted whole columns; with or without the sample's table above them."""
    data = sample_bytes() if with_table else annex.build([])
    sheet = sheet_member(data)
    xml = annex.members(data)[sheet]
    if not with_table:  # no table at all: drop the builder's title/header rows
        xml = re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData></sheetData>", xml, flags=re.S)
        xml = re.sub(rb"<mergeCells.*?</mergeCells>", b"", xml, flags=re.S)
    last = max((int(r) for r in re.findall(rb'<row r="(\d+)"', xml)), default=0)
    rows = b"".join(b'<row r="%d" s="1" customFormat="1" ht="15" customHeight="1">'
                    b'<c r="A%d" s="1"/><c r="Q%d" s="1"/></row>' % (i, i, i)
                    for i in range(last + 1, last + 1 + n))
    xml = re.sub(rb"<dimension[^>]*/>", b"", xml)
    xml = xml.replace(b"</sheetData>", rows + b"</sheetData>")
    return annex.rezip(data, {sheet: xml})


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://'
                   'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
                   '<w:t>项目安排表</w:t></w:r></w:p></w:body></w:document>')
    return out.getvalue()


def unrecognisable_header() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["编号", "学校", "金额", "年份", "联系人"])
    ws.append([1, "平阳县一小", 3600, 2022, "王"])
    ws.append([2, "平阳县二小", 4200, 2023, "李"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def no_table() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "平阳县“十四五”教育建设项目安排表"
    ws["A3"] = "注:附表另行印发。"
    wb.create_sheet("Sheet2")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


CASES: dict[str, tuple[str, object]] = {
    # name: (file name, bytes or a builder taking the folder)
    "empty": ("附件.xlsx", b""),
    "csv_named_xlsx": ("附件.xlsx", "序号,项目名称,总投资\n1,平阳县一小,3600\n".encode("gb18030")),
    "html_named_xls": ("附件.xls", "<html><body><table><tr><td>项目名称</td></tr></table></body></html>".encode()),
    "pdf_named_xlsx": ("附件.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"),
    "docx_named_xlsx": ("附件.xlsx", docx()),
    "doc_named_xlsx": ("附件.xlsx", _ole2("WordDocument", "\x01CompObj")),
    "xls": ("附件.xls", _ole2("Workbook", "\x05SummaryInformation")),
    "xls_named_xlsx": ("附件.xlsx", _ole2("Workbook")),
    "encrypted": ("附件.xlsx", _ole2("EncryptionInfo", "EncryptedPackage", "\x06DataSpaces")),
    "billion_laughs": ("附件.xlsx", lambda: billion_laughs()),
    "billion_laughs_in_sheet": ("附件.xlsx", lambda: billion_laughs("sheet")),
    "billion_laughs_late": ("附件.xlsx", lambda: billion_laughs(pad=200_000)),
    "billion_laughs_utf16": ("附件.xlsx", lambda: billion_laughs(utf16=True)),
    "external_entity": ("附件.xlsx", external_entity),
    "zip_bomb": ("附件.xlsx", "zip_bomb"),
    "ratio_bomb": ("附件.xlsx", ratio_bomb),
    "lying_sizes": ("附件.xlsx", lying_sizes),
    "million_empty_rows": ("附件.xlsx", lambda: empty_formatted_rows(with_table=False)),
    "unrecognisable_header": ("附件.xlsx", unrecognisable_header),
    "no_table": ("附件.xlsx", no_table),
    "truncated": ("附件.xlsx", lambda: sample_bytes()[: len(sample_bytes()) // 2]),
}


def write_case(name: str, folder: Path) -> Path:
    filename, content = CASES[name]
    path = folder / name / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    if content == "zip_bomb":
        return zip_bomb(path)
    data = content() if callable(content) else content
    path.write_bytes(data)  # type: ignore[arg-type]
    return path
