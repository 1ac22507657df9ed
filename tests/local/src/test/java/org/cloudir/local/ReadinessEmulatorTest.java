package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.readiness.CheckStatus;
import org.cloudir.core.readiness.ReadinessCheck;
import org.cloudir.core.readiness.ReadinessReport;
import org.cloudir.prepare.ReadinessCheckHandler;
import org.cloudir.prepare.ReadinessClients;
import org.cloudir.prepare.internal.GuardDutyDetectors;
import org.cloudir.prepare.internal.UnavailablePermissionSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Runs the readiness probe against a deployment-like account on the emulator and shows each
 * check flip between MISSING and OK as the test creates, stops or removes what it looks at.
 * The account is a fresh one of its own (the emulator keeps accounts apart by access key), so
 * VPCs, trails and detectors of other tests cannot make a check pass or fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadinessEmulatorTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-05T10:00:00Z"),
            ZoneOffset.UTC);
    private static final String ROLE = ":role/ir-isolate-instance";

    private LocalAws aws;
    private String account;
    private Env env;
    private StaticCredentialsProvider credentials;
    private SdkHttpClient http;
    private DynamoDbClient dynamoDb;
    private S3Client s3;
    private SnsClient sns;
    private Ec2Client ec2;
    private CloudTrailClient cloudTrail;
    private String table;
    private String bucket;
    private String topicArn;
    private String trailName;
    private String detectorId;

    @BeforeAll
    void openAFreshAccount() {
        aws = TestSupport.emulator();
        account = Long.toString(ThreadLocalRandom.current().nextLong(100_000_000_000L,
                999_999_999_999L));
        env = aws.envFor(Map.of());
        credentials = StaticCredentialsProvider.create(accessKeyInFreshAccount());
        http = UrlConnectionHttpClient.create();
        dynamoDb = AwsClients.configure(DynamoDbClient.builder(), env)
                .credentialsProvider(credentials).build();
        s3 = AwsClients.configure(S3Client.builder(), env).forcePathStyle(true)
                .credentialsProvider(credentials).build();
        sns = AwsClients.configure(SnsClient.builder(), env).credentialsProvider(credentials)
                .build();
        ec2 = AwsClients.configure(Ec2Client.builder(), env).credentialsProvider(credentials)
                .build();
        cloudTrail = AwsClients.configure(CloudTrailClient.builder(), env)
                .credentialsProvider(credentials).build();
        String suffix = LocalHarness.shortRandom();
        table = "ir-incidents-" + suffix;
        bucket = "ir-evidence-" + suffix;
        trailName = "ir-trail-" + suffix;
    }

    @AfterAll
    void close() {
        if (aws != null) {
            aws.close();
        }
    }

    /**
     * Creates an access key in an account of its own; the emulator files every later request
     * signed with that key under the same account.
     */
    private AwsBasicCredentials accessKeyInFreshAccount() {
        ExecutionInterceptor inAccount = new ExecutionInterceptor() {
            @Override
            public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context,
                    ExecutionAttributes attributes) {
                return context.httpRequest().toBuilder().putHeader("x-moto-account-id", account)
                        .build();
            }
        };
        try (IamClient iam = AwsClients.configure(IamClient.builder(), env, List.of(inAccount))
                .region(Region.AWS_GLOBAL).build()) {
            iam.createUser(request -> request.userName("readiness-probe"));
            AccessKey key = iam.createAccessKey(request -> request.userName("readiness-probe"))
                    .accessKey();
            return AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
        }
    }

    private ReadinessReport probe(Map<String, String> overrides) {
        return probe(overrides, Json.mapper().createObjectNode());
    }

    private ReadinessReport probe(Map<String, String> overrides,
            JsonNode request) {
        Map<String, String> variables = new HashMap<>(Map.of(
                "INCIDENT_TABLE", table,
                "EVIDENCE_BUCKET", bucket,
                "NOTIFICATION_TOPIC_ARN", topicArn == null
                        ? "arn:aws:sns:us-east-1:" + account + ":ir-notifications" : topicArn,
                "ISOLATE_INSTANCE_ROLE_ARN", "arn:aws:iam::" + account + ROLE));
        variables.putAll(overrides);
        Env probeEnv = aws.envFor(variables);
        ReadinessClients clients = new ReadinessClients(dynamoDb, s3, sns, ec2, cloudTrail,
                new GuardDutyDetectors(http, credentials, URI.create(aws.endpoint()),
                        LocalAws.REGION),
                new UnavailablePermissionSimulator("iam:SimulatePrincipalPolicy is not"
                        + " implemented by the local emulator; run the probe in AWS"));
        return new ReadinessCheckHandler(clients, probeEnv, CLOCK).handle(request);
    }

    private static ReadinessCheck check(ReadinessReport report, String name) {
        return report.checks().stream().filter(check -> check.name().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no check " + name + " in "
                        + report.checks()));
    }

    private List<String> vpcIds() {
        return ec2.describeVpcs().vpcs().stream().map(Vpc::vpcId).toList();
    }

    @Test
    @Order(1)
    void emptyAccountIsNotReadyAndNamesEveryMissingPiece() {
        List<String> vpcs = vpcIds();

        ReadinessReport report = probe(Map.of());

        assertThat(report.ready()).isFalse();
        assertThat(report.missing()).contains("guardduty-detector",
                "cloudtrail-multi-region-trail", "incident-table", "evidence-bucket",
                "notification-topic");
        assertThat(vpcs).isNotEmpty().allSatisfy(vpc -> assertThat(report.missing())
                .contains("isolation-groups:" + vpc));
        assertThat(check(report, "incident-table").detail()).contains(table, "does not exist");
        assertThat(check(report, "permissions:isolate-instance").status())
                .isEqualTo(CheckStatus.UNKNOWN);
        assertThat(check(report, "permissions:isolate-instance").detail())
                .contains("not implemented by the local emulator");
        assertThat(check(report, "permissions:snapshot-volumes").detail())
                .contains("SNAPSHOT_VOLUMES_ROLE_ARN is not set");
    }

    @Test
    @Order(2)
    void deployedAccountIsReady() {
        deploy();

        ReadinessReport report = probe(Map.of());

        assertThat(report.missing()).isEmpty();
        assertThat(report.ready()).isTrue();
        assertThat(report.checks()).filteredOn(check -> !check.name().startsWith("permissions:"))
                .allSatisfy(check -> assertThat(check.status()).isEqualTo(CheckStatus.OK));
        assertThat(check(report, "guardduty-detector").detail()).contains(detectorId);
        assertThat(check(report, "cloudtrail-multi-region-trail").detail())
                .contains(trailName, "is logging");
        assertThat(check(report, "evidence-bucket").detail())
                .contains("object lock enabled", "GOVERNANCE 1 days");
    }

    @Test
    @Order(3)
    void trailThatStoppedLoggingIsMissingUntilItLogsAgain() {
        cloudTrail.stopLogging(request -> request.name(trailName));
        boolean logging = cloudTrail.getTrailStatus(request -> request.name(trailName))
                .isLogging();

        ReadinessReport stopped = probe(Map.of());
        cloudTrail.startLogging(request -> request.name(trailName));
        ReadinessReport restarted = probe(Map.of());

        assertThat(logging).isFalse();
        assertThat(stopped.ready()).isFalse();
        assertThat(stopped.missing()).containsExactly("cloudtrail-multi-region-trail");
        assertThat(check(stopped, "cloudtrail-multi-region-trail").detail())
                .contains(trailName + " is multi-region but not logging");
        assertThat(restarted.ready()).isTrue();
    }

    @Test
    @Order(4)
    void switchedOffDetectorIsMissing() {
        guardDuty(SdkHttpMethod.POST, "/detector/" + detectorId, "{\"enable\": false}");
        String status = Json.parse(guardDuty(SdkHttpMethod.GET, "/detector/" + detectorId,
                null), "detector").path("status").asText();

        ReadinessReport off = probe(Map.of());
        guardDuty(SdkHttpMethod.POST, "/detector/" + detectorId, "{\"enable\": true}");
        ReadinessReport on = probe(Map.of());

        assertThat(status).isEqualTo("DISABLED");
        assertThat(off.missing()).containsExactly("guardduty-detector");
        assertThat(check(off, "guardduty-detector").detail()).contains("switched off");
        assertThat(on.ready()).isTrue();
    }

    @Test
    @Order(5)
    void bucketWithoutObjectLockIsMissing() {
        String plain = bucket + "-plain";
        s3.createBucket(request -> request.bucket(plain));
        s3.putBucketVersioning(request -> request.bucket(plain)
                .versioningConfiguration(config -> config.status("Enabled")));

        ReadinessReport report = probe(Map.of("EVIDENCE_BUCKET", plain));

        assertThat(report.missing()).containsExactly("evidence-bucket");
        assertThat(check(report, "evidence-bucket").detail())
                .contains("versioning enabled", "object lock is not enabled");
    }

    @Test
    @Order(6)
    void newVpcIsMissingItsIsolationGroupsUntilTheyExist() {
        String vpcId = ec2.createVpc(request -> request.cidrBlock("10.40.0.0/16")).vpc().vpcId();

        ReadinessReport before = probe(Map.of());
        isolationGroups(vpcId);
        ReadinessReport after = probe(Map.of());

        assertThat(before.missing()).containsExactly("isolation-groups:" + vpcId);
        assertThat(check(before, "isolation-groups:" + vpcId).detail())
                .contains("ir-untracking-" + vpcId, "ir-isolation-" + vpcId);
        assertThat(check(after, "isolation-groups:" + vpcId).status())
                .isEqualTo(CheckStatus.OK);
        assertThat(after.ready()).isTrue();
    }

    @Test
    @Order(7)
    void otherRegionsAreNamedAsUncheckedAndDoNotCountAgainstReadiness() {
        ReadinessReport report = probe(Map.of(), Json.parse(
                "{\"regions\": [\"us-east-1\", \"eu-west-1\"]}", "request"));

        assertThat(check(report, "region:eu-west-1").status()).isEqualTo(CheckStatus.UNKNOWN);
        assertThat(report.checks()).noneMatch(check -> check.name().equals("region:us-east-1"));
        assertThat(report.ready()).isTrue();
    }

    @Test
    @Order(8)
    void badRegionListFailsNamingTheField() {
        assertThatThrownBy(() -> probe(Map.of(), Json.parse("{\"regions\": \"everywhere\"}",
                "request")))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'regions'");
    }

    @Test
    @Order(9)
    void deletedTopicAndTableAreMissing() {
        sns.deleteTopic(request -> request.topicArn(topicArn));
        dynamoDb.deleteTable(request -> request.tableName(table));

        ReadinessReport report = probe(Map.of());

        assertThat(report.missing()).containsExactlyInAnyOrder("notification-topic",
                "incident-table");
        assertThat(sns.listTopics().topics()).noneMatch(topic -> topic.topicArn()
                .equals(topicArn));
    }

    @Test
    @Order(10)
    void handlerBuiltFromTheEnvironmentReachesTheEmulatorsGuardDutyAndSaysWhatItCannotCheck() {
        ReadinessReport report = new ReadinessCheckHandler(aws.envFor(Map.of(
                "DISABLE_ACCESS_KEY_ROLE_ARN", "arn:aws:iam::" + LocalAws.ACCOUNT_ID
                        + ":role/ir-disable-access-key")))
                .handle(Json.mapper().createObjectNode());

        assertThat(check(report, "guardduty-detector").status())
                .isNotEqualTo(CheckStatus.UNKNOWN);
        assertThat(check(report, "permissions:disable-access-key").detail())
                .contains("iam:SimulatePrincipalPolicy is not implemented by the local emulator");
        assertThat(check(report, "incident-table").detail())
                .contains("INCIDENT_TABLE is not set");
    }

    /** Creates what a deployment and an enabled account hold. */
    private void deploy() {
        dynamoDb.createTable(request -> request.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        definition -> definition.attributeName("incidentId")
                                .attributeType(ScalarAttributeType.S),
                        definition -> definition.attributeName("entry")
                                .attributeType(ScalarAttributeType.S))
                .keySchema(key -> key.attributeName("incidentId").keyType(KeyType.HASH),
                        key -> key.attributeName("entry").keyType(KeyType.RANGE)));
        s3.createBucket(request -> request.bucket(bucket).objectLockEnabledForBucket(true));
        s3.putObjectLockConfiguration(request -> request.bucket(bucket)
                .objectLockConfiguration(config -> config.objectLockEnabled("Enabled")
                        .rule(rule -> rule.defaultRetention(retention -> retention
                                .mode(ObjectLockRetentionMode.GOVERNANCE).days(1)))));
        topicArn = sns.createTopic(request -> request.name("ir-notifications")).topicArn();
        cloudTrail.createTrail(request -> request.name(trailName).s3BucketName(bucket)
                .isMultiRegionTrail(true).includeGlobalServiceEvents(true));
        cloudTrail.startLogging(request -> request.name(trailName));
        detectorId = Json.parse(guardDuty(SdkHttpMethod.POST, "/detector",
                "{\"enable\": true}"), "detector").path("detectorId").asText();
        vpcIds().forEach(this::isolationGroups);
    }

    private void isolationGroups(String vpcId) {
        for (String prefix : List.of("ir-isolation-", "ir-untracking-")) {
            ec2.createSecurityGroup(request -> request.groupName(prefix + vpcId)
                    .description("responder group").vpcId(vpcId));
        }
    }

    /** Sends one signed GuardDuty REST call; the SDK's GuardDuty module is not in this build. */
    private String guardDuty(SdkHttpMethod method, String path, String body) {
        URI endpoint = URI.create(aws.endpoint());
        SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(method)
                .protocol(endpoint.getScheme()).host(endpoint.getHost()).port(endpoint.getPort())
                .encodedPath(path).putHeader("Content-Type", "application/json").build();
        ContentStreamProvider payload = body == null ? null
                : ContentStreamProvider.fromUtf8String(body);
        SignedRequest signed = AwsV4HttpSigner.create().sign(sign -> sign
                .identity(credentials.resolveCredentials()).request(request).payload(payload)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "guardduty")
                .putProperty(AwsV4HttpSigner.REGION_NAME, LocalAws.REGION));
        try {
            var response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request()).contentStreamProvider(payload).build()).call();
            String text = new String(response.responseBody().orElseThrow().readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(response.httpResponse().statusCode()).as(text).isLessThan(300);
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
