package org.cloudir.local;

import java.util.HashMap;
import java.util.Map;
import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Holds SDK clients aimed at the emulator on 127.0.0.1, with dummy credentials. The emulator's
 * Step Functions engine calls its own server back in the default account, so everything local
 * lives in account 123456789012 and region us-east-1.
 */
public final class LocalAws implements AutoCloseable {
    public static final String ACCOUNT_ID = "123456789012";
    public static final String REGION = "us-east-1";
    public static final String STACK_NAME = "cloud-incident-responder";

    private final String endpoint;
    private final Env env;
    public final SqsClient sqs;
    public final SfnClient sfn;
    public final Ec2Client ec2;
    public final IamClient iam;
    public final DynamoDbClient dynamoDb;
    public final EventBridgeClient events;
    public final S3Client s3;
    public final SnsClient sns;

    public LocalAws(String endpoint) {
        if (!endpoint.startsWith("http://127.0.0.1:")
                && !endpoint.startsWith("http://localhost:")) {
            throw new IllegalArgumentException("local mode only talks to an emulator on"
                    + " 127.0.0.1 or localhost; got " + endpoint);
        }
        this.endpoint = endpoint;
        this.env = envFor(Map.of());
        this.sqs = AwsClients.configure(SqsClient.builder(), env).build();
        this.sfn = AwsClients.configure(SfnClient.builder(), env).build();
        this.ec2 = AwsClients.configure(Ec2Client.builder(), env).build();
        this.iam = AwsClients.configure(IamClient.builder(), env).region(Region.AWS_GLOBAL)
                .build();
        this.dynamoDb = AwsClients.configure(DynamoDbClient.builder(), env).build();
        this.events = AwsClients.configure(EventBridgeClient.builder(), env).build();
        this.s3 = AwsClients.configure(S3Client.builder(), env).forcePathStyle(true).build();
        this.sns = AwsClients.configure(SnsClient.builder(), env).build();
    }

    public String endpoint() {
        return endpoint;
    }

    /** Returns a function's environment: its template variables plus the local overrides. */
    public Env envFor(Map<String, String> functionVariables) {
        Map<String, String> variables = new HashMap<>(functionVariables);
        variables.put(AwsClients.ENDPOINT_VARIABLE, endpoint);
        variables.put("AWS_REGION", REGION);
        return new Env(variables);
    }

    @Override
    public void close() {
        sqs.close();
        sfn.close();
        ec2.close();
        iam.close();
        dynamoDb.close();
        events.close();
        s3.close();
        sns.close();
    }
}
