package org.airgap.websrv.download;

import java.nio.file.Path;

/**
 * A finished, verified download.
 *
 * @param file where it now is
 * @param size its length
 * @param sha256 its SHA-256, always computed (the expected checksum may be another algorithm)
 * @param resumedFrom bytes kept from an earlier, interrupted attempt or run (0: none)
 * @param attempts how many requests it took
 */
public record DownloadResult(
    Path file, long size, Checksum sha256, long resumedFrom, int attempts) {}
