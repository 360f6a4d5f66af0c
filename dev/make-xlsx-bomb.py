#!/usr/bin/env python3
"""Write tests/fixtures/import/bomb.xlsx: a workbook whose one sheet unpacks to 160 MiB of
blanks (about 160 KiB on disk), for the hostile-input test of `gongshi import`
(tests/it/import.rs). Deterministic: fixed timestamps, fixed compression level.

    python3 dev/make-xlsx-bomb.py        (from the repository root)

Built by a script rather than in the test because deflating 160 MiB in a debug test binary
takes most of a minute.
"""
import zipfile

OUT = "tests/fixtures/import/bomb.xlsx"
PARTS = [
    ("[Content_Types].xml", b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    ("_rels/.rels", b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    ("xl/workbook.xml", b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    ("xl/_rels/workbook.xml.rels", b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
]
HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
TAIL = b"</sheetData></worksheet>"
PAD_MIB = 160


def info(name):
    i = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    i.compress_type = zipfile.ZIP_DEFLATED
    return i


with zipfile.ZipFile(OUT, "w", compresslevel=9) as z:
    for name, data in PARTS:
        z.writestr(info(name), data)
    with z.open(info("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as f:
        f.write(HEAD)
        chunk = b" " * (1 << 20)
        for _ in range(PAD_MIB):
            f.write(chunk)
        f.write(TAIL)
