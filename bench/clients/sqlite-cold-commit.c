/*
 * sqlite-cold-commit: a counted call's SQLite transaction (BEGIN IMMEDIATE, the three head UPDATEs of the benchmark's
 * policy, COMMIT: six lock calls and one frame write), timed one by one, hot or cold (issue 24; bench/README.md,
 * eighteenth session). Between two transactions it reads and writes MB megabytes of other memory (0: none), as a
 * guard's HTTP work and the processes beside it do between two counts; every CHECKPOINT transactions (0: never) a
 * passive checkpoint lets the next commit start the log again.
 *
 *   sqlite-cold-commit N MB CHECKPOINT PATH
 *
 * Build: cc -O2 -o sqlite-cold-commit sqlite-cold-commit.c DIR/libe_sqlite3.so -lm -Wl,-rpath,DIR
 * (DIR: a published guard's folder, so the SQLite is the one the guard ships.)
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void check(int rc, sqlite3 *db, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static double micros(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int ascending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static const char SCHEMA[] =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0; PRAGMA foreign_keys=ON;"
    "CREATE TABLE IF NOT EXISTS limit_ids (id INTEGER PRIMARY KEY AUTOINCREMENT, namespace TEXT NOT NULL,"
    " entry TEXT NOT NULL, kind TEXT NOT NULL, window_ticks INTEGER NOT NULL, per TEXT NOT NULL,"
    " UNIQUE (namespace, entry, kind, window_ticks, per));"
    "CREATE TABLE IF NOT EXISTS limit_heads (counter INTEGER PRIMARY KEY REFERENCES limit_ids (id) ON DELETE CASCADE,"
    " opened INTEGER NOT NULL, last INTEGER NOT NULL, amount TEXT NOT NULL, total TEXT NOT NULL);"
    "INSERT OR IGNORE INTO limit_ids VALUES (1,'a','b','rate',600000000,''),(2,'a','c','rate',600000000,''),"
    " (3,'a','d','budget',864000000000,'');"
    "INSERT OR IGNORE INTO limit_heads VALUES (1,1,1,'1','1'),(2,1,1,'1','1'),(3,1,1,'0.005','0.005');";

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: sqlite-cold-commit N MB CHECKPOINT PATH\n");
        return 2;
    }

    long n = atol(argv[1]), every = atol(argv[3]);
    size_t size = (size_t)atol(argv[2]) << 20;
    sqlite3 *db;
    sqlite3_stmt *begin, *commit, *update;
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    check(sqlite3_open(argv[4], &db), db, "open");
    check(sqlite3_exec(db, SCHEMA, 0, 0, 0), db, "schema");
    check(sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, 0), db, "prepare");
    check(sqlite3_prepare_v2(db, "COMMIT", -1, &commit, 0), db, "prepare");
    check(sqlite3_prepare_v2(db, "UPDATE limit_heads SET opened = ?2, last = ?3, amount = ?4, total = ?5"
        " WHERE counter = ?1", -1, &update, 0), db, "prepare");
    volatile char *other = size ? malloc(size) : 0;
    if (size) {
        memset((char *)other, 1, size);
    }

    double *wall = malloc(n * sizeof(double)), *cpu = malloc(n * sizeof(double));
    long sink = 0;
    char text[32];
    for (long i = 0; i < n; i++) {
        for (size_t at = 0; at < size; at += 64) {
            sink += other[at];
            other[at] = (char)i;
        }

        double start = micros(CLOCK_MONOTONIC), started = micros(CLOCK_THREAD_CPUTIME_ID);
        check(sqlite3_step(begin), db, "begin");
        sqlite3_reset(begin);
        long ticks = 638000000000000000L + i * 1000;
        for (int counter = 1; counter <= 3; counter++) {
            sqlite3_bind_int64(update, 1, counter);
            sqlite3_bind_int64(update, 2, ticks);
            sqlite3_bind_int64(update, 3, ticks);
            int length = snprintf(text, sizeof text, "%ld.%03ld", (i * 5) / 1000, (i * 5) % 1000);
            sqlite3_bind_text(update, 4, text, length, SQLITE_TRANSIENT);
            sqlite3_bind_text(update, 5, text, length, SQLITE_TRANSIENT);
            check(sqlite3_step(update), db, "update");
            sqlite3_reset(update);
        }

        check(sqlite3_step(commit), db, "commit");
        sqlite3_reset(commit);
        wall[i] = micros(CLOCK_MONOTONIC) - start;
        cpu[i] = micros(CLOCK_THREAD_CPUTIME_ID) - started;
        if (every > 0 && i % every == every - 1) {
            sqlite3_wal_checkpoint_v2(db, 0, SQLITE_CHECKPOINT_PASSIVE, 0, 0);
        }
    }

    qsort(wall, n, sizeof(double), ascending);
    qsort(cpu, n, sizeof(double), ascending);
    printf("MB %s, checkpoint every %ld: transaction p50 %.1f us (p25 %.1f, p75 %.1f), its CPU p50 %.1f us\n",
        argv[2], every, wall[n / 2], wall[n / 4], wall[3 * n / 4], cpu[n / 2]);
    return (int)(sink & 0);
}
