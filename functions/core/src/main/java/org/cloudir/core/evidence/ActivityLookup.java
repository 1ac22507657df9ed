package org.cloudir.core.evidence;

/**
 * Finds recorded API activity (CloudTrail in AWS) of a principal and a resource. Kept behind
 * this interface because the local emulator has no CloudTrail LookupEvents.
 */
public interface ActivityLookup {

    ActivityTrail lookUp(ActivityQuery query);
}
