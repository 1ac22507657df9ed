package org.cloudir.recover.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Compares one property of a resource now with its pre-incident record.
 *
 * @param expected what the record (or the recovery record) says, in words or as a value
 * @param actual what the resource shows now
 */
public record Check(String name, Object expected, Object actual, boolean ok) {

    /** Returns a check that passes when the two values are equal. */
    public static Check equal(String name, Object expected, Object actual) {
        return new Check(name, expected, actual, Objects.equals(expected, actual));
    }

    /** Describes the check in one line, as the result's verified list and errors show it. */
    public String describe() {
        return ok ? name + ": " + actual
                : name + ": expected " + expected + ", found " + actual;
    }

    /** Returns the check as result details, nulls kept. */
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("check", name);
        details.put("expected", expected);
        details.put("actual", actual);
        details.put("ok", ok);
        return details;
    }
}
