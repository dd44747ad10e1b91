"""The fee the reception form proposes, from the catalogue's crawled fee text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from counter_app.domain.fees import MAX_SUMMARY, counter_fee

CATALOGUE = Path(__file__).parents[2] / "resources" / "catalogue" / "procedures.json"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Miễn phí", "Miễn phí"),
        ("Không có thông tin", ""),
        ("", ""),
        ("100,000 Việt Nam Đồng (/hồ sơ)", "100,000 Việt Nam Đồng (/hồ sơ)"),
        ("20 VNĐ (20.000 đ/tờ khai)", "20 VNĐ (20.000 đ/tờ khai)"),
        (
            "Trực tiếp: 2,000 Việt Nam Đồng (/trang); Trực tiếp: 10 USD (/bản)",
            "2,000 Việt Nam Đồng (/trang); 10 USD (/bản)",
        ),
        (
            "Trực tuyến: Miễn phí (Miễn lệ phí. Phí cấp bản sao Trích lục kết hôn (nếu có yêu"
            " cầu) thực hiện theo quy định tại Thông tư số 281/2016/TT-BTC.); Trực tiếp: Miễn"
            " phí (Miễn lệ phí. Phí cấp bản sao Trích lục kết hôn (nếu có yêu cầu) thực hiện"
            " theo quy định tại Thông tư số 281/2016/TT-BTC.)",
            "Miễn phí",
        ),
        ("Trực tuyến: 50,000 Việt Nam Đồng", ""),  # no amount for the counter channel
    ],
)
def test_counter_fee(text: str, expected: str) -> None:
    assert counter_fee(text) == expected


def test_every_catalogue_fee_fits_the_form() -> None:
    records = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    summaries = [counter_fee(r.get("fee_text") or "") for r in records]
    assert all(len(s) <= MAX_SUMMARY for s in summaries)
    assert sum(1 for s in summaries if s) > 0.8 * len(records)
