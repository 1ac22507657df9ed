package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.cloudir.aws.AwsClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;

/**
 * Runs the containment machine by hand on the posture samples of {@code events/} (a public
 * bucket policy, SSH opened to everyone, a stopped trail), each pointed at a resource the test
 * created in the emulator. Their catalogue entries are gated: the test approves the gate and
 * reads the fix back with its own clients. The bucket incident then goes through eradication
 * and recovery too, which have no posture step ("Other" resources).
 */
class PostureContainmentTest {
    private static final String PUT_POLICY = "cloudtrail-put-bucket-policy.json";
    private static final String OPEN_SSH = "cloudtrail-authorize-ssh-from-internet.json";
    private static final String STOP_LOGGING = "cloudtrail-stop-logging.json";
    static final List<String> AT_GATE = List.of("Begin containment", "Collect evidence",
            "Containment approval needed?", "Ask approval to contain");
    private static PhaseRuns phases;

    @BeforeAll
    static void deploy() {
        phases = PhaseRuns.get();
    }

    static ObjectNode input(String sample, Map<String, String> placeholders) {
        return ManualRuns.inputFromFinding(phases.harness.samples.load(sample, placeholders),
                false, Clock.systemUTC());
    }

    static List<String> containedThrough(String task) {
        return List.of("Begin containment", "Collect evidence", "Containment approval needed?",
                "Ask approval to contain", "Adopt playbook", "Route by resource type", task,
                "Record containment", "Write report", "Route by outcome", "Contained");
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class PublicBucket {
        private String bucket;
        private String incidentId;
        private ManualRuns.Progress waiting;
        private ManualRuns.Progress contained;
        private ManualRuns.Progress eradicated;
        private ManualRuns.Progress recovered;

        @BeforeAll
        void containEradicateAndRecover() {
            bucket = "it-posture-" + LocalHarness.shortRandom();
            phases.harness.aws.s3.createBucket(request -> request.bucket(bucket));
            phases.harness.aws.s3.putBucketPolicy(request -> request.bucket(bucket).policy(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"PublicRead\","
                    + "\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                    + "\"Resource\":\"arn:aws:s3:::" + bucket + "/*\"}]}"));
            ObjectNode input = input(PUT_POLICY, Map.of("drill-reports-example", bucket));
            incidentId = PhaseRuns.incidentId(input);

            waiting = phases.start("containment", input);
            contained = phases.approve(waiting, "containment");
            eradicated = phases.start("eradication", input);
            recovered = phases.approve(phases.start("recovery", input), "recovery");
        }

        @Test
        void gatedEntryWaitsThenBlocksPublicAccess() {
            assertThat(waiting.states()).containsExactlyElementsOf(AT_GATE);
            PhaseRuns.assertFinished(contained, "SUCCEEDED");
            assertThat(contained.states()).containsExactlyElementsOf(
                    containedThrough("Block bucket public access"));
            PhaseRuns.assertBranch(contained.states(), "Route by resource type",
                    "Block bucket public access");
            PhaseRuns.assertBranch(contained.states(), "Route by outcome", "Contained");
        }

        @Test
        void bucketBlocksEveryKindOfPublicAccess() {
            assertThat(phases.harness.aws.s3.getPublicAccessBlock(request -> request
                    .bucket(bucket)).publicAccessBlockConfiguration())
                    .isEqualTo(PublicAccessBlockConfiguration.builder().blockPublicAcls(true)
                            .ignorePublicAcls(true).blockPublicPolicy(true)
                            .restrictPublicBuckets(true).build());
            assertThat(phases.actionOutcomes(incidentId))
                    .containsEntry("block-s3-public-access", "DONE");
        }

        @Test
        void eradicationHasNothingToDoForAnotherResource() {
            PhaseRuns.assertFinished(eradicated, "SUCCEEDED");
            assertThat(eradicated.states()).containsExactly("Begin eradication",
                    "Read incident record", "Prepare by resource type", "Record eradication",
                    "Route by outcome", "Eradicated");
            PhaseRuns.assertBranch(eradicated.states(), "Prepare by resource type",
                    "Record eradication");
        }

        @Test
        void approvedRecoveryHasNothingToUndoAndTheBucketStaysBlocked() {
            PhaseRuns.assertFinished(recovered, "SUCCEEDED");
            assertThat(recovered.states()).containsExactly("Begin recovery",
                    "Read incident record", "Recovery approval needed?",
                    "Ask approval to recover", "Recover by resource type", "Record recovery",
                    "Route by outcome", "Recovered");
            PhaseRuns.assertBranch(recovered.states(), "Recover by resource type",
                    "Record recovery");
            assertThat(phases.harness.aws.s3.getPublicAccessBlock(request -> request
                    .bucket(bucket)).publicAccessBlockConfiguration().blockPublicPolicy())
                    .isTrue();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class SshOpenToEveryone {
        private String groupId;
        private String incidentId;
        private ManualRuns.Progress contained;

        @BeforeAll
        void openThenContain() {
            groupId = phases.harness.aws.ec2.createSecurityGroup(request -> request
                    .groupName("it-posture-" + LocalHarness.shortRandom())
                    .description("SSH opened to everyone")).groupId();
            phases.harness.aws.ec2.authorizeSecurityGroupIngress(request -> request
                    .groupId(groupId).ipPermissions(
                            IpPermission.builder().ipProtocol("tcp").fromPort(22).toPort(22)
                                    .ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build())
                                    .ipv6Ranges(Ipv6Range.builder().cidrIpv6("::/0").build())
                                    .build(),
                            IpPermission.builder().ipProtocol("tcp").fromPort(22).toPort(22)
                                    .ipRanges(IpRange.builder().cidrIp("203.0.113.0/24")
                                            .build()).build()));
            String ruleId = rules().stream()
                    .filter(rule -> "0.0.0.0/0".equals(rule.cidrIpv4()))
                    .map(SecurityGroupRule::securityGroupRuleId).findFirst().orElseThrow();
            ObjectNode input = input(OPEN_SSH, Map.of("sg-0123456789abcdef0", groupId,
                    "sgr-0a1b2c3d4e5f67890", ruleId));
            incidentId = PhaseRuns.incidentId(input);

            contained = phases.approve(phases.start("containment", input), "containment");
        }

        @Test
        void approvedGateRevokesTheOpenIngress() {
            PhaseRuns.assertFinished(contained, "SUCCEEDED");
            assertThat(contained.states()).containsExactlyElementsOf(
                    containedThrough("Revoke open ingress"));
            PhaseRuns.assertBranch(contained.states(), "Route by resource type",
                    "Revoke open ingress");
        }

        @Test
        void onlyTheOfficeRangeIsLeft() {
            assertThat(rules()).extracting(rule -> rule.ipProtocol() + " " + rule.fromPort()
                    + " " + (rule.cidrIpv4() != null ? rule.cidrIpv4() : rule.cidrIpv6()))
                    .containsExactly("tcp 22 203.0.113.0/24");
            assertThat(phases.actionOutcomes(incidentId))
                    .containsEntry("revoke-open-ingress", "DONE");
        }

        private List<SecurityGroupRule> rules() {
            return phases.harness.aws.ec2.describeSecurityGroupRules(request -> request
                            .filters(Filter.builder().name("group-id").values(groupId).build()))
                    .securityGroupRules().stream()
                    .filter(rule -> !rule.isEgress())
                    .toList();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class StoppedTrail {
        private CloudTrailClient cloudTrail;
        private String trail;
        private String incidentId;
        private ManualRuns.Progress contained;

        @BeforeAll
        void stopThenContain() {
            cloudTrail = AwsClients.configure(CloudTrailClient.builder(),
                    phases.harness.aws.envFor(Map.of())).build();
            trail = "it-posture-" + LocalHarness.shortRandom();
            phases.harness.aws.s3.createBucket(request -> request.bucket(trail));
            cloudTrail.createTrail(request -> request.name(trail).s3BucketName(trail));
            cloudTrail.startLogging(request -> request.name(trail));
            cloudTrail.stopLogging(request -> request.name(trail));
            ObjectNode input = input(STOP_LOGGING, Map.of("drill-trail", trail));
            incidentId = PhaseRuns.incidentId(input);

            contained = phases.approve(phases.start("containment", input), "containment");
        }

        @AfterAll
        void close() {
            if (cloudTrail != null) {
                cloudTrail.close();
            }
        }

        @Test
        void approvedGateRestoresLogging() {
            PhaseRuns.assertFinished(contained, "SUCCEEDED");
            assertThat(contained.states()).containsExactlyElementsOf(
                    containedThrough("Restore logging"));
            PhaseRuns.assertBranch(contained.states(), "Route by resource type",
                    "Restore logging");
        }

        @Test
        void trailIsLoggingAgain() {
            assertThat(cloudTrail.getTrailStatus(request -> request.name(trail)).isLogging())
                    .isTrue();
            assertThat(phases.actionOutcomes(incidentId)).containsEntry("restore-logging",
                    "DONE");
        }
    }
}
