#!/usr/bin/env python3
"""Makes the hostile inputs of issue 15's memory cases in a folder (nothing large is committed).

    python3 tests/hostile/make_hostile.py /tmp/hostile

Writes, one file per case:
  pdf-flate-bomb.pdf      a content stream that inflates to 1 GiB of spaces
  text-200mb.txt          the 2021 report repeated to 200 MB
  bullets-5m.txt          an objective heading and 5 million short bullet lines
  docx-bomb.docx          a word/document.xml that inflates to 1 GiB
  docx-lying-sizes.docx   the same, with its zip headers claiming a tiny uncompressed size
  pdf-huge-image.pdf      a page with text and an image XObject that inflates to 1.2 GB
and `malformed/`: the malformed-input folder of tests/common (good inputs beside bad ones).
Run from the repository's root (it reads fixtures/).
"""

import os
import struct
import sys
import zipfile
import zlib

GIB = 1 << 30


def deflate_repeat(chunk: bytes, total: int, raw: bool = False) -> bytes:
    """`chunk` repeated to `total` bytes, deflated (zlib, or raw deflate for zip)."""
    c = zlib.compressobj(1, zlib.DEFLATED, -15 if raw else 15)
    out = []
    block = chunk * max(1, (1 << 20) // len(chunk))
    done = 0
    while done < total:
        piece = block[: min(len(block), total - done)]
        out.append(c.compress(piece))
        done += len(piece)
    out.append(c.flush())
    return b"".join(out)


def pdf_with(objects):
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objects):
        offsets.append(len(out))
        out += f"{i + 1} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def stream(dict_extra: bytes, data: bytes) -> bytes:
    return (
        b"<< /Length " + str(len(data)).encode() + b" " + dict_extra + b" >>\nstream\n" + data + b"\nendstream"
    )


def pdf_flate_bomb(path):
    bomb = deflate_repeat(b" ", GIB)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        stream(b"/Filter /FlateDecode", bomb),
    ]
    open(path, "wb").write(pdf_with(objs))


def pdf_huge_image(path):
    side = 20000  # 20000 x 20000 RGB = 1.2 GB
    image = deflate_repeat(b"\x00", side * side * 3)
    content = b"BT /F1 12 Tf 72 720 Td (Objetivo 1. Recopilar y utilizar datos exactos) Tj ET q 100 0 0 100 72 500 cm /Im0 Do Q"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im0 6 0 R >> >> >>",
        stream(b"", content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        stream(
            f"/Type /XObject /Subtype /Image /Width {side} /Height {side} /ColorSpace /DeviceRGB "
            "/BitsPerComponent 8 /Filter /FlateDecode".encode(),
            image,
        ),
    ]
    open(path, "wb").write(pdf_with(objs))


def text_200mb(path):
    report = open("fixtures/informe-ejecutivo-2021.txt", "rb").read()
    with open(path, "wb") as f:
        written = 0
        while written < 200_000_000:
            f.write(report)
            written += len(report)


def bullets_5m(path):
    with open(path, "wb") as f:
        f.write("Objetivo 1. Recopilar y utilizar datos exactos y desglosados para formular políticas con base empírica\n".encode())
        line = "• a\n".encode()
        block = line * 100_000
        for _ in range(50):
            f.write(block)


DOC_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document '
    b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def docx_bomb(path):
    para = b"<w:p><w:r><w:t>Se realizaron 12 talleres.</w:t></w:r></w:p>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(DOC_HEAD)
            block = para * ((1 << 20) // len(para))
            for _ in range(1024):
                f.write(block)
            f.write(b"</w:body></w:document>")


def docx_lying_sizes(path):
    """A zip whose headers say word/document.xml is 100 bytes; it inflates to 1 GiB."""
    para = b"<w:p><w:r><w:t>Se realizaron 12 talleres.</w:t></w:r></w:p>"
    body = DOC_HEAD + para * ((GIB - len(DOC_HEAD)) // len(para))
    data = deflate_repeat(body[:1 << 20], GIB, raw=True)
    crc = 0
    name = b"word/document.xml"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), 100, len(name), 0) + name
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), 100, len(name), 0, 0, 0, 0, 0, 0
    ) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    with open(path, "wb") as f:
        f.write(local + data + central + end)


def malformed(folder):
    """tests/common's make_malformed, for measuring a whole run outside the tests."""
    os.makedirs(folder, exist_ok=True)
    w = lambda name, data: open(os.path.join(folder, name), "wb").write(data)
    w("informe-2021.txt", open("fixtures/informe-ejecutivo-2021.txt", "rb").read())
    w("sre-2022.pdf", open("fixtures/pdf/submission-word-symbol-bullets.pdf", "rb").read())
    pdf = open("fixtures/pdf/two-columns-footnotes.pdf", "rb").read()
    w("truncated.pdf", pdf[: len(pdf) // 3])
    w("random.pdf", os.urandom(40_000))
    nested = "[" * 10_000 + "]" * 10_000
    w(
        "nested-arrays.pdf",
        pdf_with(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Deep {nested} >>".encode(),
            ]
        ),
    )
    pdf_flate_bomb(os.path.join(folder, "inflate-bomb.pdf"))
    w("locked.pdf", open("fixtures/pdf/password-required.pdf", "rb").read())
    w("zero.txt", b"")
    w("utf32.txt", "Objetivo 7. Texto en UTF-32".encode("utf-32-le"))
    with zipfile.ZipFile(os.path.join(folder, "inm-2022.docx"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        paras = [
            "INSTITUTO NACIONAL DE MIGRACIÓN (INM)",
            "Objetivo 7. Abordar y reducir las vulnerabilidades en la migración",
        ]
        body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paras)
        for b in [
            "Se atendieron 1,250 casos de asistencia del 1 de junio de 2020 al 30 de junio de 2021.",
            "Se realizaron 12 talleres de orientación.",
        ]:
            body += (
                '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
                f"<w:r><w:t>{b}</w:t></w:r></w:p>"
            )
        z.writestr("word/document.xml", DOC_HEAD + body.encode() + b"</w:body></w:document>")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/hostile"
    os.makedirs(out, exist_ok=True)
    cases = {
        "pdf-flate-bomb.pdf": pdf_flate_bomb,
        "text-200mb.txt": text_200mb,
        "bullets-5m.txt": bullets_5m,
        "docx-bomb.docx": docx_bomb,
        "docx-lying-sizes.docx": docx_lying_sizes,
        "pdf-huge-image.pdf": pdf_huge_image,
    }
    for name, make in cases.items():
        path = os.path.join(out, name)
        if not os.path.exists(path):
            make(path)
        print(f"{path}: {os.path.getsize(path):,} bytes")
    malformed(os.path.join(out, "malformed"))


if __name__ == "__main__":
    main()
