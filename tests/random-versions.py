#!/usr/bin/env python3
"""Random version pairs for tests/vercmp.sh: ECOSYSTEM COUNT SEED prints
COUNT lines "a<TAB>b". The second version is often the first one changed a
little, so that pairs land near each other in the order; some of either are
not valid versions at all. No tab or newline is ever generated."""

import random
import sys


def pick(r, *xs):
    return r.choice(xs)


def num(r):
    return pick(r, "0", "1", "2", "9", "10", "11", "01", "00", "007",
                str(r.randrange(1000)), str(r.randrange(10 ** 12)))


def npm(r):
    def ident(r):
        return pick(r, "alpha", "beta", "rc", "0", "1", "2", "10", "01", "x-y",
                    "-", "A", "Z9", "9007199254740991", "9007199254740992",
                    "9007199254740993", "09007199254740993", num(r))
    big = pick(r, "9007199254740991", "9007199254740992")
    nums = [num(r) if r.random() > 0.05 else big for _ in range(3)]
    s = pick(r, "", "", "", "v", "=", " v", "v ", "=v", " = ") + ".".join(nums)
    if r.random() < 0.5:
        s += pick(r, "-", "-", "-", "") + ".".join(
            ident(r) for _ in range(r.randrange(1, 4)))
    if r.random() < 0.2:
        s += "+" + ".".join(pick(r, "b", "001", "x-1", "sha") for _ in range(r.randrange(1, 3)))
    if r.random() < 0.05:
        s = pick(r, "1.2", "1.2.3.4", "1.2.3-a..b", "a.b.c", "", "1.2.3+", "1.2.3-")
    return s + pick(r, "", "", "", " ")


def npm_near(r, a):
    if r.random() < 0.3:
        return npm(r)
    s = a.strip()
    ops = [
        lambda s: s + pick(r, "-0", "-alpha", ".1", "+b", "1", "-1"),
        lambda s: s.replace("1", pick(r, "0", "2", "01"), 1),
        lambda s: s.lstrip("v="),
        lambda s: "v" + s,
        lambda s: s.replace("alpha", pick(r, "beta", "ALPHA", "alpha.1")),
        lambda s: s.split("+")[0],
        lambda s: s.split("-")[0],
    ]
    return r.choice(ops)(s)


def pypi(r):
    def sep(r):
        return pick(r, "", "", ".", "-", "_")
    s = ""
    if r.random() < 0.15:
        s += num(r) + "!"
    s += ".".join(num(r) for _ in range(r.randrange(1, 5)))
    if r.random() < 0.4:
        s += sep(r) + pick(r, "a", "alpha", "b", "beta", "c", "rc", "pre",
                           "preview", "RC", "Alpha") + sep(r) + pick(r, "", num(r))
    if r.random() < 0.3:
        if r.random() < 0.3:
            s += "-" + num(r)
        else:
            s += sep(r) + pick(r, "post", "rev", "r", "POST") + sep(r) + pick(r, "", num(r))
    if r.random() < 0.3:
        s += sep(r) + pick(r, "dev", "DEV") + sep(r) + pick(r, "", num(r))
    if r.random() < 0.25:
        s += "+" + pick(r, ".", "-", "_").join(
            pick(r, "abc", "ubuntu", "1", "01", "x1", "Local") for _ in range(r.randrange(1, 4)))
    if r.random() < 0.1:
        s = "v" + s
    if r.random() < 0.05:
        s = pick(r, "1.0.", ".1", "1..0", "1.0+", "1.0a1b2", "x", "1.0-", "1.0+a+b", "1!")
    return pick(r, "", "", "", " ") + s + pick(r, "", "", "", " ", "\u3000")


def pypi_near(r, a):
    if r.random() < 0.3:
        return pypi(r)
    s = a.strip()
    ops = [
        lambda s: s + pick(r, ".0", "a1", ".post1", ".dev0", "+1", "+abc", "-1", "rc"),
        lambda s: s.replace("1", pick(r, "0", "2", "01"), 1),
        lambda s: s.split("+")[0],
        lambda s: s.replace("a", pick(r, "alpha", "b", "rc"), 1),
        lambda s: s.upper(),
        lambda s: "1!" + s if "!" not in s else s.split("!")[1],
    ]
    return r.choice(ops)(s)


