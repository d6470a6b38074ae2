#!/usr/bin/python3
"""Write small ELF64 executables laid out as Go and cargo-auditable write theirs, for tests.

usage: mkelf.py OUT go-new VERSION MODFILE     Go 1.18's build info (strings inline)
       mkelf.py OUT go-old VERSION MODFILE     before Go 1.18 (pointers to string headers)
       mkelf.py OUT cargo JSONFILE             .dep-v0 (zlib JSON) past the loaded segments
       mkelf.py OUT cargo-bomb MIB             a .dep-v0 that inflates to MIB MiB
       mkelf.py OUT plain                      an executable with neither

MODFILE holds the module lines as `go version -m` prints them, without the
binary's name line or leading tabs ("path\\t...", "mod\\t...", "dep\\t...",
"=>\\t..."); "-" means none. The layouts follow debug/buildinfo (Go's own
reader): the magic "\\xff Go buildinf:", pointer size, flags (2: strings
inline), then either two uvarint-prefixed strings or two pointers to Go
string headers {data, len}; the module string is framed by 16-byte markers.
"""
import struct
import sys
import zlib

INFO_START = bytes.fromhex("3077af0c9274080241e1c107e6d618e6")
INFO_END = bytes.fromhex("f932433186182072008242104116d8f2")
BASE = 0x400000
PAGE = 0x1000


def uvarint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def go_note():
    desc = b"fake-build-id/for-tests"
    desc += b"\0" * (-len(desc) % 4)
    return struct.pack("<III", 4, len(desc), 4) + b"Go\0\0" + desc


def elf(segments, tail=b"", note=None):
    """segments: [(flags, bytes)], each loaded at its own page; note: PT_NOTE bytes in page 0."""
    nph = len(segments) + (1 if note is not None else 0)
    hdr_size = 64 + 56 * nph
    page0 = bytearray(PAGE)
    if note is not None:
        page0[hdr_size:hdr_size + len(note)] = note
    body = bytearray(page0)
    phdrs = []
    if note is not None:
        phdrs.append(struct.pack("<IIQQQQQQ", 4, 4, hdr_size, BASE + hdr_size,
                                 BASE + hdr_size, len(note), len(note), 4))
    for flags, data in segments:
        off = len(body)
        phdrs.append(struct.pack("<IIQQQQQQ", 1, flags, off, BASE + off, BASE + off,
                                 len(data), len(data), PAGE))
        body += data + b"\0" * (-len(data) % PAGE)
    body += tail
    ehdr = struct.pack("<4sBBBBB7sHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0, b"\0" * 7,
                       2, 62, 1, BASE + PAGE, 64, 0, 0, 64, 56, nph, 64, 0, 0)
    body[0:64] = ehdr
    body[64:64 + 56 * len(phdrs)] = b"".join(phdrs)
    return bytes(body)


def modinfo(path):
    if path == "-":
        return b""
    with open(path, "rb") as f:
        text = f.read()
    return INFO_START + text + INFO_END


def go_new(version, mod):
    info = b"\xff Go buildinf:" + bytes([8, 2]) + b"\0" * 16
    info += uvarint(len(version)) + version + uvarint(len(mod)) + mod
    text = b"\x90" * 256
    return elf([(5, text), (6, info)], note=go_note())


def go_old(version, mod):
    # rodata first (the strings), then data: build info, then the string headers.
    ro = bytearray(b"runtime text go1.x is not this one\0" * 3)
    vers_off = len(ro)
    ro += version
    ro += b"\0" * (-len(ro) % 16)
    mod_off = len(ro)
    ro += mod + b"\0" * 64
    ro_addr = BASE + PAGE * 2          # page 0: headers, page 1: text
    text = b"\x90" * 256
    data_addr = ro_addr + ((len(ro) + PAGE - 1) // PAGE) * PAGE
    hdr_vers = data_addr + 64
    hdr_mod = data_addr + 80
    data = bytearray(b"\xff Go buildinf:" + bytes([8, 0]) + struct.pack("<QQ", hdr_vers, hdr_mod))
    data += b"\0" * (64 - len(data))
    data += struct.pack("<QQ", ro_addr + vers_off, len(version))
    data += struct.pack("<QQ", ro_addr + mod_off if mod else 0, len(mod))
    return elf([(5, text), (4, bytes(ro)), (6, bytes(data))], note=go_note())


def cargo(payload):
    text = b"\x90" * 256 + b"x\x9c not a stream " * 4
    comment = b"GCC: (Debian 12.2.0-14) 12.2.0\0rustc version 1.83.0\0"
    return elf([(5, text)], tail=comment + payload + b"\0" * 64 + b"\x78\x01" * 8)


def main(argv):
    out, kind = argv[1], argv[2]
    if kind in ("go-new", "go-old"):
        version, mod = argv[3].encode(), modinfo(argv[4])
        data = go_new(version, mod) if kind == "go-new" else go_old(version, mod)
    elif kind == "cargo":
        with open(argv[3], "rb") as f:
            data = cargo(zlib.compress(f.read(), 9))
    elif kind == "cargo-bomb":
        z = zlib.compressobj(9)
        payload = z.compress(b'{"packages":[')
        chunk = b" " * (1 << 20)
        for _ in range(int(argv[3])):
            payload += z.compress(chunk)
        payload += z.compress(b"]}") + z.flush()
        data = cargo(payload)
    elif kind == "plain":
        data = elf([(5, b"\x90" * 4096)])
    else:
        sys.exit("mkelf.py: unknown kind " + kind)
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main(sys.argv)
