package org.cloudir.core;

import java.util.Map;

/** Decides whether a resource is off limits to automated response. */
public final class Protection {
    /** Resources carrying this tag with the value "true" are never changed by the responder. */
    public static final String TAG_KEY = "ir:protected";

    private Protection() {
    }

    public static boolean isProtected(Map<String, String> tags) {
        return "true".equalsIgnoreCase(tags.getOrDefault(TAG_KEY, "").trim());
    }

    /** Throws {@link ProtectedResourceException} naming the action and resource when protected. */
    public static void refuseIfProtected(
            Map<String, String> tags, String action, String resource, String incidentId) {
        if (isProtected(tags)) {
            throw new ProtectedResourceException(action + " refused for incident " + incidentId
                    + ": " + resource + " is tagged " + TAG_KEY + "=true; a responder must act"
                    + " by hand or remove the tag");
        }
    }
}
