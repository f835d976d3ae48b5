"""Safe XML parsing: XXE, entity expansion, empty, malformed, size, line numbers, speed."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from samarkiv.packages import safexml
from samarkiv.packages.safexml import XmlProblem, parse_untrusted

METS_NS = "http://www.loc.gov/METS/"

XXE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE mets [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<mets>&xxe;</mets>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>
"""


def write(tmp_path: Path, text: str | bytes, name: str = "METS.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def problem(path: Path, **kwargs) -> XmlProblem:
    with pytest.raises(XmlProblem) as info:
        parse_untrusted(path, **kwargs)
    return info.value


def mets_document(files: int) -> str:
    """A plausible METS document; about 100 KB for 400 files."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<mets:mets xmlns:mets="{METS_NS}" xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' OBJID="uuid-1" PROFILE="https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml">',
        '  <mets:metsHdr CREATEDATE="2024-01-01T00:00:00Z"/>',
        '  <mets:fileSec><mets:fileGrp USE="Representations/rep1">',
    ]
    for i in range(files):
        lines.append(
            f'    <mets:file ID="file-{i}" MIMETYPE="application/pdf" SIZE="{i}" '
            f'CHECKSUM="{i:064d}" CHECKSUMTYPE="SHA-256"><mets:FLocat LOCTYPE="URL" '
            f'xlink:type="simple" xlink:href="representations/rep1/data/f{i}.pdf"/></mets:file>'
        )
    lines += ["  </mets:fileGrp></mets:fileSec>", "</mets:mets>", ""]
    return "\n".join(lines)


def test_xxe_external_entity_is_refused(tmp_path: Path) -> None:
    exc = problem(write(tmp_path, XXE))
    assert exc.rule_id == "XML-DOCTYPE"
    assert exc.line == 2
    assert "DOCTYPE/entity declarations are not allowed (XXE / entity expansion)" in exc.message
    assert "root:" not in exc.message


def test_billion_laughs_is_refused_before_expansion(tmp_path: Path) -> None:
    started = time.perf_counter()
    exc = problem(write(tmp_path, BILLION_LAUGHS))
    assert exc.rule_id == "XML-DOCTYPE"
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE mets SYSTEM "http://www.loc.gov/standards/mets/mets.dtd">',
        '<!DOCTYPE mets PUBLIC "-//X//DTD//EN" "mets.dtd">',
        "<!DOCTYPE mets>",
    ],
)
def test_doctype_with_only_an_external_id_is_refused(tmp_path: Path, doctype: str) -> None:
    text = f'<?xml version="1.0"?>\n<!-- a comment -->\n<?pi x?>\n{doctype}\n<mets/>\n'
    exc = problem(write(tmp_path, text))
    assert (exc.rule_id, exc.line) == ("XML-DOCTYPE", 4)


def test_doctype_in_utf16_is_refused(tmp_path: Path) -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?>\n' + XXE.split("\n", 1)[1]
    assert problem(write(tmp_path, text.encode("utf-16"))).rule_id == "XML-DOCTYPE"


def test_doctype_after_a_long_prolog_is_refused(tmp_path: Path) -> None:
    text = "<?xml version='1.0'?>\n<!--" + "x" * 200_000 + "-->\n" + XXE.split("\n", 1)[1]
    assert problem(write(tmp_path, text)).rule_id == "XML-DOCTYPE"


def test_doctype_text_inside_the_document_is_fine(tmp_path: Path) -> None:
    text = "<mets><!-- <!DOCTYPE x> --><note><![CDATA[<!DOCTYPE html>]]></note></mets>"
    tree = parse_untrusted(write(tmp_path, text))
    assert tree.getroot().findtext("note") == "<!DOCTYPE html>"


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    exc = problem(write(tmp_path, content))
    assert exc.rule_id == "XML-EMPTY"
    assert "METS.xml" in exc.message and "empty" in exc.message


def test_malformed_reports_the_line(tmp_path: Path) -> None:
    exc = problem(write(tmp_path, "<mets>\n  <a>\n  </b>\n</mets>\n"))
    assert exc.rule_id == "XML-WELLFORMED"
    assert exc.line == 3
    assert "line 3" in exc.message and "METS.xml" in exc.message


def test_not_xml_at_all(tmp_path: Path) -> None:
    assert problem(write(tmp_path, b"\x89PNG\r\n\x1a\n")).rule_id == "XML-WELLFORMED"


def test_too_large(tmp_path: Path) -> None:
    exc = problem(write(tmp_path, "<mets>" + " " * 100 + "</mets>"), max_bytes=50)
    assert exc.rule_id == "XML-TOO-LARGE"
    assert "limit of 50 bytes" in exc.message


def test_normal_mets_parses_and_keeps_source_lines(tmp_path: Path) -> None:
    tree = parse_untrusted(write(tmp_path, mets_document(3)))
    root = tree.getroot()
    assert root.tag == f"{{{METS_NS}}}mets"
    assert root.sourceline == 2
    files = root.findall(f".//{{{METS_NS}}}file")
    assert [f.sourceline for f in files] == [5, 6, 7]
    assert tree.docinfo.doctype == ""


def test_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        parse_untrusted(tmp_path / "missing.xml")


def test_parser_is_reused_per_thread() -> None:
    assert safexml._parser() is safexml._parser()
    other: list[object] = []
    thread = threading.Thread(target=lambda: other.append(safexml._parser()))
    thread.start()
    thread.join()
    assert other[0] is not safexml._parser()


def test_parsing_100kb_mets_is_fast(tmp_path: Path) -> None:
    path = write(tmp_path, mets_document(400))
    assert 90_000 < path.stat().st_size < 150_000
    parse_untrusted(path)  # warm up
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        parse_untrusted(path)
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.005


@pytest.mark.parametrize("text", [XXE, BILLION_LAUGHS])
def test_parsed_tree_is_checked_again(tmp_path, monkeypatch, text: str) -> None:
    """Second line of defence: even if the prolog scan missed it, nothing is expanded."""
    monkeypatch.setattr(safexml, "_doctype_line", lambda data: None)
    started = time.perf_counter()
    exc = problem(write(tmp_path, text))
    assert exc.rule_id in {"XML-DOCTYPE", "XML-WELLFORMED"}
    assert "root:" not in exc.message
    assert time.perf_counter() - started < 0.5
