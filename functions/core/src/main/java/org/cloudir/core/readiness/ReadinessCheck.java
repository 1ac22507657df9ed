package org.cloudir.core.readiness;

/**
 * Reports one readiness check.
 *
 * @param name a stable name, e.g. "incident-table" or "isolation-groups:vpc-1"
 * @param detail what was found, in plain words, and for MISSING what to do
 */
public record ReadinessCheck(String name, CheckStatus status, String detail) {

    public static ReadinessCheck ok(String name, String detail) {
        return new ReadinessCheck(name, CheckStatus.OK, detail);
    }

    public static ReadinessCheck missing(String name, String detail) {
        return new ReadinessCheck(name, CheckStatus.MISSING, detail);
    }

    public static ReadinessCheck unknown(String name, String detail) {
        return new ReadinessCheck(name, CheckStatus.UNKNOWN, detail);
    }
}
