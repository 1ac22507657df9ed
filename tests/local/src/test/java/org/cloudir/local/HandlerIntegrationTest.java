package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cloudir.local.VictimAssertions.assertInstanceUntouched;
import static org.cloudir.local.VictimAssertions.assertKeysUntouched;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.accesskey.DisableAccessKeyHandler;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.ProtectedResourceException;
import org.cloudir.core.ResourceNotFoundException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.isolate.IsolateInstanceHandler;
import org.cloudir.record.RecordIncidentHandler;
import org.cloudir.snapshot.SnapshotVolumesHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Runs each action handler in this JVM against the emulator, through the real SDK clients, and
 * checks what it did by reading the emulator's state back.
 */
class HandlerIntegrationTest {
    private static final String UNKNOWN_INSTANCE = "i-0aaaaaaaaaaaaaaaa";
    private static final String BACKDOOR_TYPE = "Backdoor:EC2/C&CActivity.B";

    private static LocalHarness harness;
    private static EmulatorState state;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        state = new EmulatorState(harness.aws);
    }

    private static Env env(Map<String, String> variables) {
        return harness.aws.envFor(variables);
    }

    private static SnapshotVolumesHandler snapshotHandler() {
        return new SnapshotVolumesHandler(env(Map.of()));
    }

    private static IsolateInstanceHandler isolateHandler() {
        return new IsolateInstanceHandler(env(Map.of()));
    }

    private static DisableAccessKeyHandler disableKeyHandler() {
        return new DisableAccessKeyHandler(env(Map.of()));
    }

    private static Incident instanceIncident(Victim victim) {
        return LocalHarness.triage(harness.event(LocalHarness.BACKDOOR, victim), false);
    }

    private static Incident keyIncident(Victim victim) {
        return LocalHarness.triage(harness.event(LocalHarness.MALICIOUS_IP, victim), false);
    }

    private static SecurityGroup isolationGroup(Victim victim) {
        return state.isolationGroup(victim.vpcId()).orElseThrow(() -> new AssertionError(
                "no isolation group in " + victim.vpcId()));
    }

    private static void protect(Victim victim) {
        harness.aws.ec2.createTags(request -> request.resources(victim.instanceId())
                .tags(Tag.builder().key("ir:protected").value("true").build()));
    }

    private static void protectUser(Victim victim) {
        harness.aws.iam.tagUser(request -> request.userName(victim.userName())
                .tags(software.amazon.awssdk.services.iam.model.Tag.builder()
                        .key("ir:protected").value("true").build()));
    }

    private static String addKey(String userName) {
        return harness.aws.iam.createAccessKey(request -> request.userName(userName))
                .accessKey().accessKeyId();
    }

    /** One victim's two volumes, snapshotted once; each test checks one fact of the result. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class SnapshotOfAnInstance {
        private Victim victim;
        private Incident incident;

        @BeforeAll
        void snapshotTheVictim() {
            victim = harness.newVictim();
            incident = instanceIncident(victim);
            snapshotHandler().handle(LocalHarness.input(incident));
        }

        @Test
        void takesOneSnapshotOfEachVolume() {
            List<Snapshot> snapshots = state.snapshotsOfIncident(incident.incidentId());

            assertThat(snapshots).extracting(Snapshot::volumeId)
                    .containsExactlyInAnyOrderElementsOf(victim.volumeIds());
        }

        @Test
        void tagsEachSnapshotWithIncidentInstanceDeviceAndFindingType() {
            List<Map<String, String>> tags = state.snapshotsOfIncident(incident.incidentId())
                    .stream().map(snapshot -> EmulatorState.tags(snapshot.tags())).toList();

            assertThat(tags).hasSize(2).allSatisfy(snapshotTags -> assertThat(snapshotTags)
                    .containsEntry("ir:incident-id", incident.incidentId())
                    .containsEntry("ir:instance-id", victim.instanceId())
                    .containsEntry("ir:finding-type", BACKDOOR_TYPE)
                    .containsKey("ir:device"));
            assertThat(tags).extracting(snapshotTags -> snapshotTags.get("ir:device"))
                    .containsExactlyInAnyOrder("/dev/xvda", "/dev/sdf");
        }
    }

    @Nested
    class SnapshotRepeated {
        @Test
        void secondRunIsAlreadyDoneAndTakesNoNewSnapshot() {
            Victim victim = harness.newVictim();
            Incident incident = instanceIncident(victim);
            snapshotHandler().handle(LocalHarness.input(incident));

            ActionResult again = snapshotHandler().handle(LocalHarness.input(incident));

            assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_DONE);
            assertThat(state.snapshotsOfIncident(incident.incidentId())).hasSize(2);
        }
    }

    /** One victim, isolated once; each test checks one fact of the result. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class IsolationOfAnInstance {
        private Victim victim;
        private SecurityGroup isolation;

        @BeforeAll
        void isolateTheVictim() {
            victim = harness.newVictim();
            isolateHandler().handle(LocalHarness.input(instanceIncident(victim)));
            isolation = isolationGroup(victim);
        }

        @Test
        void movesEveryNetworkInterfaceIntoTheIsolationGroupOnly() {
            Map<String, List<String>> groups = state.interfaceGroups(victim.instanceId());

            assertThat(groups).isNotEmpty().allSatisfy((eni, ids) ->
                    assertThat(ids).containsExactly(isolation.groupId()));
        }

        @Test
        void leavesTheInstanceReportingTheIsolationGroupOnly() {
            List<String> groups = state.instanceGroups(victim.instanceId());

            assertThat(groups).containsExactly(isolation.groupId());
        }

        @Test
        void leavesTheIsolationGroupWithoutAnyRule() {
            assertThat(isolation.ipPermissions()).as("inbound rules").isEmpty();
            assertThat(isolation.ipPermissionsEgress()).as("outbound rules").isEmpty();
        }

        @Test
        void turnsOnTerminationProtection() {
            assertThat(state.terminationProtected(victim.instanceId())).isTrue();
        }

        @Test
        void tagsEachInterfaceWithItsOriginalGroups() {
            assertThat(state.interfaceGroups(victim.instanceId()).keySet()).isNotEmpty()
                    .allSatisfy(eni -> assertThat(state.interfaceTags(eni))
                            .containsEntry("ir:original-groups", victim.groupId()));
        }
    }

    @Nested
    class IsolateEdgeCases {
        @Test
        void secondRunIsAlreadyDoneAndKeepsTheOriginalGroupsTag() {
            Victim victim = harness.newVictim();
            Incident incident = instanceIncident(victim);
            isolateHandler().handle(LocalHarness.input(incident));

            ActionResult again = isolateHandler().handle(LocalHarness.input(incident));

            assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_DONE);
            assertThat(state.interfaceGroups(victim.instanceId()).keySet()).isNotEmpty()
                    .allSatisfy(eni -> assertThat(state.interfaceTags(eni))
                            .containsEntry("ir:original-groups", victim.groupId()));
        }

        @Test
        void movesASecondAttachedInterfaceIntoTheIsolationGroupToo() {
            Victim victim = harness.newVictim();
            String second = harness.aws.ec2.createNetworkInterface(request -> request
                    .subnetId(victim.subnetId()).groups(victim.groupId()))
                    .networkInterface().networkInterfaceId();
            harness.aws.ec2.attachNetworkInterface(request -> request
                    .networkInterfaceId(second).instanceId(victim.instanceId()).deviceIndex(1));

            isolateHandler().handle(LocalHarness.input(instanceIncident(victim)));

            String isolation = isolationGroup(victim).groupId();
            Map<String, List<String>> groups = state.interfaceGroups(victim.instanceId());
            assertThat(groups).hasSize(2).containsKey(second)
                    .allSatisfy((eni, ids) -> assertThat(ids).containsExactly(isolation));
        }
    }

    /**
     * One user with two keys; the finding names the first, which is disabled once. Each test
     * checks one fact of the result.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class DisablingANamedKey {
        private Victim victim;
        private String otherKey;
        private ActionResult result;

        @BeforeAll
        void disableTheVictimsKey() {
            victim = harness.newVictim();
            otherKey = addKey(victim.userName());
            result = disableKeyHandler().handle(LocalHarness.input(keyIncident(victim)));
        }

        @Test
        void leavesTheNamedKeyInactive() {
            assertThat(state.keyStatuses(victim.userName()))
                    .containsEntry(victim.accessKeyId(), "Inactive");
        }

        @Test
        void leavesTheUsersOtherKeyActive() {
            assertThat(state.keyStatuses(victim.userName())).containsEntry(otherKey, "Active");
        }

        @Test
        void reportNamesTheUserThatOwnsTheKey() {
            String userArn = harness.aws.iam.getUser(request -> request
                    .userName(victim.userName())).user().arn();

            assertThat(result.details())
                    .containsEntry("userName", victim.userName())
                    .containsEntry("userArn", userArn);
        }
    }

    @Nested
    class ProtectedResources {
        @Test
        void snapshotRefusesAProtectedInstanceAndChangesNothing() {
            Victim victim = harness.newVictim();
            protect(victim);
            Incident incident = instanceIncident(victim);

            assertThatThrownBy(() -> snapshotHandler().handle(LocalHarness.input(incident)))
                    .isInstanceOf(ProtectedResourceException.class)
                    .hasMessageContaining("ir:protected");

            assertThat(state.snapshotsOfIncident(incident.incidentId())).isEmpty();
            assertInstanceUntouched(state, victim);
        }

        @Test
        void isolateRefusesAProtectedInstanceAndChangesNothing() {
            Victim victim = harness.newVictim();
            protect(victim);
            Incident incident = instanceIncident(victim);

            assertThatThrownBy(() -> isolateHandler().handle(LocalHarness.input(incident)))
                    .isInstanceOf(ProtectedResourceException.class)
                    .hasMessageContaining("ir:protected");

            assertInstanceUntouched(state, victim);
        }

        @Test
        void disableKeyRefusesAProtectedUserAndTheKeyStaysActive() {
            Victim victim = harness.newVictim();
            protectUser(victim);
            Incident incident = keyIncident(victim);

            assertThatThrownBy(() -> disableKeyHandler().handle(LocalHarness.input(incident)))
                    .isInstanceOf(ProtectedResourceException.class)
                    .hasMessageContaining("ir:protected");

            assertKeysUntouched(state, victim);
        }
    }

    /** Where dry run comes from: the incident (triage decided it) or the function's setting. */
    enum DryRunSource {
        INCIDENT_FLAG,
        DRY_RUN_VARIABLE;

        Incident incident(ObjectNode event) {
            return LocalHarness.triage(event, this == INCIDENT_FLAG);
        }

        Env env() {
            return HandlerIntegrationTest.env(this == DRY_RUN_VARIABLE
                    ? Map.of("DRY_RUN", "true") : Map.of());
        }
    }

    @Nested
    class DryRun {
        @ParameterizedTest(name = "{0}")
        @EnumSource(DryRunSource.class)
        void snapshotReportsDryRunAndTakesNoSnapshot(DryRunSource source) {
            Victim victim = harness.newVictim();
            Incident incident = source.incident(harness.event(LocalHarness.BACKDOOR, victim));

            ActionResult result = new SnapshotVolumesHandler(source.env())
                    .handle(LocalHarness.input(incident));

            assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
            assertInstanceUntouched(state, victim);
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(DryRunSource.class)
        void isolateReportsDryRunAndChangesNothing(DryRunSource source) {
            Victim victim = harness.newVictim();
            Incident incident = source.incident(harness.event(LocalHarness.BACKDOOR, victim));

            ActionResult result = new IsolateInstanceHandler(source.env())
                    .handle(LocalHarness.input(incident));

            assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
            assertInstanceUntouched(state, victim);
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(DryRunSource.class)
        void disableKeyReportsDryRunAndTheKeyStaysActive(DryRunSource source) {
            Victim victim = harness.newVictim();
            Incident incident = source.incident(
                    harness.event(LocalHarness.MALICIOUS_IP, victim));

            ActionResult result = new DisableAccessKeyHandler(source.env())
                    .handle(LocalHarness.input(incident));

            assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
            assertKeysUntouched(state, victim);
        }
    }

    @Nested
    class UnknownResources {
        private Incident unknownInstanceIncident() {
            return LocalHarness.triage(harness.samples.load(LocalHarness.BACKDOOR,
                    Map.of("i-0123456789abcdef0", UNKNOWN_INSTANCE)), false);
        }

        @Test
        void snapshotOfAnUnknownInstanceFailsAsNotFound() {
            Incident incident = unknownInstanceIncident();

            assertThatThrownBy(() -> snapshotHandler().handle(LocalHarness.input(incident)))
                    .isInstanceOf(ResourceNotFoundException.class)
                    .hasMessageContaining(UNKNOWN_INSTANCE)
                    .hasMessageContaining("not found");

            assertThat(state.snapshotsOfIncident(incident.incidentId())).isEmpty();
        }

        @Test
        void isolateOfAnUnknownInstanceFailsAsNotFound() {
            Incident incident = unknownInstanceIncident();

            assertThatThrownBy(() -> isolateHandler().handle(LocalHarness.input(incident)))
                    .isInstanceOf(ResourceNotFoundException.class)
                    .hasMessageContaining(UNKNOWN_INSTANCE)
                    .hasMessageContaining("not found");
        }

        @Test
        void disableKeyOfAnUnknownUserFailsAsNotFound() {
            String nobody = "it-nobody-" + LocalHarness.shortRandom();
            Incident incident = LocalHarness.triage(harness.samples.load(
                    LocalHarness.MALICIOUS_IP, Map.of("drill-user", nobody)), false);

            assertThatThrownBy(() -> disableKeyHandler().handle(LocalHarness.input(incident)))
                    .isInstanceOf(ResourceNotFoundException.class)
                    .hasMessageContaining(nobody)
                    .hasMessageContaining("does not exist");
        }

        @Test
        void disableKeyOfAKeyOwnedByAnotherUserFailsAsNotFoundAndChangesNoKey() {
            Victim victim = harness.newVictim();
            String otherUser = "it-other-" + LocalHarness.shortRandom();
            harness.aws.iam.createUser(request -> request.userName(otherUser));
            String otherKey = addKey(otherUser);
            Map<String, String> placeholders = new HashMap<>(victim.placeholders());
            placeholders.put("AKIAIOSFODNN7EXAMPLE", otherKey);
            Incident incident = LocalHarness.triage(
                    harness.samples.load(LocalHarness.MALICIOUS_IP, placeholders), false);

            assertThatThrownBy(() -> disableKeyHandler().handle(LocalHarness.input(incident)))
                    .isInstanceOf(ResourceNotFoundException.class)
                    .hasMessageContaining(otherKey)
                    .hasMessageContaining("does not belong to IAM user " + victim.userName());

            assertKeysUntouched(state, victim);
            assertThat(state.keyStatuses(otherUser)).containsEntry(otherKey, "Active");
        }
    }

    @Nested
    class MalformedInput {
        private long snapshotCount() {
            return harness.aws.ec2.describeSnapshotsPaginator(request -> request
                    .ownerIds("self")).snapshots().stream().count();
        }

        private long securityGroupCount() {
            return harness.aws.ec2.describeSecurityGroupsPaginator(request -> { })
                    .securityGroups().stream().count();
        }

        @Test
        void inputWithoutAnIncidentIsRejectedNamingTheFieldAndCreatesNothing() {
            ObjectNode input = Json.mapper().createObjectNode().put("instanceId", "i-0123abcd");
            long snapshots = snapshotCount();
            long groups = securityGroupCount();

            assertThatThrownBy(() -> snapshotHandler().handle(input))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'incident.incidentId'");

            assertThat(snapshotCount()).isEqualTo(snapshots);
            assertThat(securityGroupCount()).isEqualTo(groups);
        }

        @Test
        void unknownResourceTypeIsRejectedNamingTheFieldAndChangesNothing() {
            Victim victim = harness.newVictim();
            ObjectNode input = LocalHarness.input(instanceIncident(victim));
            ((ObjectNode) input.path("incident").path("resource")).put("type", "Volume");

            assertThatThrownBy(() -> isolateHandler().handle(input))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'incident.resource.type'");

            assertInstanceUntouched(state, victim);
        }

        @Test
        void instanceIdWithShellCharactersIsRejectedNamingTheFieldAndChangesNothing() {
            Victim victim = harness.newVictim();
            ObjectNode input = LocalHarness.input(instanceIncident(victim));
            ((ObjectNode) input.path("incident").path("resource"))
                    .put("id", victim.instanceId() + "; shutdown -h now");

            assertThatThrownBy(() -> snapshotHandler().handle(input))
                    .isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("'incident.resource.id'");

            assertInstanceUntouched(state, victim);
        }
    }

    /** Contains a victim's instance in-process and returns the state the machine holds. */
    private static ObjectNode containedState(Victim victim) {
        ObjectNode input = LocalHarness.input(instanceIncident(victim));
        ActionResult snapshot = snapshotHandler().handle(input);
        ActionResult isolate = isolateHandler().handle(input);
        ObjectNode containment = input.deepCopy();
        containment.set("snapshotVolumes", Json.mapper().valueToTree(Map.of("result", snapshot)));
        containment.set("isolateInstance", Json.mapper().valueToTree(Map.of("result", isolate)));
        return containment;
    }

    private static RecordIncidentHandler recordHandler() {
        return new RecordIncidentHandler(env(Map.of("INCIDENT_TABLE", harness.incidentTable())));
    }

    private static String incidentId(ObjectNode containment) {
        return containment.path("incident").path("incidentId").asText();
    }

    private static List<String> entryKeys(String incidentId) {
        return state.incidentEntries(harness.incidentTable(), incidentId).stream()
                .map(item -> item.get("entry").s())
                .sorted()
                .toList();
    }

    /** One contained instance whose state, with two action results, is recorded once. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RecordingAContainment {
        private String incidentId;

        @BeforeAll
        void recordTheContainment() {
            ObjectNode containment = containedState(harness.newVictim());
            incidentId = incidentId(containment);
            recordHandler().handle(containment);
        }

        @Test
        void writesTheIncidentEntryWithItsStatus() {
            assertThat(state.incidentStatus(harness.incidentTable(), incidentId))
                    .contains("CONTAINED");
        }

        @Test
        void writesOneEntryPerActionResult() {
            assertThat(state.actionOutcomes(harness.incidentTable(), incidentId))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "snapshot-volumes", "DONE", "isolate-instance", "DONE"));
        }
    }

    @Nested
    class RecordingAgain {
        @Test
        void recordingTheSameStateAgainAddsNoEntry() {
            ObjectNode containment = containedState(harness.newVictim());
            recordHandler().handle(containment);
            List<String> before = entryKeys(incidentId(containment));

            recordHandler().handle(containment);

            // The incident, its two actions and the finding that opened it.
            assertThat(before).hasSize(4);
            assertThat(entryKeys(incidentId(containment))).isEqualTo(before);
        }
    }
}
