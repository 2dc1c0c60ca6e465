/*
 * output/output.h — writing results (prefix s3i_): CSV tables and the
 * workbook.  Not public API.
 */
#ifndef S3_OUTPUT_H
#define S3_OUTPUT_H

#include "stages/stages.h"

/* Write the workbook into path. */
s3_status s3i_write_xlsx(s3_ctx *ctx, const s3_result *r, const char *path);
/* Write one table as RFC 4180 CSV into path (german: the German
 * spreadsheet dialect). */
s3_status s3i_write_csv(s3_ctx *ctx, const s3_table *t, const char *path,
                        int german);

/* Format a double for CSV: shortest round-trip, '.' decimal, "" for NaN. */
void s3i_format_number(double v, char buf[32]);

#endif /* S3_OUTPUT_H */
