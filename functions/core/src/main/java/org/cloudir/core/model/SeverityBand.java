package org.cloudir.core.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Groups a numeric severity into GuardDuty's published bands. */
public enum SeverityBand {
    LOW("Low"),
    MEDIUM("Medium"),
    HIGH("High"),
    CRITICAL("Critical");

    private final String wireName;

    SeverityBand(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the band for a GuardDuty severity: below 4 low, below 7 medium, below 9 high. */
    public static SeverityBand of(double severity) {
        if (severity >= 9.0) {
            return CRITICAL;
        }
        if (severity >= 7.0) {
            return HIGH;
        }
        if (severity >= 4.0) {
            return MEDIUM;
        }
        return LOW;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
