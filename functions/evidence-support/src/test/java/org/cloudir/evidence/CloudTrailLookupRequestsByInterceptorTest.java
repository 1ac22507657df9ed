package org.cloudir.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.cloudir.core.Json;
import org.cloudir.core.evidence.ActivityQuery;
import org.cloudir.core.evidence.ActivityTrail;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;

/**
 * The emulator has no CloudTrail LookupEvents, so the AWS adapter is checked here by the exact
 * requests the SDK sends, captured with an execution interceptor; canned responses stand in
 * for CloudTrail and nothing leaves the JVM.
 */
class CloudTrailLookupRequestsByInterceptorTest {
    private static final Instant FROM = Instant.parse("2026-12-01T09:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-01T11:00:00Z");

    private final List<JsonNode> bodies = new ArrayList<>();
    private final List<String> targets = new ArrayList<>();

    @Test
    void interceptorSeesOneLookupPerAttributeWithTheWindowAndFollowsPages() {
        CloudTrailActivityLookup lookup = new CloudTrailActivityLookup(client(
                page("e1", "ListBuckets", "t2"), page("e2", "GetObject", null),
                page("e2", "GetObject", null)));

        lookup.lookUp(new ActivityQuery(Optional.of("drill-user"),
                Optional.of("AKIAIOSFODNN7EXAMPLE"), FROM, TO));

        assertThat(targets).containsOnly(
                "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents").hasSize(3);
        assertThat(bodies.get(0).path("LookupAttributes").toString()).isEqualTo(
                "[{\"AttributeKey\":\"Username\",\"AttributeValue\":\"drill-user\"}]");
        assertThat(bodies.get(0).path("StartTime").asDouble())
                .isEqualTo(FROM.getEpochSecond());
        assertThat(bodies.get(0).path("EndTime").asDouble()).isEqualTo(TO.getEpochSecond());
        assertThat(bodies.get(0).path("MaxResults").asInt()).isEqualTo(50);
        assertThat(bodies.get(0).has("NextToken")).isFalse();
        assertThat(bodies.get(1).path("NextToken").asText()).isEqualTo("t2");
        assertThat(bodies.get(2).path("LookupAttributes").toString()).isEqualTo("[{"
                + "\"AttributeKey\":\"ResourceName\","
                + "\"AttributeValue\":\"AKIAIOSFODNN7EXAMPLE\"}]");
    }

    @Test
    void eventsFoundByBothAttributesAreKeptOnceWithTheirRawRecord() {
        CloudTrailActivityLookup lookup = new CloudTrailActivityLookup(client(
                page("e1", "ListBuckets", null), page("e1", "ListBuckets", null)));

        ActivityTrail trail = lookup.lookUp(new ActivityQuery(Optional.of("drill-user"),
                Optional.of("i-0123456789abcdef0"), FROM, TO));

        assertThat(trail.available()).isTrue();
        assertThat(trail.source()).isEqualTo("cloudtrail:LookupEvents");
        assertThat(trail.events()).singleElement().satisfies(event -> {
            assertThat(event).containsEntry("eventName", "ListBuckets");
            assertThat(Json.write(event.get("cloudTrailEvent"))).contains("\"eventVersion\"");
        });
    }

    @Test
    void interceptorSeesNoRequestWhenTheQueryNamesNothing() {
        CloudTrailActivityLookup lookup = new CloudTrailActivityLookup(client());

        ActivityTrail trail = lookup.lookUp(new ActivityQuery(Optional.empty(),
                Optional.empty(), FROM, TO));

        assertThat(targets).isEmpty();
        assertThat(trail.events()).isEmpty();
    }

    @Test
    void localLookupFindsNothingAndSaysWhy() {
        ActivityTrail trail = new UnavailableActivityLookup("no LookupEvents here").lookUp(
                new ActivityQuery(Optional.of("u"), Optional.empty(), FROM, TO));

        assertThat(trail.available()).isFalse();
        assertThat(trail.note()).isEqualTo("no LookupEvents here");
        assertThat(trail.events()).isEmpty();
    }

    private static String page(String eventId, String eventName, String nextToken) {
        String raw = "{\\\"eventVersion\\\":\\\"1.08\\\",\\\"eventName\\\":\\\"" + eventName
                + "\\\"}";
        return "{\"Events\":[{\"EventId\":\"" + eventId + "\",\"EventName\":\"" + eventName
                + "\",\"EventSource\":\"s3.amazonaws.com\",\"EventTime\":1764583200,"
                + "\"Username\":\"drill-user\",\"Resources\":[],\"CloudTrailEvent\":\"" + raw
                + "\"}]" + (nextToken == null ? "" : ",\"NextToken\":\"" + nextToken + "\"")
                + "}";
    }

    private CloudTrailClient client(String... responses) {
        Deque<String> answers = new ArrayDeque<>(List.of(responses));
        return CloudTrailClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("testing", "testing")))
                .httpClient(new CannedHttpClient(answers))
                .overrideConfiguration(config -> config.addExecutionInterceptor(
                        new ExecutionInterceptor() {
                            @Override
                            public void beforeTransmission(Context.BeforeTransmission context,
                                    ExecutionAttributes attributes) {
                                SdkHttpFullRequest request =
                                        (SdkHttpFullRequest) context.httpRequest();
                                targets.add(request.firstMatchingHeader("X-Amz-Target")
                                        .orElse(""));
                                bodies.add(Json.parse(body(context), "request body"));
                            }
                        }))
                .build();
    }

    private static String body(Context.BeforeTransmission context) {
        try {
            return new String(context.requestBody().orElseThrow().contentStreamProvider()
                    .newStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers each request with the next canned CloudTrail response; never opens a socket. */
    private record CannedHttpClient(Deque<String> answers) implements SdkHttpClient {
        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            String answer = answers.isEmpty() ? "{\"Events\":[]}" : answers.poll();
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpResponse.builder().statusCode(200)
                                    .putHeader("Content-Type", "application/x-amz-json-1.1")
                                    .putHeader("Content-Length", String.valueOf(bytes.length))
                                    .build())
                            .responseBody(AbortableInputStream.create(
                                    new ByteArrayInputStream(bytes)))
                            .build();
                }

                @Override
                public void abort() {
                }
            };
        }

        @Override
        public void close() {
        }
    }
}
