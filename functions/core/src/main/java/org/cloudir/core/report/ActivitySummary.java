package org.cloudir.core.report;

/** Says what API activity was found for the incident's principal and resource. */
public record ActivitySummary(String source, boolean available, String note, int eventCount) {
}
