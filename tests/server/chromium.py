"""Headless Chromium driven over the DevTools protocol (a websocket, no extra package): open
a page at a given window size, type into fields key by key, press a button, read the text the
browser rendered, take a screenshot. Used by the lookup page's browser test and by
scripts/lookup-screenshots; the leaders' dashboard's test clicks links and downloads its workbook.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class Chromium:
    """One headless Chromium with one tab; close it (or use ``with``)."""

    def __init__(self, width: int = 360, height: int = 780) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="chromium-"))
        self._stack = contextlib.ExitStack()
        self._process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--remote-debugging-port=0",
                f"--user-data-dir={self._folder}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._ids = itertools.count(1)
        self._ws = self._attach()
        self.call("Page.enable")
        self.resize(width, height)

    def _attach(self) -> ClientConnection:
        port_file = self._folder / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self._process.poll() is not None:
                self.close()
                raise RuntimeError("chromium did not start")
            time.sleep(0.05)
        port = port_file.read_text().split()[0]
        tabs = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        page = next(t for t in tabs if t.get("type") == "page")
        socket = connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=10)
        return self._stack.enter_context(socket)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """One protocol command; its result (events received meanwhile are dropped)."""
        number = next(self._ids)
        self._ws.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv(timeout=30))
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))

    def resize(self, width: int, height: int) -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_loaded(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while self.evaluate("document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise TimeoutError("page not loaded")
            time.sleep(0.05)

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        time.sleep(0.1)
        self.wait_loaded()

    def type_into(self, selector: str, text: str) -> None:
        """Focus the field by a click on it, then type ``text`` one key at a time."""
        box = self.evaluate(
            f"(() => {{const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];})()"
        )
        self.click_at(*box)
        for char in text:
            self.call("Input.dispatchKeyEvent", type="keyDown", text=char, key=char)
            self.call("Input.dispatchKeyEvent", type="keyUp", key=char)

    def click_at(self, x: float, y: float) -> None:
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def press_enter(self) -> None:
        """Enter in the focused field: the form is submitted as a person would."""
        before = self.evaluate("performance.timeOrigin")
        enter = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
        self.call("Input.dispatchKeyEvent", type="keyDown", text="\r", **enter)
        self.call("Input.dispatchKeyEvent", type="keyUp", **enter)
        deadline = time.monotonic() + 15
        while self.evaluate("performance.timeOrigin") == before:
            if time.monotonic() > deadline:
                raise TimeoutError("the form was not sent")
            time.sleep(0.05)
        self.wait_loaded()

    def click(self, selector: str) -> None:
        """Click the element (a link or a button) as a person would and wait for the page it
        opens."""
        before = self.evaluate("performance.timeOrigin")
        self.evaluate(f"document.querySelector({json.dumps(selector)}).scrollIntoView()")
        box = self.evaluate(
            f"(() => {{const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];})()"
        )
        self.click_at(*box)
        deadline = time.monotonic() + 15
        while self.evaluate("performance.timeOrigin") == before:
            if time.monotonic() > deadline:
                raise TimeoutError("the click opened nothing")
            time.sleep(0.05)
        self.wait_loaded()

    def download(self, selector: str, folder: Path, timeout: float = 30) -> Path:
        """Click a link whose answer is a file (Content-Disposition: attachment) and return
        the file the browser saved in ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        self.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(folder))
        self.evaluate(f"document.querySelector({json.dumps(selector)}).scrollIntoView()")
        box = self.evaluate(
            f"(() => {{const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];})()"
        )
        self.click_at(*box)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = [p for p in folder.iterdir() if not p.name.endswith(".crdownload")]
            if done:
                return done[0]
            time.sleep(0.05)
        raise TimeoutError("nothing was downloaded")

    def text(self) -> str:
        """The page's text as rendered (``innerText``: what a person reads)."""
        return str(self.evaluate("document.body.innerText"))

    def value(self, selector: str) -> str:
        return str(self.evaluate(f"document.querySelector({json.dumps(selector)}).value"))

    def page_width(self) -> int:
        return int(self.evaluate("document.documentElement.scrollWidth"))

    def screenshot(self, target: Path, *, full_page: bool = True) -> Path:
        """A PNG of the page (its whole height when ``full_page``) at the window's width."""
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            metrics = self.call("Page.getLayoutMetrics")["cssContentSize"]
            width = int(self.evaluate("window.innerWidth"))
            params["clip"] = {
                "x": 0,
                "y": 0,
                "width": width,
                "height": metrics["height"],
                "scale": 1,
            }
        data = self.call("Page.captureScreenshot", **params)["data"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(data))
        return target

    def close(self) -> None:
        self._stack.close()
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
