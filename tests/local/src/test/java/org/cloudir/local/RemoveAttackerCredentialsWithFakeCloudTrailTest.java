package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import org.cloudir.core.evidence.ActivityLookup;
import org.cloudir.core.evidence.ActivityQuery;
import org.cloudir.core.evidence.ActivityTrail;
import org.cloudir.core.model.ActionResult;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Outcome;
import org.cloudir.eradicate.RemoveAttackerCredentialsHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * Removes what a compromised user created, with real users, keys and passwords in the
 * emulator but a FAKE CloudTrail (the emulator has no LookupEvents): the fake returns
 * CloudTrail records, shaped as AWS writes them, of calls that really created those resources.
 */
class RemoveAttackerCredentialsWithFakeCloudTrailTest {
    private static LocalHarness harness;
    private static EmulatorState state;
    private static Env env;
    private static IamClient iam;

    @BeforeAll
    static void connect() {
        harness = LocalHarness.get();
        state = new EmulatorState(harness.aws);
        env = harness.aws.envFor(Map.of());
        iam = AwsClients.configure(IamClient.builder(), env).region(Region.AWS_GLOBAL).build();
    }

    /** Answers every query with the records given, and remembers the queries. */
    static final class FakeCloudTrail implements ActivityLookup {
        final List<ActivityQuery> queries = new ArrayList<>();
        private final List<Map<String, Object>> events;

        FakeCloudTrail(List<Map<String, Object>> events) {
            this.events = List.copyOf(events);
        }

        @Override
        public ActivityTrail lookUp(ActivityQuery query) {
            queries.add(query);
            return new ActivityTrail("fake-cloudtrail", true, "test records", events);
        }
    }

    static RemoveAttackerCredentialsHandler handler(ActivityLookup lookup) {
        return new RemoveAttackerCredentialsHandler(iam, lookup, env, Clock.systemUTC());
    }

    static Incident incident(Victim victim, boolean dryRun) {
        return LocalHarness.triage(harness.event(LocalHarness.MALICIOUS_IP, victim), dryRun);
    }

    /** Returns one looked-up event as CloudTrailActivityLookup gives it. */
    static Map<String, Object> event(String caller, String eventName, String targetUser,
            JsonNode response) {
        ObjectNode record = Json.mapper().createObjectNode();
        String eventId = UUID.randomUUID().toString();
        record.put("eventVersion", "1.09");
        record.putObject("userIdentity").put("type", "IAMUser")
                .put("arn", "arn:aws:iam::" + LocalAws.ACCOUNT_ID + ":user/" + caller)
                .put("userName", caller);
        record.put("eventTime", Instant.now().toString().replaceFirst("\\.\\d+Z$", "Z"));
        record.put("eventSource", "iam.amazonaws.com");
        record.put("eventName", eventName);
        record.putObject("requestParameters").put("userName", targetUser);
        record.set("responseElements", response);
        record.put("eventID", eventId);
        record.put("readOnly", false);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", eventId);
        event.put("eventName", eventName);
        event.put("eventSource", "iam.amazonaws.com");
        event.put("username", caller);
        event.put("cloudTrailEvent", record);
        return event;
    }

    static Map<String, Object> createUser(String caller, String userName) {
        iam.createUser(request -> request.userName(userName));
        return event(caller, "CreateUser", userName, Json.mapper().createObjectNode()
                .set("user", Json.mapper().createObjectNode().put("userName", userName)
                        .put("path", "/")));
    }

    static String createKey(String userName, List<Map<String, Object>> events, String caller) {
        String keyId = iam.createAccessKey(request -> request.userName(userName)).accessKey()
                .accessKeyId();
        events.add(event(caller, "CreateAccessKey", userName, Json.mapper().createObjectNode()
                .set("accessKey", Json.mapper().createObjectNode().put("userName", userName)
                        .put("accessKeyId", keyId).put("status", "Active"))));
        return keyId;
    }

    static Map<String, Object> createLoginProfile(String caller, String userName) {
        iam.createLoginProfile(request -> request.userName(userName)
                .password("It-" + UUID.randomUUID()));
        return event(caller, "CreateLoginProfile", userName, Json.mapper().createObjectNode()
                .set("loginProfile", Json.mapper().createObjectNode().put("userName", userName)
                        .put("passwordResetRequired", false)));
    }

    static boolean hasLoginProfile(String userName) {
        try {
            iam.getLoginProfile(request -> request.userName(userName));
            return true;
        } catch (NoSuchEntityException e) {
            return false;
        }
    }

