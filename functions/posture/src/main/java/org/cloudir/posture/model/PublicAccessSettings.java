package org.cloudir.posture.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Holds a bucket's four S3 Block Public Access flags, as GetPublicAccessBlock reports them.
 */
public record PublicAccessSettings(boolean blockPublicAcls, boolean ignorePublicAcls,
        boolean blockPublicPolicy, boolean restrictPublicBuckets) {

    /** All four flags on: what block-s3-public-access sets. */
    public static final PublicAccessSettings ALL_BLOCKED =
            new PublicAccessSettings(true, true, true, true);

    /** The tag value recording that a bucket had no configuration at all. */
    public static final String ABSENT = "absent";

    public boolean allBlocked() {
        return equals(ALL_BLOCKED);
    }

    /** Returns the settings as one tag value, e.g. "BlockPublicAcls=false IgnorePublicAcls=...". */
    public String toTagValue() {
        return "BlockPublicAcls=" + blockPublicAcls + " IgnorePublicAcls=" + ignorePublicAcls
                + " BlockPublicPolicy=" + blockPublicPolicy
                + " RestrictPublicBuckets=" + restrictPublicBuckets;
    }

    /** Returns the tag value of a configuration, or {@link #ABSENT} for none. */
    public static String tagValue(Optional<PublicAccessSettings> settings) {
        return settings.map(PublicAccessSettings::toTagValue).orElse(ABSENT);
    }

    /**
     * Reads a tag value written by {@link #tagValue}; empty for {@link #ABSENT}.
     *
     * @throws IllegalArgumentException when the value is neither
     */
    public static Optional<PublicAccessSettings> fromTagValue(String value) {
        if (ABSENT.equals(value)) {
            return Optional.empty();
        }
        Map<String, Boolean> flags = new LinkedHashMap<>();
        for (String part : value.trim().split("\\s+")) {
            String[] pair = part.split("=", 2);
            if (pair.length != 2 || !pair[1].matches("true|false")) {
                throw new IllegalArgumentException("'" + value + "' is no recorded setting");
            }
            flags.put(pair[0], Boolean.parseBoolean(pair[1]));
        }
        if (flags.size() != 4 || !flags.keySet().containsAll(List.of("BlockPublicAcls",
                "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"))) {
            throw new IllegalArgumentException("'" + value + "' does not name all four flags");
        }
        return Optional.of(new PublicAccessSettings(flags.get("BlockPublicAcls"),
                flags.get("IgnorePublicAcls"), flags.get("BlockPublicPolicy"),
                flags.get("RestrictPublicBuckets")));
    }

    /** Returns the details an undo reads: {@code present} and, when present, the four flags. */
    public static Map<String, Object> toDetails(Optional<PublicAccessSettings> settings) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("present", settings.isPresent());
        settings.ifPresent(s -> {
            details.put("blockPublicAcls", s.blockPublicAcls());
            details.put("ignorePublicAcls", s.ignorePublicAcls());
            details.put("blockPublicPolicy", s.blockPublicPolicy());
            details.put("restrictPublicBuckets", s.restrictPublicBuckets());
        });
        return details;
    }
}
