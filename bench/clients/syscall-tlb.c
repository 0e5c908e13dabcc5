/*
 * syscall-tlb: does a system call make the next touches of memory that is still in the cache slower on this machine
 * (a guest whose kernel entry empties the TLB)? Each pass reads one cache line in each of PAGES pages, timed with
 * rdtsc; between two passes nothing (MODE 0), one getppid (1), or a WAL-index-style lock and unlock with fcntl (2).
 * Prints the p50 and p10 cycles a pass over 20,000 passes (issue 24; bench/README.md, twenty-second session).
 *
 *   syscall-tlb PAGES MODE
 *
 * Build: cc -O2 -o syscall-tlb syscall-tlb.c (x86-64)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <x86intrin.h>

enum { Passes = 20000 };

static int compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: syscall-tlb PAGES MODE (0 nothing, 1 getppid, 2 fcntl lock and unlock)\n");
        return 2;
    }

    int pages = atoi(argv[1]), mode = atoi(argv[2]);
    // Every other page, so that no two touched lines share a page; written once so every page is mapped.
    size_t size = (size_t)pages * 8192;
    char *memory = aligned_alloc(4096, size);
    for (size_t i = 0; i < size; i++) {
        memory[i] = (char)i;
    }

    char path[] = "/tmp/syscall-tlb-XXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    uint64_t *cycles = malloc(sizeof(uint64_t) * Passes);
    volatile long sink = 0;
    for (int pass = 0; pass < Passes; pass++) {
        if (mode == 1) {
            syscall(SYS_getppid);
        } else if (mode == 2) {
            struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 120, .l_len = 1 };
            fcntl(fd, F_SETLK, &lock);
            lock.l_type = F_UNLCK;
            fcntl(fd, F_SETLK, &lock);
        }

        _mm_lfence();
        uint64_t start = __rdtsc();
        _mm_lfence();
        for (int page = 0; page < pages; page++) {
            sink += memory[(size_t)page * 8192 + (size_t)(page % 64) * 64];
        }

        _mm_lfence();
        cycles[pass] = __rdtsc() - start;
    }

    qsort(cycles, Passes, sizeof(uint64_t), compare);
    const char *names[] = { "nothing", "getppid", "fcntl x2" };
    printf("pages %d, %s between passes: p50 %llu cycles (%.1f a page), p10 %llu\n", pages, names[mode % 3],
        (unsigned long long)cycles[Passes / 2], cycles[Passes / 2] / (double)pages,
        (unsigned long long)cycles[Passes / 10]);
    return 0;
}
