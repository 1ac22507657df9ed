package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.cloudir.aws.AwsErrors;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.ProtectedResourceException;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.posture.BlockBucketPublicAccessHandler;
import org.cloudir.posture.RestoreBucketPublicAccessHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.Owner;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Type;

/**
 * Blocks public access to a real bucket in the emulator, named by the sample PutBucketPolicy
 * call and GuardDuty bucket finding through triage, and undoes it to the recorded settings.
 */
class BucketPublicAccessEmulatorTest {
    private static final String PUT_POLICY = "cloudtrail-put-bucket-policy.json";
    private static final String FINDING = "guardduty-s3-bucket-public-access-granted.json";
    private static final String SAMPLE_BUCKET = "drill-reports-example";
    private static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";

    private static LocalAws aws;
    private static Env env;
    private static SampleEvents samples;

    @BeforeAll
    static void connect() {
        aws = TestSupport.emulator();
        env = aws.envFor(Map.of());
        samples = new SampleEvents(TestSupport.repositoryRoot());
    }

    @Test
    void blocksAllFourFlagsOfAPublicBucketAndRecordsThatItHadNoConfiguration() {
        String bucket = publicBucket();

        ActionResult result = block(incident(PUT_POLICY, bucket, false));

        assertThat(result.outcome()).isEqualTo(Outcome.DONE);
        assertThat(flags(bucket)).contains(PublicAccessBlockConfiguration.builder()
                .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true)
                .restrictPublicBuckets(true).build());
        assertThat(tags(bucket)).containsEntry("ir:public-access-before", "absent");
        assertThat(result.details()).containsEntry("policyStatus", "PUBLIC")
                .containsEntry("previousPublicAccessBlock", Map.of("present", false));
        assertThat(Json.write(result.details().get("publicAclGrants"))).contains("AllUsers:READ");
    }

    @Test
    void undoDeletesTheConfigurationTheBucketDidNotHaveAndRemovesTheRecordTags() {
        String bucket = publicBucket();
        Incident incident = incident(PUT_POLICY, bucket, false);
        ActionResult blocked = block(incident);

        ActionResult restored = restore(incident, blocked);
        ActionResult again = restore(incident, blocked);

        assertThat(flags(bucket)).isEmpty();
        assertThat(tags(bucket)).containsOnlyKeys("owner");
        assertThat(restored.outcome()).isEqualTo(Outcome.DONE);
        assertThat(again.outcome()).isEqualTo(Outcome.ALREADY_DONE);
    }

    @Test
    void aRepeatDoesNothingTwiceAndStillReportsTheOwnersSettings() {
        String bucket = publicBucket();
        aws.s3.putPublicAccessBlock(request -> request.bucket(bucket)
                .publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                        .ignorePublicAcls(false).blockPublicPolicy(false)
                        .restrictPublicBuckets(false)));
        Incident incident = incident(PUT_POLICY, bucket, false);
        block(incident);

        ActionResult repeat = block(incident);
        restore(incident, repeat);

        assertThat(repeat.outcome()).isEqualTo(Outcome.ALREADY_DONE);
        assertThat(repeat.details()).containsEntry("previousPublicAccessBlock", Map.of(
                "present", true, "blockPublicAcls", true, "ignorePublicAcls", false,
                "blockPublicPolicy", false, "restrictPublicBuckets", false));
        assertThat(flags(bucket)).contains(PublicAccessBlockConfiguration.builder()
                .blockPublicAcls(true).ignorePublicAcls(false).blockPublicPolicy(false)
                .restrictPublicBuckets(false).build());
    }

    @Test
    void theGuardDutyBucketFindingNamesTheBucketToBlock() {
        String bucket = publicBucket();

        ActionResult result = block(incident(FINDING, bucket, false));

        assertThat(result.outcome()).isEqualTo(Outcome.DONE);
        assertThat(flags(bucket)).isPresent();
    }

    @Test
    void dryRunReportsThePlanAndChangesNothing() {
        String bucket = publicBucket();

        ActionResult result = block(incident(PUT_POLICY, bucket, true));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(result.summary()).contains("would turn on");
        assertThat(flags(bucket)).isEmpty();
        assertThat(tags(bucket)).containsOnlyKeys("owner");
    }

    @Test
    void refusesAProtectedBucketAndLeavesItAsItWas() {
        String bucket = publicBucket();
        aws.s3.putBucketTagging(request -> request.bucket(bucket).tagging(tagging -> tagging
                .tagSet(Tag.builder().key("ir:protected").value("true").build())));

        assertThatThrownBy(() -> block(incident(PUT_POLICY, bucket, false)))
                .isInstanceOf(ProtectedResourceException.class)
                .hasMessageContaining(bucket);
        assertThat(flags(bucket)).isEmpty();
    }

    private static ActionResult block(Incident incident) {
        return new BlockBucketPublicAccessHandler(env).handle(LocalHarness.input(incident));
    }

    private static ActionResult restore(Incident incident, ActionResult blocked) {
        ObjectNode input = LocalHarness.input(incident);
        input.set("undo", Json.mapper().valueToTree(blocked));
        return new RestoreBucketPublicAccessHandler(env).handle(input);
    }

    private static Incident incident(String sample, String bucket, boolean dryRun) {
        ObjectNode event = samples.load(sample, Map.of(SAMPLE_BUCKET, bucket));
        return LocalHarness.triage(event, dryRun);
    }

    /** Creates a bucket readable by everyone through its policy and its ACL. */
    private static String publicBucket() {
        String bucket = "it-public-" + LocalHarness.shortRandom();
        aws.s3.createBucket(request -> request.bucket(bucket));
        aws.s3.putBucketTagging(request -> request.bucket(bucket).tagging(tagging -> tagging
                .tagSet(Tag.builder().key("owner").value("reports-team").build())));
        Owner owner = aws.s3.getBucketAcl(request -> request.bucket(bucket)).owner();
        aws.s3.putBucketAcl(request -> request.bucket(bucket).accessControlPolicy(acl -> acl
                .owner(owner)
                .grants(Grant.builder().permission(Permission.FULL_CONTROL).grantee(grantee ->
                                grantee.type(Type.CANONICAL_USER).id(owner.id())).build(),
                        Grant.builder().permission(Permission.READ).grantee(grantee -> grantee
                                .type(Type.GROUP).uri(ALL_USERS)).build())));
        aws.s3.putBucketPolicy(request -> request.bucket(bucket).policy("{\"Version\":"
                + "\"2012-10-17\",\"Statement\":[{\"Sid\":\"PublicRead\",\"Effect\":\"Allow\","
                + "\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":"
                + "\"arn:aws:s3:::" + bucket + "/*\"}]}"));
        return bucket;
    }

    private static Optional<PublicAccessBlockConfiguration> flags(String bucket) {
        try {
            return Optional.of(aws.s3.getPublicAccessBlock(request -> request.bucket(bucket))
                    .publicAccessBlockConfiguration());
        } catch (SdkException e) {
            if ("NoSuchPublicAccessBlockConfiguration".equals(AwsErrors.code(e))) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Map<String, String> tags(String bucket) {
        return aws.s3.getBucketTagging(request -> request.bucket(bucket)).tagSet().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value));
    }
}
