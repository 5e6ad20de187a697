from yrdwatch.extract.decode import decode_html

TEXT = "<html><head><meta charset='{cs}'><title>梁溪区签约</title></head><body><p>总投资約15亿元，鎔铸</p></body></html>"


def test_gbk_page_declared_gbk():
    raw = TEXT.format(cs="gbk").encode("gb18030")
    text, enc = decode_html(raw)
    assert "总投资約15亿元" in text and enc == "gb18030"


def test_gb2312_declaration_widened_to_gb18030():
    raw = TEXT.format(cs="gb2312").encode("gb18030")  # 鎔 is outside GB2312
    text, _ = decode_html(raw)
    assert "鎔铸" in text


def test_declared_charset_that_lies_is_overruled_by_the_bytes():
    raw = TEXT.format(cs="gb2312").encode("utf-8")
    text, enc = decode_html(raw, "text/html; charset=gbk")
    assert "总投资約15亿元" in text and enc == "utf-8"


def test_gbk_without_any_declaration():
    raw = "<html><body><p>无锡市梁溪区举行都市工业项目集中签约仪式，现场集中签约29个项目。</p></body></html>".encode("gbk")
    text, _ = decode_html(raw)
    assert "集中签约29个项目" in text


def test_truncated_multibyte_tail_is_dropped_not_fatal():
    raw = "<p>长三角一体化发展".encode("utf-8")[:-1]
    assert decode_html(raw) == ("<p>长三角一体化发", "utf-8")
    raw = "<p>长三角一体化发展".encode("gbk")[:-1]
    assert decode_html(raw)[0] == "<p>长三角一体化发"


def test_utf8_page_with_one_stray_byte_stays_utf8():
    raw = ("<p>" + "长三角生态绿色一体化发展示范区" * 20 + "</p>").encode("utf-8")
    raw = raw[:50] + b"\xff" + raw[50:]
    text, enc = decode_html(raw)
    assert enc == "utf-8" and text.count("示范区") >= 19
