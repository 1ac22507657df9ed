package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs the identification machine alone on the sample backdoor finding, started by hand: its
 * output holds the enrichment and the gate decision, its phase entry is recorded, and the
 * victim's instance and key are exactly as the seeder left them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentificationAloneTest {
    private PhaseRuns phases;
    private Victim victim;
    private String incidentId;
    private ManualRuns.Progress done;

    @BeforeAll
    void identify() {
        phases = PhaseRuns.get();
        victim = phases.harness.newVictim();
        ObjectNode input = ManualRuns.inputFromFinding(SampleEvents.fresh(
                phases.harness.event(LocalHarness.BACKDOOR, victim)), false, Clock.systemUTC());
        incidentId = PhaseRuns.incidentId(input);

        done = phases.start("identification", input);
    }

    @Test
    void runEntersEveryStateOnceAndSucceeds() {
        PhaseRuns.assertFinished(done, "SUCCEEDED");
        assertThat(done.states()).containsExactly("Begin identification", "Enrich incident",
                "Record identification", "Identified");
    }

    @Test
    void outputHoldsTheEnrichmentOfTheInstanceAndTheGateDecision() {
        JsonNode output = phases.output(done.executionArn());
        JsonNode enrichment = output.path("enrichment").path("result").path("enrichment");

        assertThat(output.has("enrichmentError")).as(output.toString()).isFalse();
        assertThat(enrichment.path("incidentId").asText()).isEqualTo(incidentId);
        assertThat(enrichment.path("resource").toString()).contains(victim.instanceId());
        JsonNode decision = enrichment.path("decision");
        assertThat(decision.path("responseMode").asText()).isEqualTo("automatic");
        assertThat(decision.path("gates").path("containment").asBoolean(true)).isFalse();
        assertThat(decision.path("gates").path("eradication").asBoolean()).isTrue();
        assertThat(decision.path("gates").path("recovery").asBoolean()).isTrue();
        assertThat(output.path("plan").path("result").path("phase").asText())
                .isEqualTo("identification");
    }

    @Test
    void phaseEntryIsRecordedAndNothingChanged() {
        assertThat(phases.phaseOutcome(incidentId, "identification", incidentId
                + "-identification")).isEqualTo("SUCCEEDED");
        assertThat(phases.actionOutcomes(incidentId)).isEmpty();
        EmulatorState state = new EmulatorState(phases.harness.aws);
        VictimAssertions.assertInstanceUntouched(state, victim);
        VictimAssertions.assertKeysUntouched(state, victim);
        assertThat(phases.instanceState(victim.instanceId())).isEqualTo("running");
    }
}
