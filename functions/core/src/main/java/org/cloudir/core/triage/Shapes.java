package org.cloudir.core.triage;

import java.util.regex.Pattern;

/** Holds the shapes of AWS identifiers; anything else in an event is rejected, not acted on. */
final class Shapes {
    static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8}([0-9a-f]{9})?");
    static final Pattern ACCESS_KEY_ID = Pattern.compile("(AKIA|ASIA)[A-Z0-9]{12,124}");
    static final Pattern USER_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    static final Pattern FINDING_ID = Pattern.compile("[\\w.:-]{1,300}");
    static final Pattern FINDING_TYPE = Pattern.compile("[\\w:/.&!-]{1,200}");
    /** Bucket names, including the upper case and underscores of legacy us-east-1 buckets. */
    static final Pattern BUCKET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,254}");
    /** A trail's name or its ARN. */
    static final Pattern TRAIL = Pattern.compile("(arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\\d{12}"
            + ":trail/)?[A-Za-z0-9][A-Za-z0-9._-]{2,127}");
    static final Pattern DETECTOR_ID = Pattern.compile("[A-Za-z0-9]{1,300}");
    static final Pattern SECURITY_GROUP_ID = Pattern.compile("sg-[0-9a-f]{8,17}");
    static final Pattern SECURITY_GROUP_RULE_ID = Pattern.compile("sgr-[0-9a-f]{8,17}");
    static final Pattern IP_PROTOCOL = Pattern.compile("-1|[a-z0-9]{1,10}");
    static final Pattern API_NAME = Pattern.compile("[A-Za-z0-9]{1,128}");

    private Shapes() {
    }
}
