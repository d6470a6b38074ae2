#!/usr/bin/python3
"""Compare `hullscan inventory` output with a fixture's expected package list.

usage: cmp-inventory.py KIND EXPECTED ACTUAL
KIND: dpkg-query  (# header; package version source_package source_version arch)
      apk         (name version arch origin license)
      trivy       (ID Name Epoch Version Release Arch SrcName SrcEpoch SrcVersion SrcRelease)
      apk-list    (`apk list --installed`: name-version arch {origin} (license) [installed])
Prints the differences; exits 1 when there are any.
"""
import sys


def evr(epoch, version, release):
    s = version
    if release:
        s += "-" + release
    if epoch and epoch != "0":
        s = epoch + ":" + s
    return s


def expected(kind, path):
    rows = set()
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    for l in lines:
        if kind == "apk-list":
            w = l.split(" ")
            parts = w[0].split("-")
            name, version = "-".join(parts[:-2]), "-".join(parts[-2:])
            rows.add((name, version, w[2].strip("{}") or name, version, w[1]))
            continue
        c = l.split("\t")
        if l.startswith("#") or c[0] in ("name", "ID"):
            continue
        if kind == "dpkg-query":
            rows.add((c[0], c[1], c[2] or c[0], c[3] or c[1], c[4]))
        elif kind == "apk":
            rows.add((c[0], c[1], c[3] or c[0], c[1], c[2]))
        elif kind == "trivy":
            v = evr(c[2], c[3], c[4])
            sv = evr(c[7], c[8], c[9]) if c[8] else v
            rows.add((c[1], v, c[6] or c[1], sv, c[5]))
    return rows


def actual(path):
    rows = set()
    with open(path) as f:
        for l in f:
            if l.startswith("#") or not l.strip():
                continue
            c = l.rstrip("\n").split("\t")
            rows.add((c[0], c[1], c[2], c[3], c[4]))
    return rows


def main():
    kind, exp_path, act_path = sys.argv[1:4]
    exp, act = expected(kind, exp_path), actual(act_path)
    missing, extra = sorted(exp - act), sorted(act - exp)
    for r in missing:
        print("missing:", "\t".join(r))
    for r in extra:
        print("unexpected:", "\t".join(r))
    print("%d expected, %d read, %d missing, %d unexpected" % (len(exp), len(act), len(missing), len(extra)))
    sys.exit(1 if missing or extra or not exp else 0)


main()
