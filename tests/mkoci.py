#!/usr/bin/python3
"""Build an OCI image layout from layer tarballs, for tests.

usage: mkoci.py DIR TAG LAYER... [--os OS --arch ARCH]

Each LAYER is a tar file, gzip- or zstd-compressed or plain; it becomes a blob
as is. The config's diff_ids are the sha256 of the uncompressed tars. Several
tags may be added to one DIR by calling again.
"""
import zlib
import hashlib
import json
import os
import shutil
import subprocess
import sys


def blob_put(root, data):
    digest = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(root, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest


def uncompressed(data):
    if data[:2] == b"\x1f\x8b":
        # A truncated stream (the tests make some) yields what it holds.
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            raw = d.decompress(data)
        except zlib.error:
            raw = b""
        return raw, "application/vnd.oci.image.layer.v1.tar+gzip"
    if data[:4] == b"\x28\xb5\x2f\xfd":
        out = subprocess.run(["zstd", "-dc"], input=data, stdout=subprocess.PIPE, check=True)
        return out.stdout, "application/vnd.oci.image.layer.v1.tar+zstd"
    return data, "application/vnd.oci.image.layer.v1.tar"


def main(argv):
    args = [a for a in argv[1:]]
    os_name, arch = "linux", "amd64"
    if "--os" in args:
        i = args.index("--os"); os_name = args[i + 1]; del args[i:i + 2]
    if "--arch" in args:
        i = args.index("--arch"); arch = args[i + 1]; del args[i:i + 2]
    root, tag, layers = args[0], args[1], args[2:]
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    descs, diff_ids = [], []
    for path in layers:
        with open(path, "rb") as f:
            data = f.read()
        raw, media = uncompressed(data)
        descs.append({"mediaType": media, "digest": blob_put(root, data), "size": len(data)})
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
    config = json.dumps({
        "architecture": arch, "os": os_name,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "config": {},
    }, sort_keys=True).encode()
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": blob_put(root, config), "size": len(config)},
        "layers": descs,
    }, sort_keys=True).encode()
    mdigest = blob_put(root, manifest)
    index_path = os.path.join(root, "index.json")
    index = {"schemaVersion": 2, "manifests": []}
    if os.path.exists(index_path):
        with open(index_path) as f:
            index = json.load(f)
    index["manifests"] = [m for m in index["manifests"]
                          if m.get("annotations", {}).get("org.opencontainers.image.ref.name") != tag]
    index["manifests"].append({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": mdigest, "size": len(manifest),
        "annotations": {"org.opencontainers.image.ref.name": tag},
    })
    with open(index_path, "w") as f:
        json.dump(index, f)
    print(mdigest)


if __name__ == "__main__":
    main(sys.argv)
