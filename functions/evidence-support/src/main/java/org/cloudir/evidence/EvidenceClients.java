package org.cloudir.evidence;

import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.evidence.ActivityLookup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/** Holds the SDK clients the evidence and report functions share. */
public record EvidenceClients(S3Client s3, SnsClient sns, Ec2Client ec2, IamClient iam) {

    /** Builds the real clients; S3 uses path-style addressing only against the emulator. */
    public static EvidenceClients create(Env env) {
        boolean local = env.get(AwsClients.ENDPOINT_VARIABLE).isPresent();
        return new EvidenceClients(
                AwsClients.configure(S3Client.builder(), env).forcePathStyle(local).build(),
                AwsClients.configure(SnsClient.builder(), env).build(),
                AwsClients.configure(Ec2Client.builder(), env).build(),
                AwsClients.configure(IamClient.builder(), env).region(Region.AWS_GLOBAL).build());
    }

    /**
     * Chooses CloudTrail in AWS; the local emulator has no LookupEvents, so there the lookup
     * finds nothing and says why.
     */
    public static ActivityLookup activityLookup(Env env) {
        return ActivityLookups.fromEnv(env);
    }

    /** Returns an S3 client configured as {@link #create} configures it. */
    public static S3Client s3(Env env) {
        boolean local = env.get(AwsClients.ENDPOINT_VARIABLE).isPresent();
        return AwsClients.configure(S3Client.builder(), env).forcePathStyle(local).build();
    }
}
