#!/usr/bin/python3
"""Build the matching benchmark's inputs, deterministically (issue 9).

usage: gen-advisories.py OUTDIR [EXPECTED_PACKAGES_TSV]

Writes OUTDIR/tracker.json, a Debian security tracker file that imports as
exactly 100,000 advisories (50,000 package/CVE pairs, each for bookworm and
bullseye), and OUTDIR/inventory.tsv, 5,000 installed packages
(name, version, source, source version, arch) of a bookworm system.

The inventory starts with the real debian-12 image's packages (the fixture's
expected list, when given) so a scan of that image meets advisories too; the
rest are synthetic, several binaries per source package as in Debian. About
two thirds of the inventory's source packages have advisories; of those,
fixed versions fall above and below the installed one, and some are open.
Same seed, same files: the benchmark compares runs, not luck.
"""
import json
import os
import random
import sys

N_PAIRS = 50000          # package/CVE pairs; two releases each = 100,000 rows
N_INVENTORY = 5000
N_FEED_ONLY = 6000       # source packages with advisories that are not installed
RELEASES = ("bookworm", "bullseye")


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    out = argv[1]
    rnd = random.Random(9)
    os.makedirs(out, exist_ok=True)

    # The inventory: real packages first, then synthetic binaries.
    inv = []
    if len(argv) > 2:
        with open(argv[2]) as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                name, ver, src, srcver, arch = line.rstrip("\n").split("\t")[:5]
                inv.append((name, ver, src, srcver, arch))
    n_src = 0
    while len(inv) < N_INVENTORY:
        src = "hsbench-src%05d" % n_src
        srcver = "%d.%d.%d-%d" % (rnd.randint(0, 9), rnd.randint(0, 30),
                                   rnd.randint(0, 99), rnd.randint(1, 9))
        for b in range(rnd.choice((1, 1, 1, 2, 2, 3))):
            if len(inv) >= N_INVENTORY:
                break
            name = src.replace("-src", "-bin") + ("" if b == 0 else "-%d" % b)
            # Some binaries carry a binNMU: their own version, the source's
            # version in Source:.
            ver = srcver + ("+b1" if rnd.random() < 0.05 else "")
            inv.append((name, ver, src, srcver, rnd.choice(("amd64", "all"))))
        n_src += 1
    with open(os.path.join(out, "inventory.tsv"), "w") as f:
        for p in inv:
            f.write("\t".join(p) + "\n")

    # Source packages with advisories: two thirds of the installed ones and
    # others that are not installed at all.
    installed = {}
    for name, ver, src, srcver, arch in inv:
        installed.setdefault(src, srcver)
    srcs = sorted(installed)
    rnd.shuffle(srcs)
    feed_srcs = srcs[: len(srcs) * 2 // 3]
    feed_srcs += ["hsbench-absent%05d" % i for i in range(N_FEED_ONLY)]
    feed_srcs.sort()

    # Spread the pairs: every feed package gets one, the rest at random
    # (a few packages get many, as the kernel or imagemagick do).
    counts = dict((s, 1) for s in feed_srcs)
    weights = [1.0 / (i + 1) ** 0.6 for i in range(len(feed_srcs))]
    order = feed_srcs[:]
    rnd.shuffle(order)
    for s in rnd.choices(order, weights=weights, k=N_PAIRS - len(feed_srcs)):
        counts[s] += 1

    urgencies = ("unimportant", "low", "low**", "medium", "medium**", "high",
                 "not yet assigned")
    tracker = {}
    cve = 0
    for s in feed_srcs:
        base = installed.get(s, "%d.%d-%d" % (rnd.randint(0, 9),
                                               rnd.randint(0, 99), rnd.randint(1, 5)))
        entries = {}
        for _ in range(counts[s]):
            cve += 1
            cve_id = "CVE-%d-%05d" % (2000 + cve % 25, cve)
            releases = {}
            for rel in RELEASES:
                r = rnd.random()
                if r < 0.35:
                    # Fixed after the installed version: affected.
                    rel_d = {"status": "resolved", "fixed_version": base + "+deb12u%d" % rnd.randint(1, 9)}
                elif r < 0.75:
                    # Fixed before it: not affected.
                    rel_d = {"status": "resolved", "fixed_version": "0.%d-1" % rnd.randint(1, 99)}
                elif r < 0.9:
                    rel_d = {"status": "open"}
                else:
                    rel_d = {"status": "undetermined"}
                rel_d["urgency"] = rnd.choice(urgencies)
                rel_d["repositories"] = {rel: base}
                releases[rel] = rel_d
            entries[cve_id] = {
                "description": "Synthetic advisory %d of the hullscan benchmark for %s." % (cve, s),
                "scope": "remote",
                "releases": releases,
            }
        tracker[s] = entries
    assert cve == N_PAIRS
    with open(os.path.join(out, "tracker.json"), "w") as f:
        json.dump(tracker, f, sort_keys=True)
    print("%d advisories, %d inventory packages" % (cve * len(RELEASES), len(inv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
