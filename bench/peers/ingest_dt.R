# data.table ingest: fread + dcast(sum) to a unit x class matrix, write CSV
# (two threads).  From ../shared/peers/ingest_dt.R, with the column names
# as arguments.  Usage: Rscript ingest_dt.R IN OUT UNIT CLASS VALUE
suppressPackageStartupMessages(library(data.table)); setDTthreads(2)
a <- commandArgs(TRUE)
cc <- setNames(c("character", "character", "numeric"), a[3:5])
d <- fread(a[1], colClasses = cc)
m <- dcast(d, as.formula(paste(a[3], "~", a[4])), value.var = a[5], fun.aggregate = sum)
fwrite(m, a[2])
