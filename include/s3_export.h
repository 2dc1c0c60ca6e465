/*
 * s3_export.h — S3_API, the mark on every public declaration of s3engine
 * (s3.h, s3_kernels.h, s3_scoring.h).
 *
 * The library is compiled with hidden visibility (meson.build), so that
 * libs3engine.so exports only what is marked here: the s3_ functions, never
 * the internal s3i_ ones.  Under GCC and Clang the mark makes a declaration
 * visible; elsewhere it is empty.
 */
#ifndef S3_EXPORT_H
#define S3_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define S3_API __attribute__((visibility("default")))
#else
#define S3_API
#endif

#endif /* S3_EXPORT_H */
