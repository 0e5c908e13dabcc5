/*
 * canned-server: a stdio MCP server that costs (almost) nothing, so a benchmark measures what sits in front of it.
 * The same answers as the benchmark's FastServer (bench/McpGuard.Benchmarks/FastServer.cs): line-delimited
 * JSON-RPC on stdin/stdout, no JSON parsing; each request's raw id token (the text after its first "id": up to the
 * next ',' or '}') is spliced into a canned answer chosen by a substring of the line. Lines without an id
 * (notifications) get no answer. Tools: place_order (a small result), big (a 20 MB result), cancel_all_orders.
 *
 * Unlike a JIT runtime it starts in about a millisecond and needs no warm-up, so a gateway that starts one child
 * per session (mcpguard serve, supergateway) is not measured by its children tiering up. The answers to every
 * complete line one read() returned go out in one write(): pipelined requests cost one system call each way.
 *
 * Build: cc -O2 -o canned-server canned-server.c (the benchmark does this itself into a temporary folder).
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char INITIALIZE[] =
    "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},"
    "\"serverInfo\":{\"name\":\"fast\",\"version\":\"1\"}}";
static const char TOOLS_LIST[] =
    "{\"tools\":[{\"name\":\"place_order\",\"description\":\"Places an order.\",\"inputSchema\":{\"type\":\"object\","
    "\"properties\":{\"symbol\":{\"type\":\"string\"},\"qty\":{\"type\":\"string\"}}}},{\"name\":\"big\","
    "\"description\":\"Returns 20 MB.\",\"inputSchema\":{\"type\":\"object\"}},{\"name\":\"cancel_all_orders\","
    "\"description\":\"Cancels everything.\",\"inputSchema\":{\"type\":\"object\"}}]}";
static const char CALL[] =
    "{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"retCode\\\":0,\\\"retMsg\\\":\\\"OK\\\","
    "\\\"result\\\":{\\\"orderId\\\":\\\"1\\\"}}\"}]}";
static const char BIG_HEAD[] = "{\"content\":[{\"type\":\"text\",\"text\":\"";
static const char BIG_TAIL[] = "\"}]}";
#define BIG_TEXT (20 * 1024 * 1024)

/* The answers waiting to be written: grown as needed, written whole once the lines at hand are answered. */
static char *out;
static size_t out_len, out_cap;

static void append(const char *bytes, size_t count) {
    if (out_len + count > out_cap) {
        out_cap = (out_len + count) * 2;
        out = realloc(out, out_cap);
        if (out == NULL) _exit(70);
    }
    memcpy(out + out_len, bytes, count);
    out_len += count;
}

static void flush_out(void) {
    size_t done = 0;
    while (done < out_len) {
        ssize_t n = write(STDOUT_FILENO, out + done, out_len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) _exit(0); /* the reader is gone */
        done += (size_t)n;
    }
    out_len = 0;
}

/* The big tool's result, built on first use (most runs never ask for it). */
static const char *big_result(size_t *length) {
    static char *big;
    static size_t big_len;
    if (big == NULL) {
        size_t head = sizeof BIG_HEAD - 1, tail = sizeof BIG_TAIL - 1;
        big_len = head + BIG_TEXT + tail;
        big = malloc(big_len);
        if (big == NULL) _exit(70);
        memcpy(big, BIG_HEAD, head);
        memset(big + head, 'x', BIG_TEXT);
        memcpy(big + head + BIG_TEXT, BIG_TAIL, tail);
    }
    *length = big_len;
    return big;
}

static int contains(const char *line, size_t length, const char *needle) {
    return memmem(line, length, needle, strlen(needle)) != NULL;
}

static void answer(const char *line, size_t length) {
    const char *at = memmem(line, length, "\"id\":", 5);
    if (at == NULL) return;
    const char *id = at + 5, *end = id, *stop = line + length;
    while (end < stop && *end != ',' && *end != '}') end++;

    const char *result;
    size_t result_len;
    if (contains(line, length, "\"initialize\"")) result = INITIALIZE, result_len = sizeof INITIALIZE - 1;
    else if (contains(line, length, "\"tools/list\"")) result = TOOLS_LIST, result_len = sizeof TOOLS_LIST - 1;
    else if (contains(line, length, "\"name\":\"big\"")) result = big_result(&result_len);
    else if (contains(line, length, "\"tools/call\"")) result = CALL, result_len = sizeof CALL - 1;
    else result = "{}", result_len = 2;

    append("{\"jsonrpc\":\"2.0\",\"id\":", 22);
    append(id, (size_t)(end - id));
    append(",\"result\":", 10);
    append(result, result_len);
    append("}\n", 2);
}

int main(void) {
    size_t cap = 1 << 16, used = 0;
    char *in = malloc(cap);
    if (in == NULL) return 70;
    for (;;) {
        if (used == cap) {
            cap *= 2; /* a line longer than the buffer: grow it */
            in = realloc(in, cap);
            if (in == NULL) return 70;
        }
        ssize_t n = read(STDIN_FILENO, in + used, cap - used);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        used += (size_t)n;

        char *start = in, *newline;
        while ((newline = memchr(start, '\n', (size_t)(in + used - start))) != NULL) {
            answer(start, (size_t)(newline - start));
            start = newline + 1;
        }
        flush_out();
        used = (size_t)(in + used - start);
        memmove(in, start, used);
    }
}
