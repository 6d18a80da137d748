import pytest

from etl.names import name_key, strip_diacritics


@pytest.mark.parametrize("written, key", [
    ("TP. Hồ Chí Minh", "ho chi minh"), ("Thành phố Hà Nội", "ha noi"), ("Tỉnh Khánh Hoà", "khanh hoa"),
    ("Khánh Hòa", "khanh hoa"), ("Bộ Y Tế", "bo y te"), ("  Đắk   Lắk ", "dak lak"),
    ("Bà Rịa - Vũng Tàu", "ba ria vung tau"), ("Bộ KH&ĐT", "bo kh va dt"),
])
def test_name_key(written, key):
    assert name_key(written) == key


def test_decomposed_input_gives_the_same_key():
    import unicodedata
    assert name_key(unicodedata.normalize("NFD", "Thừa Thiên Huế")) == "thua thien hue"


def test_strip_diacritics_keeps_case():
    assert strip_diacritics("Đắk Lắk") == "Dak Lak"
