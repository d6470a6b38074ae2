#!/usr/bin/python3
"""Build the benchmark's OCI image layouts at bench time (issue 9).

usage: gen-images.py many OUTDIR BASE_LAYOUT BASE_TAG N
       gen-images.py big OUTDIR MIB
       gen-images.py java OUTDIR MIB
       gen-images.py split OUTDIR BASE_LAYOUT BASE_TAG K

many: one OCI layout holding N images (tags img000, img001, ...), each the
base image's layers (the blobs hard-linked, not copied) plus a small top
layer of its own, so every image has its own manifest, config and top layer
and all of them share the base layers. Prints the references, one a line.

big: one image (tag big) of one gzip layer holding an os-release, a
one-package dpkg status and MIB MiB of large files nobody asks for, written
as a stream (never held in memory). Half of each 64 KiB block is random,
half zeros: the layer compresses about 2:1, well inside the reader's ratio
limit. Prints the reference.

java: one image (tag java) of one gzip layer holding at least MIB MiB of
Java archives: library jars of 2 MiB (a quarter written as java.util.zip
writes them, sizes in data descriptors after each entry), a Spring Boot fat
jar of ten such jars stored in BOOT-INF/lib/, a war of six deflated in
WEB-INF/lib/, and a jar three deep. Each jar made in a temporary file, one
at a time, and streamed into the layer. Prints the reference, then the
number of pom.properties in the image on stderr.

split: one image (tag split) of K gzip layers holding the base image's
one layer cut in K parts of about equal size, in the tar's order: the same
files, spread over K layers. A hard link whose target went to an earlier
part becomes a copy of the target's data.

Deterministic: same arguments, same digests.
"""
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import sys
import tarfile

LAYER_GZ = "application/vnd.oci.image.layer.v1.tar+gzip"
CONFIG = "application/vnd.oci.image.config.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def blob_path(root, digest):
    return os.path.join(root, "blobs", "sha256", digest.split(":", 1)[1])