    /** A compromised user that made a key, a password and a backdoor user; removed twice. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AttackerMadeAKeyAPasswordAndAUser {
        private Victim victim;
        private Incident incident;
        private String attackerKey;
        private String colleague;
        private String backdoor;
        private String otherPrincipalsUser;
        private String otherPrincipalsKey;
        private String protectedUser;
        private String protectedKey;
        private FakeCloudTrail cloudTrail;
        private ActionResult first;
        private ActionResult second;

        @BeforeAll
        void seedThenRemoveTwice() {
            victim = harness.newVictim();
            String suffix = LocalHarness.shortRandom();
            String attacker = victim.userName();
            List<Map<String, Object>> events = new ArrayList<>();
            attackerKey = createKey(attacker, events, attacker);
            colleague = "it-colleague-" + suffix;
            iam.createUser(request -> request.userName(colleague));
            events.add(createLoginProfile(attacker, colleague));
            backdoor = "it-backdoor-" + suffix;
            events.add(createUser(attacker, backdoor));
            createKey(backdoor, events, attacker);
            events.add(createLoginProfile(attacker, backdoor));
            otherPrincipalsUser = "it-admin-made-" + suffix;
            iam.createUser(request -> request.userName(otherPrincipalsUser));
            otherPrincipalsKey = createKey(otherPrincipalsUser, events, "it-admin");
            protectedUser = "it-protected-" + suffix;
            iam.createUser(request -> request.userName(protectedUser)
                    .tags(tag -> tag.key("ir:protected").value("true")));
            protectedKey = createKey(protectedUser, events, attacker);
            cloudTrail = new FakeCloudTrail(events);
            incident = incident(victim, false);

            first = handler(cloudTrail).handle(LocalHarness.input(incident));
            second = handler(cloudTrail).handle(LocalHarness.input(incident));
        }

        @Test
        void asksForTheCompromisedUsersCallsSinceTheFindingMinusTheMargin() {
            ActivityQuery query = cloudTrail.queries.get(0);

            assertThat(query.principal()).contains(victim.userName());
            assertThat(query.resourceName()).isEmpty();
            assertThat(query.from()).isEqualTo(incident.finding().firstSeen()
                    .minus(Duration.ofMinutes(60)));
        }

        @Test
        void deletesTheKeyTheAttackerMadeAndKeepsTheCompromisedOne() {
            assertThat(state.keyStatuses(victim.userName()))
                    .doesNotContainKey(attackerKey)
                    .containsKey(victim.accessKeyId());
        }

        @Test
        void deletesThePasswordTheAttackerGaveAColleague() {
            assertThat(hasLoginProfile(colleague)).isFalse();
            assertThat(iam.getUser(request -> request.userName(colleague)).user()).isNotNull();
        }

        @Test
        void quarantinesTheBackdoorUserAndTakesItsKeysAndPassword() {
            String policyName = "ir-quarantine-" + incident.incidentId();
            String document = iam.getUserPolicy(request -> request.userName(backdoor)
                    .policyName(policyName)).policyDocument();
            JsonNode statement = Json.parse(URLDecoder.decode(document,
                    StandardCharsets.UTF_8), policyName).path("Statement").path(0);

            assertThat(statement.path("Effect").asText()).isEqualTo("Deny");
            assertThat(statement.path("Action").asText()).isEqualTo("*");
            assertThat(state.keyStatuses(backdoor)).isEmpty();
            assertThat(hasLoginProfile(backdoor)).isFalse();
        }

        @Test
        void leavesKeysOfOtherPrincipalsAndOfProtectedUsers() {
            assertThat(state.keyStatuses(otherPrincipalsUser)).containsKey(otherPrincipalsKey);
            assertThat(state.keyStatuses(protectedUser)).containsKey(protectedKey);
            assertThat(first.details().get("skipped").toString()).contains(protectedUser);
        }

        @Test
        void repeatFindsEverythingRemovedAndChangesNothing() {
            assertThat(first.outcome()).isEqualTo(Outcome.DONE);
            assertThat(second.outcome()).isEqualTo(Outcome.ALREADY_DONE);
            assertThat(second.details().get("alreadyRemoved").toString())
                    .contains(attackerKey, colleague, backdoor);
            assertThat(state.keyStatuses(protectedUser)).containsKey(protectedKey);
        }
    }

    @Test
    void dryRunRemovesNothing() {
        Victim victim = harness.newVictim();
        List<Map<String, Object>> events = new ArrayList<>();
        String attackerKey = createKey(victim.userName(), events, victim.userName());

        ActionResult result = handler(new FakeCloudTrail(events))
                .handle(LocalHarness.input(incident(victim, true)));

        assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
        assertThat(result.summary()).contains("would delete 1 access keys");
        assertThat(state.keyStatuses(victim.userName())).containsKey(attackerKey);
    }

    @Test
    void withoutCloudTrailRemovesNothingAndSaysSoPlainly() {
        Victim victim = harness.newVictim();
        String extraKey = iam.createAccessKey(request -> request.userName(victim.userName()))
                .accessKey().accessKeyId();

        ActionResult result = new RemoveAttackerCredentialsHandler(env)
                .handle(LocalHarness.input(incident(victim, false)));

        assertThat(result.outcome()).isEqualTo(Outcome.DONE);
        assertThat(result.summary()).startsWith("CloudTrail not searchable here")
                .contains("nothing removed", "review by hand");
        assertThat(result.details()).containsEntry("activityAvailable", false);
        assertThat(state.keyStatuses(victim.userName()))
                .containsKeys(victim.accessKeyId(), extraKey);
    }
}
