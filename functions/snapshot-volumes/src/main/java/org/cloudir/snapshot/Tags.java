package org.cloudir.snapshot;

import java.util.List;
import org.cloudir.core.model.Incident;
import software.amazon.awssdk.services.ec2.model.Tag;

/** Names the tags that mark evidence snapshots; template.yaml's IAM conditions use them too. */
final class Tags {
    static final String MANAGED = "ir:managed";
    static final String INCIDENT = "ir:incident-id";
    static final String INSTANCE = "ir:instance-id";
    static final String FINDING_TYPE = "ir:finding-type";
    static final String DEVICE = "ir:device";

    private Tags() {
    }

    static List<Tag> forSnapshot(Incident incident, String instanceId) {
        return List.of(
                tag(MANAGED, "true"),
                tag(INCIDENT, incident.incidentId()),
                tag(INSTANCE, instanceId),
                tag(FINDING_TYPE, incident.finding().type()));
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }
}
