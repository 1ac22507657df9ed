package org.cloudir.evidence;

import org.cloudir.core.evidence.ActivityLookup;
import org.cloudir.core.evidence.ActivityQuery;
import org.cloudir.core.evidence.ActivityTrail;

/**
 * Stands in for CloudTrail where LookupEvents does not exist (the local emulator): it finds
 * nothing and says so, so the evidence and the report show the gap instead of hiding it.
 */
public final class UnavailableActivityLookup implements ActivityLookup {
    private final String reason;

    public UnavailableActivityLookup(String reason) {
        this.reason = reason;
    }

    @Override
    public ActivityTrail lookUp(ActivityQuery query) {
        return ActivityTrail.unavailable("none", reason);
    }
}
