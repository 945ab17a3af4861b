"""bb.compress: opening compressed files (zstd, lz4) like ordinary ones."""
