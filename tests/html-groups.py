#!/usr/bin/python3
"""Check the HTML report's findings against the XML model it was made from.

usage: html-groups.py REPORT.XML INDEX.HTML

The expected grouping is computed here from the model (report.xml) with
ElementTree, not by the templates: per image, one row per vulnerability
(image, id); the row lists every finding's package (and location) of that
vulnerability and no other (each package once a line, each place once); each description is written once per row; one
longer than 160 characters is inside a closed <details>; a severity block
is open exactly when it holds a failing finding or is High or Critical; a
vulnerability sits in the block of its worst finding. Prints what differs;
exits 1 when something does.
"""
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

VOID = {"meta", "link", "img", "br", "hr", "input", "source", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children, self.text = [], []

    def cls(self):
        return (self.attrs.get("class") or "").split()

    def all(self, tag=None, cls=None):
        for c in self.children:
            if isinstance(c, Node):
                if (tag is None or c.tag == tag) and (cls is None or cls in c.cls()):
                    yield c
                yield from c.all(tag, cls)

    def kids(self, tag=None, cls=None):
        return [c for c in self.children if isinstance(c, Node)
                and (tag is None or c.tag == tag) and (cls is None or cls in c.cls())]

    def string(self):
        return "".join(c if isinstance(c, str) else c.string() for c in self.children)


class Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#root", {}, None)

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, d):
        self.cur.children.append(d)


model = ET.parse(sys.argv[1]).getroot()
tree = Tree()
tree.feed(open(sys.argv[2], encoding="utf-8").read())
errors = []

sections = {s.attrs.get("id"): s for s in tree.root.all("section", "image")}
for img in model.findall("image"):
    idx, ref = img.get("index"), img.get("reference")
    sec = sections.get("img-" + idx)
    if sec is None:
        errors.append("no section for image %s" % idx)
        continue
    heading = next(sec.all("h2", "image-name"), None)
    if heading is None or heading.string().strip() != ref:
        errors.append("image %s: heading %r, want the reference %r"
                      % (idx, heading and heading.string(), ref))
    # The model's answer: findings by vulnerability id.
    want = {}
    for f in img.findall("finding"):
        want.setdefault(f.get("id"), []).append(f)
    got = {}
    for blk in sec.all("details", "sevgroup"):
        sev = next(blk.all("span", "sev")).string().strip()
        rows = [tr for tb in blk.all("tbody") for tr in tb.kids("tr")]
        vids = []
        for tr in rows:
            td = next(tr.all("td", "vuln"))
            vid = next(td.all("span", "vid")).string().strip()
            vids.append(vid)
            if vid in got:
                errors.append("image %s: %s has two rows" % (idx, vid))
            pk = set()
            for li in next(tr.all("td", "affected")).all("li"):
                names = next(li.all("span", "pkg")).string().split(", ")
                locs = [d.string() for d in li.all("div", "loc")] or [None]
                pk |= set((n, l) for n in names for l in locs)
            got[vid] = (sev, sorted(pk), list(td.all(cls="desc")))
        fails = any(f.get("verdict") == "fail" for v in vids for f in want.get(v, []))
        is_open = "open" in blk.attrs
        if is_open != (fails or sev in ("Critical", "High")):
            errors.append("image %s: the %s block is %s" % (idx, sev, "open" if is_open else "closed"))
    if sorted(got) != sorted(want):
        errors.append("image %s: rows %d, vulnerabilities %d; missing %s, extra %s" % (
            idx, len(got), len(want), sorted(set(want) - set(got))[:5],
            sorted(set(got) - set(want))[:5]))
    for vid, fs in want.items():
        if vid not in got:
            continue
        sev, pk, descs = got[vid]
        worst = max(fs, key=lambda f: int(f.get("rank")))
        if sev != worst.get("severity"):
            errors.append("image %s: %s in the %s block, its worst finding is %s"
                          % (idx, vid, sev, worst.get("severity")))
        wpk = sorted(set((f.get("package"), f.get("location")) for f in fs))
        if pk != wpk:
            errors.append("image %s: %s lists %s, want %s" % (idx, vid, pk, wpk))
        text = next((d.text for f in fs for d in f.findall("description") if d.text), None)
        if text is None:
            if descs:
                errors.append("image %s: %s has a description the model lacks" % (idx, vid))
            continue
        if len(descs) != 1:
            errors.append("image %s: %s has %d descriptions, want 1" % (idx, vid, len(descs)))
            continue
        d = descs[0]
        if len(text) > 160:
            if d.tag != "details" or "open" in d.attrs:
                errors.append("image %s: %s: a long description not in a closed <details>" % (idx, vid))
            full = next(d.all("div", "full"), None)
            if full is None or full.string() != text:
                errors.append("image %s: %s: the full description differs" % (idx, vid))
        elif d.string() != text:
            errors.append("image %s: %s: description %r, want %r" % (idx, vid, d.string(), text))

for e in errors[:40]:
    print(e)
if len(errors) > 40:
    print("... %d more" % (len(errors) - 40))
sys.exit(1 if errors else 0)
