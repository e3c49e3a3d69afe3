#!/usr/bin/env python3
"""Writes the simulated classroom tables of this set: each a textbook experiment as a class
would measure it, with the instrument's resolution (whole lux, 0.01 s, 0.1 °C, whole counts)
and realistic noise, from a fixed seed. The measured (historical and reference) tables are
written by hand beside them; laws.json lists all of them with their laws and sources.

    python3 bench/small_tables/simulate.py      # rewrites the simulated CSVs, byte for byte
    python3 bench/small_tables/simulate.py --seed 2 --out /tmp/small-2   # the same experiments,
        # another draw of their noise, with a laws.json of the simulated tables: a wider set that
        # stands for the kind (python3 bench/small_tables.py --set /tmp/small-2)
"""

import argparse
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261201

_args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
_args.add_argument("--seed", type=int, default=SEED, help="the noise's seed (default: the set's own)")
_args.add_argument("--out", default=HERE, help="the directory to write to (default: this one)")
ARGS = _args.parse_args()
OUT = ARGS.out
os.makedirs(OUT, exist_ok=True)
rng = random.Random(ARGS.seed)


def noisy(value, relative):
    return value * (1.0 + relative * rng.gauss(0.0, 1.0))


def poisson(mean):
    # Knuth's method is slow for large means; a rounded normal is exact enough above 30.
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    k, p, limit = 0, 1.0, math.exp(-mean)
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def table(name, header, xs, law, relative, fmt_x, fmt_y):
    write(name, header, [(fmt_x(x), fmt_y(noisy(law(x), relative))) for x in xs])


g = 9.81
# A pendulum: ten swings timed by hand, divided by ten.
table("pendulum.csv", ["L [cm]", "T [s]"], range(20, 101, 10),
      lambda L: 2 * math.pi * math.sqrt(L / 100 / g), 0.005, str, lambda v: f"{v:.2f}")
# Newton's cooling of a mug of water in a 21 °C room, read every five minutes.
table("cooling.csv", ["t [min]", "T [C]"], range(0, 56, 5),
      lambda t: 21 + 62 * math.exp(-0.045 * t), 0.002, str, lambda v: f"{v:.1f}")
# A decaying source (half-life 5 min) with background, counts in 10 s every two minutes.
write("decay_counts.csv", ["t [min]", "N [counts]"],
      [(str(t), str(poisson(15 + 1000 * math.exp(-math.log(2) / 5 * t)))) for t in range(0, 21, 2)])
# A lamp of 400 cd read with a lux meter at nine distances.
table("lux_distance.csv", ["d [m]", "E [lx]"], [0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.4, 1.6],
      lambda d: 400 / d ** 2, 0.02, lambda d: f"{d:.1f}", lambda v: f"{v:.0f}")
# A 9 V supply charging a capacitor through a resistor, RC = 12 s.
table("capacitor_charging.csv", ["t [s]", "V [V]"], range(0, 46, 5),
      lambda t: 9.0 * (1 - math.exp(-t / 12)), 0.005, str, lambda v: f"{max(v, 0):.2f}")
# Ohm's law for a 470 Ω resistor, current in mA.
table("ohm_resistor.csv", ["V [V]", "I [mA]"], [0.5 * k for k in range(1, 11)],
      lambda V: V / 470 * 1000, 0.01, lambda v: f"{v:.1f}", lambda v: f"{v:.2f}")
# A ball launched at 5 m/s: range in whole centimetres against the angle in degrees.
table("projectile_angle.csv", ["theta [deg]", "R [cm]"], [15 + 7.5 * k for k in range(9)],
      lambda a: 100 * 5 ** 2 * math.sin(math.radians(2 * a)) / g, 0.005, lambda a: f"{a:g}", lambda v: f"{v:.0f}")
# Bacteria doubling every 45 minutes, thousands of cells per plate, three figures.
table("bacteria_growth.csv", ["t [min]", "N [k]"], range(0, 211, 30),
      lambda t: 12 * 2 ** (t / 45), 0.02, str, lambda v: f"{v:.3g}")
# An enzyme's rate against substrate (Michaelis–Menten, Vmax 42, Km 3.5 mM).
table("enzyme_rate.csv", ["S [mM]", "v [umol/min]"], [0.5, 1, 2, 3, 5, 7.5, 10, 15, 20],
      lambda S: 42 * S / (3.5 + S), 0.015, lambda s: f"{s:g}", lambda v: f"{v:.1f}")
# Hooke's law: a spring's extension in whole millimetres under slotted masses.
write("hooke_spring.csv", ["m [g]", "x [mm]"],
      [(str(m), f"{0.12 * m + rng.gauss(0, 0.4):.0f}") for m in range(50, 401, 50)])
# Free fall timed with a photogate from eight heights.
table("free_fall.csv", ["h [m]", "t [s]"], [0.2 * k for k in range(1, 9)],
      lambda h: math.sqrt(2 * h / g), 0.004, lambda h: f"{h:.1f}", lambda v: f"{v:.3f}")
# A 10 cm lens: image distance against object distance, read to half a millimetre.
table("lens_image.csv", ["u [cm]", "v [cm]"], [15, 18, 20, 25, 30, 40, 50, 60],
      lambda u: u * 10 / (u - 10), 0.01, str, lambda v: f"{v:.2f}")
# The speed of sound from a resonance tube at seven air temperatures.
table("sound_speed.csv", ["T [C]", "c [m/s]"], range(-20, 41, 10),
      lambda T: 331.3 * math.sqrt(1 + T / 273.15), 0.002, str, lambda v: f"{v:.1f}")

