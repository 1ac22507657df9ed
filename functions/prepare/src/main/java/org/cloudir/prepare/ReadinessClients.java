package org.cloudir.prepare;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.readiness.PermissionSimulator;
import org.cloudir.core.readiness.ThreatDetectors;
import org.cloudir.prepare.internal.GuardDutyDetectors;
import org.cloudir.prepare.internal.IamPermissionSimulator;
import org.cloudir.prepare.internal.UnavailablePermissionSimulator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/** Holds what the readiness probe reads through: SDK clients and the two probe interfaces. */
public record ReadinessClients(DynamoDbClient dynamoDb, S3Client s3, SnsClient sns,
        Ec2Client ec2, CloudTrailClient cloudTrail, ThreatDetectors detectors,
        PermissionSimulator permissions) {

    /**
     * Builds the real clients. The local emulator answers GuardDuty's detector calls, so they
     * are asked there too; it has no policy simulation, so locally that check says so.
     */
    public static ReadinessClients create(Env env) {
        boolean local = env.get(AwsClients.ENDPOINT_VARIABLE).isPresent();
        PermissionSimulator permissions = local
                ? new UnavailablePermissionSimulator("iam:SimulatePrincipalPolicy is not"
                        + " implemented by the local emulator; run the probe in AWS")
                : new IamPermissionSimulator(AwsClients.configure(IamClient.builder(), env)
                        .region(Region.AWS_GLOBAL).build());
        return new ReadinessClients(
                AwsClients.configure(DynamoDbClient.builder(), env).build(),
                AwsClients.configure(S3Client.builder(), env).forcePathStyle(local).build(),
                AwsClients.configure(SnsClient.builder(), env).build(),
                AwsClients.configure(Ec2Client.builder(), env).build(),
                AwsClients.configure(CloudTrailClient.builder(), env).build(),
                guardDuty(env),
                permissions);
    }

    /** Builds the GuardDuty adapter with the credentials and endpoint AwsClients would use. */
    private static ThreatDetectors guardDuty(Env env) {
        String region = env.get("AWS_REGION").or(() -> env.get("AWS_DEFAULT_REGION"))
                .orElseThrow(() -> new IllegalStateException("AWS_REGION is not set; Lambda"
                        + " sets it, locally scripts/env.sh does"));
        Optional<String> local = env.get(AwsClients.ENDPOINT_VARIABLE);
        AwsCredentialsProvider credentials = local.isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create("testing",
                        "testing"))
                : env.get("AWS_LAMBDA_FUNCTION_NAME").isPresent()
                        ? EnvironmentVariableCredentialsProvider.create()
                        : DefaultCredentialsProvider.builder().build();
        String suffix = Optional.ofNullable(Region.of(region).metadata())
                .map(metadata -> metadata.partition().dnsSuffix()).orElse("amazonaws.com");
        URI endpoint = URI.create(local.orElse("https://guardduty." + region + "." + suffix));
        return new GuardDutyDetectors(UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(3))
                .socketTimeout(Duration.ofSeconds(20))
                .build(), credentials, endpoint, region);
    }
}
