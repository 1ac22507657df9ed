package org.cloudir.posture.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.cloudir.core.TransientAwsException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullResponse;

/**
 * Asserts the exact requests the GuardDuty and Security Hub adapter sends (method, path, body,
 * SigV4 scope) through a recording HTTP client: the emulator answers them, but checks no
 * signature, so only these assertions show what AWS would receive.
 */
class SignedDetectionServicesRequestsTest {
    private final Recorder http = new Recorder();
    private final SignedDetectionServices services = new SignedDetectionServices(
            client("guardduty"), client("securityhub"));

    @Test
    void createsAnEnabledDetectorTaggedWithTheIncidentSignedForGuardDuty() {
        http.answer(200, "{\"detectorId\": \"abc123\"}");

        String id = services.createDetector("ir-1");

        Sent sent = http.sent.get(0);
        assertThat(id).isEqualTo("abc123");
        assertThat(sent.method() + " " + sent.path()).isEqualTo("POST /detector");
        assertThat(sent.body())
                .isEqualTo("{\"enable\":true,\"tags\":{\"ir:incident-id\":\"ir-1\"}}");
        assertThat(sent.authorization()).contains("/eu-west-1/guardduty/aws4_request")
                .contains("SignedHeaders=").contains("x-amz-date");
    }

    @Test
    void listsDetectorsPageByPage() {
        http.answer(200, "{\"detectorIds\": [\"a\"], \"nextToken\": \"t2\"}");
        http.answer(200, "{\"detectorIds\": [\"b\"]}");

        List<String> ids = services.detectorIds();

        assertThat(ids).containsExactly("a", "b");
        assertThat(http.sent).extracting(Sent::path).containsExactly("/detector",
                "/detector?nextToken=t2");
    }

    @Test
    void enablesSecurityHubWithoutDefaultStandardsSignedForSecurityHub() {
        http.answer(200, "{}");

        services.enableHub("ir-2");

        Sent sent = http.sent.get(0);
        assertThat(sent.method() + " " + sent.path()).isEqualTo("POST /accounts");
        assertThat(sent.body()).isEqualTo("{\"EnableDefaultStandards\":false,"
                + "\"Tags\":{\"ir:incident-id\":\"ir-2\"}}");
        assertThat(sent.authorization()).contains("/eu-west-1/securityhub/aws4_request");
    }

    @Test
    void readsAnUnsubscribedAccountAsNoHub() {
        http.answer(401, "{\"__type\": \"InvalidAccessException\", \"Message\": \"no\"}");

        assertThat(services.hubArn()).isEmpty();
        assertThat(http.sent.get(0).method() + " " + http.sent.get(0).path())
                .isEqualTo("GET /accounts");
    }

    @Test
    void throttlingBecomesTransient() {
        http.answer(429, "{\"__type\": \"TooManyRequestsException\"}");

        assertThatThrownBy(services::detectorIds).isInstanceOf(TransientAwsException.class)
                .hasMessageContaining("ListDetectors");
    }

    private SignedJsonClient client(String service) {
        return new SignedJsonClient(service, "eu-west-1",
                URI.create("https://" + service + ".eu-west-1.amazonaws.com"),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE",
                        "secret")), http);
    }

    /** One request as sent. */
    record Sent(String method, String path, String body, String authorization) {
    }

    /** Records each request and answers with the next canned response. */
    private static final class Recorder implements SdkHttpClient {
        private final List<Sent> sent = new ArrayList<>();
        private final Deque<SdkHttpFullResponse> answers = new ArrayDeque<>();
        private final Deque<String> bodies = new ArrayDeque<>();

        void answer(int status, String body) {
            answers.add(SdkHttpFullResponse.builder().statusCode(status).build());
            bodies.add(body);
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            String body = request.contentStreamProvider().map(provider -> {
                try {
                    return new String(provider.newStream().readAllBytes(),
                            StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).orElse("");
            String query = request.httpRequest().encodedQueryParameters().map(q -> "?" + q)
                    .orElse("");
            sent.add(new Sent(request.httpRequest().method().name(),
                    request.httpRequest().encodedPath() + query, body,
                    request.httpRequest().firstMatchingHeader("Authorization").orElse("")));
            SdkHttpFullResponse response = answers.remove();
            String answer = bodies.remove();
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    return HttpExecuteResponse.builder().response(response)
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(
                                    answer.getBytes(StandardCharsets.UTF_8))))
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