def gem(r):
    s = ".".join(pick(r, num(r), num(r), "a", "b", "pre", "rc1", "beta2", "0", "Z")
                 for _ in range(r.randrange(1, 6)))
    if s[0].isalpha():
        s = num(r) + "." + s
    if r.random() < 0.2:
        s += "-" + ".".join(pick(r, "alpha", "1", "rc", "x-y") for _ in range(r.randrange(1, 3)))
    if r.random() < 0.05:
        s = pick(r, "", " ", "1..2", "junk", "1.2 3", "a.1", "1.")
    return pick(r, "", "", "", " ") + s + pick(r, "", "", "", " ")


def gem_near(r, a):
    if r.random() < 0.3:
        return gem(r)
    s = a.strip()
    ops = [
        lambda s: s + pick(r, ".0", ".a", ".0.0", "1", ".pre", "-1"),
        lambda s: s.replace("1", pick(r, "0", "2", "01"), 1),
        lambda s: s.replace(".", "", 1),
        lambda s: s.replace("a", "b", 1),
    ]
    return r.choice(ops)(s)


def composer(r):
    s = pick(r, "", "", "v", "V") + ".".join(num(r) for _ in range(r.randrange(1, 5)))
    if r.random() < 0.15:
        s = pick(r, "2023", "20230101", "2023.01.01", "202301011200", "2023-01-01") + pick(
            r, "", "", ".1", "-12")
    if r.random() < 0.45:
        s += pick(r, "", "-", ".", "_") + pick(r, "alpha", "a", "beta", "b", "RC", "rc",
                                               "patch", "pl", "p", "stable", "BETA") + pick(
            r, "", num(r), "." + num(r), "-" + num(r), "." + num(r) + "." + num(r))
    if r.random() < 0.2:
        s += pick(r, "-dev", ".dev", "dev")
    if r.random() < 0.05:
        s += "+" + pick(r, "build1", "x.y")
    if r.random() < 0.07:
        s = pick(r, "dev-master", "1.x-dev", "2.*-dev", "master", "1.0.0-foo",
                 "1.2.3.4.5", "123456", "1.0 as 1.1", "1.0@beta", "", "abc")
    return pick(r, "", "", "", " ") + s + pick(r, "", "", "", " ")


def composer_near(r, a):
    if r.random() < 0.3:
        return composer(r)
    s = a.strip()
    ops = [
        lambda s: s + pick(r, ".0", "-dev", "-beta", "1", ".1", "-patch1"),
        lambda s: s.replace("1", pick(r, "0", "2", "01"), 1),
        lambda s: s.lstrip("vV"),
        lambda s: s.replace("beta", pick(r, "alpha", "RC", "b")),
    ]
    return r.choice(ops)(s)


def cargo(r):
    nums = [pick(r, "0", "1", "2", "10", str(r.randrange(1000)), str(r.randrange(10 ** 12)))
            if r.random() > 0.04 else pick(r, "01", "00") for _ in range(3)]
    s = ".".join(nums)
    if r.random() < 0.5:
        s += "-" + ".".join(pick(r, "alpha", "beta", "rc", "0", "1", "2", "10",
                                 "x-y", "-", "A") if r.random() > 0.05 else "01"
                            for _ in range(r.randrange(1, 4)))
    if r.random() < 0.35:
        s += "+" + ".".join(pick(r, "b", "1", "2", "10", "0", "x-1", "sha", "B")
                            for _ in range(r.randrange(1, 3)))
    if r.random() < 0.05:
        s = pick(r, "1.2", "1.2.3-", "1.2.3+", "1.2.3-a..b", "", "1.2.3.4")
    return s


def cargo_near(r, a):
    if r.random() < 0.3:
        return cargo(r)
    ops = [
        lambda s: s + pick(r, "-0", "-alpha", ".1", "+b", "1", "+1"),
        lambda s: s.replace("1", pick(r, "0", "2"), 1),
        lambda s: s.split("+")[0] + pick(r, "+b", "+2", "+b.1", ""),
        lambda s: s.split("-")[0],
    ]
    return r.choice(ops)(a)


def main():
    eco, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    r = random.Random(seed)
    make, near = globals()[eco], globals()[eco + "_near"]
    for _ in range(count):
        a = make(r)
        b = near(r, a) if r.random() < 0.7 else make(r)
        print(a + "\t" + b)


if __name__ == "__main__":
    main()
