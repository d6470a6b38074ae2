#!/usr/bin/python3
"""The second route for lang-osv.sh: what OSV records of language ecosystems
say, computed here by the OSV schema's own evaluation (IsVulnerable: the
events of a range sorted, "versions" listed, "limit" events), with version
orders of this file's own (python3-packaging for PyPI, SemVer 2.0 precedence
for npm, Go and crates.io, a numeric Maven order), not hullscan's matcher.

  lang-expect.py rows ORDERS FILE...        rows an import writes
  lang-expect.py findings ORDERS PKGS FILE...  findings, as lang-match prints

ORDERS: comma-separated ecosystems whose order hullscan has ("npm,pypi"):
a version of another is not one hullscan can compare. FILE: OSV records,
JSON or YAML, or directories of them. PKGS: ecosystem, name, version,
location, tab-separated.
"""
import glob
import json
import os
import re
import sys

import yaml
from packaging.version import InvalidVersion, Version

ECO = {"npm": "npm", "PyPI": "pypi", "Go": "go", "crates.io": "cargo",
       "RubyGems": "gem", "NuGet": "nuget"}
ECO_REPO = {"Maven": "maven", "Packagist": "composer"}


def ecosystem(name):
    if name in ECO:
        return ECO[name]
    base, _, repo = name.partition(":")
    if base in ECO_REPO and (repo or name == base):
        return ECO_REPO[base]
    return None


def canonical(eco, name):
    if eco == "pypi":
        return re.sub(r"[-_.]+", "-", name).lower()
    if eco in ("composer", "nuget"):
        return name.lower()
    return name


# --- version orders ------------------------------------------------------------
SEMVER = re.compile(r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-.]+)?$")


def semver_key(v):
    m = SEMVER.match(v)
    if not m:
        raise ValueError(v)
    major, minor, patch, pre = m.groups()
    if pre is None:
        pk = (1,)
    else:
        pk = (0,) + tuple((0, int(p), "") if p.isdigit() else (1, 0, p)
                          for p in pre.split("."))
    return (int(major), int(minor), int(patch), pk)


def maven_key(v):
    parts = re.split(r"[.-]", v)
    if parts and parts[-1].lower() in ("final", "ga", "release"):
        parts = parts[:-1]
    if not parts or not all(p.isdigit() for p in parts):
        raise ValueError(v)
    nums = [int(p) for p in parts]
    while len(nums) > 1 and nums[-1] == 0:
        nums.pop()
    return tuple(nums)


def key(eco, v):
    if eco == "pypi":
        try:
            return Version(v)
        except InvalidVersion:
            raise ValueError(v)
    if eco in ("npm", "go", "cargo"):
        if eco == "go" and v.startswith("go"):
            v = "v" + v[2:]
        return semver_key(v)
    if eco == "maven":
        return maven_key(v)
    raise ValueError(v)


def valid(eco, v):
    try:
        key(eco, v)
        return True
    except ValueError:
        return False


# --- records --------------------------------------------------------------------
def records(paths):
    for p in paths:
        files = [p] if os.path.isfile(p) else sorted(
            glob.glob(p + "/**/*.json", recursive=True) +
            glob.glob(p + "/**/*.yaml", recursive=True))
        for f in files:
            if f.endswith(".json"):
                d = json.load(open(f))
            else:
                d = yaml.load(open(f), Loader=yaml.BaseLoader)
            for r in d if isinstance(d, list) else [d]:
                if not r.get("withdrawn"):
                    yield r


def finding_id(r):
    aliases = r.get("aliases") or []
    if r["id"].startswith("CVE-"):
        return r["id"]
    for a in aliases:
        if a.startswith("CVE-"):
            return a
    if not r["id"].startswith("GHSA-"):
        for a in aliases:
            if a.startswith("GHSA-"):
                return a
    return r["id"]


def go_other_os(aff):
    imports = (aff.get("ecosystem_specific") or {}).get("imports") or []
    if not imports:
        return False
    return all(i.get("goos") and "linux" not in i["goos"] for i in imports)


