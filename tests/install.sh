#!/bin/bash
# hullscan works wherever the binary is put (issue 14): "make install" into a
# staging root, and the binary alone copied to another folder, each run from a
# folder with no source tree. --html writes the page from the built-in
# templates (report.css the same bytes as templates/report.css), and
# "db update" with no --feeds reads the built-in list: every feed of
# data/feeds.conf (read here by a separate parser) is fetched through a real
# nginx on 127.0.0.1 (--mirror URL) and lands in the database.
. "$top_srcdir/tests/lib.sh"
need_cmd make cmp timeout /usr/bin/python3
PY=/usr/bin/python3
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy no_proxy NO_PROXY
unset HULLSCAN_FEED_MIRROR HULLSCAN_TEMPLATES
F=$FIXTURES

# --- the two copies ----------------------------------------------------------------
# The build's own make, into a staging root (DESTDIR): what a packager does.
if make -s -C "$top_builddir" install DESTDIR="$T/root" >"$T/install.out" 2>&1; then
	ok "make install DESTDIR=... exits 0"
else
	not_ok "make install DESTDIR=..."; diag "$(tail -20 "$T/install.out")"
fi
INSTALLED=$(find "$T/root" -path '*/bin/hullscan' -type f | head -1)
[ -n "$INSTALLED" ] && [ -x "$INSTALLED" ] && ok "installed binary: ${INSTALLED#"$T/root"}" ||
	not_ok "make install put bin/hullscan in the staging root"
mkdir -p "$T/copy"
cp "$HULLSCAN" "$T/copy/hullscan"
COPIED=$T/copy/hullscan

# A small root filesystem to scan (no fixture needed: this part runs under
# make distcheck too).
mkdir -p "$T/rootfs/etc" "$T/rootfs/var/lib/dpkg"
printf 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' >"$T/rootfs/etc/os-release"
printf 'Package: zlib1g\nStatus: install ok installed\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\n\n' \
	>"$T/rootfs/var/lib/dpkg/status"

# --- --html from elsewhere -------------------------------------------------------------
html_case() {	# html_case LABEL BINARY
	local w=$T/run-$1
	mkdir -p "$w"
	if (cd "$w" && "$2" scan -q --no-match --no-history --html report "dir:$T/rootfs") \
	    >"$T/out" 2>"$T/err"; then
		ok "$1: scan --html from $w exits 0"
	else
		not_ok "$1: scan --html from another folder"; diag "$(cat "$T/err")"
	fi
	cmp -s "$w/report/report.css" "$top_srcdir/templates/report.css" &&
		ok "$1: report.css is templates/report.css" ||
		not_ok "$1: report.css is templates/report.css"
	# The page names the image and links its CSS and chart, read by Python's parser.
	if "$PY" - "$w/report/index.html" "dir:$T/rootfs" <<'EOF'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.links = set(); self.text = []
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src", "data"): self.links.add(v)
    def handle_data(self, d): self.text.append(d)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
assert "report.css" in p.links, p.links
assert sys.argv[2] in "".join(p.text), "image not named"
EOF
	then ok "$1: index.html names the image and links report.css"
	else not_ok "$1: index.html names the image and links report.css"; fi
	"$PY" -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' \
	    "$w/report/trend.svg" 2>"$T/err" && ok "$1: trend.svg is XML" ||
		{ not_ok "$1: trend.svg is XML"; diag "$(cat "$T/err")"; }
}
[ -n "$INSTALLED" ] && html_case installed "$INSTALLED"
html_case copied "$COPIED"

# --- db update with the built-in feed list ---------------------------------------------
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for need in "$FIXTURES/README.md" "$NGINX" "$(command -v bzip2 || echo bzip2)"; do
	[ -e "$need" ] && continue
	if [ "${CI:-}" = true ]; then not_ok "$need is missing (required under CI)"
	else skip "db update with the built-in list: $need is missing"; fi
	done_testing; exit
