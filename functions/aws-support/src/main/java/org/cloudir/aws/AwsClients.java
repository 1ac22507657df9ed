package org.cloudir.aws;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Configures SDK clients the same way for every handler: the JDK's URLConnection HTTP client
 * (the lightest the SDK offers), the standard retry mode (exponential backoff with jitter on
 * throttling and 5xx), and, in local mode only, the emulator's endpoint with dummy credentials.
 */
public final class AwsClients {
    /** Set only in local mode: the emulator's base URL on 127.0.0.1. */
    public static final String ENDPOINT_VARIABLE = "IR_ENDPOINT_URL";

    private AwsClients() {
    }

    /** Applies the shared configuration to a client builder; the caller calls build(). */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> B configure(
            B builder, Env env) {
        return configure(builder, env, List.of());
    }

    /**
     * Applies the shared configuration plus execution interceptors; tests use them to record
     * the exact requests a handler sends or to inject faults the emulator cannot produce.
     */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> B configure(
            B builder, Env env, List<ExecutionInterceptor> interceptors) {
        builder.httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(20)))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        // Standard mode: up to 3 attempts, exponential backoff with full jitter
                        // on throttling (RequestLimitExceeded, Throttling) and 5xx responses.
                        .retryStrategy(RetryMode.STANDARD)
                        .apiCallTimeout(Duration.ofSeconds(40))
                        .executionInterceptors(List.copyOf(interceptors))
                        .build())
                .region(region(env));
        env.get(ENDPOINT_VARIABLE).ifPresentOrElse(
                endpoint -> builder.endpointOverride(URI.create(endpoint))
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("testing", "testing"))),
                () -> builder.credentialsProvider(env.get("AWS_LAMBDA_FUNCTION_NAME").isPresent()
                        // Lambda puts the role's credentials in the environment; reading them
                        // directly skips the default chain's slower probes at cold start.
                        ? EnvironmentVariableCredentialsProvider.create()
                        : DefaultCredentialsProvider.builder().build()));
        return builder;
    }

    private static Region region(Env env) {
        return Region.of(env.get("AWS_REGION")
                .or(() -> env.get("AWS_DEFAULT_REGION"))
                .orElseThrow(() -> new IllegalStateException(
                        "AWS_REGION is not set; Lambda sets it, locally scripts/env.sh does")));
    }
}
