package org.cloudir.core.triage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Playbook;
import org.cloudir.core.model.ResourceType;
import org.cloudir.core.model.SeverityBand;

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
        wireName(f, "incident.playbook", Playbook.values(), Playbook::wireName);
        wireName(f, "incident.severityBand", SeverityBand.values(), SeverityBand::wireName);
        // An absent or non-boolean flag must never default to acting for real.
        f.node("incident.finding");
        boolean dryRun = f.bool("incident.dryRun");
        if (f.bool("incident.drill") && !dryRun) {
            throw f.invalid("incident.dryRun", "true, because incident.drill is true: a drill"
                    + " names made-up resources and never changes anything");
        }
        f.text("incident.finding.id");
        f.text("incident.finding.type");
        f.number("incident.finding.severity", 0.0, 10.0);
        Incident incident;
        try {
            incident = Json.convert(f.node("incident"), Incident.class);
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("execution input: field 'incident' does not have"
                    + " the shape triage produces (see README, Manual runs): "
                    + firstLine(e.getMessage()), e);
        }
        if (incident.finding() == null) {
            throw f.missing("incident.finding");
        }
        return incident;
    }

    private static <T> void wireName(Fields f, String path, T[] values,
            Function<T, String> name) {
        String given = f.text(path);
        if (Arrays.stream(values).noneMatch(value -> name.apply(value).equals(given))) {
            throw f.invalid(path, "one of " + Arrays.stream(values).map(name).toList());
        }
    }

    /** Keeps a parser's message to its first line, without the position details after it. */
    private static String firstLine(String message) {
        String text = String.valueOf(message);
        int cut = text.indexOf(" at [Source");
        text = cut < 0 ? text : text.substring(0, cut);
        return text.lines().findFirst().orElse(text);
    }

    /** Returns true when the incident is about the given kind of resource. */
    public static boolean isAbout(Incident incident, ResourceType type) {
        return incident.resource().type() == type;
    }
}
