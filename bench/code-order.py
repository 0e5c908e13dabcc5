#!/usr/bin/env python3
"""The native build's method order (src/McpGuard/hot-code-order.txt), made from callgrind profiles of that build.

    code-order.py BINARY HOT... [+ HOT...] -- START... > src/McpGuard/hot-code-order.txt

BINARY is a native build with its symbols (-p:StripSymbols=false). HOT are callgrind windows of calls in steady state
(the files `callgrind_control -d` wrote, cg.out.1-NN, each beside the run's final cg.out-NN, which names what the window
only numbers), or LONG:SHORT, whole runs of the same session with more and fewer calls (what the extra calls ran, e.g.
`run` under bench/clients/lone-calls.c with 1,300 and 300 calls; either may be a quoted pattern); a `+` starts another
steady state, whose functions go after the earlier ones', those the earlier ones ran too first (serve's, then stdio's:
each state's functions stay on one run of pages); START are whole runs from the process's start (`mcpguard --version`, a
`run` session, a `serve` start). Out: the managed functions they ran, the steady states' first, each group hottest first
(instructions run), one mangled name a line, as the AOT compiler's `--order` reads them (IlcOrderFile). Names the binary
does not have are left out; a name profiled before its namespace moved to another assembly is found under its new one.
Why: bench/README.md, "hot code on fewer pages".
"""
import collections
import glob
import re
import subprocess
import sys

FN = re.compile(r'^(c?fn)=\((\d+)\)(?: (.*))?$')
OWNED = re.compile(r'(?<![A-Za-z0-9])(mcpguard|McpGuard(?:_[A-Za-z]+)*?)_McpGuard_([A-Za-z0-9]+)_')


def managed_names(binary):
    """The functions of the binary's managed code section (the AOT compiler's methods)."""
    sections = subprocess.run(['readelf', '-S', '-W', binary], capture_output=True, text=True, check=True).stdout
    start = size = None
    for line in sections.splitlines():
        if '__managedcode' in line:
            fields = line.split(']', 1)[1].split()
            start, size = int(fields[2], 16), int(fields[4], 16)
    symbols = subprocess.run(['nm', '--defined-only', binary], capture_output=True, text=True, check=True).stdout
    names = set()
    for line in symbols.splitlines():
        fields = line.split(None, 2)
        if len(fields) == 3 and fields[1] in 'tTwW' and start <= int(fields[0], 16) < start + size:
            names.add(fields[2])
    return names


def instructions(path, names, counts, count):
    """Adds each function's own instructions in one callgrind file; names carries the file's compressed names."""
    fn, in_call = None, False
    with open(path, errors='replace') as profile:
        for line in profile:
            match = FN.match(line.rstrip('\n'))
            if match:
                kind, number, name = match.groups()
                if name:
                    names[number] = name.strip()
                if kind == 'fn':
                    fn = number
                continue
            if line.startswith('calls='):
                in_call = True
                continue
            if line[:1].isdigit() or line[:1] in '+-*':
                fields = line.split()
                if count and not in_call and len(fields) >= 2:
                    counts[names.get(fn, fn)] += int(fields[1])
                in_call = False


def renamer(managed):
    """
    Rewrites a name profiled before a namespace moved to another assembly (the assembly's name leads each mangled
    name, e.g. `mcpguard_McpGuard_Http_…`): each `…_McpGuard_NS_` gets the assembly the binary has NS in.
    """
    owners = collections.defaultdict(collections.Counter)
    for name in managed:
        for match in OWNED.finditer(name):
            owners[match.group(2)][match.group(1)] += 1
    owner = {ns: counts.most_common(1)[0][0] for ns, counts in owners.items()}
    return lambda name: OWNED.sub(
        lambda m: f"{owner.get(m.group(2), m.group(1))}_McpGuard_{m.group(2)}_", name)


def group(paths, windows):
    counts = collections.Counter()
    for path in paths:
        if ':' in path:
            # LONG:SHORT, two whole runs that differ in their number of calls: what the extra calls ran.
            # Either may be a pattern (quoted), e.g. every thread's file of a run under --separate-threads=yes.
            longer, shorter = (collections.Counter(), collections.Counter())
            for side, counts_of in zip(path.split(':'), (longer, shorter)):
                for each in sorted(glob.glob(side)) or [side]:
                    instructions(each, {}, counts_of, True)
            counts.update({name: run - shorter[name] for name, run in longer.items() if run > shorter[name]})
            continue
        names = {}
        if windows:
            # The window's file numbers names the final dump defined first.
            instructions(path.replace('cg.out.1-', 'cg.out-'), names, collections.Counter(), False)
        instructions(path, names, counts, True)
    return [name for name, run in counts.most_common() if run > 0]


def main(argv):
    binary, rest = argv[1], argv[2:]
    split = rest.index('--') if '--' in rest else len(rest)
    managed = managed_names(binary)
    rename = renamer(managed)

    def known(paths, windows):
        """A group's names as the binary has them (renamed where they moved), each once, in the group's order."""
        names = (name if name in managed else rename(name) for name in group(paths, windows))
        return list(dict.fromkeys(name for name in names if name in managed))

    steady, start = rest[:split], 0
    hot = []
    for index, arg in enumerate(steady + ['+']):
        if arg != '+':
            continue
        # A later steady state's functions go last, those an earlier one ran too first: each state's code is one
        # run of pages, and the first one's stays one run too (bench/README.md, twenty-seventh session).
        later, start = known(steady[start:index], True), index + 1
        ran, mine = set(hot), set(later)
        hot = [name for name in hot if name not in mine] + [name for name in later if name in ran] \
            + [name for name in later if name not in ran]
    seen = set(hot)
    print('\n'.join(hot + [name for name in known(rest[split + 1:], False) if name not in seen]))


if __name__ == '__main__':
    main(sys.argv)
