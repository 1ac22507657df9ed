package org.cloudir.recover.internal;

import org.cloudir.core.MalformedEventException;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.ResourceType;

/** Checks that a recovery action was given an incident about the kind of resource it handles. */
public final class Requests {
    private Requests() {
    }

    /** Throws {@link MalformedEventException} naming the field unless the type matches. */
    public static void requireType(Incident incident, ResourceType type, String action) {
        if (incident.resource().type() != type) {
            throw new MalformedEventException("field 'incident.resource.type' is '"
                    + incident.resource().type().wireName() + "'; " + action + " recovers "
                    + type.wireName() + " incidents only (incident " + incident.incidentId()
                    + ")");
        }
    }
}
