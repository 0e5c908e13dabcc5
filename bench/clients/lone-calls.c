/*
 * lone-calls: a C stdio client that times tools/call answered one at a time, so a relay's added latency is read
 * without a managed client's own noise (issue 27; bench/HISTORY.md, eighth session).
 *
 *   lone-calls WARMUP BURST CALLS COMMAND [ARG...]
 *
 * Starts COMMAND on pipes (a server, or a relay in front of one), sends initialize, notifications/initialized and
 * tools/list, WARMUP sequential calls, then BURST pipelined calls (256 in flight; 0 for none), then CALLS sequential
 * calls timed one by one. Prints their p50 / p90 / p99 / p99.9 in µs and COMMAND's own CPU time per timed call
 * (utime + stime of that process, not of its children, at the clock tick's resolution). With THREADS=1 in the
 * environment it also prints, to stderr, each of COMMAND's threads that ran during the timed calls and its ticks.
 * With CALLS_FILE=PATH it writes each timed call, in order, to PATH: its index, latency (µs) and start (µs of
 * CLOCK_MONOTONIC, the clock .NET's Stopwatch reads on Linux), so the slow calls can be found by position and time.
 *
 * Build: cc -O2 -o lone-calls lone-calls.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char CALL[] =
    "{\"name\":\"place_order\",\"arguments\":{\"symbol\":\"BTCUSDT\",\"category\":\"spot\",\"qty\":\"0.005\"}}";
#define WINDOW 256
#define MAX_THREADS 4096

static int to_child, from_child, child;
static char input[1 << 20];
static size_t input_len, input_pos;
static long next_id;
static unsigned long thread_ticks[MAX_THREADS];

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/* Consumes one answer line, reading more when none is buffered. */
static void read_line(void) {
    for (;;) {
        char *newline = memchr(input + input_pos, '\n', input_len - input_pos);
        if (newline) { input_pos = (size_t)(newline - input) + 1; return; }
        memmove(input, input + input_pos, input_len - input_pos);
        input_len -= input_pos;
        input_pos = 0;
        ssize_t n = read(from_child, input + input_len, sizeof input - input_len);
        if (n <= 0) { fprintf(stderr, "lone-calls: the command closed its stdout\n"); exit(1); }
        input_len += (size_t)n;
    }
}

static int has_line(void) { return memchr(input + input_pos, '\n', input_len - input_pos) != NULL; }

static int request(char *out, const char *method, const char *params) {
    return sprintf(out, "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"%s\",\"params\":%s}\n",
                   ++next_id, method, params);
}

static void send_all(const char *bytes, size_t count) {
    if (write(to_child, bytes, count) != (ssize_t)count) { fprintf(stderr, "lone-calls: write failed\n"); exit(1); }
}

static void call(const char *method, const char *params) {
    char line[512];
    send_all(line, (size_t)request(line, method, params));
    read_line();
}

/* utime + stime in ticks of /proc/PID[/task/TID]/stat. */
static unsigned long ticks_of(const char *path) {
    char text[4096];
    FILE *file = fopen(path, "r");
    if (!file) return 0;
    size_t n = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[n] = 0;
    unsigned long user = 0, system = 0;
    char *end = strrchr(text, ')');
    if (end) sscanf(end + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &user, &system);
    return user + system;
}

/* Before the timed calls remembers each thread's ticks; after, prints those that ran. */
static void threads(int after) {
    char path[128];
    sprintf(path, "/proc/%d/task", child);
    DIR *tasks = opendir(path);
    for (struct dirent *entry; tasks && (entry = readdir(tasks));) {
        int tid = atoi(entry->d_name);
        if (tid <= 0) continue;
        char stat[160], comm[64] = "", name[160];
        sprintf(stat, "/proc/%d/task/%d/stat", child, tid);
        unsigned long ticks = ticks_of(stat);
        if (!after) { thread_ticks[tid % MAX_THREADS] = ticks; continue; }
        sprintf(name, "/proc/%d/task/%d/comm", child, tid);
        FILE *file = fopen(name, "r");
        if (file) { if (fgets(comm, sizeof comm, file)) comm[strcspn(comm, "\n")] = 0; fclose(file); }
        if (ticks > thread_ticks[tid % MAX_THREADS])
            fprintf(stderr, "  thread %d %s: %lu ticks\n", tid, comm, ticks - thread_ticks[tid % MAX_THREADS]);
    }
    if (tasks) closedir(tasks);
}

static void burst(int calls) {
    static char batch[1 << 16];
    int sent = 0, answered = 0;
    while (answered < calls) {
        size_t len = 0;
        while (sent < calls && sent - answered < WINDOW && len < sizeof batch - 512) {
            len += (size_t)request(batch + len, "tools/call", CALL);
            sent++;
        }
        if (len) send_all(batch, len);
        do { read_line(); answered++; } while (answered < sent && has_line());
    }
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: lone-calls WARMUP BURST CALLS COMMAND [ARG...]\n"); return 2; }
    int warmup = atoi(argv[1]), pipelined = atoi(argv[2]), calls = atoi(argv[3]);
    int in[2], out[2];
    if (pipe(in) || pipe(out)) return 1;
    child = (int)fork();
    if (child == 0) {
        dup2(in[0], 0); dup2(out[1], 1); close(in[1]); close(out[0]);
        execvp(argv[4], argv + 4);
        _exit(127);
    }
    close(in[0]); close(out[1]);
    to_child = in[1]; from_child = out[0];

    call("initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                       "\"clientInfo\":{\"name\":\"lone-calls\",\"version\":\"1\"}}");
    static const char initialized[] = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";
    send_all(initialized, sizeof initialized - 1);
    call("tools/list", "{}");
    for (int i = 0; i < warmup; i++) call("tools/call", CALL);
    if (pipelined > 0) burst(pipelined);

    double *latency = malloc(sizeof(double) * (size_t)calls);
    double *started_at = malloc(sizeof(double) * (size_t)calls);
    char stat[64];
    sprintf(stat, "/proc/%d/stat", child);
    int list_threads = getenv("THREADS") != NULL;
    if (list_threads) threads(0);
    unsigned long cpu_before = ticks_of(stat);
    for (int i = 0; i < calls; i++) {
        double started = now_us();
        call("tools/call", CALL);
        latency[i] = now_us() - started;
        started_at[i] = started;
    }
    unsigned long cpu_after = ticks_of(stat);
    if (list_threads) threads(1);

    const char *calls_file = getenv("CALLS_FILE");
    FILE *each = calls_file ? fopen(calls_file, "w") : NULL;
    for (int i = 0; each && i < calls; i++) fprintf(each, "%d %.1f %.1f\n", i, latency[i], started_at[i]);
    if (each) fclose(each);

    qsort(latency, (size_t)calls, sizeof(double), by_value);
    printf("p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f µs, CPU %.1f µs per call\n", latency[calls / 2],
           latency[calls * 9 / 10], latency[calls * 99 / 100], latency[calls * 999 / 1000],
           (double)(cpu_after - cpu_before) / (double)sysconf(_SC_CLK_TCK) * 1e6 / calls);
    close(to_child);
    waitpid(child, NULL, 0);
    return 0;
}
