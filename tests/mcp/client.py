#!/usr/bin/env python3
"""An MCP client for the tests, on the official Python SDK (`mcp`, pinned in
tests/mcp/requirements.txt, installed into tests/mcp/.venv by .ci/run).

It starts `connector-auth mcp` over stdio, runs a plan of steps, and prints
one JSON object on stdout: every tool answer, every elicitation request and
notification it received. Its elicitation handler opens the URL it is sent
in headless Chromium (through chromedriver's WebDriver HTTP API) and fills
and saves the form, as a person would.

Every JSON-RPC message of the session, both ways, is copied raw into
`<transcript>.in` and `<transcript>.out` (the server runs behind `tee`), and
its stderr into `<transcript>.err`, for the secret scan.

Usage: client.py PLAN_JSON --binary PATH --root DIR --transcript PREFIX
  [--shots DIR]

The plan: {"elicitation": true, "on_elicit": {"do": "fill" | "fill_then_accept" |
"oauth" | "accept" | "decline" | "cancel" | "cancel_in_form", "values": {...}},
"steps": [{"list_tools": true} | {"call": NAME, "args": {...}} |
{"fill_pending": {...values}} | {"poll": SOURCE, "seconds": N}]}
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import anyio
import mcp.types as types
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


def log(*parts: object) -> None:
    print("client:", *parts, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Chromium:
    """Headless Chromium through chromedriver's plain WebDriver HTTP API."""

    def __init__(self, shots: str | None) -> None:
        self.shots = shots
        port = free_port()
        self.driver = subprocess.Popen(
            ["/usr/bin/chromedriver", f"--port={port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("chromedriver did not start")
                time.sleep(0.05)
        self.profile = tempfile.TemporaryDirectory()
        chrome_args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,1000",
            f"--user-data-dir={self.profile.name}",
        ]
        caps = {
            "capabilities": {
                "alwaysMatch": {
                    "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": chrome_args}
                }
            }
        }
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method: str, path: str, body: object = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"{}").get("value")
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"WebDriver {method} {path}: {e.read().decode(errors='replace')}") from None

    def _s(self, method: str, path: str, body: object = None) -> object:
        return self._call(method, f"/session/{self.session}{path}", body)

    def goto(self, url: str) -> None:
        self._s("POST", "/url", {"url": url})

    def find(self, using: str, value: str, seconds: float = 15) -> str:
        deadline = time.time() + seconds
        while True:
            try:
                return self._s("POST", "/element", {"using": using, "value": value})[ELEMENT]
            except RuntimeError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)

    def css(self, selector: str, seconds: float = 15) -> str:
        return self.find("css selector", selector, seconds)

    def type(self, selector: str, text: str) -> None:
        element = self.css(selector)
        self._s("POST", f"/element/{element}/clear", {})
        self._s("POST", f"/element/{element}/value", {"text": text})

    def click(self, selector: str, using: str = "css selector") -> None:
        element = self.find(using, selector)
        self._s("POST", f"/element/{element}/click", {})

    def text(self, selector: str) -> str:
        for _ in range(20):
            try:
                return self._s("GET", f"/element/{self.css(selector)}/text")
            except RuntimeError:
                time.sleep(0.2)  # the page changed under the lookup
        raise RuntimeError(f"no text for {selector}")

    def text_becomes(self, selector: str, want: str, seconds: float = 20) -> str:
        deadline = time.time() + seconds
        while True:
            text = self.text(selector)
            if text == want or time.time() > deadline:
                return text
            time.sleep(0.1)

    def url(self) -> str:
        return self._s("GET", "/url")

    def screenshot(self, name: str) -> None:
        if not self.shots:
            return
        import base64

        os.makedirs(self.shots, exist_ok=True)
        png = base64.b64decode(self._s("GET", "/screenshot"))
        with open(os.path.join(self.shots, f"{name}.png"), "wb") as f:
            f.write(png)

    def fill_and_save(self, url: str, values: dict[str, str], shot: str) -> str:
        """Opens the form, types `values`, clicks Save; the heading it ends on."""
        self.goto(url)
        for name, value in values.items():
            self.type(f"#{name}", value)
        self.screenshot(f"{shot}-filled")
        self.click("button#save")
        heading = self.text_becomes("h1", "Saved")
        self.screenshot(f"{shot}-saved")
        return heading

    def authorize_and_save(self, url: str, values: dict[str, str], shot: str) -> str:
        """Fills the client, clicks Authorize, signs in and consents at the
        provider in the popup, then saves."""
        self.goto(url)
        for name, value in values.items():
            self.type(f"#{name}", value)
        main = self._s("GET", "/window")
        self.click("button.authorize")
        deadline = time.time() + 10
        while True:
            others = [w for w in self._s("GET", "/window/handles") if w != main]
            if others:
                break
            if time.time() > deadline:
                raise RuntimeError("no popup opened")
            time.sleep(0.1)
        self._s("POST", "/window", {"handle": others[0]})
        self.type("input[name=login]", "alice")
        self.type("input[name=password]", "anything")
        self.click("button[type=submit]")
        self.click("//button[contains(., 'Continue')]", using="xpath")
        deadline = time.time() + 15
        while "/oauth/callback" not in self.url():
            if time.time() > deadline:
                raise RuntimeError(f"never came back: {self.url()}")
            time.sleep(0.1)
        self.text("h1")
        self._s("DELETE", "/window")
        self._s("POST", "/window", {"handle": main})
        self.text(".status.ok")
        self.screenshot(f"{shot}-authorized")
        self.click("button#save")
        heading = self.text_becomes("h1", "Saved")
        self.screenshot(f"{shot}-saved")
        return heading

    def cancel_in_form(self, url: str, shot: str) -> tuple[str, str]:
        """Opens the form, reads it at 1280 and 390 px wide, clicks its
        Cancel; the heading it ends on and the form's text."""
        self.goto(url)
        self.css("button#cancel")
        self.screenshot(f"{shot}-form")
        self._s("POST", "/window/rect", {"width": 390, "height": 844})
        self.screenshot(f"{shot}-form-phone")
        self._s("POST", "/window/rect", {"width": 1280, "height": 1000})
        text = self.text("body")
        self.click("button#cancel")
        heading = self.text_becomes("h1", "Cancelled")
        self.screenshot(f"{shot}-cancelled")
        return heading, text

    def close(self) -> None:
        try:
            self._call("DELETE", f"/session/{self.session}")
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        self.driver.terminate()
        self.driver.wait(10)
        self.profile.cleanup()