done
# Every URL of data/feeds.conf served under WWW/HOST/PATH (what --mirror URL asks
# for) with a real feed file of its format, compressed as its name says.
W=$T/www
"$PY" - "$top_srcdir/data/feeds.conf" "$W" "$F/feeds" >"$T/feeds.tsv" <<'EOF'
import bz2, glob, gzip, lzma, os, shutil, sys, urllib.parse, zipfile
conf, www, fx = sys.argv[1:4]
samples = {
    "debian-tracker": fx + "/debian-tracker/vunnel_debian.json",
    "alpine-secdb": fx + "/alpine-secdb/json/v3.10/main.json",
    "oval": fx + "/ubuntu-oval/fetcher_ubuntu_test.xenial.oval.xml",
    "csaf": fx + "/redhat-csaf-vex/rhsa-2022-0011.json",
    "photon": fx + "/photon/cve_data_photon3.0.json",
    "updateinfo": fx + "/amazon/updateinfo_AL2023-ALAS2023-2023-001.xml.gz",
}
REPOMD = """<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo">
  <data type="updateinfo"><location href="repodata/updateinfo.xml.gz"/></data>
</repomd>
"""
for line in open(conf, encoding="utf-8"):
    fields = []
    for tok in line.split():
        if tok.startswith("#"):
            break
        fields.append(tok)
    if not fields:
        continue
    name, fmt, url = fields
    path = os.path.join(www, urllib.parse.unquote(url.split("://", 1)[1]))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if url.endswith("/mirror.list"):
        # A yum repository as Amazon publishes it: the mirror list names the
        # repository, its repomd.xml the updateinfo file.
        repo = url[:-len("mirror.list")] + "repo/"
        open(path, "w").write(repo + "\n")
        rp = os.path.join(www, urllib.parse.unquote(repo.split("://", 1)[1]), "repodata")
        os.makedirs(rp, exist_ok=True)
        open(os.path.join(rp, "repomd.xml"), "w").write(REPOMD)
        shutil.copy(samples[fmt], os.path.join(rp, "updateinfo.xml.gz"))
        print(name)
        continue
    if fmt == "osv":
        with zipfile.ZipFile(path, "w") as z:
            for p in sorted(glob.glob(fx + "/osv/*.json")):
                z.write(p, os.path.basename(p))
    else:
        src = samples[fmt]
        if fmt == "oval" and name.startswith("rhel"):
            src = bz2.decompress(open(fx + "/redhat-oval/ansible-2.8.oval.v2.xml.bz2", "rb").read())
        else:
            src = open(src, "rb").read()
        for ext, comp in ((".bz2", bz2.compress), (".gz", gzip.compress),
                          (".xz", lzma.compress)):
            if path.endswith(ext):
                src = comp(src)
        open(path, "wb").write(src)
    print(name)
EOF
chmod -R a+rX "$W"
NFEEDS=$(wc -l <"$T/feeds.tsv")
[ "$NFEEDS" -gt 10 ] && ok "data/feeds.conf lists $NFEEDS feeds, each served" ||
	not_ok "data/feeds.conf read: $NFEEDS feeds"

PORT=$(free_port)
cat >"$T/n.conf" <<EOF
daemon off; pid $T/nginx.pid; error_log $T/nginx.err;
events {}
http {
	log_format st '\$uri \$status';
	access_log $T/access st;
	server { listen 127.0.0.1:$PORT; root $W; }
}
EOF
"$NGINX" -c "$T/n.conf" -p "$T" 2>>"$T/nginx.err" &
NGINX_PID=$!
at_exit "kill $NGINX_PID 2>/dev/null; wait $NGINX_PID 2>/dev/null"
if ! wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT"; then
	not_ok "nginx on 127.0.0.1:$PORT"; diag "$(cat "$T/nginx.err")"; done_testing; exit 1
fi

update_case() {	# update_case LABEL BINARY
	local w=$T/run-$1 db=$T/run-$1/vuln.db
	mkdir -p "$w"
	: >"$T/access"
	if (cd "$w" && timeout 120 "$2" db update -q --db "$db" --retries 0 \
	    --mirror "http://127.0.0.1:$PORT/") >"$T/out" 2>"$T/err"; then
		ok "$1: db update with no --feeds exits 0"
	else
		not_ok "$1: db update with no --feeds"; diag "$(head -5 "$T/err")"
	fi
	"$2" db status --db "$db" >"$T/status" 2>"$T/err" || true
	# Every listed feed, no other, each with records.
	# The feed list's feeds, and the end-of-life table built in beside it.
	if [ "$(cut -f1 "$T/status" | sort)" = "$( (cat "$T/feeds.tsv"; echo eol) | sort)" ] &&
	    ! awk -F'\t' '$3 + 0 == 0 { bad = 1 } END { exit !bad }' "$T/status"; then
		ok "$1: the $NFEEDS feeds of data/feeds.conf are in the database, each with records"
	else
		not_ok "$1: the feeds of data/feeds.conf in the database"
		diag "$(cut -f1,3 "$T/status" | tr '\t\n' ' ;')"
	fi
	# A yum repository's feed is three files: mirror list, repomd.xml, updateinfo.
	n=$(grep -v -e '/mirror.list ' -e '/repomd.xml ' "$T/access" | grep -c ' 200$' || true)
	[ "$n" = "$NFEEDS" ] && ok "$1: nginx served $n feeds (200)" ||
		{ not_ok "$1: nginx served $n of $NFEEDS feeds"; diag "$(head -5 "$T/access")"; }
}
[ -n "$INSTALLED" ] && update_case installed "$INSTALLED"
update_case copied "$COPIED"

# --feeds FILE still wins over the built-in list.
printf 'only-one\tdebian-tracker\thttps://security-tracker.debian.org/tracker/data/json\n' \
	>"$T/one.conf"
(cd "$T/copy" && timeout 60 "$COPIED" db update -q --db "$T/one.db" --retries 0 \
    --feeds "$T/one.conf" --mirror "http://127.0.0.1:$PORT/") >"$T/out" 2>"$T/err" || true
[ "$("$COPIED" db status --db "$T/one.db" 2>/dev/null | cut -f1)" = only-one ] &&
	ok "--feeds FILE replaces the built-in list" ||
	{ not_ok "--feeds FILE replaces the built-in list"; diag "$(cat "$T/err")"; }

done_testing