def blob_put(root, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
    with open(blob_path(root, digest), "wb") as f:
        f.write(data)
    return digest


def layout_start(root):
    os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(root, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)


def layout_finish(root, manifests):
    with open(os.path.join(root, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": manifests}, f)


def image_put(root, tag, layers, diff_ids, os_name="linux", arch="amd64"):
    """layers: descriptors already in blobs/; returns the index entry."""
    config = json.dumps({
        "architecture": arch, "os": os_name,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "config": {},
    }, sort_keys=True).encode()
    cdigest = blob_put(root, config)
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": MANIFEST,
        "config": {"mediaType": CONFIG, "digest": cdigest, "size": len(config)},
        "layers": layers,
    }, sort_keys=True).encode()
    mdigest = blob_put(root, manifest)
    return {"mediaType": MANIFEST, "digest": mdigest, "size": len(manifest),
            "annotations": {"org.opencontainers.image.ref.name": tag}}


def tar_gz(files):
    """A small gzip layer from {path: bytes}: (blob, diff_id)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path in sorted(files):
            ti = tarfile.TarInfo(path)
            ti.size = len(files[path])
            ti.mtime = 0
            ti.mode = 0o644
            t.addfile(ti, io.BytesIO(files[path]))
    raw = raw.getvalue()
    gz = gzip.compress(raw, compresslevel=6, mtime=0)
    return gz, "sha256:" + hashlib.sha256(raw).hexdigest()


def many(out, base, base_tag, n):
    with open(os.path.join(base, "index.json")) as f:
        index = json.load(f)
    desc = [m for m in index["manifests"]
            if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == base_tag][0]
    with open(blob_path(base, desc["digest"])) as f:
        manifest = json.load(f)
    with open(blob_path(base, manifest["config"]["digest"])) as f:
        config = json.load(f)
    layout_start(out)
    for l in manifest["layers"]:
        dst = blob_path(out, l["digest"])
        if not os.path.exists(dst):
            try:
                os.link(blob_path(base, l["digest"]), dst)
            except OSError:
                shutil.copyfile(blob_path(base, l["digest"]), dst)
    entries = []
    for i in range(n):
        tag = "img%03d" % i
        gz, diff_id = tar_gz({
            "srv/app/VERSION": ("hullscan bench image %d\n" % i).encode(),
            "srv/app/config.json": json.dumps({"image": i, "workers": i % 8 + 1}).encode(),
        })
        top = {"mediaType": LAYER_GZ, "digest": blob_put(out, gz), "size": len(gz)}
        entries.append(image_put(out, tag, manifest["layers"] + [top],
                                 config["rootfs"]["diff_ids"] + [diff_id],
                                 config.get("os", "linux"), config.get("architecture", "amd64")))
        print("oci:%s:%s" % (out, tag))
    layout_finish(out, entries)


class Hasher:
    """A write-only file that hashes and counts what passes, then forwards it."""

    def __init__(self, dst=None):
        self.h = hashlib.sha256()
        self.n = 0
        self.dst = dst

    def write(self, b):
        self.h.update(b)
        self.n += len(b)
        if self.dst is not None:
            self.dst.write(b)
        return len(b)

    def flush(self):
        pass


class BigData:
    """size bytes of half-random, half-zero 64 KiB blocks, made as read."""

    def __init__(self, size, pool, seed):
        self.left = size
        self.pool = pool
        self.rnd = random.Random(seed)
        self.buf = b""

    def read(self, n=-1):
        if n is None or n < 0:
            n = self.left
        out = []
        while n > 0 and self.left > 0:
            if not self.buf:
                off = self.rnd.randrange(len(self.pool) - 32768)
                self.buf = self.pool[off:off + 32768] + bytes(32768)
            k = min(n, self.left, len(self.buf))
            out.append(self.buf[:k])
            self.buf = self.buf[k:]
            n -= k
            self.left -= k
        return b"".join(out)


class Unseekable:
    """A file zipfile cannot seek: it writes data descriptors, as java.util.zip does."""

    def __init__(self, f):
        self.f = f

    def write(self, b):
        return self.f.write(b)

    def flush(self):
        self.f.flush()


def java_jar(path, group, artifact, version, size, pool, rnd, nested=(), store_nested=False,
             descriptors=False):
    """A jar of about size bytes of class-like entries, its pom.properties and manifest."""
    import zipfile
    with open(path, "wb") as f:
        z = zipfile.ZipFile(Unseekable(f) if descriptors else f, "w", zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nImplementation-Title: %s\r\n"
                   "Implementation-Version: %s\r\n\r\n" % (artifact, version))
        z.writestr("META-INF/maven/%s/%s/pom.properties" % (group, artifact),
                   "#Generated by Maven\ngroupId=%s\nartifactId=%s\nversion=%s\n" % (group, artifact, version))
        done, i = 0, 0
        while done < size:
            off = rnd.randrange(len(pool) - 8192)
            data = pool[off:off + 8192] + bytes(8192)
            z.writestr("%s/C%05d.class" % (group.replace(".", "/"), i), data)
            done += len(data) // 2
            i += 1
        for name, npath in nested:
            z.write(npath, name, compress_type=zipfile.ZIP_STORED if store_nested else zipfile.ZIP_DEFLATED)
        z.close()


def java(out, mib):
    layout_start(out)
    tmp = os.path.join(out, "layer.tmp")
    work = os.path.join(out, "work")
    os.makedirs(work, exist_ok=True)
    pool = random.Random(2).randbytes(4 << 20)
    rnd = random.Random(3)
    lib = 2 << 20
    poms = 0
    with open(tmp, "wb") as f:
        blob = Hasher(f)
        with gzip.GzipFile(fileobj=blob, mode="wb", compresslevel=6, mtime=0) as gz:
            tar_h = Hasher(gz)
            with tarfile.open(fileobj=tar_h, mode="w|", format=tarfile.PAX_FORMAT) as t:
                def add(path, src):
                    ti = t.gettarinfo(src, path)
                    ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname = 0, 0, 0, "", ""
                    with open(src, "rb") as fh:
                        t.addfile(ti, fh)
                    return ti.size
                total, i = 0, 0
                # The fat jar and the war, each with nested library jars.
                nested = []
                for k in range(16):
                    p = os.path.join(work, "n%02d.jar" % k)
                    java_jar(p, "org.bench.nested", "nested%02d" % k, "1.%d" % k, lib, pool, rnd,
                             descriptors=k % 4 == 3)
                    nested.append(("lib%02d.jar" % k, p))
                fat = os.path.join(work, "fat.jar")
                java_jar(fat, "org.bench", "fat-app", "2.0", 4 << 20, pool, rnd,
                         nested=[("BOOT-INF/lib/" + n, p) for n, p in nested[:10]], store_nested=True)
                total += add("opt/app/fat-app.jar", fat)
                war = os.path.join(work, "app.war")
                java_jar(war, "org.bench", "web-app", "3.0", 2 << 20, pool, rnd,
                         nested=[("WEB-INF/lib/" + n, p) for n, p in nested[10:]])
                total += add("opt/tomcat/webapps/app.war", war)
                poms += 2 + 16
                # Three deep: c in b in a.
                c = os.path.join(work, "c.jar")
                java_jar(c, "org.bench.deep", "c", "1", 64 << 10, pool, rnd)
                b = os.path.join(work, "b.jar")
                java_jar(b, "org.bench.deep", "b", "1", 64 << 10, pool, rnd, nested=[("lib/c.jar", c)])
                a = os.path.join(work, "a.jar")
                java_jar(a, "org.bench.deep", "a", "1", 64 << 10, pool, rnd, nested=[("lib/b.jar", b)])
                total += add("opt/app/deep.jar", a)
                poms += 3
                while total < mib << 20:
                    p = os.path.join(work, "lib.jar")
                    java_jar(p, "org.bench.lib", "lib%03d" % i, "1.0.%d" % i, lib, pool, rnd,
                             descriptors=i % 4 == 3)
                    total += add("usr/share/java/lib%03d-1.0.%d.jar" % (i, i), p)
                    poms += 1
                    i += 1
    shutil.rmtree(work)
    digest = "sha256:" + blob.h.hexdigest()
    os.rename(tmp, blob_path(out, digest))
    layer = {"mediaType": LAYER_GZ, "digest": digest, "size": blob.n}
    layout_finish(out, [image_put(out, "java", [layer], ["sha256:" + tar_h.h.hexdigest()])])
    print("oci:%s:java" % out)
    print("%d jar bytes, %d pom.properties" % (total, poms), file=sys.stderr)


def big(out, mib):
    layout_start(out)
    tmp = os.path.join(out, "layer.tmp")
    pool = random.Random(1).randbytes(4 << 20)
    small = {
        "etc/os-release": b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
                          b'VERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n',
        "var/lib/dpkg/status": b"Package: hsbench\nStatus: install ok installed\n"
                               b"Version: 1.0-1\nArchitecture: amd64\nDescription: bench\n\n",
    }
    with open(tmp, "wb") as f:
        blob = Hasher(f)
        with gzip.GzipFile(fileobj=blob, mode="wb", compresslevel=1, mtime=0) as gz:
            tar_h = Hasher(gz)
            with tarfile.open(fileobj=tar_h, mode="w|", format=tarfile.PAX_FORMAT) as t:
                for path in sorted(small):
                    ti = tarfile.TarInfo(path)
                    ti.size = len(small[path])
                    ti.mtime = 0
                    t.addfile(ti, io.BytesIO(small[path]))
                left, i = mib << 20, 0
                while left > 0:
                    size = min(left, 256 << 20)
                    ti = tarfile.TarInfo("usr/share/hsbench/blob%02d.bin" % i)
                    ti.size = size
                    ti.mtime = 0
                    t.addfile(ti, BigData(size, pool, i))
                    left -= size
                    i += 1
    digest = "sha256:" + blob.h.hexdigest()
    os.rename(tmp, blob_path(out, digest))
    layer = {"mediaType": LAYER_GZ, "digest": digest, "size": blob.n}
    layout_finish(out, [image_put(out, "big", [layer], ["sha256:" + tar_h.h.hexdigest()])])
    print("oci:%s:big" % out)


def split(out, base, base_tag, k):
    with open(os.path.join(base, "index.json")) as f:
        index = json.load(f)
    desc = [m for m in index["manifests"]
            if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == base_tag][0]
    with open(blob_path(base, desc["digest"])) as f:
        manifest = json.load(f)
    with open(blob_path(base, manifest["config"]["digest"])) as f:
        config = json.load(f)
    src = blob_path(base, manifest["layers"][0]["digest"])
    with tarfile.open(src, "r:gz") as t:
        members = t.getmembers()
        targets = {m.linkname for m in members if m.islnk()}
        total = sum(m.size for m in members)
        layout_start(out)
        layers, diff_ids, kept = [], [], {}
        part, done, i = 0, 0, 0
        while i < len(members):
            tmp = os.path.join(out, "layer.tmp")
            limit = total * (part + 1) // k
            names = set()
            with open(tmp, "wb") as f:
                blob = Hasher(f)
                with gzip.GzipFile(fileobj=blob, mode="wb", compresslevel=6, mtime=0) as gz:
                    tar_h = Hasher(gz)
                    with tarfile.open(fileobj=tar_h, mode="w|", format=tarfile.PAX_FORMAT) as w:
                        while i < len(members) and (done < limit or part == k - 1):
                            m = members[i]
                            data = t.extractfile(m).read() if m.isreg() else None
                            if m.isreg() and m.name in targets:
                                kept[m.name] = data
                            if m.islnk() and m.linkname not in names:
                                m = tarfile.TarInfo(m.name)
                                src_m = members[i]
                                m.mode, m.uid, m.gid, m.mtime = src_m.mode, src_m.uid, src_m.gid, src_m.mtime
                                m.uname, m.gname = src_m.uname, src_m.gname
                                data = kept[src_m.linkname]
                                m.size = len(data)
                            w.addfile(m, io.BytesIO(data) if data is not None else None)
                            names.add(m.name)
                            done += m.size
                            i += 1
            digest = "sha256:" + blob.h.hexdigest()
            os.rename(tmp, blob_path(out, digest))
            layers.append({"mediaType": LAYER_GZ, "digest": digest, "size": blob.n})
            diff_ids.append("sha256:" + tar_h.h.hexdigest())
            part += 1
    layout_finish(out, [image_put(out, "split", layers, diff_ids,
                                  config.get("os", "linux"), config.get("architecture", "amd64"))])
    print("oci:%s:split" % out)


def main(argv):
    if len(argv) == 6 and argv[1] == "many":
        many(argv[2], argv[3], argv[4], int(argv[5]))
    elif len(argv) == 6 and argv[1] == "split":
        split(argv[2], argv[3], argv[4], int(argv[5]))
    elif len(argv) == 4 and argv[1] == "big":
        big(argv[2], int(argv[3]))
    elif len(argv) == 4 and argv[1] == "java":
        java(argv[2], int(argv[3]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
