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

    private Shapes() {
    }
}
