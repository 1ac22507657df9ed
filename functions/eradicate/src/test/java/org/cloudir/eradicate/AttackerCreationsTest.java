package org.cloudir.eradicate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cloudir.core.Json;
import org.cloudir.eradicate.AttackerCreations.Creation;
import org.cloudir.eradicate.AttackerCreations.Kind;
import org.cloudir.eradicate.AttackerCreations.Principal;
import org.junit.jupiter.api.Test;

class AttackerCreationsTest {
    private static final String ADMIN = "drill-admin";

    /** Returns the CloudTrail record of events/cloudtrail-create-access-key.json, editable. */
    private static ObjectNode createAccessKeyRecord() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("events/cloudtrail-create-access-key.json");
            if (Files.isRegularFile(file)) {
                try {
                    return (ObjectNode) Json.parse(Files.readString(file), file.toString())
                            .path("detail").deepCopy();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("no events/ folder above " + start);
    }

    /** Wraps a record as CloudTrailActivityLookup returns an event: parsed, under a key. */
    private static Map<String, Object> asLookedUp(ObjectNode record) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", record.path("eventID").asText());
        event.put("eventName", record.path("eventName").asText());
        event.put("cloudTrailEvent", record);
        return event;
    }

    private static ObjectNode variant(String eventName, String eventId) {
        ObjectNode record = createAccessKeyRecord();
        record.put("eventName", eventName);
        record.put("eventID", eventId);
        return record;
    }

    @Test
    void picksTheKeyAPrincipalCreatedFromTheSharedSampleEvent() {
        List<Creation> picked = AttackerCreations.select(
                List.of(asLookedUp(createAccessKeyRecord())), Principal.user(ADMIN));

        assertThat(picked).containsExactly(new Creation(Kind.ACCESS_KEY, "drill-user",
                "AKIAI44QH8DHBEXAMPLE", Instant.parse("2025-03-17T09:10:31Z"),
                "8a84453b-1fe9-7f70-961b-d639d7c41869"));
    }

    @Test
    void ignoresCallsMadeByAnotherPrincipal() {
        List<Creation> picked = AttackerCreations.select(
                List.of(asLookedUp(createAccessKeyRecord())), Principal.user("drill-user"));

        assertThat(picked).isEmpty();
    }

    @Test
    void ignoresFailedCalls() {
        ObjectNode failed = createAccessKeyRecord();
        failed.put("errorCode", "AccessDenied");
        failed.remove("responseElements");

        assertThat(AttackerCreations.select(List.of(asLookedUp(failed)),
                Principal.user(ADMIN))).isEmpty();
    }

    @Test
    void ignoresOtherIamCallsAndOtherServices() {
        ObjectNode attach = variant("AttachUserPolicy", "e-attach");
        ObjectNode s3 = createAccessKeyRecord();
        s3.put("eventSource", "s3.amazonaws.com");

        assertThat(AttackerCreations.select(List.of(asLookedUp(attach), asLookedUp(s3)),
                Principal.user(ADMIN))).isEmpty();
    }

    @Test
    void readsLoginProfilesAndUsersAndTheRecordAsText() {
        ObjectNode profile = variant("CreateLoginProfile", "e-profile");
        profile.set("responseElements", Json.parse("{\"loginProfile\": {\"userName\":"
                + " \"drill-user\", \"passwordResetRequired\": false}}", "response"));
        ObjectNode user = variant("CreateUser", "e-user");
        user.put("eventTime", "2025-03-17T09:00:00Z");
        user.set("requestParameters", Json.parse("{\"userName\": \"backdoor\"}", "request"));
        user.set("responseElements", Json.parse("{\"user\": {\"userName\": \"backdoor\","
                + " \"path\": \"/\"}}", "response"));
        Map<String, Object> asText = new LinkedHashMap<>(asLookedUp(user));
        asText.put("cloudTrailEvent", Json.write(user));

        List<Creation> picked = AttackerCreations.select(List.of(asLookedUp(profile), asText),
                Principal.user(ADMIN));

        assertThat(picked).extracting(Creation::kind, Creation::userName)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Kind.USER, "backdoor"),
                        org.assertj.core.groups.Tuple.tuple(Kind.LOGIN_PROFILE, "drill-user"));
    }

    @Test
    void aKeyCreatedWithoutAUserNameBelongsToTheCaller() {
        ObjectNode own = createAccessKeyRecord();
        own.remove("requestParameters");
        ((ObjectNode) own.path("responseElements").path("accessKey")).remove("userName");

        assertThat(AttackerCreations.select(List.of(asLookedUp(own)), Principal.user(ADMIN)))
                .extracting(Creation::userName).containsExactly(ADMIN);
    }

    @Test
    void countsEachEventOnceWhenLookedUpByUserAndByResource() {
        Map<String, Object> event = asLookedUp(createAccessKeyRecord());

        assertThat(AttackerCreations.select(List.of(event, event), Principal.user(ADMIN)))
                .hasSize(1);
    }

    @Test
    void matchesAnInstanceRoleSessionByItsInstanceIdSessionName() {
        ObjectNode fromInstance = createAccessKeyRecord();
        fromInstance.set("userIdentity", Json.parse("{\"type\": \"AssumedRole\", \"arn\":"
                + " \"arn:aws:sts::123456789012:assumed-role/web/i-0123456789abcdef0\"}",
                "identity"));

        assertThat(AttackerCreations.select(List.of(asLookedUp(fromInstance)),
                Principal.instanceRole("i-0123456789abcdef0"))).hasSize(1);
        assertThat(AttackerCreations.select(List.of(asLookedUp(fromInstance)),
                Principal.instanceRole("i-0aaaaaaaaaaaaaaaa"))).isEmpty();
    }

    @Test
    void skipsEventsWithoutTheirCloudTrailRecord() {
        Map<String, Object> bare = new LinkedHashMap<>(asLookedUp(createAccessKeyRecord()));
        bare.remove("cloudTrailEvent");

        assertThat(AttackerCreations.select(List.of(bare), Principal.user(ADMIN))).isEmpty();
    }
}
