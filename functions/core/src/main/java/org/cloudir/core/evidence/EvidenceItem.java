package org.cloudir.core.evidence;

import java.time.Instant;

/**
 * Records one evidence object as it was stored: where, what, and its SHA-256 at that moment.
 *
 * @param key the object key in the evidence bucket
 * @param kind what the object holds, e.g. "finding", "resource-before", "cloudtrail"
 * @param sha256 lower-case hex SHA-256 of the stored bytes
 * @param versionId the S3 version written; object lock keeps that version for the retention
 */
public record EvidenceItem(String key, String kind, String sha256, long size, String versionId,
        Instant collectedAt) {
}
