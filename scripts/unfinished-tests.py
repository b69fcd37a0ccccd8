#!/usr/bin/env python3
"""Lists the tests and suites a `swift test` log shows started and not ended (passed, failed or skipped).

  unfinished-tests.py LOG

scripts/test.sh prints this when the suite overruns its time limit, so a hang names the test that hangs.
"""
import re, sys

started, ended = {}, set()
with open(sys.argv[1], encoding="utf-8", errors="replace") as log:
    for number, line in enumerate(log, 1):
        line = line.rstrip("\n")
        begun = re.match(r"^◇ (Test|Suite) (.+) started\.$", line)
        if begun and not begun.group(2).startswith("case "):
            started.setdefault(begun.group(1) + " " + begun.group(2), number)
            continue
        done = re.match(r"^[✔✘➜↷━] (Test|Suite) (.+?)(?: with \d+ test cases?)? (?:passed|failed|skipped)\b", line)
        if done:
            ended.add(done.group(1) + " " + done.group(2))
unfinished = [name for name in started if name not in ended and name != "Test run"]
try:
    for name in sorted(unfinished, key=started.get):
        print(f"  {name} (started at line {started[name]} of the log)")
except BrokenPipeError:
    pass
if not unfinished:
    print("  (none: every test that started has ended)")
