#!/usr/bin/python3 -S
"""A small stand-in for a simulation code: a projectile with quadratic air drag.

Reads `projectile.in` (lines `name = value`: v0 in m/s, angle_deg, drag = c/m in 1/m), integrates
    x'' = -k |v| vx,   y'' = -g - k |v| vy
from the origin with fixed-step RK4 (dt = 0.01 s) until the projectile comes back to y = 0, and writes
results.json: {"range": m, "t_flight": s, "max_height": m}. Pure Python (no NumPy) so it starts fast.
"""
import json
import math
import sys

G = 9.81
DT = 0.01


def read_input(path):
    values = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                name, value = (s.strip() for s in line.split("=", 1))
                values[name] = float(value)
    return values


def rhs(s, k):
    x, y, vx, vy = s
    speed = math.hypot(vx, vy)
    return (vx, vy, -k * speed * vx, -G - k * speed * vy)


def step(s, k, h):
    k1 = rhs(s, k)
    k2 = rhs([a + 0.5 * h * b for a, b in zip(s, k1)], k)
    k3 = rhs([a + 0.5 * h * b for a, b in zip(s, k2)], k)
    k4 = rhs([a + h * b for a, b in zip(s, k3)], k)
    return [a + h / 6.0 * (b + 2 * c + 2 * d + e) for a, b, c, d, e in zip(s, k1, k2, k3, k4)]


def fly(v0, angle_deg, k):
    a = math.radians(angle_deg)
    s = [0.0, 0.0, v0 * math.cos(a), v0 * math.sin(a)]
    t, top = 0.0, 0.0
    while True:
        n = step(s, k, DT)
        if n[1] < 0.0:  # landed during this step: interpolate linearly in y
            f = s[1] / (s[1] - n[1])
            return s[0] + f * (n[0] - s[0]), t + f * DT, top
        s, t = n, t + DT
        top = max(top, s[1])
        if t > 1e4:
            sys.exit("projectile: no landing after 1e4 s")


def main():
    p = read_input("projectile.in")
    if p["v0"] <= 0 or not 0 < p["angle_deg"] < 90 or p["drag"] < 0:
        sys.exit("projectile: need v0 > 0, 0 < angle_deg < 90, drag >= 0; got %r" % p)
    rng, t_flight, top = fly(p["v0"], p["angle_deg"], p["drag"])
    with open("results.json", "w") as f:
        json.dump({"range": rng, "t_flight": t_flight, "max_height": top}, f)


if __name__ == "__main__":
    main()
