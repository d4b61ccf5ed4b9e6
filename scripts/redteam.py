#!/usr/bin/env python3
"""Red-team pass over the clusterplan binary: random mutations of every bundled
file kind (accelerators, systems, site tables, model constants, policy rules
and scenarios, workloads), of paths (names that are not UTF-8, control
characters, symlink loops, directories, missing files), of sizes (deep nesting,
huge files, long strings, many keys) and of options (counts, layouts, ids,
bounds, formats).

    scripts/redteam.py [--binary build/release/planner/clusterplan] [--runs 600]
                       [--seed 1] [--out build/redteam]

Each run gets 20 s and 1 GB of address space (RLIMIT_AS). A finding is an
internal error (exit 3 or a signal), a run over 20 s, unparseable JSON on
stdout from --format json (exit 0 or 1), or exit 0 where the input is known
to be bad. Findings are written to OUT/findings.txt with the command line and
the input files kept in OUT/inputs/. Exits 1 when anything was found.
Not part of CI (a few minutes on 2 cores); see README, "Robustness".
"""

import argparse
import copy
import json
import os
import random
import resource
import shlex
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT_S = 20
MEMORY_BYTES = 1 << 30


def bundled_files():
    out = {}
    for kind_dir, label in [("accelerators", "accelerator"), ("systems", "system"), ("sites", "site_table"),
                            ("model", "model_constants"), ("policies", "policy")]:
        d = os.path.join(ROOT, "hw_specs", kind_dir)
        out[label] = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".json"))
    ex = os.path.join(ROOT, "examples")
    out["workload"] = sorted(os.path.join(ex, f) for f in os.listdir(ex) if f.endswith(".json"))
    return out


# ---- JSON-level mutations: each returns (document, must_fail) ----

