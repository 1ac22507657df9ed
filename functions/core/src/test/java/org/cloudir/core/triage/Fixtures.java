package org.cloudir.core.triage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cloudir.core.Json;

/** Reads the sample events in the repository's {@code events/} folder, shared with the drill. */
final class Fixtures {
    static final String BACKDOOR = "guardduty-ec2-backdoor.json";
    static final String MALICIOUS_IP = "guardduty-iam-malicious-ip.json";
    static final String SAMPLE = "guardduty-sample-finding.json";
    static final String KEY_QUARANTINE = "cloudtrail-key-quarantine.json";
    static final String MISSING_INSTANCE_ID = "invalid/guardduty-missing-instance-id.json";
    static final String BAD_SEVERITY = "invalid/guardduty-bad-severity.json";
    static final String NOT_JSON = "invalid/not-json.txt";
    static final String OTHER_POLICY = "invalid/cloudtrail-other-policy.json";
    static final String ROLE_CREDENTIALS = "invalid/guardduty-role-credentials.json";

    private static final Path EVENTS = repoRoot().resolve("events");

    private Fixtures() {
    }

    /** Returns a fixture's text exactly as stored. */
    static String text(String name) {
        try {
            return Files.readString(EVENTS.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture events/" + name, e);
        }
    }

    /** Returns a fresh, editable copy of a JSON fixture, for near-miss variants. */
    static ObjectNode json(String name) {
        return (ObjectNode) Json.parse(text(name), name);
    }

    /** Returns the object at a dotted path of an event, for editing a variant in place. */
    static ObjectNode object(JsonNode event, String dottedPath) {
        return (ObjectNode) event.at("/" + dottedPath.replace(".", "/"));
    }

    static String write(JsonNode event) {
        return Json.write(event);
    }

    /**
     * Walks up from the working directory (the module, under Maven) to the first folder that
     * holds both the root pom.xml and events/, so tests run the same from any module or IDE.
     */
    private static Path repoRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml"))
                    && Files.isDirectory(dir.resolve("events"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "no folder holding pom.xml and events/ above " + start + "; run from the repo");
    }
}
