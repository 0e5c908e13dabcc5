#!/usr/bin/env python3
"""Two guards, one fresh SQLite file, 300 pipelined calls into each at once; a rate limit of 250 must forward 250.

A repro, not a test: at the end of the thirteenth session (2026-12-06) the JIT build forwarded 251 in about 1-2 % of
iterations with a few busy loops beside it (also at a665393, before schema 3), and once denied a call as "store
unavailable" (DurableLimitTests' two-guard burst failed the same way in CI once; fixed in 6cc17a4). The 251 was
the checkpointer's commit that starts the log again taking in the other guard's counts unseen (fourteenth session;
SqliteCounterStoreTests.TryCount_AnotherGuardCountedBeforeTheLogStartedAgain_WhatThisOneRemembersIsReadAgain).

    python3 eng/repro/two-guards-race.py GUARD ITERATIONS    # GUARD: src/McpGuard/bin/Debug/net10.0/mcpguard
"""
import subprocess, os, sys, json, threading, tempfile, shutil
G = sys.argv[1]
SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "orders-server.py")
bad = 0
def message(i, method, params=None):
    m = {"jsonrpc": "2.0", "method": method}
    if i is not None:
        m["id"] = i
    if params is not None:
        m["params"] = params
    return json.dumps(m) + "\n"


INIT = message(0, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                 "clientInfo": {"name": "t", "version": "1"}}) \
    + message(None, "notifications/initialized")
BURST = "".join(message(i, "tools/call", {"name": "order", "arguments": {}}) for i in range(1, 301))
POLICY = """version: 1
default: deny
state:
  store: sqlite
  path: {folder}/state.db
  namespace: n
tools:
  order:
    rate_limit: {{ max: 250, window: 1h }}
    action: allow
"""

bad = 0
for it in range(int(sys.argv[2])):
    folder = tempfile.mkdtemp()
    policy = os.path.join(folder, "p.yaml")
    with open(policy, "w") as f:
        f.write(POLICY.format(folder=folder))
    env = dict(os.environ, MCPGUARD_HOME=folder)
    guards = [subprocess.Popen([G, "run", "--policy", policy, "--", "python3", SERVER], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True) for _ in range(2)]
    for g in guards:
        g.stdin.write(INIT)
        g.stdin.flush()
        g.stdout.readline()
    writers = [threading.Thread(target=lambda g=g: (g.stdin.write(BURST), g.stdin.flush())) for g in guards]
    [w.start() for w in writers]
    [w.join() for w in writers]
    filled = unavailable = 0
    for g in guards:
        for _ in range(300):
            line = g.stdout.readline()
            filled += "filled" in line
            unavailable += "unavailable" in line
            if "unavailable" in line: print(line.strip()[:400])
        g.stdin.close()
    errors = [g.stderr.read() for g in guards]
    [g.wait() for g in guards]
    if unavailable or filled != 250:
        bad += 1
        print("iteration", it, "forwarded", filled, "of max 250; store unavailable", unavailable)
        print("\n".join(l for e in errors for l in e.splitlines() if "Denied tool" not in l or "state" in l)[:3000])
    shutil.rmtree(folder)
print("bad iterations:", bad)