def entries(r):
    """(ecosystem, canonical name, affected entry) of a record's language entries."""
    for a in r.get("affected") or []:
        pkg = a.get("package") or {}
        eco = ecosystem(pkg.get("ecosystem", ""))
        if eco is None or not pkg.get("name"):
            continue
        if eco == "go" and go_other_os(a):
            continue
        yield eco, canonical(eco, pkg["name"]), a


def sorted_events(eco, events, orders):
    """The events in version order ("0" first), or as listed when some
    version is not one of the ecosystem's (as hullscan keeps them)."""
    if eco not in orders:
        return events
    try:
        return sorted(events, key=lambda e: (0, 0) if e.get("introduced") == "0"
                      else (1, key(eco, list(e.values())[0])))
    except ValueError:
        return events


# --- rows ---------------------------------------------------------------------
def intervals(eco, rng, orders):
    """The (introduced, fixed, last_affected) intervals of one range."""
    out, start, vulnerable = [], None, False
    for e in sorted_events(eco, rng.get("events") or [], orders):
        if "introduced" in e:
            if not vulnerable:
                start = e["introduced"]
            vulnerable = True
        elif "fixed" in e:
            if vulnerable and start != e["fixed"]:
                out.append((start, e["fixed"], None))
            vulnerable = False
        elif "last_affected" in e:
            if vulnerable:
                out.append((start, None, e["last_affected"]))
            vulnerable = False
    if vulnerable:
        out.append((start, None, None))
    return out


def limit_of(eco, rng):
    limits = [e["limit"] for e in rng.get("events") or [] if "limit" in e]
    if not limits or any("*" in x for x in limits):
        return None
    return max(limits, key=lambda x: key(eco, x))


def in_range(eco, v, rng, orders):
    """OSV's IncludedInRanges for one range (the schema's pseudocode)."""
    lim = limit_of(eco, rng)
    if lim is not None and not key(eco, v) < key(eco, lim):
        return False
    vulnerable = False
    for e in sorted_events(eco, rng.get("events") or [], orders):
        if "introduced" in e and (e["introduced"] == "0" or
                                  key(eco, v) >= key(eco, e["introduced"])):
            vulnerable = True
        elif "fixed" in e and key(eco, v) >= key(eco, e["fixed"]):
            vulnerable = False
        elif "last_affected" in e and key(eco, v) > key(eco, e["last_affected"]):
            vulnerable = False
    return vulnerable


def rows(orders, paths):
    n = 0
    for r in records(paths):
        for eco, name, a in entries(r):
            ranges = [g for g in a.get("ranges") or []
                      if g.get("type") in ("SEMVER", "ECOSYSTEM")]
            for g in ranges:
                n += len(intervals(eco, g, orders))
            if eco not in orders:
                continue
            for v in a.get("versions") or []:
                if valid(eco, v) and not any(in_range(eco, v, g, orders)
                                             for g in ranges):
                    n += 1
    return n


# --- severity -----------------------------------------------------------------
WORDS = {"low": "Low", "moderate": "Medium", "medium": "Medium", "high": "High",
         "critical": "Critical"}


