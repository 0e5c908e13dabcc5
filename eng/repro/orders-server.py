"""A stdio MCP server with one tool, `order`, that answers every call "filled" (for two-guards-race.py)."""
import sys, json

for line in sys.stdin:
    m = json.loads(line)
    if "id" not in m:
        continue
    if m.get("method") == "initialize":
        r = {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
             "serverInfo": {"name": "o", "version": "1"}}
    elif m.get("method") == "tools/list":
        r = {"tools": [{"name": "order", "inputSchema": {"type": "object"}}]}
    else:
        r = {"content": [{"type": "text", "text": "filled"}]}
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": m["id"], "result": r}) + "\n")
    sys.stdout.flush()
