package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs the post-incident machine alone, started by hand after containment (approved) and
 * eradication (rejected) were run by hand: the final report in the evidence bucket lists each
 * phase run with its outcome, and the incident is CLOSED.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostIncidentAloneTest {
    private PhaseRuns phases;
    private Victim victim;
    private String incidentId;
    private ManualRuns.Progress done;

    @BeforeAll
    void containRejectEradicationThenClose() {
        phases = PhaseRuns.get();
        victim = phases.harness.newVictim();
        ObjectNode input = PhaseRuns.instanceIncident(victim, false);
        incidentId = PhaseRuns.incidentId(input);
        phases.contain(input);
        phases.reject(phases.start("eradication", input), "eradication");

        done = phases.start("post-incident", input);
    }

    @Test
    void runRecordsTheClosureThenWritesTheReport() {
        PhaseRuns.assertFinished(done, "SUCCEEDED");
        assertThat(done.states()).containsExactly("Begin post-incident", "Record closure",
                "Write final report", "Closed");
        assertThat(phases.output(done.executionArn()).has("reportError")).isFalse();
    }

    @Test
    void reportListsEveryPhaseRunWithItsOutcome() {
        JsonNode report = phases.report(incidentId);
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (JsonNode phase : report.path("phases")) {
            outcomes.put(phase.path("run").asText(), phase.path("phase").asText() + " "
                    + phase.path("outcome").asText("-"));
        }

        assertThat(outcomes).containsEntry(incidentId, "containment SUCCEEDED")
                .containsEntry(incidentId + "-eradication", "eradication REJECTED")
                .containsKey(incidentId + "-post-incident");
        assertThat(outcomes.keySet()).containsExactly(incidentId, incidentId + "-eradication",
                incidentId + "-post-incident");
        assertThat(new ReportSchema(phases.harness.root).violations(report)).isEmpty();
    }

    @Test
    void incidentIsClosedAndTheInstanceStaysContained() {
        assertThat(phases.incidentStatus(incidentId)).contains("CLOSED");
        assertThat(phases.phaseOutcome(incidentId, "post-incident",
                incidentId + "-post-incident")).isEqualTo("SUCCEEDED");
        assertThat(new EmulatorChecks(phases.harness.aws).instanceIsolated(
                victim.instanceId())).allSatisfy(check -> assertThat(check.passed())
                .as(check.toString()).isTrue());
    }
}
