package org.cloudir.evidence;

import org.cloudir.aws.AwsClients;
import org.cloudir.aws.Env;
import org.cloudir.core.evidence.ActivityLookup;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;

/**
 * Chooses where API activity is looked up: CloudTrail in AWS; in local mode (the emulator has
 * no LookupEvents) a lookup that finds nothing and says why. It names no S3 or SNS type, so a
 * function that needs only the lookup can leave those SDK modules out of its jar.
 */
public final class ActivityLookups {
    private ActivityLookups() {
    }

    public static ActivityLookup fromEnv(Env env) {
        if (env.get(AwsClients.ENDPOINT_VARIABLE).isPresent()) {
            return new UnavailableActivityLookup("CloudTrail LookupEvents is not available in"
                    + " the local emulator");
        }
        return new CloudTrailActivityLookup(
                AwsClients.configure(CloudTrailClient.builder(), env).build());
    }
}
