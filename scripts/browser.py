#!/usr/bin/env python3
"""Drive headless Chromium over the DevTools protocol (--remote-debugging-pipe, standard library only).

Used by the dashboard's browser tests: open a page, optionally wait until a JavaScript expression is true,
evaluate expressions, take a screenshot, and print what was seen as JSON on standard output.

  browser.py URL [--user NAME:PASSWORD] [--wait JS] [--timeout S] [--eval NAME=JS ...] [--screenshot FILE]
             [--then-wait JS] [--then-eval NAME=JS ...]

Output: {"console": [...], "errors": [...], "eval": {NAME: value}, "then": {NAME: value}, "csp_violations": [...]}.
Exit 0 when every wait came true, 1 when one timed out (the output still says what was seen), 2 on usage errors.
Nothing here can hang: every DevTools command must be answered within --timeout seconds, the whole script ends
within 3 x --timeout + 30 s (at most 540 s), and Chromium is killed on the way out however the script ends.
"""
import argparse, base64, json, os, select, shutil, signal, subprocess, sys, tempfile, time


class Browser:
    def __init__(self, user_data):
        exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not exe:
            sys.exit("chromium is not installed: run `bash scripts/install-deps.sh --test`")
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4. Moved high first, so that placing one
        # end on 3 or 4 never overwrites the other.
        high_r, high_w = os.dup2(to_browser_r, 100), os.dup2(from_browser_w, 101)

        def place_pipe_ends():
            os.setsid()  # Chromium and its helpers in a group of their own, killed together in close()
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            # --disable-dev-shm-usage: a container's /dev/shm is often 64 MB, too small for Chromium's shared memory.
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--remote-debugging-pipe",
             "--user-data-dir=" + user_data, "--window-size=1280,1600", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # Only the two pipe ends reach Chromium (placed after the fork, closed-over descriptors kept out):
            # an inherited descriptor of whoever started this script would outlive it in Chromium's processes.
            close_fds=True, pass_fds=(3, 4), preexec_fn=place_pipe_ends)
        for fd in (to_browser_r, from_browser_w, high_r, high_w):
            os.close(fd)
        os.set_inheritable(self.to_browser, False)
        os.set_inheritable(self.from_browser, False)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.reply_seconds = 30

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        wanted = self.next_id
        deadline = time.monotonic() + self.reply_seconds
        while True:
            reply = self.read(method, deadline)
            if reply.get("id") == wanted:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def read(self, method, deadline):
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.from_browser], [], [], remaining)[0]:
                raise TimeoutError(f"{method}: chromium did not answer within {self.reply_seconds:g} s")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self):
        self.reply_seconds = 10
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--user")
    parser.add_argument("--wait")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--eval", action="append", default=[])
    parser.add_argument("--screenshot")
    parser.add_argument("--then-wait")
    parser.add_argument("--then-eval", action="append", default=[])
    args = parser.parse_args()

    def too_long(signum, frame):
        raise TimeoutError(f"browser.py ran longer than {3 * args.timeout + 30:g} s")

    # Under the 600 s the tests' Program.run gives any program, so this script always ends (and kills Chromium)
    # before it is killed.
    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(int(min(3 * args.timeout + 30, 540)))
    user_data = tempfile.mkdtemp(prefix="quire-browser-")
    browser = Browser(user_data)
    browser.reply_seconds = args.timeout
    out = {"console": [], "errors": [], "eval": {}, "then": {}, "csp_violations": []}
    ok = True
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(domain + ".enable", session=session)
        if args.user:
            token = base64.b64encode(args.user.encode()).decode()
            browser.send("Network.setExtraHTTPHeaders", {"headers": {"Authorization": "Basic " + token}}, session=session)
        browser.send("Page.navigate", {"url": args.url}, session=session)

        def evaluate(expression):
            result = browser.send(
                "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, session=session)
            if "exceptionDetails" in result:
                return {"exception": result["exceptionDetails"].get("text")}
            return result.get("result", {}).get("value")

        def wait(expression):
            deadline = time.time() + args.timeout
            while time.time() < deadline:
                if evaluate(f"document.readyState === 'complete' && !!({expression})") is True:
                    return True
                time.sleep(0.2)
            return False

        ok = wait(args.wait or "true")
        for item in args.eval:
            name, expression = item.split("=", 1)
            out["eval"][name] = evaluate(expression)
        if args.screenshot:
            shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session)
            with open(args.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        if args.then_wait:
            ok = wait(args.then_wait) and ok
        for item in args.then_eval:
            name, expression = item.split("=", 1)
            out["then"][name] = evaluate(expression)
        for event in browser.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                out["console"].append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                out["errors"].append(params.get("exceptionDetails", {}).get("text", ""))
            elif method == "Log.entryAdded":
                text = params.get("entry", {}).get("text", "")
                (out["csp_violations"] if "Content Security Policy" in text else out["console"]).append(text)
    except TimeoutError as error:
        out["errors"].append(str(error))
        ok = False
    finally:
        signal.alarm(0)
        browser.close()
        shutil.rmtree(user_data, ignore_errors=True)
    print(json.dumps(out, ensure_ascii=False))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
