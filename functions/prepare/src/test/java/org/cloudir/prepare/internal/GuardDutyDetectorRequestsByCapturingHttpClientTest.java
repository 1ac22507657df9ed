package org.cloudir.prepare.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.cloudir.core.readiness.ThreatDetectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Checks the GuardDuty adapter by the exact HTTP requests it hands the SDK's HTTP client
 * (captured, answered with canned GuardDuty responses; nothing leaves the JVM).
 */
class GuardDutyDetectorRequestsByCapturingHttpClientTest {

    private static GuardDutyDetectors adapter(CannedHttp http) {
        return new GuardDutyDetectors(http, StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                URI.create("https://guardduty.eu-west-1.amazonaws.com"), "eu-west-1");
    }

    @Test
    void listsEveryPageThenReadsEachDetectorWithSignedGets() {
        CannedHttp http = new CannedHttp("application/json",
                "{\"detectorIds\": [\"d1\"], \"nextToken\": \"t2\"}",
                "{\"detectorIds\": [\"d2\"]}",
                "{\"status\": \"DISABLED\"}",
                "{\"status\": \"ENABLED\"}");

        List<ThreatDetectors.Detector> detectors = adapter(http).detectors();

        List<SdkHttpRequest> sent = http.requests();
        assertThat(sent).extracting(request -> request.method().name() + " "
                + request.encodedPath()).containsExactly("GET /detector", "GET /detector",
                        "GET /detector/d1", "GET /detector/d2");
        assertThat(sent.get(0).host()).isEqualTo("guardduty.eu-west-1.amazonaws.com");
        assertThat(sent.get(0).rawQueryParameters()).containsEntry("maxResults", List.of("50"))
                .doesNotContainKey("nextToken");
        assertThat(sent.get(1).rawQueryParameters()).containsEntry("nextToken", List.of("t2"));
        assertThat(sent).allSatisfy(request -> assertThat(request.firstMatchingHeader(
                "Authorization")).hasValueSatisfying(value -> assertThat(value)
                        .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                        .contains("/eu-west-1/guardduty/aws4_request")));
        assertThat(detectors).containsExactly(new ThreatDetectors.Detector("d1", "DISABLED"),
                new ThreatDetectors.Detector("d2", "ENABLED"));
    }

    @Test
    void noDetectorMeansNoGetDetectorRequest() {
        CannedHttp http = new CannedHttp("application/json", "{\"detectorIds\": []}");

        List<ThreatDetectors.Detector> detectors = adapter(http).detectors();

        assertThat(http.requests()).hasSize(1);
        assertThat(detectors).isEmpty();
    }
}
