"""Legacy encodings come out right whether declared in the header, in <meta>, or nowhere."""

from __future__ import annotations

from crawler.extraction.encoding import decode_as, decode_html

ZH_HANS = "世界可持续发展标准组织与中国环境科学研究院开启战略合作新征程。双方将发挥各自优势。" * 4
ZH_HANT = "生態環境部與聯合國環境署第十三次年度磋商會議高級別會議在肯尼亞內羅畢舉行。" * 4
PL = "Rozpoczęcie współpracy Chiny – UE w zakresie zielonych i cyfrowych innowacji. Źródło: ł." * 3


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{body}</p></body></html>"


def test_gbk_without_any_declaration() -> None:
    text, encoding = decode_html(page(ZH_HANS).encode("gbk"), "text/html")
    assert ZH_HANS in text
    assert encoding in ("gb18030", "gbk", "gb2312")


def test_gb2312_declared_in_meta_only() -> None:
    raw = page(ZH_HANS, '<meta charset="gb2312">').encode("gb2312")
    text, encoding = decode_html(raw, "text/html")
    assert ZH_HANS in text and encoding == "gbk"


# Characters GB2312 and GBK lack: the euro sign, a CJK Extension B ideograph (four bytes in
# GB18030). Pages labelled gb2312 carry them; browsers read such pages as GB18030.
BEYOND_GBK = "€𠀀"


def test_gb2312_label_reads_gb18030_characters() -> None:
    raw = page(ZH_HANS + BEYOND_GBK, '<meta charset="gb2312">').encode("gb18030")
    text, _ = decode_html(raw, "text/html")
    assert ZH_HANS + BEYOND_GBK in text


def test_stored_encoding_decodes_as_browsers_do() -> None:
    raw = page(ZH_HANS + BEYOND_GBK).encode("gb18030")
    text, encoding = decode_as(raw, "gbk")
    assert ZH_HANS + BEYOND_GBK in text and encoding == "gbk"


def test_stored_encoding_unknown_to_every_codec_decodes_afresh() -> None:
    text, encoding = decode_as(page(PL).encode("utf-8"), "no-such-codec", "text/html")
    assert PL in text and encoding == "utf-8"


def test_undeclared_legacy_page_detected_with_the_url_top_level_domain() -> None:
    text, encoding = decode_html(page(PL).encode("cp1250"), "text/html", "https://example.pl/a")
    assert PL in text and encoding == "cp1250"


def test_big5_declared_in_http_equiv_only() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=big5">'
    text, _ = decode_html(page(ZH_HANT, head).encode("big5"), None)
    assert ZH_HANT in text


def test_windows_1250_in_header_only() -> None:
    text, encoding = decode_html(page(PL).encode("cp1250"), "text/html; charset=windows-1250")
    assert PL in text and encoding == "cp1250"


def test_header_wins_over_meta() -> None:
    raw = page(PL, '<meta charset="iso-8859-1">').encode("utf-8")
    text, encoding = decode_html(raw, "text/html; charset=utf-8")
    assert PL in text and encoding == "utf-8"


def test_utf8_without_declaration() -> None:
    text, encoding = decode_html(page(ZH_HANS + PL).encode("utf-8"), "text/html")
    assert PL in text and encoding == "utf-8"
