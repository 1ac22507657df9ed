package org.cloudir.evidence;

import java.util.List;
import java.util.Optional;

/**
 * Reports the re-hashing of an incident's evidence.
 *
 * @param manifestProblem set when the manifest is missing or its SHA-256 differs from the one
 *     the incident record holds
 */
public record VerificationResult(String incidentId, String bucket, String manifestKey,
        Optional<String> manifestProblem, List<EvidenceCheck> checks) {

    public VerificationResult {
        checks = List.copyOf(checks);
    }

    public List<EvidenceCheck> mismatches() {
        return checks.stream().filter(check -> !check.matches()).toList();
    }

    public boolean passed() {
        return manifestProblem.isEmpty() && mismatches().isEmpty() && !checks.isEmpty();
    }

    /** Returns a short text for people: one line per problem, or one line saying all is well. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        manifestProblem.ifPresent(problem -> out.append("MISMATCH ").append(manifestKey)
                .append(": ").append(problem).append('\n'));
        for (EvidenceCheck check : mismatches()) {
            out.append("MISMATCH ").append(check.key()).append(": manifest sha256 ")
                    .append(check.expectedSha256()).append(", stored object ")
                    .append(check.actualSha256()).append('\n');
        }
        if (passed()) {
            out.append("OK ").append(checks.size()).append(" evidence objects of incident ")
                    .append(incidentId).append(" in s3://").append(bucket)
                    .append(" match their SHA-256 in the manifest\n");
        } else if (checks.isEmpty() && manifestProblem.isEmpty()) {
            out.append("FAILED the manifest of incident ").append(incidentId)
                    .append(" lists no evidence\n");
        }
        return out.toString();
    }
}
