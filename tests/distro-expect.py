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
import bz2
import collections
import gzip
import re
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


def image_arch(pkgs):
    c = collections.Counter(p["arch"] for p in pkgs if p["arch"] not in ("noarch", "(none)"))
    return c.most_common(1)[0][0] if c else None


def arch_applies(row_arch, pkg, img_arch):
    if row_arch is None or row_arch == "noarch":
        return True
    mine = img_arch if pkg["arch"] == "noarch" else pkg["arch"]
    return mine is None or mine == row_arch


def match_binary(rows, pkgs):
    """rows: (package, arch or None, id, fixed EVR); binary names, rpm order."""
    img = image_arch(pkgs)
    cands = [(p, i, f) for name, arch, i, f in rows for p in pkgs
             if p["name"] == name and arch_applies(arch, p, img)]
    res = vercmp_many([(p["evr"], evr0(f)) for p, _, f in cands])
    return decide([(p["name"], i, f) for (p, i, f), r in zip(cands, res) if r < 0])


def alas(feed, pkgs):
    data = open(feed, "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    rows = []
    for u in ET.fromstring(data).iter("update"):
        if u.get("type") != "security":
            continue
        ids = [r.get("id") for r in u.iter("reference") if r.get("type") == "cve"]
        ids = list(dict.fromkeys(ids)) or [u.findtext("id").strip()]
        fixes = collections.defaultdict(dict)
        for p in u.iter("package"):
            name, arch = p.get("name"), p.get("arch")
            if arch in ("src", "nosrc") or name.endswith(("-debuginfo", "-debugsource")) \
                    or "-debuginfo-" in name:
                continue
            fixes[name].setdefault(arch, "%s:%s-%s" % (p.get("epoch") or "0",
                                                       p.get("version"), p.get("release")))
        for name, by_arch in fixes.items():
            if len(set(by_arch.values())) == 1:
                rows += [(name, None, i, next(iter(by_arch.values()))) for i in ids]
            else:
                rows += [(name, a, i, f) for a, f in by_arch.items() for i in ids]
    return match_binary(rows, pkgs)


def ksplice(evr):
    m = re.search(r"[.-](ksplice[0-9]*)", evr.rsplit("-", 1)[-1] if "-" in evr else "")
    return m.group(1) if m else None


def elsa(feed, pkgs):
    data = open(feed, "rb").read()
    if data[:3] == b"BZh":
        data = bz2.decompress(data)
    D = "{http://oval.mitre.org/XMLSchema/oval-definitions-5}"
    root = ET.fromstring(data)
    rows = []
    for d in root.iter(D + "definition"):
        if not d.get("id", "").startswith("oval:com.oracle.elsa:"):
            continue
        meta = d.find(D + "metadata")
        ids = [r.get("ref_id") for r in meta.findall(D + "reference") if r.get("source") == "CVE"]
        if not ids:
            ids = [r.get("ref_id") for r in meta.findall(D + "reference") if r.get("source") == "elsa"]
        found = collections.defaultdict(lambda: collections.defaultdict(set))

        def walk(crit, rel, arch):
            kids = list(crit)
            if crit.get("operator", "AND") == "AND":
                for k in kids:
                    c = k.get("comment") or ""
                    m = re.fullmatch(r"Oracle Linux (\d+) is installed", c)
                    rel = m.group(1) if m and k.tag == D + "criterion" else rel
                    m = re.fullmatch(r"Oracle Linux arch is (\S+)", c)
                    arch = m.group(1) if m and k.tag == D + "criterion" else arch
            for k in kids:
                if k.get("negate") == "true":
                    continue
                if k.tag == D + "criteria":
                    walk(k, rel, arch)
                    continue
                m = re.fullmatch(r"(\S+) is earlier than (\S+)", k.get("comment") or "")
                if m and rel:
                    found[m.group(1)][arch].add(m.group(2))
        walk(d.find(D + "criteria"), None, None)
        for name, by_arch in found.items():
            sets = {frozenset(v) for v in by_arch.values()}
            if len(sets) == 1:
                rows += [(name, None, i, f) for f in next(iter(sets)) for i in ids]
            else:
                rows += [(name, a, i, f) for a, fs in by_arch.items() for f in fs for i in ids]
    img = image_arch(pkgs)
    cands = [(p, i, f) for name, arch, i, f in rows for p in pkgs
             if p["name"] == name and arch_applies(arch, p, img)
             and ksplice(p["evr"]) == ksplice(f)]
    res = vercmp_many([(p["evr"], evr0(f)) for p, _, f in cands])
    return decide([(p["name"], i, f) for (p, i, f), r in zip(cands, res) if r < 0])


def suse_ns(cpe):
    m = re.fullmatch(r"cpe:/o:suse:(?:sles|sles-ltss|sle-module-[^:]+):([0-9.]+)(?::sp([0-9]+))?", cpe or "")
    if m:
        return "sles:" + m.group(1) + ("." + m.group(2) if m.group(2) else "")
    m = re.fullmatch(r"cpe:/o:opensuse:leap:([0-9.]+)", cpe or "")
    return "opensuse-leap:" + m.group(1) if m else None


def suse(feed, pkgs, namespace):
    import json
    d = json.load(open(feed))
    cpes = {}

    def walk(n):
        for b in n.get("branches", []):
            p = b.get("product") or {}
            if "cpe" in p.get("product_identification_helper", {}):
                cpes[p["product_id"]] = p["product_identification_helper"]["cpe"]
            walk(b)
    walk(d["product_tree"])
    rels = {r["full_product_name"]["product_id"]: r for r in d["product_tree"].get("relationships", [])}
    rows = []
    for v in d["vulnerabilities"]:
        for pid in v.get("product_status", {}).get("recommended", []):
            r = rels[pid]
            if suse_ns(cpes.get(r["relates_to_product_reference"])) != namespace:
                continue
            m = re.fullmatch(r"(.+)-([^-]+)-([^-]+)\.([^.]+)", r["product_reference"])
            name, ver, rel, arch = m.groups()
            if arch in ("src", "nosrc"):
                continue
            rows.append((name, None, v["cve"], "0:%s-%s" % (ver, rel)))
    return match_binary(rows, pkgs)


def photon(feed, pkgs):
    import json
    rows = []
    for e in json.load(open(feed)):
        if (e.get("status") or "").lower() == "not affected":
            continue
        fix = e.get("res_ver")
        fix = None if fix in (None, "", "NA", "None", "N/A") else fix
        rows.append((e["pkg"], None, e["cve_id"], fix))
    img = image_arch(pkgs)
    cands = [(p, i, f) for name, arch, i, f in rows for p in pkgs if p["name"] == name]
    res = vercmp_many([(p["evr"], evr0(f)) for p, _, f in cands if f is not None])
    res = iter(res)
    hits = []
    for p, i, f in cands:
        if f is None:
            hits.append((p["name"], i, None))
        elif next(res) < 0:
            hits.append((p["name"], i, f))
    return decide(hits)


def bodhi(feed, pkgs, namespace):
    import json
    u = json.load(open(feed))
    rel = u.get("release") or {}
    if (u.get("type"), u.get("status"), rel.get("id_prefix")) != ("security", "stable", "FEDORA") \
            or "fedora:" + rel.get("version", "") != namespace:
        return []
    ids = []
    for b in u.get("bugs", []):
        m = re.match(r"(CVE-\d{4}-\d{4,12})\b", b.get("title", ""))
        if b.get("security", True) and m and m.group(1) not in ids:
            ids.append(m.group(1))
    ids = ids or [u["alias"]]
    cands = []
    for bd in u.get("builds", []):
        name, ver, r = bd["nvr"].rsplit("-", 2)
        fix = "%s:%s-%s" % (bd.get("epoch") or 0, ver, r)
        cands += [(p, i, fix) for p in pkgs if p["src"] == name for i in ids]
    res = vercmp_many([(p["src_evr"], f) for p, _, f in cands])
    return decide([(p["name"], i, f) for (p, i, f), r in zip(cands, res) if r < 0])


def main():
    kind, feed, pkgfile = sys.argv[1:4]
    pkgs = packages(pkgfile)
    if kind in ("suse", "bodhi"):
        out = {"suse": suse, "bodhi": bodhi}[kind](feed, pkgs, sys.argv[4])
    else:
        out = {"mariner": mariner, "alas": alas, "elsa": elsa, "photon": photon}[kind](feed, pkgs)
    for line in out:
        print(line)


main()
