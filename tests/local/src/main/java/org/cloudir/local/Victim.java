package org.cloudir.local;

import java.util.List;
import java.util.Map;

/**
 * Names the resources the drill seeds in the emulator for findings to be about.
 *
 * @param placeholders the sample events' placeholder ids mapped to these resources' real ids
 */
public record Victim(String vpcId, String subnetId, String groupId, String instanceId,
        List<String> volumeIds, String userName, String accessKeyId,
        Map<String, String> placeholders) {
}
