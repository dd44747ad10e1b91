"""The first-start wizard refuses a plain-http province server that is not on this computer,
saying https is needed (issue 17 item 7); nothing is enrolled."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from counter_app import texts
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services.station import StationContext
from counter_app.sync.client import ALLOW_HTTP_ENV
from counter_app.ui.wizard.pages import ENROL_PAGE
from tests.gui.helpers import press, type_text
from tests.gui.test_first_start_wizard import make_wizard, press_next


def test_the_wizard_asks_for_https(
    qtbot: QtBot, station: StationContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ALLOW_HTTP_ENV, raising=False)
    wizard = make_wizard(qtbot, station)
    press_next(wizard)
    assert wizard.currentId() == ENROL_PAGE
    page = wizard.enrol_page
    type_text(page.url_edit, "http://motcua.example.gov.vn")
    type_text(page.code_edit, "ABCD-EFGH-IJKL")
    press(page.code_edit)
    expected = DomainError(ErrorCode.SYNC_INSECURE_URL, url="http://motcua.example.gov.vn")
    assert page.error_label.text() == texts.error_message(expected)
    assert station.setting("sync", None) is None and station.office().is_demo
