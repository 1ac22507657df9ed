package org.cloudir.core.report;

import java.time.Instant;

/** Describes one failure the containment run recorded. */
public record ReportFailure(String error, String cause, Instant recordedAt) {
}
