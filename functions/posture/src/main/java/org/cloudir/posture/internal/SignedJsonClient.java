package org.cloudir.posture.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.Json;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * Sends signed REST-JSON requests to one AWS service with the SDK's SigV4 signer and its
 * URLConnection HTTP client, for services whose SDK module this project cannot use. Errors
 * come back as {@link AwsServiceException} with AWS's error code, so {@code AwsErrors}
 * classifies them as for any SDK client (throttling and 5xx are transient).
 */
public final class SignedJsonClient {
    private static final Pattern XML_CODE = Pattern.compile("<Code>([^<]+)</Code>");

    private final String signingName;
    private final String region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    public SignedJsonClient(String signingName, String region, URI endpoint,
            AwsCredentialsProvider credentials, SdkHttpClient http) {
        this.signingName = signingName;
        this.region = region;
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.http = http;
    }

    /**
     * Returns a client for the service as {@link AwsClients} configures SDK clients: the
     * emulator with dummy credentials in local mode, else the regional endpoint.
     */
    public static SignedJsonClient forService(String signingName, Env env) {
        String region = env.get("AWS_REGION").or(() -> env.get("AWS_DEFAULT_REGION"))
                .orElseThrow(() -> new IllegalStateException("AWS_REGION is not set; Lambda"
                        + " sets it, locally scripts/env.sh does"));
        Supplier<AwsCredentialsProvider> cloud = () -> env.get("AWS_LAMBDA_FUNCTION_NAME")
                .isPresent() ? EnvironmentVariableCredentialsProvider.create()
                : DefaultCredentialsProvider.builder().build();
        URI endpoint = env.get(AwsClients.ENDPOINT_VARIABLE).map(URI::create)
                .orElse(URI.create("https://" + signingName + "." + region + ".amazonaws.com"));
        AwsCredentialsProvider credentials = env.get(AwsClients.ENDPOINT_VARIABLE).isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create("testing",
                        "testing"))
                : cloud.get();
        return new SignedJsonClient(signingName, region, endpoint, credentials,
                UrlConnectionHttpClient.builder().build());
    }

    /**
     * Returns the call, to run inside {@code AwsErrors.call}: its result is the response body,
     * or an empty object for an empty body.
     *
     * @param body the JSON request body, or null for none
     */
    public Supplier<JsonNode> call(String method, String path, Map<String, String> query,
            JsonNode body) {
        return () -> send(method, path, query, body);
    }

    private JsonNode send(String method, String path, Map<String, String> query,
            JsonNode body) {
        byte[] payload = body == null ? new byte[0]
                : Json.write(body).getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .uri(endpoint)
                .encodedPath(path)
                .method(SdkHttpMethod.fromValue(method))
                .putHeader("Accept", "application/json");
        query.forEach(request::putRawQueryParameter);
        if (body != null) {
            request.putHeader("Content-Type", "application/json")
                    .putHeader("Content-Length", String.valueOf(payload.length));
        }
        SignedRequest signed = signer.sign(sign -> sign
                .identity(credentials.resolveCredentials())
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(body == null ? null : signed.payload().orElse(null))
                    .build()).call();
            String text = read(response);
            int status = response.httpResponse().statusCode();
            if (status >= 300) {
                throw failure(status, errorCode(response, text), text);
            }
            return text.isBlank() ? Json.mapper().createObjectNode() : Json.parse(text,
                    signingName + " response");
        } catch (IOException e) {
            throw SdkClientException.create(signingName + " " + method + " " + path
                    + " failed: " + e.getMessage(), e);
        }
    }

    private static String read(HttpExecuteResponse response) throws IOException {
        if (response.responseBody().isEmpty()) {
            return "";
        }
        try (InputStream in = response.responseBody().get()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Reads the code from x-amzn-ErrorType, a JSON {@code __type} or code, or an XML Code. */
    private static String errorCode(HttpExecuteResponse response, String text) {
        String header = response.httpResponse().firstMatchingHeader("x-amzn-ErrorType")
                .orElse("");
        if (!header.isBlank()) {
            return header.split(":", 2)[0];
        }
        try {
            JsonNode json = Json.mapper().readTree(text);
            if (json != null) {
                for (String field : new String[] {"__type", "code", "Code"}) {
                    String code = json.path(field).asText("");
                    if (!code.isBlank()) {
                        return code.substring(code.lastIndexOf('#') + 1);
                    }
                }
            }
        } catch (IOException notJson) {
            Matcher xml = XML_CODE.matcher(text);
            if (xml.find()) {
                return xml.group(1);
            }
        }
        return "";
    }

    private AwsServiceException failure(int status, String code, String text) {
        String message = text.length() <= 300 ? text : text.substring(0, 300) + "...";
        return AwsServiceException.builder()
                .statusCode(status)
                .message(signingName + " answered " + status + " " + code + ": " + message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code)
                        .errorMessage(message).serviceName(signingName).build())
                .build();
    }
}
