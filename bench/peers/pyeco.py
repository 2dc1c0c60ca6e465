# py-ecomplexity end to end: read CSV, ecomplexity (RCA, Mcp, ECI/PCI, density, COI/COG), proximity, write CSVs
# (Copied from ../shared/peers.)  Usage: PEERS=DIR python3 pyeco.py IN UNIT CLASS VALUE OUTDIR
import sys, os, warnings
warnings.filterwarnings("ignore")
import os; sys.path.insert(0, os.path.join(os.environ.get("PEERS", "."), "src", "py-ecomplexity"))
import pandas as pd
from ecomplexity import ecomplexity, proximity
inp, u, c, v, out = sys.argv[1:6]
os.makedirs(out, exist_ok=True)
df = pd.read_csv(inp, dtype={u: str, c: str, v: float})
df["year"] = 2000
cols = {"time": "year", "loc": u, "prod": c, "val": v}
cdata = ecomplexity(df, cols)
prox = proximity(df, cols)
cdata.to_csv(os.path.join(out, "ecomplexity.csv"), index=False)
prox.to_csv(os.path.join(out, "proximity.csv"), index=False)