def roundup(x):
    i = round(x * 100000)
    return i / 100000.0 if i % 10000 == 0 else (i // 10000 + 1) / 10.0


def cvss3(vector):
    """CVSS v3.1 base score, by the specification's formulas."""
    m = dict(p.split(":") for p in vector.split("/")[1:])
    av = {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}[m["AV"]]
    ac = {"L": 0.77, "H": 0.44}[m["AC"]]
    changed = m["S"] == "C"
    pr = {"N": 0.85, "L": 0.68 if changed else 0.62,
          "H": 0.5 if changed else 0.27}[m["PR"]]
    ui = {"N": 0.85, "R": 0.62}[m["UI"]]
    cia = {"H": 0.56, "L": 0.22, "N": 0}
    iss = 1 - (1 - cia[m["C"]]) * (1 - cia[m["I"]]) * (1 - cia[m["A"]])
    impact = (7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15) if changed \
        else 6.42 * iss
    if impact <= 0:
        return 0.0
    expl = 8.22 * av * ac * pr * ui
    return roundup(min(1.08 * (impact + expl) if changed else impact + expl, 10))


def band(score):
    return ("Critical" if score >= 9 else "High" if score >= 7 else
            "Medium" if score >= 4 else "Low" if score > 0 else "Negligible")


def severity(r, a, v4):
    """GitHub's word, else the highest CVSS base score; None: not computed here."""
    if (a.get("database_specific") or {}).get("informational"):
        return "Unknown"
    word = (r.get("database_specific") or {}).get("severity")
    if isinstance(word, str) and word.lower() in WORDS:
        return WORDS[word.lower()]
    sevs = a.get("severity") or r.get("severity") or []
    scores = [cvss3(s["score"]) for s in sevs if s.get("type") == "CVSS_V3"]
    if scores:
        return band(max(scores))
    for s in sevs:
        if s.get("type") == "CVSS_V4":
            return v4(s["score"])
    return "Unknown"


# --- findings ------------------------------------------------------------------
RANK = ["Unknown", "Negligible", "Low", "Medium", "High", "Critical"]


def findings(orders, pkgs_path, paths, v4=lambda vector: None):
    pkgs = []
    for line in open(pkgs_path):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        eco, name, version = f[0], f[1], f[2]
        if eco in orders and valid(eco, version):
            pkgs.append((eco, name, version, f[3] if len(f) > 3 and f[3] else "-"))
    by_name = {}
    for p in pkgs:
        by_name.setdefault((p[0], canonical(p[0], p[1])), []).append(p)
    out = {}
    for r in records(paths):
        fid = finding_id(r)
        names = {r["id"]} | set(r.get("aliases") or [])
        for eco, name, a in entries(r):
            for p in by_name.get((eco, name), []):
                v = p[2][1:] if eco == "go" and p[2].startswith("v") else p[2]
                ranges = [g for g in a.get("ranges") or []
                          if g.get("type") in ("SEMVER", "ECOSYSTEM")]
                hit = [g for g in ranges if in_range(eco, v, g, orders)]
                listed = any(valid(eco, x) and key(eco, x) == key(eco, v)
                             for x in a.get("versions") or [])
                if not hit and not listed:
                    continue
                fixes = []
                for g in hit:
                    for s, fx, la in intervals(eco, g, orders):
                        if ((s is None or s == "0" or key(eco, s) <= key(eco, v)) and
                                fx is not None and key(eco, v) < key(eco, fx)):
                            fixes.append(fx)
                fix = max(fixes, key=lambda x: key(eco, x)) if fixes else None
                info = (a.get("database_specific") or {}).get("informational")
                e = out.setdefault(p + (fid,), {"fix": None, "fixed_known": False,
                                                 "sev": [], "names": set(),
                                                 "info": []})
                if fix is not None and (e["fix"] is None or
                                        key(eco, fix) > key(eco, e["fix"])):
                    e["fix"] = fix
                e["sev"].append(severity(r, a, v4))
                e["names"] |= names
                e["info"].append(info or None)
    lines = []
    for k, e in out.items():
        sevs = e["sev"]
        sev = "?" if None in sevs else max(sevs, key=RANK.index)
        aliases = sorted(e["names"] - {k[4]})
        info = e["info"][0] if all(e["info"]) else None
        lines.append("\t".join(list(k) + [e["fix"] or "-", sev,
                                          ",".join(aliases) or "-", info or "-"]))
    return sorted(lines)


def main():
    mode, orders = sys.argv[1], set(filter(None, sys.argv[2].split(",")))
    if mode == "rows":
        print(rows(orders, sys.argv[3:]))
    elif mode == "findings":
        for line in findings(orders, sys.argv[3], sys.argv[4:]):
            print(line)
    else:
        sys.exit("usage: lang-expect.py rows|findings ORDERS ...")


if __name__ == "__main__":
    main()
