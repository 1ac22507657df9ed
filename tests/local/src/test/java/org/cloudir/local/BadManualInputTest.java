package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.cloudir.core.Json;
import org.cloudir.core.model.ResourceRef;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Starts every machine that takes an incident by hand with a broken incident (a field
 * missing, a flag of the wrong type, an unknown resource type, a malformed incident id). Each
 * run must fail in its first state and end in "Input rejected", with the error naming the
 * field, and leave no entry of the incident in the incident table. The runs go one after
 * the other: the emulator answers SendTaskFailure with a 500 while any other execution is
 * still parsing its definition (moto 5.2.5 looks the token up in every execution, started or
 * not), and the local worker then drops the task's failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadManualInputTest {
    static final Map<String, String> FIRST_STATES = Map.of(
            "identification", "Begin identification",
            "containment", "Begin containment",
            "eradication", "Begin eradication",
            "recovery", "Begin recovery",
            "post-incident", "Begin post-incident",
            "incident-response", "Begin incident response");

    /** One way to break an incident: the field it breaks and how. */
    enum Breakage {
        MISSING_FIELD("incident.finding", "is missing required field",
                incident -> incident.remove("finding")),
        WRONG_TYPE("incident.dryRun", "must be true or false",
                incident -> incident.put("dryRun", "yes")),
        UNKNOWN_RESOURCE_TYPE("incident.resource.type", "must be Instance, AccessKey or Other",
                incident -> ((ObjectNode) incident.path("resource")).put("type", "Bucket")),
        MALFORMED_INCIDENT_ID("incident.incidentId", "must be 1-80 letters",
                incident -> incident.put("incidentId", "../bad id " + incident
                        .path("incidentId").asText()));

        final String field;
        final String message;
        final Consumer<ObjectNode> breakIt;

        Breakage(String field, String message, Consumer<ObjectNode> breakIt) {
            this.field = field;
            this.message = message;
            this.breakIt = breakIt;
        }
    }

    /** A finished run with a broken input. */
    record Case(String phase, Breakage breakage, String incidentId, ManualRuns.Progress done) {
        @Override
        public String toString() {
            return phase + " with " + breakage;
        }
    }

    private PhaseRuns phases;
    private final List<Case> cases = new ArrayList<>();

    @BeforeAll
    void runEveryMachineWithEveryBrokenInput() {
        phases = PhaseRuns.get();
        for (String phase : FIRST_STATES.keySet().stream().sorted().toList()) {
            for (Breakage breakage : Breakage.values()) {
                ObjectNode input = ManualRuns.inputForResource(
                        ResourceRef.instance("i-0bad" + LocalHarness.shortRandom().substring(0,
                                8) + "00000"), false, 8.0, Clock.systemUTC());
                ObjectNode incident = (ObjectNode) input.path("incident");
                incident.put("incidentId", "bad-input-" + LocalHarness.shortRandom());
                breakage.breakIt.accept(incident);
                String incidentId = incident.path("incidentId").asText();
                String name = "bad-input-" + LocalHarness.shortRandom();
                String executionArn = phases.runs.start(phase, name, input);
                cases.add(new Case(phase, breakage, incidentId, phases.runs.follow(
                        executionArn, null, Instant.now(), PhaseRuns.FOLLOW)));
            }
        }
    }

    List<Case> cases() {
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void brokenInputIsRejectedInTheFirstStateNamingTheField(Case run) {
        ManualRuns.Progress done = run.done();

        PhaseRuns.assertFinished(done, "FAILED");
        assertThat(done.states()).containsExactly(FIRST_STATES.get(run.phase()),
                "Input rejected");
        assertThat(done.error()).isEqualTo("org.cloudir.core.MalformedEventException");
        JsonNode cause = Json.parse(done.cause(), "cause of " + done.executionArn());
        assertThat(cause.path("errorMessage").asText()).contains("'" + run.breakage().field
                + "'", run.breakage().message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void brokenInputLeavesNothingInTheIncidentTable(Case run) {
        assertThat(phases.entries(run.incidentId(), "")).extracting(item -> item.get("entry")
                .s()).as("entries of " + run.incidentId()).isEmpty();
    }
}
