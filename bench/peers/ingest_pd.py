# pandas ingest: read_csv + groupby/sum + unstack to a unit x class matrix,
# write CSV.  From ../shared/peers/ingest_pd.py, with the column names as
# arguments.  Usage: python3 ingest_pd.py IN OUT UNIT CLASS VALUE
import sys, pandas as pd
inp, out, u, c, v = sys.argv[1:6]
df = pd.read_csv(inp, dtype={u: str, c: str, v: float})
m = df.groupby([u, c])[v].sum().unstack(fill_value=0)
m.to_csv(out)