def paths_of(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from paths_of(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from paths_of(v, prefix + (i,))


def get(doc, path):
    for p in path:
        doc = doc[p]
    return doc


def put(doc, path, value):
    if not path:
        return value
    get(doc, path[:-1])[path[-1]] = value
    return doc


NASTY_STRINGS = ["", " ", "\x1b[31mred\x1b[0m", "a\nb", "\u0000nul", "x" * 100000, "\u202e\u0635", "../../etc/passwd",
                 "h100-sxm", "none", "US", "\ud7ff", "\U0010ffff" * 3]
NASTY_NUMBERS = [0, -1, -0.0, 1e308, -1e308, 5e-324, 1e-9, 0.5, 7.5, 2 ** 63, 2 ** 64 + 1, 10 ** 30, 3, 1e16, 256, 257]


def mutate_json(doc, rng):
    doc = copy.deepcopy(doc)
    paths = [p for p in paths_of(doc) if p]
    path = rng.choice(paths)
    value = get(doc, path)
    op = rng.randrange(9)
    if op == 0 and isinstance(get(doc, path[:-1]), dict):
        del get(doc, path[:-1])[path[-1]]
        return doc, False  # the key may be optional
    if op == 1:
        return put(doc, path, rng.choice(NASTY_NUMBERS)), False
    if op == 2:
        return put(doc, path, rng.choice(NASTY_STRINGS)), False
    if op == 3:
        return put(doc, path, rng.choice([None, [], {}, True, [value, value]])), not isinstance(value, (list, dict))
    if op == 4 and isinstance(value, dict):
        value["\x1bunknown_key_" + str(rng.randrange(1000))] = 1
        return doc, True  # an unknown key is always reported
    if op == 5 and isinstance(value, list) and value:
        value.extend(copy.deepcopy(rng.choice(value)) for _ in range(rng.choice([1, 10, 1000])))
        return doc, False
    if op == 6 and isinstance(value, (int, float)) and not isinstance(value, bool):
        return put(doc, path, -abs(value) if value else -1), False
    if op == 7 and isinstance(value, str):
        return put(doc, path, value * rng.choice([2, 1000])), False
    if op == 8 and isinstance(value, dict):
        for i in range(rng.choice([100, 5000])):
            value["extra_%d" % i] = i
        return doc, True
    return put(doc, path, rng.choice(NASTY_NUMBERS + NASTY_STRINGS)), False


# ---- byte-level mutations: each returns (bytes, must_fail) ----

def mutate_bytes(data, rng):
    op = rng.randrange(10)
    if op == 0:
        return data[:rng.randrange(max(1, len(data)))], True  # truncated (an empty prefix is also bad)
    if op == 1:
        i = rng.randrange(len(data))
        return data[:i] + b"\0" + data[i:], True
    if op == 2:
        return data + b"\0" * rng.choice([1, 4, 4096]), True
    if op == 3:
        return data.decode("utf-8").encode(rng.choice(["utf-16", "utf-16-be", "utf-32"])), True
    if op == 4:
        return b"[" * rng.choice([600, 100000, 10_000_000]), True
    if op == 5:
        return b"{" + b",".join(b'"k%d":0' % i for i in range(rng.choice([1000, 300000]))) + b"}", True
    if op == 6:
        return b"[" + b"0," * rng.choice([1000, 3_000_000]) + b"0]", True
    if op == 7:
        i = rng.randrange(len(data))
        return data[:i] + bytes([rng.choice([0xff, 0xc0, 0xed, 0x80, 0x1b])]) + data[i:], False
    if op == 8:
        return b"\xef\xbb\xbf" + data, False  # a UTF-8 BOM
    out = bytearray(data)
    for _ in range(rng.choice([1, 5, 50])):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out), False


# ---- commands ----

CHIPS = ["h100-sxm", "h200-sxm", "hgx-h200-8", "gb200-nvl72", "ascend-910c", "cloudmatrix-384", "mi300x-8"]
LAYOUTS = ["", "tp=8", "ep=257,tp=1", "tp=0", "tp=3", "pp=1000000", "batch=99999999", "tp=8,tp=8", "disagg=maybe",
           "tp=1,ep=8,batch=1024,disagg=on", "recompute=full,zero=3", "=", ",", "tp=-1", "tp=1e3", "vp=2,pp=1"]
COUNTS = ["1", "8", "64", "512", "4096", "0", "-1", "10000001", "1e3", "abc", "9223372036854775808"]
BAD_OPTIONS = [["--sites", ""], ["--chips", ","], ["--chips", "a,,b"], ["--buyer", "XX"], ["--buyer", "\x1b"],
               ["--policy", "nope"], ["--deadline-days", "0"], ["--deadline-days", "1e-9"], ["--budget-usd", "-5"],
               ["--max-mw", "nan"], ["--format", "xml"], ["--cou", "64"], ["--form", "json"], ["--licences", "maybe"],
               ["--objective", "speed"], ["--load-factor", "2"]]
GOOD_OPTIONS = [[], ["--buyer", "CN"], ["--buyer", "US", "--sites", "us-tx"], ["--policy", "none"],
                ["--licences", "deny"], ["--objective", "time"], ["--deadline-days", "30"]]


def command_for(kind, path, rng):
    """(argv after the binary, whether exit 0 means a bug regardless of the input)."""
    fmt = rng.choice([[], ["--format", "json"]])
    if kind == "workload":
        which = rng.randrange(3)
        if which == 0:
            return ["estimate", path, "--chip", rng.choice(CHIPS), "--count", rng.choice(COUNTS), "--layout",
                    rng.choice(LAYOUTS)] + fmt
        if which == 1:
            return ["plan", path] + rng.choice(GOOD_OPTIONS) + fmt
        return ["compare", path] + rng.choice(GOOD_OPTIONS[:2]) + rng.choice([[], ["--format", "csv"]]) + fmt
    if kind == "site_table":
        return [rng.choice(["sites", "specs"]), "list", "--site-table", path] + fmt
    if kind == "policy":
        return ["validate", path] + fmt
    return rng.choice([["validate", path], ["specs", "list", "--specs", path]]) + fmt


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def run(binary, argv):
    start = time.monotonic()
    env = dict(os.environ, CLUSTERPLAN_DATA_DIR=os.path.join(ROOT, "hw_specs"))
    try:
        p = subprocess.run([binary] + argv, capture_output=True, timeout=TIMEOUT_S, preexec_fn=limit_memory,
                           env=env, cwd=ROOT)
        return p.returncode, p.stdout, p.stderr, time.monotonic() - start
    except subprocess.TimeoutExpired:
        return None, b"", b"", time.monotonic() - start


def check(argv, code, stdout, must_fail):
    if code is None:
        return "hang: over %d s" % TIMEOUT_S
    if code < 0:
        return "signal %d" % -code
    if code == 3:
        return "internal error (exit 3)"
    if code not in (0, 1, 2):
        return "unexpected exit %d" % code
    if "--format" in argv and argv[argv.index("--format") + 1] == "json" and code in (0, 1) and stdout.strip():
        try:
            json.loads(stdout)
        except ValueError as e:
            return "unparseable JSON on stdout: %s" % e
    if must_fail and code == 0:
        return "exit 0 on bad input"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build/release/planner/clusterplan"))
    ap.add_argument("--runs", type=int, default=600)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(ROOT, "build/redteam"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    shutil.rmtree(args.out, ignore_errors=True)
    inputs = os.path.join(args.out, "inputs")
    os.makedirs(inputs)
    files = bundled_files()
    findings, counts, slowest = [], {0: 0, 1: 0, 2: 0}, (0.0, "")
    for n in range(args.runs):
        kind = rng.choice(list(files))
        source = rng.choice(files[kind])
        data = open(source, "rb").read()
        level = rng.randrange(4)
        option_bad = False
        if level == 0:
            doc, must_fail = mutate_json(json.loads(data), rng)
            data = json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
        elif level == 1:
            data, must_fail = mutate_bytes(data, rng)
        else:
            must_fail = False
        name = rng.choice(["in.json", "in-\udcff.json", "in-\x1b[2J.json", "in\n.json", "dir with space.json"])
        case_dir = os.path.join(inputs, "%04d" % n)
        os.makedirs(case_dir)
        path = os.path.join(case_dir, name.encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape"))
        with open(path.encode("utf-8", "surrogateescape"), "wb") as f:
            f.write(data)
        if level == 3:  # paths: a loop, a directory, a missing file
            trick = rng.randrange(3)
            if trick == 0:
                os.symlink("loop-b.json", os.path.join(case_dir, "loop-a.json"))
                os.symlink("loop-a.json", os.path.join(case_dir, "loop-b.json"))
                path = os.path.join(case_dir, "loop-a.json")
                must_fail = True
            elif trick == 1:  # the directory holding the input (bad only when the input is)
                path = case_dir + "/"
            else:
                path = os.path.join(case_dir, "missing.json")
                must_fail = True
        argv = command_for(kind, path, rng)
        if level == 2 and kind == "workload":
            bad = rng.choice(BAD_OPTIONS)
            if argv[0] == "plan" or bad[0] not in ("--sites",):
                argv = argv + bad
                option_bad = True
        code, out, err, seconds = run(args.binary, argv)
        if seconds > slowest[0]:
            slowest = (seconds, " ".join(shlex.quote(a) for a in argv))
        if code in counts:
            counts[code] += 1
        problem = check(argv, code, out, must_fail or option_bad)
        if problem:
            findings.append("%s\n  clusterplan %s\n  input: %s (from %s)\n  stderr: %s" % (
                problem, " ".join(shlex.quote(a) for a in argv), case_dir, os.path.relpath(source, ROOT),
                err[:300].decode("utf-8", "replace").replace("\n", " | ")))
        else:
            shutil.rmtree(case_dir)
    with open(os.path.join(args.out, "findings.txt"), "w") as f:
        f.write("\n\n".join(findings) + ("\n" if findings else ""))
    print("runs %d: exit 0 %d, exit 1 %d, exit 2 %d; slowest %.1f s (%s)" % (
        args.runs, counts[0], counts[1], counts[2], slowest[0], slowest[1][:160]))
    print("%d finding(s)%s" % (len(findings), ", in " + os.path.join(args.out, "findings.txt") if findings else ""))
    for finding in findings[:20]:
        print(finding)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
