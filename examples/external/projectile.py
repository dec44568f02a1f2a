#!/usr/bin/python3 -S
"""A small stand-in for a simulation code: a projectile with quadratic air drag.

Reads `projectile.in` (lines `name = value`: v0 in m/s, angle_deg, drag = c/m in 1/m), integrates
    x'' = -k |v| vx,   y'' = -g - k |v| vy
from the origin with fixed-step RK4 (dt = 0.01 s) until the projectile comes back to y = 0, and writes
results.json: {"range": m, "t_flight": s, "max_height": m, "track": [m, ...]}. `track` is the
height at t = 0.5, 1.0, ..., 3.0 s (0 once landed): a measured series, as a radar would give.
Pure Python without NumPy, and without the json module (whose import costs more than the
integration), so that it starts fast. `simulate(v0, angle, drag)` is the same computation as a
function, for external.python (examples/external-bayes.workflow.json).
"""
import math
import sys

G = 9.81
DT = 0.01
TRACK_EVERY = 50  # steps between track points (0.5 s)
TRACK_POINTS = 6


def read_input(path):
    values = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                name, value = (s.strip() for s in line.split("=", 1))
                values[name] = float(value)
    return values


def accel(vx, vy, k):
    drag = k * math.sqrt(vx * vx + vy * vy)
    return -drag * vx, -G - drag * vy


def step(x, y, vx, vy, k, h):
    """One classical RK4 step of (x, y, vx, vy)."""
    ax1, ay1 = accel(vx, vy, k)
    vx2, vy2 = vx + 0.5 * h * ax1, vy + 0.5 * h * ay1
    ax2, ay2 = accel(vx2, vy2, k)
    vx3, vy3 = vx + 0.5 * h * ax2, vy + 0.5 * h * ay2
    ax3, ay3 = accel(vx3, vy3, k)
    vx4, vy4 = vx + h * ax3, vy + h * ay3
    ax4, ay4 = accel(vx4, vy4, k)
    return (x + h / 6.0 * (vx + 2 * vx2 + 2 * vx3 + vx4),
            y + h / 6.0 * (vy + 2 * vy2 + 2 * vy3 + vy4),
            vx + h / 6.0 * (ax1 + 2 * ax2 + 2 * ax3 + ax4),
            vy + h / 6.0 * (ay1 + 2 * ay2 + 2 * ay3 + ay4))


def fly(v0, angle_deg, k):
    a = math.radians(angle_deg)
    x, y, vx, vy = 0.0, 0.0, v0 * math.cos(a), v0 * math.sin(a)
    t, top, steps, track = 0.0, 0.0, 0, []
    while True:
        nx, ny, nvx, nvy = step(x, y, vx, vy, k, DT)
        if ny < 0.0:  # landed during this step: interpolate linearly in y
            f = y / (y - ny)
            return x + f * (nx - x), t + f * DT, top, track + [0.0] * (TRACK_POINTS - len(track))
        x, y, vx, vy, t, steps = nx, ny, nvx, nvy, t + DT, steps + 1
        top = max(top, y)
        if steps % TRACK_EVERY == 0 and len(track) < TRACK_POINTS:
            track.append(y)
        if t > 1e4:
            sys.exit("projectile: no landing after 1e4 s")


def simulate(v0, angle, drag):
    """The whole simulation as a function (what external.python calls): a dict of the outputs."""
    if v0 <= 0 or not 0 < angle < 90 or drag < 0:
        raise ValueError("projectile: need v0 > 0, 0 < angle < 90, drag >= 0; got v0=%r, angle=%r, "
                         "drag=%r" % (v0, angle, drag))
    rng, t_flight, top, track = fly(v0, angle, drag)
    return {"range": rng, "t_flight": t_flight, "max_height": top, "track": track}


def main():
    p = read_input("projectile.in")
    try:
        r = simulate(p["v0"], p["angle_deg"], p["drag"])
    except ValueError as e:
        sys.exit(str(e))
    with open("results.json", "w") as f:  # repr(float) is the shortest exact form, valid JSON
        f.write('{"range": %r, "t_flight": %r, "max_height": %r, "track": [%s]}\n'
                % (r["range"], r["t_flight"], r["max_height"], ", ".join("%r" % h for h in r["track"])))


if __name__ == "__main__":
    main()
