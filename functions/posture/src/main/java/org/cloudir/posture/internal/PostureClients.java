package org.cloudir.posture.internal;

import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds the posture handlers' SDK clients with the shared configuration. */
public final class PostureClients {
    private PostureClients() {
    }

    public static S3Client s3(Env env) {
        // The emulator serves every bucket under its one address, so paths name buckets there.
        boolean local = env.get(AwsClients.ENDPOINT_VARIABLE).isPresent();
        return AwsClients.configure(S3Client.builder(), env).forcePathStyle(local).build();
    }

    public static Ec2Client ec2(Env env) {
        return AwsClients.configure(Ec2Client.builder(), env).build();
    }

    public static CloudTrailClient cloudTrail(Env env) {
        return AwsClients.configure(CloudTrailClient.builder(), env).build();
    }

    /** Returns GuardDuty and Security Hub through the responder's signed adapter. */
    public static DetectionServices detection(Env env) {
        return new SignedDetectionServices(SignedJsonClient.forService("guardduty", env),
                SignedJsonClient.forService("securityhub", env));
    }
}
