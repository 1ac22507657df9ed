package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.TransientAwsException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.local.RecordingInterceptor.Fault;
import org.cloudir.snapshot.SnapshotVolumesHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Fault-injection tests: throttling and server errors the emulator cannot produce are injected
 * by an SDK interceptor before chosen requests leave the client, and the emulator's own state
 * shows that no action was repeated and none was lost.
 */
class FaultInjectionTest {
    private static LocalHarness harness;
    private static EmulatorState state;
    private static Env env;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        state = new EmulatorState(harness.aws);
        env = harness.aws.envFor(Map.of());
    }

    static SnapshotVolumesHandler snapshotHandler(RecordingInterceptor faults) {
        Ec2Client ec2 = AwsClients.configure(Ec2Client.builder(), env, List.of(faults)).build();
        return new SnapshotVolumesHandler(ec2, env, Clock.systemUTC());
    }

    static Incident incident(Victim victim) {
        return LocalHarness.triage(harness.event(LocalHarness.BACKDOOR, victim), false);
    }

    @Test
    void faultInjectionThrottlingAndServerErrorsAreRetriedAndEachSnapshotIsTakenOnce() {
        Victim victim = harness.newVictim();
        RecordingInterceptor faults = new RecordingInterceptor()
                .failNext("CreateSnapshots", 2, Fault.THROTTLING)
                .failNext("CreateTags", 1, Fault.SERVER_ERROR)
                .failNext("DescribeSnapshots", 1, Fault.THROTTLING_QUERY);

        ActionResult result = snapshotHandler(faults).handle(
                LocalHarness.input(incident(victim)));

        assertThat(faults.injected()).hasSize(4);
        assertThat(result.outcome()).isEqualTo(Outcome.DONE);
        assertThat(faults.sentCount("CreateSnapshots")).isEqualTo(1);
        assertThat(state.snapshotsOfVolumes(victim.volumeIds())).hasSize(2)
                .allSatisfy(snapshot -> assertThat(EmulatorState.tags(snapshot.tags()))
                        .containsKey("ir:device"));
    }

    @Test
    void faultInjectionRetriesExhaustedFailTransientlyAndTheRetryFinishesWithoutRepeating() {
        Victim victim = harness.newVictim();
        Incident incident = incident(victim);
        RecordingInterceptor faults = new RecordingInterceptor()
                .failNext("CreateTags", 10, Fault.SERVER_ERROR);

        assertThatThrownBy(() -> snapshotHandler(faults).handle(LocalHarness.input(incident)))
                .isInstanceOf(TransientAwsException.class)
                .hasMessageContaining("CreateTags");
        RecordingInterceptor retry = new RecordingInterceptor();
        ActionResult result = snapshotHandler(retry).handle(LocalHarness.input(incident));

        assertThat(faults.sentCount("CreateSnapshots")).isEqualTo(1);
        assertThat(retry.sentCount("CreateSnapshots")).isZero();
        assertThat(retry.sentCount("CreateSnapshot")).isZero();
        assertThat(result.outcome()).isEqualTo(Outcome.DONE);
        assertThat(state.snapshotsOfVolumes(victim.volumeIds())).hasSize(2)
                .allSatisfy(snapshot -> assertThat(EmulatorState.tags(snapshot.tags()))
                        .containsEntry("ir:incident-id", incident.incidentId())
                        .containsKey("ir:device"));
    }

    @Test
    void faultInjectionIsolationUnderThrottlingMovesEachInterfaceExactlyTwice() {
        CompleteIsolationTest.connect();
        Victim victim = harness.newVictim();
        CompleteIsolationTest.addInterface(victim, 1);
        CompleteIsolationTest.addInterface(victim, 2);
        RecordingInterceptor faults = new RecordingInterceptor()
                .failNext("ModifyNetworkInterfaceAttribute", 2, Fault.THROTTLING)
                .failNext("ModifyInstanceAttribute", 1, Fault.SERVER_ERROR)
                .failNext("CreateSecurityGroup", 1, Fault.THROTTLING);

        ActionResult result = CompleteIsolationTest.handler(faults)
                .handle(LocalHarness.input(CompleteIsolationTest.incident(victim)));

        String isolation = state.isolationGroup(victim.vpcId()).orElseThrow().groupId();
        assertThat(faults.injected()).hasSize(4);
        assertThat(result.outcome()).isEqualTo(Outcome.DONE);
        assertThat(faults.sentCount("ModifyNetworkInterfaceAttribute")).isEqualTo(6);
        // One isolation and one untracking group for the victim's own VPC, each created once.
        assertThat(faults.sentCount("CreateSecurityGroup")).isEqualTo(2);
        assertThat(state.interfaceGroups(victim.instanceId())).hasSize(3)
                .allSatisfy((eni, groups) -> assertThat(groups).containsExactly(isolation));
        assertThat(state.terminationProtected(victim.instanceId())).isTrue();
    }
}