# --- Added 2026-12-06: eight more experiments of the same kind, drawn after the ones above so
# that those stay byte for byte. ---
# A mass on a spring (k = 25 N/m): twenty oscillations timed by hand, divided by twenty.
table("spring_oscillation.csv", ["m [g]", "T [s]"], range(50, 401, 50),
      lambda m: 2 * math.pi * math.sqrt(m / 1000 / 25), 0.005, str, lambda v: f"{v:.2f}")
# A 6 V capacitor discharging through a resistor, RC = 22 s, read every five seconds.
table("capacitor_discharge.csv", ["t [s]", "V [V]"], range(0, 61, 5),
      lambda t: 6.0 * math.exp(-t / 22), 0.005, str, lambda v: f"{v:.2f}")
# A gamma source at nine distances, counts in a minute, with 20 counts a minute of background.
write("radiation_distance.csv", ["d [cm]", "C [counts]"],
      [(f"{d:g}", str(poisson(20 + 12000 / d ** 2))) for d in [3, 4, 5, 6, 7, 8, 10, 12, 15]])
# Light through a stack of glass plates (Beer–Lambert), a lux meter behind each added plate.
table("glass_plates.csv", ["n [plates]", "E [lx]"], range(0, 9),
      lambda n: 850 * math.exp(-0.105 * n), 0.01, str, lambda v: f"{v:.0f}")
# A cupcake case falling: speed from a motion sensor against time (terminal speed 1.8 m/s).
table("falling_cupcake_case.csv", ["t [s]", "v [m/s]"], [0.05 * k for k in range(1, 13)],
      lambda t: 1.8 * (1 - math.exp(-t / 0.18)), 0.01, lambda t: f"{t:.2f}", lambda v: f"{v:.2f}")
# A lamp filament's radiated power against its temperature (Stefan–Boltzmann, P ∝ T⁴), three figures.
table("filament_power.csv", ["T [K]", "P [W]"], range(1000, 2501, 250),
      lambda T: 6.0e-12 * T ** 4, 0.02, str, lambda v: f"{v:.3g}")
# A ball tossed straight up at 6.5 m/s, its height from video every 0.1 s, in centimetres.
table("ball_toss.csv", ["t [s]", "h [cm]"], [0.1 * k for k in range(1, 13)],
      lambda t: 100 * (6.5 * t - 9.81 / 2 * t * t), 0.005, lambda t: f"{t:.1f}", lambda v: f"{v:.0f}")
# A loudspeaker's sound level at ten distances, whole decibels (−20 dB a decade).
table("sound_level.csv", ["d [m]", "L [dB]"], [0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8, 10],
      lambda d: 94 - 20 * math.log10(d), 0.004, lambda d: f"{d:g}", lambda v: f"{v:.0f}")

# --- Added 2026-12-07: temperatures in °C and tables of two inputs, drawn after the ones above
# so that those stay byte for byte. ---
# A flask of air heated in a water bath (Gay-Lussac): pressure against the bath's temperature.
table("gas_pressure.csv", ["T [C]", "p [kPa]"], range(0, 101, 10),
      lambda T: 101.3 * (T + 273.15) / 273.15, 0.003, str, lambda v: f"{v:.1f}")
# An NTC thermistor (10 kΩ at 25 °C, B = 3950 K) in a water bath, its resistance to three figures.
table("thermistor.csv", ["T [C]", "R [kohm]"], range(10, 81, 10),
      lambda T: 10 * math.exp(3950 * (1 / (T + 273.15) - 1 / 298.15)), 0.01, str, lambda v: f"{v:.3g}")
# Ohm's law with two dials: the current through four resistors at several supply voltages.
write("ohm_two_inputs.csv", ["V [V]", "R [ohm]", "I [mA]"],
      [(f"{V:g}", str(R), f"{noisy(1000 * V / R, 0.01):.3g}")
       for V, R in [(1.5, 100), (3, 100), (4.5, 220), (6, 220), (1.5, 470), (9, 470), (3, 1000),
                    (6, 1000), (9, 100), (4.5, 470), (9, 220), (1.5, 1000)]])
# A pendulum timed at ten lengths with three different bobs: the mass does not matter.
write("pendulum_mass.csv", ["m [g]", "L [cm]", "T [s]"],
      [(str(m), str(L), f"{noisy(2 * math.pi * math.sqrt(L / 100 / g), 0.005):.2f}")
       for m, L in [(50, 20), (200, 30), (100, 40), (50, 50), (200, 60), (100, 70), (50, 80),
                    (200, 90), (100, 100), (50, 110)]])
# A syringe of air (0.01 mol) at several temperatures and pressures: V = nRT/p, whole millilitres.
write("gas_volume.csv", ["T [C]", "p [kPa]", "V [mL]"],
      [(str(T), str(p), f"{noisy(0.01 * 8.314 * (T + 273.15) / p * 1000, 0.01):.0f}")
       for T, p in [(0, 100), (20, 100), (40, 100), (60, 100), (80, 100), (20, 150), (20, 200),
                    (20, 250), (60, 150), (80, 200), (40, 250), (0, 200)]])

# Another draw of the noise goes with the laws of the simulated tables, so that
# bench/small_tables.py can judge it as a set of its own.
if os.path.abspath(OUT) != HERE:
    with open(os.path.join(HERE, "laws.json")) as f:
        laws = json.load(f)
    laws["tables"] = [t for t in laws["tables"] if t["kind"] == "simulated"]
    laws["note"] = f"the simulated tables of bench/small_tables, drawn with seed {ARGS.seed}"
    with open(os.path.join(OUT, "laws.json"), "w") as f:
        json.dump(laws, f, indent=1)
