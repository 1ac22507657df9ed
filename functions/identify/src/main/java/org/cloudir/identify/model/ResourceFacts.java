package org.cloudir.identify.model;

/** Describes what identification learned about an incident's resource. */
public sealed interface ResourceFacts permits InstanceFacts, AccessKeyFacts, OtherFacts {

    /** Returns "Instance", "AccessKey" or "Other". */
    String type();
}
