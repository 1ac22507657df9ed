package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cloudir.core.Hashes;
import org.cloudir.core.Json;
import org.cloudir.core.MalformedEventException;
import org.cloudir.core.evidence.ActivityLookup;
import org.cloudir.core.evidence.ActivityTrail;
import org.cloudir.core.model.Incident;
import org.cloudir.identify.EnrichIncidentHandler;
import org.cloudir.identify.model.AccessKeyFacts;
import org.cloudir.identify.model.Enrichment;
import org.cloudir.identify.model.InstanceFacts;
import org.cloudir.identify.model.RelatedFinding;
import org.cloudir.record.RecordIncidentHandler;
import org.cloudir.triage.TriageHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.iam.model.Role;

/**
 * Enriches incidents on the emulator: a real instance with tags and an instance profile, a real
 * IAM user with an administrator policy and a key, and incident table entries written by the
 * real triage and recording handlers. What the enrichment says is compared with what the test
 * itself created and re-reads from the emulator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnrichIncidentEmulatorTest {
    private static final String BACKDOOR = "guardduty-ec2-backdoor.json";
    private static final String MINING = "guardduty-ec2-crypto-mining.json";
    private static final String PLACEHOLDER = "i-0123456789abcdef0";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-05T10:00:00Z"),
            ZoneOffset.UTC);
    private static final String ADMIN_DOCUMENT = "{\"Version\": \"2012-10-17\", \"Statement\":"
            + " [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}";
    private static final String READ_ONLY_DOCUMENT = "{\"Version\": \"2012-10-17\","
            + " \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\","
            + " \"Resource\": \"arn:aws:s3:::reports/*\"}]}";

    private LocalAws aws;
    private String table;
    private String probe;
    private Victim victim;
    private String roleName;

    @BeforeAll
    void seed() {
        aws = TestSupport.emulator();
        Stack stack = LocalDeployment.deploy(aws, Template.load(TestSupport.repositoryRoot()),
                LocalHarness.PARAMETERS);
        table = stack.tableName("IncidentTable");
        probe = TestSupport.probeMachine(aws);
        String id = LocalHarness.shortRandom();
        victim = new VictimSeeder(aws, "enrich-" + id).ensure("enrich-user-" + id);
        roleName = "enrich-role-" + id;
        aws.iam.createRole(request -> request.roleName(roleName)
                .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{"
                        + "\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                        + "\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"));
        aws.iam.createInstanceProfile(request -> request.instanceProfileName(roleName));
        aws.iam.addRoleToInstanceProfile(request -> request.instanceProfileName(roleName)
                .roleName(roleName));
        aws.ec2.associateIamInstanceProfile(request -> request.instanceId(victim.instanceId())
                .iamInstanceProfile(profile -> profile.name(roleName)));
        aws.ec2.createTags(request -> request.resources(victim.instanceId())
                .tags(Tag.builder().key("Owner").value("payments-team").build(),
                        Tag.builder().key("Environment").value("production").build()));
    }

    @AfterAll
    void close() {
        if (aws != null) {
            aws.close();
        }
    }

    private EnrichIncidentHandler handler(Map<String, String> variables) {
        Map<String, String> all = new HashMap<>(variables);
        all.put("INCIDENT_TABLE", table);
        return new EnrichIncidentHandler(aws.envFor(all));
    }

    private Enrichment enrich(Incident incident) {
        return handler(Map.of()).handle(LocalHarness.input(incident)).enrichment();
    }

    @Test
    void instanceEnrichmentShowsItsTagsOwnerPlacementAndProfile() {
        var described = aws.ec2.describeInstances(request -> request
                .instanceIds(victim.instanceId())).reservations().get(0).instances().get(0);
        String profileArn = aws.iam.getInstanceProfile(request -> request
                .instanceProfileName(roleName)).instanceProfile().arn();

        Enrichment enrichment = enrich(instanceIncident(BACKDOOR, "2026-01-05T09:30:00Z"));

        assertThat(enrichment.resource()).isInstanceOfSatisfying(InstanceFacts.class, facts -> {
            assertThat(facts.tags()).containsEntry("Owner", "payments-team")
                    .containsEntry("Environment", "production")
                    .containsEntry(VictimSeeder.DRILL_TAG, "enrich-" + victim.userName()
                            .substring("enrich-user-".length()));
            assertThat(facts.owner().owner()).isEqualTo("payments-team");
            assertThat(facts.owner().source()).isEqualTo("tag:Owner");
            assertThat(facts.vpcId()).isEqualTo(victim.vpcId());
            assertThat(facts.subnetId()).isEqualTo(victim.subnetId());
            assertThat(facts.state()).isEqualTo(described.state().nameAsString());
            assertThat(facts.launchTime()).isEqualTo(described.launchTime());
            assertThat(facts.instanceProfileArn()).isEqualTo(profileArn);
            assertThat(facts.instanceProfileRole()).isEqualTo(roleName);
            assertThat(facts.protectedResource()).isFalse();
        });
    }

    @Test
    void instanceWithoutAnOwnerTagIsOwnedByItsProfileRole() {
        Victim other = new VictimSeeder(aws, "enrich-noowner-" + LocalHarness.shortRandom())
                .ensure("enrich-noowner-" + LocalHarness.shortRandom());
        aws.ec2.associateIamInstanceProfile(request -> request.instanceId(other.instanceId())
                .iamInstanceProfile(profile -> profile.name(roleName)));
        aws.ec2.createTags(request -> request.resources(other.instanceId())
                .tags(Tag.builder().key("ir:protected").value("true").build()));
        List<Role> roles = aws.iam.getInstanceProfile(request -> request
                .instanceProfileName(roleName)).instanceProfile().roles();

        Enrichment enrichment = enrich(LocalHarness.triage(finding(BACKDOOR,
                other.instanceId(), 1, "2026-01-05T09:30:00Z"), false));

        assertThat(enrichment.resource()).isInstanceOfSatisfying(InstanceFacts.class, facts -> {
            assertThat(facts.owner().owner()).isEqualTo(roles.get(0).roleName());
            assertThat(facts.owner().source()).isEqualTo("instance-profile-role");
            assertThat(facts.protectedResource()).isTrue();
        });
    }

    @Test
    void userWithAnAdministratorPolicyIsOverPermissive() {
        // The emulator does not load AWS managed policies, so AdministratorAccess's own
        // document (allow * on *) is attached as a customer managed policy of that name.
        String policyArn = aws.iam.createPolicy(request -> request
                .policyName("AdministratorAccess-" + LocalHarness.shortRandom())
                .policyDocument(ADMIN_DOCUMENT)).policy().arn();
        aws.iam.attachUserPolicy(request -> request.userName(victim.userName())
                .policyArn(policyArn));
        aws.iam.putUserPolicy(request -> request.userName(victim.userName())
                .policyName("read-reports").policyDocument(READ_ONLY_DOCUMENT));
        aws.iam.tagUser(request -> request.userName(victim.userName())
                .tags(tag -> tag.key("Team").value("data-platform")));
        var key = aws.iam.listAccessKeys(request -> request.userName(victim.userName()))
                .accessKeyMetadata().get(0);

        Enrichment enrichment = enrich(keyIncident());

        assertThat(enrichment.resource()).isInstanceOfSatisfying(AccessKeyFacts.class, facts -> {
            assertThat(facts.overPermissive()).isTrue();
            assertThat(facts.overPermissiveReasons()).singleElement().satisfies(reason ->
                    assertThat(reason).contains(policyArn.substring(policyArn
                            .lastIndexOf('/') + 1), "attached to the user", "allows * on *"));
            assertThat(facts.attachedPolicies()).extracting(AccessKeyFacts.AttachedPolicy::arn)
                    .containsExactly(policyArn);
            assertThat(facts.inlinePolicies()).containsExactly("read-reports");
            assertThat(facts.owner().owner()).isEqualTo("data-platform");
            assertThat(facts.owner().source()).isEqualTo("tag:Team");
            assertThat(facts.keys()).singleElement().satisfies(found -> {
                assertThat(found.accessKeyId()).isEqualTo(key.accessKeyId());
                assertThat(found.status()).isEqualTo(key.statusAsString());
                assertThat(found.createDate()).isEqualTo(key.createDate());
            });
        });
    }

    @Test
    void userWithOnlyANarrowPolicyIsNotOverPermissiveAndHasNoOwner() {
        Victim other = new VictimSeeder(aws, "enrich-narrow-" + LocalHarness.shortRandom())
                .ensure("enrich-narrow-" + LocalHarness.shortRandom());
        aws.iam.putUserPolicy(request -> request.userName(other.userName())
                .policyName("read-reports").policyDocument(READ_ONLY_DOCUMENT));

        Enrichment enrichment = enrich(LocalHarness.triage(new SampleEvents(
                TestSupport.repositoryRoot()).load(LocalHarness.MALICIOUS_IP,
                        other.placeholders()), false));

        assertThat(enrichment.resource()).isInstanceOfSatisfying(AccessKeyFacts.class, facts -> {
            assertThat(facts.overPermissive()).isFalse();
            assertThat(facts.overPermissiveReasons()).isEmpty();
            assertThat(facts.owner().owner()).isEqualTo("unknown");
        });
    }

    @Test
    void findingsRecordedByTriageAndTheRecordingStepAreRelatedToTheJoiningOne() {
        String instance = newInstanceId();
        ObjectNode backdoor = finding(BACKDOOR, instance, 3, "2026-01-05T09:30:00Z");
        ObjectNode mining = finding(MINING, instance, 1, "2026-01-05T09:40:00Z");
        deliver(backdoor, mining);
        Incident first = LocalHarness.triage(backdoor, false);
        new RecordIncidentHandler(aws.envFor(Map.of("INCIDENT_TABLE", table)))
                .handle(LocalHarness.input(first));
        Incident joining = LocalHarness.triage(mining, false);

        Enrichment enrichment = enrich(joining);

        assertThat(joining.incidentId()).isEqualTo(first.incidentId());
        assertThat(enrichment.relatedFindings()).singleElement().satisfies(related -> {
            assertThat(related.id()).isEqualTo(backdoor.at("/detail/id").asText());
            assertThat(related.sameIncident()).isTrue();
            assertThat(related.source()).isEqualTo("guardduty");
            assertThat(related.type()).isEqualTo(backdoor.at("/detail/type").asText());
            assertThat(related.count()).isEqualTo(3);
            assertThat(related.severity()).isEqualTo(backdoor.at("/detail/severity").asDouble());
            assertThat(related.catalogueEntry()).isNotBlank();
            assertThat(related.triageMode()).isEqualTo("automatic");
            assertThat(related.playbook()).isEqualTo("contain-instance");
            assertThat(related.deliveries()).isEqualTo(1);
            assertThat(related.lastSeen()).isEqualTo("2026-01-05T09:30:00Z");
        });
    }

    @Test
    void findingsOfTheResourcesEarlierIncidentAreRelatedToo() {
        String instance = newInstanceId();
        ObjectNode backdoor = finding(BACKDOOR, instance, 1, "2026-01-05T09:30:00Z");
        deliver(backdoor);
        Clock later = Clock.fixed(CLOCK.instant().plusSeconds(25 * 3600), ZoneOffset.UTC);
        ObjectNode again = finding(MINING, instance, 1, "2026-01-06T11:00:00Z");
        // An update of a finding first seen the same day: GuardDuty keeps eventFirstSeen.
        ((ObjectNode) again.path("detail").path("service"))
                .put("eventFirstSeen", "2026-01-05T09:00:00.000Z");
        deliver(new TriageHandler(aws.sfn, aws.dynamoDb, aws.envFor(triageEnv()), later),
                again);
        Incident first = LocalHarness.triage(backdoor, false);
        Incident second = withId(LocalHarness.triage(again, false),
                first.incidentId() + "-2");

        Enrichment enrichment = enrich(second);

        assertThat(enrichment.relatedFindings()).extracting(RelatedFinding::incidentId,
                RelatedFinding::sameIncident, RelatedFinding::id)
                .containsExactly(tuple(first.incidentId(), false,
                        backdoor.at("/detail/id").asText()));
    }

    @Test
    void decisionFollowsThePerPlaybookModeByDefault() {
        ObjectNode input = LocalHarness.input(instanceIncident(BACKDOOR, "2026-01-05T09:30:00Z"));
        input.putObject("triage").put("mode", "automatic");

        var result = handler(Map.of()).handle(input);
        Enrichment enrichment = result.enrichment();

        JsonNode output = Json.parse(Json.write(result), "handler output");
        assertThat(output.at("/enrichment/decision/mode").asText()).isEqualTo("per-playbook");
        assertThat(output.at("/enrichment/decision/responseMode").asText())
                .isEqualTo("automatic");
        assertThat(output.at("/enrichment/resource/owner/owner").asText())
                .isEqualTo("payments-team");
        assertThat(Json.convert(output.at("/enrichment/decision/gates"), Map.class))
                .isEqualTo(Map.of("containment", false, "subnetQuarantine", true,
                        "eradication", true, "recovery", true));
        assertThat(enrichment.decision().gates()).containsEntry("containment", false)
                .containsEntry("eradication", true).containsEntry("recovery", true);
    }

    @Test
    void activitySummaryWithFakeCloudTrailLookup() {
        ActivityLookup fake = query -> new ActivityTrail("fake-cloudtrail", true, "canned",
                List.of(event("ConsoleLogin", "2026-01-05T09:05:00Z", "198.51.100.7"),
                        event("RunInstances", "2026-01-05T09:20:00Z", "198.51.100.7"),
                        event("RunInstances", "2026-01-05T09:25:00Z", "203.0.113.9")));
        EnrichIncidentHandler handler = new EnrichIncidentHandler(aws.ec2, aws.iam,
                aws.dynamoDb, fake, aws.envFor(Map.of("INCIDENT_TABLE", table)), CLOCK);

        Enrichment enrichment = handler.handle(LocalHarness.input(
                instanceIncident(BACKDOOR, "2026-01-05T09:30:00Z"))).enrichment();

        assertThat(enrichment.activity().available()).isTrue();
        assertThat(enrichment.activity().eventCount()).isEqualTo(3);
        assertThat(enrichment.activity().eventsByName()).containsEntry("RunInstances", 2)
                .containsEntry("ConsoleLogin", 1);
        assertThat(enrichment.activity().firstEventTime()).isEqualTo("2026-01-05T09:05:00Z");
        assertThat(enrichment.activity().lastEventTime()).isEqualTo("2026-01-05T09:25:00Z");
        assertThat(enrichment.activity().sourceIps())
                .containsExactly("198.51.100.7", "203.0.113.9");
    }

    @Test
    void localActivityIsReportedUnavailableWithTheReason() {
        Enrichment enrichment = enrich(instanceIncident(BACKDOOR, "2026-01-05T09:30:00Z"));

        assertThat(enrichment.activity().available()).isFalse();
        assertThat(enrichment.activity().note()).contains("not available in the local emulator");
        assertThat(enrichment.activity().from()).isEqualTo("2026-01-05T08:00:00Z");
    }

    @Test
    void badInputFailsNamingTheField() {
        ObjectNode input = LocalHarness.input(instanceIncident(BACKDOOR, "2026-01-05T09:30:00Z"));
        ((ObjectNode) input.path("incident").path("resource")).remove("id");

        assertThatThrownBy(() -> handler(Map.of()).handle(input))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'incident.resource.id'");
    }

    @Test
    void unknownTriageModeFailsNamingTheField() {
        ObjectNode input = LocalHarness.input(instanceIncident(BACKDOOR, "2026-01-05T09:30:00Z"));
        input.putObject("triage").put("mode", "sometimes");

        assertThatThrownBy(() -> handler(Map.of()).handle(input))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'triage.mode'");
    }

    @Test
    void unknownApprovalModeFailsWhenTheHandlerIsCreated() {
        assertThatThrownBy(() -> handler(Map.of("APPROVAL_MODE", "whenever")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("APPROVAL_MODE is 'whenever'");
    }

    private Incident instanceIncident(String sample, String lastSeen) {
        return LocalHarness.triage(finding(sample, victim.instanceId(), 1, lastSeen), false);
    }

    private Incident keyIncident() {
        return LocalHarness.triage(new SampleEvents(TestSupport.repositoryRoot())
                .load(LocalHarness.MALICIOUS_IP, victim.placeholders()), false);
    }

    private static Map<String, Object> event(String name, String time, String ip) {
        JsonNode raw = Json.parse("{\"sourceIPAddress\": \"" + ip + "\"}", "event");
        return Map.of("eventId", UUID.randomUUID().toString(), "eventName", name,
                "eventTime", time, "cloudTrailEvent", raw);
    }

    private Map<String, String> triageEnv() {
        return Map.of("STATE_MACHINE_ARN", probe, "INCIDENT_TABLE", table, "DRY_RUN", "false");
    }

    private void deliver(ObjectNode... events) {
        deliver(new TriageHandler(aws.sfn, aws.dynamoDb, aws.envFor(triageEnv()), CLOCK),
                events);
    }

    private static void deliver(TriageHandler triage, ObjectNode... events) {
        for (ObjectNode event : events) {
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId(UUID.randomUUID().toString());
            message.setBody(Json.write(event));
            SQSEvent batch = new SQSEvent();
            batch.setRecords(List.of(message));
            SQSBatchResponse response = triage.handleRequest(batch,
                    LocalContext.start("TriageFunction", 60));
            assertThat(response.getBatchItemFailures()).isEmpty();
        }
    }

    private static ObjectNode finding(String sample, String instanceId, int count,
            String lastSeen) {
        ObjectNode event = new SampleEvents(TestSupport.repositoryRoot()).load(sample,
                Map.of(PLACEHOLDER, instanceId));
        ObjectNode detail = (ObjectNode) event.path("detail");
        detail.put("id", Hashes.sha256Hex(instanceId + sample + lastSeen).substring(0, 32));
        ((ObjectNode) detail.path("service")).put("count", count)
                .put("eventFirstSeen", lastSeen.substring(0, 10) + "T09:00:00.000Z")
                .put("eventLastSeen", lastSeen);
        detail.put("updatedAt", lastSeen);
        return event;
    }

    private static Incident withId(Incident incident, String incidentId) {
        return new Incident(incidentId, incident.playbook(), incident.severityBand(),
                incident.drill(), incident.dryRun(), incident.resource(), incident.finding(),
                incident.triagedAt());
    }

    private static String newInstanceId() {
        return "i-" + Hashes.sha256Hex(UUID.randomUUID().toString()).substring(0, 17);
    }
}
