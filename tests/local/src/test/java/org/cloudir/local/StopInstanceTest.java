package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.cloudir.aws.Env;
import org.cloudir.core.ProtectedResourceException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.eradicate.EvidenceMissingException;
import org.cloudir.eradicate.StopInstanceHandler;
import org.cloudir.isolate.IsolateInstanceHandler;
import org.cloudir.snapshot.SnapshotVolumesHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Stops contained instances in the emulator (whose StopInstances refuses while stop protection
 * is on, as EC2 does) and reads their state and attributes back.
 */
class StopInstanceTest {
    private static LocalHarness harness;
    private static Env env;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        env = harness.aws.envFor(Map.of());
    }

    static StopInstanceHandler handler() {
        return new StopInstanceHandler(env);
    }

    static Incident incident(Victim victim, boolean dryRun) {
        return LocalHarness.triage(harness.event(LocalHarness.BACKDOOR, victim), dryRun);
    }

    /** Isolates the victim as containment does, which turns stop protection on. */
    static void contain(Victim victim, boolean snapshot) {
        Incident incident = incident(victim, false);
        if (snapshot) {
            new SnapshotVolumesHandler(env).handle(LocalHarness.input(incident));
        }
        new IsolateInstanceHandler(env).handle(LocalHarness.input(incident));
    }

    static String state(Victim victim) {
        return harness.aws.ec2.describeInstances(request -> request
                        .instanceIds(victim.instanceId()))
                .reservations().get(0).instances().get(0).state().nameAsString();
    }

    static boolean stopProtected(Victim victim) {
        return Boolean.TRUE.equals(harness.aws.ec2.describeInstanceAttribute(request -> request
                .instanceId(victim.instanceId()).attribute("disableApiStop"))
                .disableApiStop().value());
    }

    /** A contained instance with evidence snapshots, stopped twice. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class SnapshottedAndIsolated {
        private Victim victim;
        private boolean protectedBefore;
        private ActionResult first;
        private ActionResult second;

        @BeforeAll
        void stopTwice() {
            victim = harness.newVictim();
            contain(victim, true);
            protectedBefore = stopProtected(victim);
            first = handler().handle(LocalHarness.input(incident(victim, false)));
            second = handler().handle(LocalHarness.input(incident(victim, false)));
        }

        @Test
        void stopsTheInstanceAfterLiftingTheStopProtectionContainmentTurnedOn() {
            assertThat(protectedBefore).as("stop protection after containment").isTrue();
            assertThat(state(victim)).isEqualTo("stopped");
            assertThat(stopProtected(victim)).isFalse();
        }

        @Test
        void recordsOnTheInstanceWhatRecoveryNeeds() {
            assertThat(EmulatorState.tags(harness.aws.ec2.describeInstances(request -> request
                            .instanceIds(victim.instanceId())).reservations().get(0)
                    .instances().get(0).tags()))
                    .containsEntry("ir:stop-protection-lifted", "true")
                    .containsEntry("ir:pre-stop-state", "running")
                    .containsEntry("ir:stopped-by", first.incidentId());
            assertThat(first.details()).containsEntry("stopProtectionLifted", true)
                    .containsEntry("previousState", "running");
        }

        @Test
        void keepsTerminationProtectionOn() {
            assertThat(new EmulatorState(harness.aws).terminationProtected(victim.instanceId()))
                    .isTrue();
        }

        @Test
        void repeatChangesNothingAndStillReportsTheLiftedProtection() {
            assertThat(first.outcome()).isEqualTo(Outcome.DONE);
            assertThat(second.outcome()).isEqualTo(Outcome.ALREADY_DONE);
            assertThat(second.details()).containsEntry("stopProtectionLifted", true)
                    .containsEntry("previousState", "running");
        }
    }

    @Test
    void refusesWithoutEvidenceSnapshotsAndLeavesTheInstanceRunningAndProtected() {
        Victim victim = harness.newVictim();
        contain(victim, false);

        assertThatThrownBy(() -> handler().handle(LocalHarness.input(incident(victim, false))))
                .isInstanceOf(EvidenceMissingException.class)
                .hasMessageContaining("no evidence snapshot")
                .hasMessageContaining(victim.volumeIds().get(0));

        assertThat(state(victim)).isEqualTo("running");
        assertThat(stopProtected(victim)).isTrue();
    }

    @Test
    void dryRunReportsThePlanAndLeavesTheInstanceRunningAndProtected() {
        Victim victim = harness.newVictim();
        contain(victim, true);

        ActionResult result = handler().handle(LocalHarness.input(incident(victim, true)));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(result.summary()).contains("would lift stop protection");
        assertThat(state(victim)).isEqualTo("running");
        assertThat(stopProtected(victim)).isTrue();
    }

    @Test
    void refusesAProtectedInstanceAndLeavesItRunning() {
        Victim victim = harness.newVictim();
        contain(victim, true);
        harness.aws.ec2.createTags(request -> request.resources(victim.instanceId())
                .tags(Tag.builder().key("ir:protected").value("true").build()));

        assertThatThrownBy(() -> handler().handle(LocalHarness.input(incident(victim, false))))
                .isInstanceOf(ProtectedResourceException.class)
                .hasMessageContaining("ir:protected");

        assertThat(state(victim)).isEqualTo("running");
        assertThat(stopProtected(victim)).isTrue();
    }

    @Test
    void anInstanceStoppedBeforeIsAlreadyDone() {
        Victim victim = harness.newVictim();
        harness.aws.ec2.stopInstances(request -> request.instanceIds(victim.instanceId()));

        ActionResult result = handler().handle(LocalHarness.input(incident(victim, false)));

        assertThat(result.outcome()).isEqualTo(Outcome.ALREADY_DONE);
        assertThat(result.details()).containsEntry("stopProtectionLifted", false);
        assertThat(state(victim)).isEqualTo("stopped");
    }
}
