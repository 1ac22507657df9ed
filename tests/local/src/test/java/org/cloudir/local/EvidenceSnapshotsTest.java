package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.snapshot.SnapshotVolumesHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateVolumePermission;
import software.amazon.awssdk.services.ec2.model.DescribeSnapshotsResponse;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.SnapshotState;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * One victim with an extra KMS-encrypted volume, snapshotted with a forensics account
 * configured; each test checks one fact read back from the emulator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvidenceSnapshotsTest {
    private static final String FORENSICS_ACCOUNT = "111122223333";

    private LocalHarness harness;
    private Victim victim;
    private String volumeKey;
    private String forensicsKey;
    private String encryptedVolume;
    private Incident incident;
    private ActionResult first;
    private ActionResult second;

    @BeforeAll
    void snapshotWithForensicsCopies() {
        harness = LocalHarness.get();
        try (KmsClient kms = AwsClients.configure(KmsClient.builder(),
                harness.aws.envFor(Map.of())).build()) {
            volumeKey = kms.createKey(request -> request.description("it volume key"))
                    .keyMetadata().arn();
            forensicsKey = kms.createKey(request -> request.description("it forensics key"))
                    .keyMetadata().arn();
        }
        victim = harness.newVictim();
        encryptedVolume = harness.aws.ec2.createVolume(request -> request
                .availabilityZone(LocalAws.REGION + "a").size(10)
                .encrypted(true).kmsKeyId(volumeKey)).volumeId();
        harness.aws.ec2.attachVolume(request -> request.volumeId(encryptedVolume)
                .instanceId(victim.instanceId()).device("/dev/sdg"));
        incident = LocalHarness.triage(harness.event(LocalHarness.BACKDOOR, victim), false);
        SnapshotVolumesHandler handler = new SnapshotVolumesHandler(harness.aws.envFor(Map.of(
                "FORENSICS_ACCOUNT_ID", FORENSICS_ACCOUNT,
                "FORENSICS_KMS_KEY_ID", forensicsKey)));

        first = handler.handle(LocalHarness.input(incident));
        second = handler.handle(LocalHarness.input(incident));
    }

    private List<Snapshot> copies() {
        return harness.aws.ec2.describeSnapshots(request -> request.ownerIds("self")
                .filters(filter -> filter.name("tag:ir:copy-for-incident")
                        .values(incident.incidentId()))).snapshots();
    }

    @Test
    void snapshotOfTheEncryptedVolumeKeepsItsKmsKeyInTheEmulatorAndTheResult() {
        Snapshot evidence = new EmulatorState(harness.aws)
                .snapshotsOfIncident(incident.incidentId()).stream()
                .filter(snapshot -> encryptedVolume.equals(snapshot.volumeId()))
                .findFirst().orElseThrow();

        assertThat(evidence.encrypted()).isTrue();
        assertThat(evidence.kmsKeyId()).isEqualTo(volumeKey);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> recorded =
                (List<Map<String, Object>>) first.details().get("snapshots");
        assertThat(recorded).anySatisfy(entry -> assertThat(entry)
                .containsEntry("volumeId", encryptedVolume)
                .containsEntry("encrypted", true)
                .containsEntry("kmsKeyId", volumeKey));
    }

    @Test
    void eachEvidenceSnapshotIsCopiedOnceWithTheForensicsKey() {
        assertThat(copies()).hasSize(3).allSatisfy(copy -> {
            assertThat(copy.encrypted()).isTrue();
            assertThat(copy.kmsKeyId()).isEqualTo(forensicsKey);
        });
        assertThat(second.outcome()).isEqualTo(Outcome.ALREADY_DONE);
    }

    @Test
    void eachCopyIsSharedWithTheForensicsAccount() {
        assertThat(copies()).hasSize(3).allSatisfy(copy -> assertThat(harness.aws.ec2
                .describeSnapshotAttribute(request -> request.snapshotId(copy.snapshotId())
                        .attribute("createVolumePermission"))
                .createVolumePermissions()).extracting(CreateVolumePermission::userId)
                .containsExactly(FORENSICS_ACCOUNT));
    }

    @Test
    void theEvidenceSnapshotsStayInPlace() {
        assertThat(new EmulatorState(harness.aws).snapshotsOfIncident(incident.incidentId()))
                .hasSize(3);
    }

    /**
     * EC2 copies only completed snapshots; the emulator completes them at once, so an SDK
     * interceptor rewrites DescribeSnapshots to report them pending on the first run.
     */
    @Test
    void pendingSnapshotsAreNotCopiedYetAndARunAfterTheyCompleteCopiesThem() {
        Victim other = harness.newVictim();
        Incident otherIncident = LocalHarness.triage(
                harness.event(LocalHarness.BACKDOOR, other), false);
        Env env = harness.aws.envFor(Map.of("FORENSICS_ACCOUNT_ID", FORENSICS_ACCOUNT,
                "FORENSICS_KMS_KEY_ID", forensicsKey));
        ExecutionInterceptor stillPending = new ExecutionInterceptor() {
            @Override
            public SdkResponse modifyResponse(Context.ModifyResponse context,
                    ExecutionAttributes attributes) {
                if (context.response() instanceof DescribeSnapshotsResponse response) {
                    return response.toBuilder().snapshots(response.snapshots().stream()
                            .map(snapshot -> snapshot.toBuilder()
                                    .state(SnapshotState.PENDING).build())
                            .toList()).build();
                }
                return context.response();
            }
        };
        Ec2Client pendingEc2 = AwsClients.configure(Ec2Client.builder(), env,
                List.of(stillPending)).build();

        ActionResult early = new SnapshotVolumesHandler(pendingEc2, env, Clock.systemUTC())
                .handle(LocalHarness.input(otherIncident));
        int copiesAfterEarly = copiesOf(otherIncident).size();
        ActionResult later = new SnapshotVolumesHandler(env)
                .handle(LocalHarness.input(otherIncident));

        assertThat(early.outcome()).isEqualTo(Outcome.DONE);
        assertThat(early.details().get("forensicsPending")).asList().hasSize(2);
        assertThat(copiesAfterEarly).isZero();
        assertThat(later.outcome()).isEqualTo(Outcome.DONE);
        assertThat(copiesOf(otherIncident)).hasSize(2);
    }

    private List<Snapshot> copiesOf(Incident of) {
        return harness.aws.ec2.describeSnapshots(request -> request.ownerIds("self")
                .filters(filter -> filter.name("tag:ir:copy-for-incident")
                        .values(of.incidentId()))).snapshots();
    }
}
