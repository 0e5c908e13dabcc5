# A replica of the SQLite store's lone decision (bench/README.md, issue 27, twelfth session): BEGIN IMMEDIATE, three
# bucket UPDATEs, COMMIT, on schema 2's tables, to count what a commit costs by how many pages it changes.
#   python3 sqlite-lone-commit.py LAYOUT FILL TRANSACTIONS FILE
# LAYOUT "buckets": schema 2, each counter's newest bucket at the end of its range in limit_buckets;
#        "heads": the same writes to a narrow table holding only each counter's newest bucket.
# FILL: buckets in each one-minute counter (the budget has one). Run under valgrind --tool=callgrind at two
# TRANSACTIONS counts and subtract to leave out the set-up.
import os
import sqlite3
import sys

layout, fill, transactions, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(path + suffix):
        os.remove(path + suffix)
db = sqlite3.connect(path, isolation_level=None)
db.executescript("""
PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;
CREATE TABLE limit_counters (id INTEGER PRIMARY KEY AUTOINCREMENT, namespace TEXT NOT NULL, entry TEXT NOT NULL,
  kind TEXT NOT NULL, window_ticks INTEGER NOT NULL, per TEXT NOT NULL,
  UNIQUE (namespace, entry, kind, window_ticks, per));
CREATE TABLE limit_buckets (counter INTEGER NOT NULL REFERENCES limit_counters (id) ON DELETE CASCADE,
  opened INTEGER NOT NULL, last INTEGER NOT NULL, amount TEXT NOT NULL, total TEXT NOT NULL,
  PRIMARY KEY (counter, opened)) WITHOUT ROWID;
CREATE TABLE limit_heads (counter INTEGER PRIMARY KEY, opened INTEGER NOT NULL, last INTEGER NOT NULL,
  amount TEXT NOT NULL, total TEXT NOT NULL);
""")
start, width = 639000000000000000, 585937  # UTC ticks; a one-minute window's bucket width (1/1,024)
counters = [("rate", 600000000), ("budget", 864000000000), ("rate", 600000000)]
db.execute("BEGIN")
for i, (kind, window) in enumerate(counters, 1):
    db.execute(
        "INSERT INTO limit_counters (namespace, entry, kind, window_ticks, per) VALUES ('ns', ?, ?, ?, '[]')",
        (f"tools.place_order.{i}", kind, window))
    buckets = 1 if kind == "budget" else fill
    for b in range(buckets):
        db.execute("INSERT INTO limit_buckets VALUES (?, ?, ?, ?, ?)",
                   (i, start + b * width, start + b * width, 7, 1000 + b))
    db.execute("INSERT INTO limit_heads VALUES (?, ?, ?, ?, ?)", (i, start + buckets * width, start, 7, 1000))
db.execute("COMMIT")
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
newest = {i: db.execute("SELECT max(opened) FROM limit_buckets WHERE counter = ?", (i,)).fetchone()[0]
          for i in (1, 2, 3)}
heads = {i: start + (1 if i == 2 else fill) * width for i in (1, 2, 3)}
table = "limit_heads" if layout == "heads" else "limit_buckets"
update = f"UPDATE {table} SET last = ?3, amount = ?4, total = ?5 WHERE counter = ?1 AND opened = ?2"
for k in range(transactions):
    db.execute("BEGIN IMMEDIATE")
    for i in (1, 2, 3):
        db.execute(update, (i, heads[i] if layout == "heads" else newest[i], start + k, 7 + k, 1000 + k))
    db.execute("COMMIT")
print(layout, fill, transactions, "frames in the log:", os.path.getsize(path + "-wal") // (4096 + 24))
