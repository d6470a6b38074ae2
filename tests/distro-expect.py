#!/usr/bin/python3
"""The findings a distribution's feed gives for a package list, worked out
apart from hullscan: the feed read here with Python's own parsers, every
version compared by rpm itself (rpm.vercmp through `rpm --eval`).

usage: distro-expect.py KIND FEED PACKAGES

PACKAGES is `rpm -qa --qf '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n'`
of the image's database. Prints one "package id fixed" line per finding
(fixed "None" when there is no fix), sorted.

Rules, as README.md states them:
- one finding per (package, id): a known fix beats none, the highest fix wins;
- a missing epoch is 0;
- mariner: Microsoft's OVAL names source packages: a package matches by its
  source rpm's name and is compared at its source rpm's version (with its own
  epoch); "less than" is a fix, "less than or equal" affected with no fix.
"""
import subprocess
import sys
import xml.etree.ElementTree as ET


def vercmp_many(pairs):
    """rpm.vercmp of each (a, b), in batches."""
    out = []
    for i in range(0, len(pairs), 400):
        chunk = pairs[i:i + 400]
        lua = "%{lua: " + " ".join(
            'print(rpm.vercmp("%s","%s").." ")' % (a, b) for a, b in chunk) + "}"
        r = subprocess.run(["rpm", "--eval", lua], capture_output=True, text=True,
                           check=True)
        got = [int(x) for x in r.stdout.split()]
        assert len(got) == len(chunk), (len(got), len(chunk))
        out += got
    return out


def evr0(evr):
    """An EVR with its epoch spelled out (a missing epoch is 0)."""
    head = evr.split(":", 1)[0]
    return evr if ":" in evr and head.isdigit() else "0:" + evr


def packages(path):
    pkgs = []
    for line in open(path):
        name, epoch, version, release, arch, srpm = line.rstrip("\n").split("\t")
        if name == "gpg-pubkey":
            continue
        src_name, src_vr = name, "%s-%s" % (version, release)
        if srpm.endswith(".src.rpm"):
            base = srpm[:-len(".src.rpm")]
            n, v, r = base.rsplit("-", 2)
            src_name, src_vr = n, "%s-%s" % (v, r)
        e = epoch if epoch not in ("", "(none)") else "0"
        pkgs.append({"name": name, "evr": "%s:%s-%s" % (e, version, release),
                     "arch": arch, "src": src_name, "src_evr": "%s:%s" % (e, src_vr)})
    return pkgs


def decide(hits):
    """hits: (package, id, fixed or None). One per (package, id)."""
    groups = {}
    for p, i, f in hits:
        groups.setdefault((p, i), set()).add(f)
    pairs = []
    for fixes in groups.values():
        fx = sorted(x for x in fixes if x is not None)
        pairs += [(evr0(a), evr0(b)) for a in fx for b in fx]
    cmp = dict(zip(pairs, vercmp_many(pairs)))
    out = []
    for (p, i), fixes in groups.items():
        fx = [x for x in fixes if x is not None]
        best = None
        for f in fx:
            if best is None or cmp[(evr0(f), evr0(best))] > 0:
                best = f
        out.append("%s %s %s" % (p, i, best))
    return sorted(out)


def mariner(feed, pkgs):
    ns = {"d": "http://oval.mitre.org/XMLSchema/oval-definitions-5",
          "l": "http://oval.mitre.org/XMLSchema/oval-definitions-5#linux"}
    root = ET.parse(feed).getroot()
    tests = {t.get("id"): t for t in root.iter("{%s}rpminfo_test" % ns["l"])}
    objs = {o.get("id"): o.find("l:name", ns).text
            for o in root.iter("{%s}rpminfo_object" % ns["l"])}
    states = {s.get("id"): (s.find("l:evr", ns).get("operation"), s.find("l:evr", ns).text)
              for s in root.iter("{%s}rpminfo_state" % ns["l"])}
    cands = []
    for d in root.iter("{%s}definition" % ns["d"]):
        cves = [r.get("ref_id") for r in d.findall("d:metadata/d:reference", ns)
                if r.get("source") == "CVE"]
        for c in d.findall(".//d:criterion", ns):
            t = tests[c.get("test_ref")]
            name = objs[t.find("l:object", ns).get("object_ref")]
            op, evr = states[t.find("l:state", ns).get("state_ref")]
            for p in pkgs:
                if p["src"] == name:
                    for cve in cves:
                        cands.append((p, cve, op, evr))
    res = vercmp_many([(p["src_evr"], evr0(evr)) for p, _, _, evr in cands])
    hits = []
    for (p, cve, op, evr), r in zip(cands, res):
        if op == "less than" and r < 0:
            hits.append((p["name"], cve, evr))
        elif op == "less than or equal" and r <= 0:
            hits.append((p["name"], cve, None))
    return decide(hits)


def main():
    kind, feed, pkgfile = sys.argv[1:4]
    pkgs = packages(pkgfile)
    for line in {"mariner": mariner}[kind](feed, pkgs):
        print(line)


main()
