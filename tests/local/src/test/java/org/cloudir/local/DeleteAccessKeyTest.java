package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.cloudir.accesskey.DisableAccessKeyHandler;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.ProtectedResourceException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.eradicate.DeleteAccessKeyHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Deletes compromised access keys and lists the users' keys back. */
class DeleteAccessKeyTest {
    private static LocalHarness harness;
    private static EmulatorState state;
    private static Env env;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        state = new EmulatorState(harness.aws);
        env = harness.aws.envFor(Map.of());
    }

    static DeleteAccessKeyHandler handler() {
        return new DeleteAccessKeyHandler(env);
    }

    static Incident namedKeyIncident(Victim victim, boolean dryRun) {
        return LocalHarness.triage(harness.event(LocalHarness.MALICIOUS_IP, victim), dryRun);
    }

    static Incident wholeUserIncident(Victim victim) {
        return LocalHarness.triage(harness.event(LocalHarness.KEY_QUARANTINE, victim), false);
    }

    static String addKey(String userName) {
        return harness.aws.iam.createAccessKey(request -> request.userName(userName))
                .accessKey().accessKeyId();
    }

    static ObjectNode withRecorded(Incident incident, ActionResult disabled) {
        ObjectNode input = LocalHarness.input(incident);
        input.putObject("recorded").set("disableAccessKey",
                Json.mapper().valueToTree(disabled));
        return input;
    }

    /** The finding names one key of a user with two; deleted twice. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class NamedKey {
        private Victim victim;
        private String otherKey;
        private ActionResult first;
        private ActionResult second;

        @BeforeAll
        void disableThenDeleteTwice() {
            victim = harness.newVictim();
            otherKey = addKey(victim.userName());
            Incident incident = namedKeyIncident(victim, false);
            new DisableAccessKeyHandler(env).handle(LocalHarness.input(incident));
            first = handler().handle(LocalHarness.input(incident));
            second = handler().handle(LocalHarness.input(incident));
        }

        @Test
        void deletesOnlyTheNamedKey() {
            assertThat(state.keyStatuses(victim.userName()))
                    .doesNotContainKey(victim.accessKeyId())
                    .containsEntry(otherKey, "Active");
        }

        @Test
        void recordsWhatRecoveryRotatesFromEvenOnTheRepeat() {
            assertThat(first.outcome()).isEqualTo(Outcome.DONE);
            assertThat(first.details().get("deletedKeys").toString())
                    .contains(victim.accessKeyId(), victim.userName(), "Inactive");
            assertThat(second.outcome()).isEqualTo(Outcome.ALREADY_DONE);
            assertThat(second.details().get("alreadyDeletedKeys").toString())
                    .contains(victim.accessKeyId(), "Inactive").doesNotContain("unknown");
        }
    }

    @Test
    void wholeUserIncidentDeletesTheKeysContainmentDeactivatedAndNoNewerOne() {
        Victim victim = harness.newVictim();
        Incident incident = wholeUserIncident(victim);
        ActionResult disabled = new DisableAccessKeyHandler(env)
                .handle(LocalHarness.input(incident));
        String addedAfterContainment = addKey(victim.userName());

        handler().handle(withRecorded(incident, disabled));

        assertThat(state.keyStatuses(victim.userName()))
                .containsOnlyKeys(addedAfterContainment);
    }

    @Test
    void wholeUserIncidentLeavesAKeyThatWasInactiveBeforeContainment() {
        Victim victim = harness.newVictim();
        String inactiveBefore = addKey(victim.userName());
        harness.aws.iam.updateAccessKey(request -> request.userName(victim.userName())
                .accessKeyId(inactiveBefore).status("Inactive"));
        Incident incident = wholeUserIncident(victim);
        ActionResult disabled = new DisableAccessKeyHandler(env)
                .handle(LocalHarness.input(incident));

        ActionResult result = handler().handle(withRecorded(incident, disabled));

        assertThat(state.keyStatuses(victim.userName()))
                .containsOnlyKeys(inactiveBefore);
        assertThat(result.details().get("skippedKeys").toString()).contains(inactiveBefore);
    }

    @Test
    void wholeUserIncidentWithoutTheContainmentRecordFailsNamingTheField() {
        Victim victim = harness.newVictim();

        assertThatThrownBy(() -> handler().handle(LocalHarness.input(
                wholeUserIncident(victim))))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'recorded.disableAccessKey'");

        assertThat(state.keyStatuses(victim.userName())).containsKey(victim.accessKeyId());
    }

    @Test
    void refusesAProtectedUserAndDeletesNothing() {
        Victim victim = harness.newVictim();
        harness.aws.iam.tagUser(request -> request.userName(victim.userName())
                .tags(tag -> tag.key("ir:protected").value("true")));

        assertThatThrownBy(() -> handler().handle(LocalHarness.input(
                namedKeyIncident(victim, false))))
                .isInstanceOf(ProtectedResourceException.class);

        assertThat(state.keyStatuses(victim.userName())).containsKey(victim.accessKeyId());
    }

    @Test
    void dryRunDeletesNothing() {
        Victim victim = harness.newVictim();

        ActionResult result = handler().handle(LocalHarness.input(
                namedKeyIncident(victim, true)));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(state.keyStatuses(victim.userName())).containsEntry(victim.accessKeyId(),
                "Active");
    }
}
