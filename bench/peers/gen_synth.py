# synthetic 2000 units x 1000 classes, counts ~ Poisson(lognormal rates), seeded; long CSV of nonzero cells
# (Copied from ../shared/peers.)  Usage: python3 gen_synth.py OUT.csv [sigma]
import numpy as np, sys
rng = np.random.default_rng(20240607)
U, C = 2000, 1000
sig = float(sys.argv[2]) if len(sys.argv) > 2 else 1.5
a = rng.normal(0, 1.0, U)[:, None]; b = rng.normal(0, 1.0, C)[None, :]
rate = np.exp(1.0 + a + b + rng.normal(0, sig, (U, C)))
x = rng.poisson(rate).astype(float)
tot = x.sum(); rca = (x / x.sum(1, keepdims=True)) / (x.sum(0, keepdims=True) / tot)
print("nonzero %.3f  rca>=1 %.3f" % ((x > 0).mean(), (rca >= 1).mean()), file=sys.stderr)
ui, ci = np.nonzero(x)
with open(sys.argv[1], "w") as f:
    f.write("region,class,value\n")
    lines = ["U%04d,K%04d,%d\n" % (i, j, int(x[i, j])) for i, j in zip(ui, ci)]
    f.write("".join(lines))
