# economiccomplexity end to end: read CSV, RCA + binary M, ECI/PCI
# (eigenvalues), proximity, density, COI/COG, write CSVs.  From
# ../shared/peers/reco.R; this copy also writes the seconds of the compute
# alone (RCA to COI/COG, no reading or writing), a line per run, to
# OUTDIR/compute_seconds.
# Usage: Rscript reco.R IN UNIT CLASS VALUE OUTDIR
suppressPackageStartupMessages({library(economiccomplexity); library(data.table)})
setDTthreads(2)
a <- commandArgs(TRUE); inp <- a[1]; u <- a[2]; cl <- a[3]; v <- a[4]; out <- a[5]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
cc <- setNames(c("character", "character", "numeric"), c(u, cl, v))
df <- as.data.frame(fread(inp, colClasses = cc, select = c(u, cl, v)))
t0 <- proc.time()[["elapsed"]]
rca <- balassa_index(df, discrete = FALSE, country = u, product = cl, value = v)
m <- (rca >= 1) * 1
cm <- suppressMessages(complexity_measures(m, method = "eigenvalues"))
px <- proximity(m)
dens <- density(m, px$proximity_product)
co <- complexity_outlook(m, px$proximity_product, cm$complexity_index_product)
cat(sprintf("%.3f\n", proc.time()[["elapsed"]] - t0), file = file.path(out, "compute_seconds"), append = TRUE)
# long tables
long <- function(x, nm) { d <- as.data.table(as.table(x)); setnames(d, c("unit", "class", nm)); d }
uc <- long(rca, "rca"); uc[, m := as.vector(m)]; uc[, density := as.vector(dens)]; uc[, cog := as.vector(co$complexity_outlook_gain)]
fwrite(uc, file.path(out, "unit_class.csv"))
fwrite(data.table(unit = names(cm$complexity_index_country), eci = cm$complexity_index_country,
                  coi = co$complexity_outlook_index[names(cm$complexity_index_country)]), file.path(out, "units.csv"))
fwrite(data.table(class = names(cm$complexity_index_product), pci = cm$complexity_index_product), file.path(out, "classes.csv"))
pp <- long(px$proximity_product, "proximity"); fwrite(pp, file.path(out, "proximity.csv"))
