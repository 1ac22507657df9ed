package org.cloudir.prepare.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.cloudir.core.Json;
import org.cloudir.core.TransientAwsException;
import org.cloudir.core.readiness.ThreatDetectors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * Lists the region's GuardDuty detectors with ListDetectors ({@code GET /detector}, every page)
 * and reads each with GetDetector ({@code GET /detector/<id>}). The SDK's GuardDuty module
 * could not be obtained for this build, so the two REST calls are signed with the SDK's SigV4
 * signer and sent through the SDK's HTTP client; the requests are what GuardDutyClient sends.
 */
public final class GuardDutyDetectors implements ThreatDetectors {
    static final String SIGNING_NAME = "guardduty";
    private static final int PAGE_SIZE = 50;

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final URI endpoint;
    private final String region;

    /**
     * Creates the adapter.
     *
     * @param endpoint {@code https://guardduty.<region>.amazonaws.com}, or the emulator's URL
     */
    public GuardDutyDetectors(SdkHttpClient http, AwsCredentialsProvider credentials,
            URI endpoint, String region) {
        this.http = http;
        this.credentials = credentials;
        this.endpoint = endpoint;
        this.region = region;
    }

    @Override
    public List<Detector> detectors() {
        List<String> ids = new ArrayList<>();
        String token = null;
        do {
            SdkHttpFullRequest.Builder request = get("/detector")
                    .putRawQueryParameter("maxResults", Integer.toString(PAGE_SIZE));
            if (token != null) {
                request.putRawQueryParameter("nextToken", token);
            }
            JsonNode page = call("ListDetectors", request.build());
            page.path("detectorIds").forEach(id -> ids.add(id.asText()));
            token = page.path("nextToken").asText("");
        } while (!token.isBlank());
        List<Detector> detectors = new ArrayList<>();
        for (String id : ids) {
            JsonNode detector = call("GetDetector " + id, get("/detector/" + id).build());
            detectors.add(new Detector(id, detector.path("status").asText("UNKNOWN")));
        }
        return detectors;
    }

    private SdkHttpFullRequest.Builder get(String path) {
        String base = endpoint.getPath() == null ? "" : endpoint.getPath().replaceAll("/$", "");
        return SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.GET)
                .protocol(endpoint.getScheme())
                .host(endpoint.getHost())
                .port(endpoint.getPort())
                .encodedPath(base + path)
                .putHeader("Accept", "application/json");
    }

    private JsonNode call(String operation, SdkHttpFullRequest request) {
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(sign -> sign
                        .identity(credentials.resolveCredentials())
                        .request(request)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SIGNING_NAME)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region))
                .request();
        HttpExecuteResponse response;
        String body;
        try {
            response = http.prepareRequest(HttpExecuteRequest.builder().request(signed).build())
                    .call();
            body = response.responseBody().map(GuardDutyDetectors::read).orElse("");
        } catch (IOException e) {
            throw new TransientAwsException("GuardDuty " + operation + " could not be sent: "
                    + e.getMessage(), e);
        }
        int status = response.httpResponse().statusCode();
        if (status == 429 || status >= 500) {
            throw new TransientAwsException("GuardDuty " + operation + " answered " + status
                    + ": " + body);
        }
        if (status >= 300) {
            throw new IllegalStateException("GuardDuty " + operation + " answered " + status
                    + ": " + body);
        }
        return body.isBlank() ? Json.mapper().createObjectNode()
                : Json.parse(body, "GuardDuty " + operation + " response");
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