def dump(model: object) -> object:
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)  # type: ignore[attr-defined]


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("plan")
    parser.add_argument("--binary", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--transcript", required=True)
    parser.add_argument("--shots")
    args = parser.parse_args()
    plan = json.loads(args.plan)
    on_elicit = plan.get("on_elicit", {})
    report: dict[str, object] = {
        "steps": [],
        "elicitations": [],
        "notifications": [],
        "browser": [],
        "pages": [],
    }
    browser: Chromium | None = None

    def chromium() -> Chromium:
        nonlocal browser
        if browser is None:
            browser = Chromium(args.shots)
        return browser

    def person(url: str, shot: str) -> str:
        values = on_elicit.get("values", {})
        if on_elicit.get("do") == "oauth":
            return chromium().authorize_and_save(url, values, shot)
        return chromium().fill_and_save(url, values, shot)

    async with anyio.create_task_group() as people:

        async def fill_later(url: str) -> None:
            heading = await anyio.to_thread.run_sync(person, url, "mcp-elicited")
            report["browser"].append(heading)

        async def cancel_later(url: str) -> None:
            heading, text = await anyio.to_thread.run_sync(chromium().cancel_in_form, url, "mcp-cancel")
            report["browser"].append(heading)
            report["pages"].append(text)

        async def on_elicitation(context: object, params: types.ElicitRequestParams) -> types.ElicitResult:
            report["elicitations"].append(dump(params))
            do = on_elicit.get("do", "accept")
            if params.mode != "url":
                return types.ElicitResult(action="decline")
            if do in ("decline", "cancel"):
                return types.ElicitResult(action=do)
            if do == "fill_then_accept":
                heading = await anyio.to_thread.run_sync(person, params.url, "mcp-elicited")
                report["browser"].append(heading)
            elif do in ("fill", "oauth"):
                people.start_soon(fill_later, params.url)
            elif do == "cancel_in_form":
                people.start_soon(cancel_later, params.url)
            return types.ElicitResult(action="accept")

        async def on_message(message: object) -> None:
            if isinstance(message, Exception):
                report["notifications"].append({"exception": repr(message)})
            else:
                report["notifications"].append(dump(message))

        server = StdioServerParameters(
            command="/bin/sh",
            args=[
                "-c",
                'tee "$1" | "$3" mcp --root "$4" | tee "$2"',
                "sh",
                args.transcript + ".in",
                args.transcript + ".out",
                args.binary,
                args.root,
            ],
        )
        with open(args.transcript + ".err", "w") as errlog:
            async with stdio_client(server, errlog=errlog) as (read, write):
                async with ClientSession(
                    read,
                    write,
                    elicitation_callback=on_elicitation if plan.get("elicitation", True) else None,
                    message_handler=on_message,
                ) as session:
                    init = await session.initialize()
                    report["protocol_version"] = init.protocol_version
                    report["server"] = dump(init.server_info)
                    last: dict | None = None
                    for step in plan["steps"]:
                        if "list_tools" in step:
                            tools = await session.list_tools()
                            report["steps"].append({"tools": [dump(t) for t in tools.tools]})
                        elif "call" in step:
                            log("call", step["call"], step.get("args", {}))
                            result = await session.call_tool(step["call"], step.get("args", {}))
                            last = dump(result)
                            report["steps"].append({"call": step["call"], "result": last})
                        elif "fill_pending" in step:
                            url = (last or {}).get("structuredContent", {}).get("url")
                            on_elicit["values"] = step["fill_pending"]
                            heading = await anyio.to_thread.run_sync(person, url, "mcp-fallback")
                            report["steps"].append({"filled": url, "heading": heading})
                        elif "poll" in step:
                            deadline = time.time() + step.get("seconds", 30)
                            while True:
                                result = dump(await session.call_tool("collect_status", {"source": step["poll"]}))
                                status = result.get("structuredContent", {}).get("status")
                                if status != "pending" or time.time() > deadline:
                                    break
                                await anyio.sleep(0.2)
                            last = result
                            report["steps"].append({"call": "collect_status", "result": result})
        people.cancel_scope.deadline = anyio.current_time() + 30
    if browser is not None:
        browser.close()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(anyio.run(main))
