package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.cloudir.accesskey.DisableAccessKeyHandler;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.isolate.IsolateInstanceHandler;
import org.cloudir.record.ReadIncidentHandler;
import org.cloudir.record.RecordIncidentHandler;
import org.cloudir.record.RecordedIncident;
import org.cloudir.snapshot.SnapshotVolumesHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Records containment runs with the real record-incident handler, then reads them back with
 * read-incident, as recovery does, from the emulator's incident table.
 */
class ReadIncidentTest {
    private static LocalHarness harness;
    private static Env env;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        env = harness.aws.envFor(Map.of("INCIDENT_TABLE", harness.incidentTable()));
    }

    /** Records the state a run holds: the incident and each task's {"result": ...}. */
    static void record(ObjectNode input, Map<String, ActionResult> results) {
        ObjectNode runState = input.deepCopy();
        results.forEach((key, result) -> runState.set(key,
                Json.mapper().valueToTree(Map.of("result", result))));
        new RecordIncidentHandler(env).handle(runState);
    }

    static ObjectNode dryRun(ObjectNode input) {
        ObjectNode copy = input.deepCopy();
        ((ObjectNode) copy.path("incident")).put("dryRun", true);
        return copy;
    }

    static RecordedIncident read(Incident incident) {
        return new ReadIncidentHandler(env).handle(LocalHarness.input(incident));
    }

    /** A key disabled in a dry run, for real, then again (already done), each recorded. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AKeyContainedThreeTimes {
        private ActionResult done;
        private RecordedIncident recorded;

        @BeforeAll
        void containThreeTimesThenRead() {
            Incident incident = LocalHarness.triage(
                    harness.event(LocalHarness.MALICIOUS_IP, harness.newVictim()), false);
            ObjectNode input = LocalHarness.input(incident);
            DisableAccessKeyHandler handler = new DisableAccessKeyHandler(env);
            record(dryRun(input), Map.of("disableAccessKey", handler.handle(dryRun(input))));
            done = handler.handle(input);
            record(input, Map.of("disableAccessKey", done));
            ActionResult again = handler.handle(input);
            assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_DONE);
            record(input, Map.of("disableAccessKey", again));

            recorded = read(incident);
        }

        @Test
        void returnsTheResultThatWasDoneRatherThanTheLaterRepeat() {
            JsonNode result = recorded.recorded().get("disableAccessKey");

            assertThat(result.path("outcome").asText()).isEqualTo("DONE");
            assertThat(result.path("startedAt").asText())
                    .isEqualTo(done.startedAt().toString());
            assertThat(result.path("details").path("sessionDenyPolicy").asText())
                    .isEqualTo(done.details().get("sessionDenyPolicy"));
        }

        @Test
        void returnsTheSummaryStatusAndEachActionOnce() {
            assertThat(recorded.status()).isEqualTo("CONTAINED");
            assertThat(recorded.actions()).containsExactly("disable-access-key");
            assertThat(recorded.recorded()).containsOnlyKeys("disableAccessKey");
        }
    }

    @Test
    void anInstanceOnlyDryRunGivesItsLatestDryRunResultsInTimeOrder() {
        Incident incident = LocalHarness.triage(
                harness.event(LocalHarness.BACKDOOR, harness.newVictim()), false);
        ObjectNode input = dryRun(LocalHarness.input(incident));
        Env actions = harness.aws.envFor(Map.of());
        ActionResult snapshot = new SnapshotVolumesHandler(actions).handle(input);
        ActionResult isolate = new IsolateInstanceHandler(actions).handle(input);
        record(input, Map.of("snapshotVolumes", snapshot, "isolateInstance", isolate));

        RecordedIncident recorded = read(incident);

        assertThat(recorded.status()).isEqualTo("DRY_RUN");
        assertThat(recorded.actions()).containsExactly("snapshot-volumes", "isolate-instance");
        assertThat(recorded.recorded().get("isolateInstance").path("outcome").asText())
                .isEqualTo("DRY_RUN");
        assertThat(recorded.recorded().get("snapshotVolumes").path("action").asText())
                .isEqualTo("snapshot-volumes");
    }

    @Test
    void anIncidentWithNoEntriesFailsNamingIt() {
        Incident incident = LocalHarness.triage(
                harness.event(LocalHarness.MALICIOUS_IP, harness.newVictim()), false);

        assertThatThrownBy(() -> read(incident))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining(incident.incidentId())
                .hasMessageContaining("no entries");
    }
}
