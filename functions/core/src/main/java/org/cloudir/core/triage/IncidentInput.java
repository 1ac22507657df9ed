package org.cloudir.core.triage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;
import org.cloudir.core.Json;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.ResourceType;

/**
 * Reads the {@code incident} object that every state machine passes to its tasks, checking the
 * fields an action relies on, so a bad manual execution input fails before anything is changed.
 */
public final class IncidentInput {
    private static final Pattern INCIDENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");

    private IncidentInput() {
    }

    public static Incident read(JsonNode input) {
        Fields f = new Fields(input, "execution input");
        f.text("incident.incidentId", INCIDENT_ID, "1-80 letters, digits, '-' or '_'");
        String type = f.text("incident.resource.type");
        switch (type) {
            case "Instance" -> f.text("incident.resource.id", Shapes.INSTANCE_ID,
                    "an EC2 instance id");
            case "AccessKey" -> {
                f.text("incident.resource.userName", Shapes.USER_NAME, "an IAM user name");
                if (f.optionalText("incident.resource.id") != null) {
                    f.text("incident.resource.id", Shapes.ACCESS_KEY_ID, "an access key id");
                }
            }
            case "Other" -> { }
            default -> throw f.invalid("incident.resource.type", "Instance, AccessKey or Other");
        }
        f.text("incident.playbook");
        // An absent or non-boolean flag must never default to acting for real.
        f.node("incident.finding");
        f.bool("incident.dryRun");
        f.bool("incident.drill");
        f.number("incident.finding.severity", 0.0, 10.0);
        Incident incident = Json.convert(f.node("incident"), Incident.class);
        if (incident.finding() == null) {
            throw f.missing("incident.finding");
        }
        return incident;
    }

    /** Returns true when the incident is about the given kind of resource. */
    public static boolean isAbout(Incident incident, ResourceType type) {
        return incident.resource().type() == type;
    }
}
