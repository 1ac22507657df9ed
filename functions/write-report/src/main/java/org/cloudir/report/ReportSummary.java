package org.cloudir.report;

import java.util.List;

/**
 * Reports what the post-incident step wrote.
 *
 * @param reportKeys the Markdown, JSON and SVG objects in the evidence bucket
 * @param notifications the kinds of notification published
 */
public record ReportSummary(String incidentId, String status, String bucket,
        List<String> reportKeys, int evidenceObjects, String manifestSha256,
        List<String> notifications) {
}
